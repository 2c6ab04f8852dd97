from django.apps import AppConfig


class TrawlerConfig(AppConfig):
    name = "tipline.trawler"
    label = "trawler"
    verbose_name = "Trawler"

    def ready(self) -> None:
        from tipline.trawler import tasks  # noqa: F401 - registers the periodic notice task
