from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "tipline.review"
    label = "review"

    def ready(self) -> None:
        # Django's way: an app's page sections and record parts are wired once its
        # models are loaded
        from tipline.intake.dossier import dossier_register
        from tipline.intake.sections import section_register
        from tipline.review.sections import REVIEW, decisions_part
        section_register(REVIEW)
        dossier_register("review", 40, decisions_part)
