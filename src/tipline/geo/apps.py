from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "tipline.geo"
    label = "geo"

    def ready(self) -> None:
        # Django's way: an app's page sections are wired once its models are loaded
        from tipline.geo.sections import LOCATION
        from tipline.intake.sections import section_register
        section_register(LOCATION)
