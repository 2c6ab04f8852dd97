from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tipline.search"
    label = "search"
    verbose_name = "Search"
