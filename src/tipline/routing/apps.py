from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "tipline.routing"
    label = "routing"

    def ready(self) -> None:
        # Django's way: an app's receivers and page sections are wired once its models
        # are loaded
        from tipline.intake.sections import section_register
        from tipline.routing import receivers  # noqa: F401
        from tipline.routing.sections import LINKED, TRANSFER
        section_register(LINKED)
        section_register(TRANSFER)
