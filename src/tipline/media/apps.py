from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "tipline.media"
    label = "media"

    def ready(self) -> None:
        # Django's way: an app's receivers and page sections are wired once its models
        # are loaded
        from tipline.intake.sections import section_register
        from tipline.media import receivers  # noqa: F401
        from tipline.media.sections import MEDIA
        section_register(MEDIA)
