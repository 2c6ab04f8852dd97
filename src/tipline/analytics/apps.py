from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Charts and the India tile map over the cases, packets and reports a user may see."""

    name = "tipline.analytics"
    label = "analytics"
