from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The first page after login: one section per kind of work the user's grants give."""

    name = "tipline.home"
    label = "home"
