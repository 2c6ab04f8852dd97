from collections.abc import Iterable

from django.apps import AppConfig


def _blobs() -> Iterable[str]:
    from tipline.dispatch.selectors import blobs_referenced

    return blobs_referenced()


class DispatchConfig(AppConfig):
    name = "tipline.dispatch"
    label = "dispatch"

    def ready(self) -> None:
        # the blobs dispatch refers to (packet ZIPs), for the sweep of leftovers
        from tipline.core.sweep import blob_refs_register

        blob_refs_register(_blobs)
        from tipline.dispatch import doctor  # noqa: F401 - registers the packet fonts check
