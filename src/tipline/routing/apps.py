from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "tipline.routing"
    label = "routing"

    def ready(self) -> None:
        # Django's way: an app's receivers, page sections and record parts are wired once its
        # models are loaded
        from tipline.intake.dossier import dossier_register
        from tipline.intake.sections import section_register
        from tipline.routing import receivers  # noqa: F401
        from tipline.routing.sections import LINKED, TRANSFER, routing_part
        section_register(LINKED)
        section_register(TRANSFER)
        dossier_register("routing", 20, routing_part)
