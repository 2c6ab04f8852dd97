from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "tipline.media"
    label = "media"

    def ready(self) -> None:
        # Django's way: an app's receivers, page sections and record parts are wired once its
        # models are loaded
        from tipline.intake.dossier import dossier_register
        from tipline.intake.sections import section_register
        from tipline.media import receivers  # noqa: F401
        from tipline.media.sections import MEDIA, matches_part
        section_register(MEDIA)
        dossier_register("matches", 30, matches_part)
