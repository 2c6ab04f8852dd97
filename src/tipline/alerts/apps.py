from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tipline.alerts"
    label = "alerts"

    def ready(self) -> None:
        # the receivers follow the audit trail and routing; the periodic sweep registers
        from tipline.alerts import receivers, tasks  # noqa: F401
