from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tipline.cases"
    label = "cases"

    def ready(self) -> None:
        from tipline.cases.services import legal_sections_seed
        from tipline.core.bootstrap import seed_register

        seed_register(legal_sections_seed)
