from django.apps import AppConfig


class TrawlerConfig(AppConfig):
    name = "tipline.trawler"
    label = "trawler"
    verbose_name = "Trawler"
