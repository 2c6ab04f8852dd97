from django.apps import AppConfig


def _seed() -> int:
    """The legal sections' catalogue, imported when seeding runs, not at every start-up."""
    from tipline.cases.services import legal_sections_seed

    return legal_sections_seed()


class CasesConfig(AppConfig):
    name = "tipline.cases"
    label = "cases"

    def ready(self) -> None:
        # Django's way: an app's receivers and seeds are wired once its models are loaded
        from tipline.cases import receivers  # noqa: F401
        from tipline.cases.selectors import case_part
        from tipline.core.bootstrap import seed_register
        from tipline.intake.dossier import dossier_register

        seed_register(_seed)
        dossier_register("case", 50, case_part)
