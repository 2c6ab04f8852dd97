from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "tipline.tips"
    label = "tips"
    verbose_name = "Public tips"
