from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tipline.cases"
    label = "cases"

    def ready(self) -> None:
        # Django's way: an app's receivers and seeds are wired once its models are loaded
        from tipline.cases import receivers  # noqa: F401
        from tipline.cases.services import legal_sections_seed
        from tipline.core.bootstrap import seed_register

        seed_register(legal_sections_seed)
