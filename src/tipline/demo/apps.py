from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: the top of the house. It may drive every step; no app imports it."""

    name = "tipline.demo"
    label = "demo"
