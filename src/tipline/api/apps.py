from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tipline.api"
    label = "api"
    verbose_name = "JSON API for hub tools"
