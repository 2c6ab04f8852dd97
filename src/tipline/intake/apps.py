from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tipline.intake"
    label = "intake"

    def ready(self) -> None:
        from tipline.intake import receivers  # noqa: F401
