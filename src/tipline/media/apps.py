from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "tipline.media"
    label = "media"

    def ready(self) -> None:
        # Django's way: an app's receivers are wired once its models are loaded
        from tipline.media import receivers  # noqa: F401
