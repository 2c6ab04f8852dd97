from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "tipline.geo"
    label = "geo"

    def ready(self) -> None:
        # Django's way: an app's page sections and record parts are wired once its
        # models are loaded
        from tipline.geo.sections import LOCATION, location_part
        from tipline.intake.dossier import dossier_register
        from tipline.intake.sections import section_register
        section_register(LOCATION)
        dossier_register("location", 10, location_part)
