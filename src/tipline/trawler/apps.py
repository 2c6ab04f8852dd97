from django.apps import AppConfig


class TrawlerConfig(AppConfig):
    name = "tipline.trawler"
    label = "trawler"
    verbose_name = "Trawler"

    def ready(self) -> None:
        # the seeds of reports follow intake; the crawl task registers its periodic run
        from tipline.trawler import receivers, tasks  # noqa: F401
