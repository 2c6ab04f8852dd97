from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "tipline.routing"
    label = "routing"

    def ready(self) -> None:
        # Django's way: an app's receivers are wired once its models are loaded
        from tipline.routing import receivers  # noqa: F401
