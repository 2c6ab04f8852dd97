from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "tipline.dispatch"
    label = "dispatch"
