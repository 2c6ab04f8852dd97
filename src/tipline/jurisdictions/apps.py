from django.apps import AppConfig


class JurisdictionsConfig(AppConfig):
    name = "tipline.jurisdictions"
    label = "jurisdictions"

    def ready(self) -> None:
        from tipline.core.bootstrap import seed_register
        from tipline.jurisdictions.services import tree_seed

        seed_register(tree_seed)
