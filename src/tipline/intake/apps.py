from collections.abc import Iterable

from django.apps import AppConfig


def _blobs() -> Iterable[str]:
    from tipline.intake.selectors import blobs_referenced

    return blobs_referenced()


class IntakeConfig(AppConfig):
    name = "tipline.intake"
    label = "intake"

    def ready(self) -> None:
        # how intake follows the foundation, and the blobs it refers to (for the sweep)
        from tipline.core.sweep import blob_refs_register
        from tipline.core.tasks import periodic_register
        from tipline.intake import receivers  # noqa: F401
        from tipline.intake.tasks import EXPIRE_EVERY, submissions_expire_task

        blob_refs_register(_blobs)
        from tipline.core.keys import rotation_register
        from tipline.intake.rotation import artifacts_census, artifacts_rotate

        rotation_register("intake artifacts", artifacts_rotate, census=artifacts_census)
        periodic_register(submissions_expire_task, every=EXPIRE_EVERY)
