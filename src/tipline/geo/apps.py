from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "tipline.geo"
    label = "geo"
