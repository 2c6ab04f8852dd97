from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tipline.accounts"
    label = "accounts"

    def ready(self) -> None:
        from tipline.accounts import (
            lockout,  # noqa: F401 - a new login lock is audited
            middleware,  # noqa: F401 - the login time, kept at login
        )
        from tipline.accounts.services import roles_seed
        from tipline.core.bootstrap import seed_register

        seed_register(roles_seed)
