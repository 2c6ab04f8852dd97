from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tipline.audit"
    label = "audit"

    def ready(self) -> None:
        from tipline.audit import doctor, receivers  # noqa: F401 - registers a doctor check;

        # records `keys_changed`
        # the daily signed checkpoint of the trail
        from tipline.audit.tasks import CHECKPOINT_EVERY, audit_checkpoint_task
        from tipline.core.tasks import periodic_register

        periodic_register(audit_checkpoint_task, every=CHECKPOINT_EVERY)
