from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "tipline.review"
    label = "review"

    def ready(self) -> None:
        # Django's way: an app's page sections are wired once its models are loaded
        from tipline.intake.sections import section_register
        from tipline.review.sections import REVIEW
        section_register(REVIEW)
