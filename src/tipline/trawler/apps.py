from collections.abc import Iterable

from django.apps import AppConfig


def _blobs() -> Iterable[str]:
    from tipline.trawler.models import Finding

    return Finding.objects.exclude(blob="").values_list("blob", flat=True).iterator()


class TrawlerConfig(AppConfig):
    name = "tipline.trawler"
    label = "trawler"
    verbose_name = "Trawler"

    def ready(self) -> None:
        # the seeds of reports follow intake; the crawl task registers its periodic run; the
        # encrypted copies findings keep (for the sweep), and the ASN database's check
        from tipline.core.sweep import blob_refs_register
        from tipline.trawler import asn, candidates, receivers, tasks  # noqa: F401

        blob_refs_register(_blobs)
