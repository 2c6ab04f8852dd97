from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "tipline.routing"
    label = "routing"
