"""The demo's users: one per role, each granted over a node of the tree, all with one
published password and one published authenticator key (the second factor their roles need:
add the key to an authenticator app once, and every demo user's code is the one it shows; the
platform's API account needs none). DEMO ONLY: an account that exists already is never
touched (it may be a real person's)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from django.db import transaction

from tipline.accounts.models import Role, User
from tipline.accounts.policies import mfa_required
from tipline.accounts.second_factor import authenticator_set
from tipline.accounts.services import grant_add, user_create
from tipline.accounts.types import Actor
from tipline.jurisdictions.models import Jurisdiction

DEMO_PASSWORD = "tipline-demo-2026"  # noqa: S105 - published on purpose: demo users only
#: the demo users' authenticator key, published on purpose like the password (20 bytes, hex;
#: DEMO_TOTP_SECRET is how apps and oathtool take it)
DEMO_TOTP_KEY = b"tipline-demo-2fa-key".hex()
DEMO_TOTP_SECRET = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode("ascii")
#: the demo platform's API account (it reports through /ispws/: demo.steps.platform)
PLATFORM_USERNAME = "demo.platform"

#: username, role code, jurisdiction code, full name
DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "hub_admin", "IN", "Demo Admin"),
    ("analyst", "hub_analyst", "IN", "Demo Analyst"),
    ("reviewer", "reviewer", "IN", "Demo Reviewer"),
    ("mh.nodal", "state_nodal", "IN-MH", "Demo Maharashtra-Nodal"),
    ("beed.officer", "unit_officer", "IN-MH-BEED", "Demo Beed-Officer"),
    ("pune.officer", "unit_officer", "IN-MH-CP-PUNE", "Demo Pune-City-Officer"),
    ("auditor", "auditor", "IN", "Demo Auditor"),
    (PLATFORM_USERNAME, "platform", "IN", "ExampleChat (demo platform)"),
)

#: username, role name, jurisdiction code, what the demo did ("created", "exists, left as is")
UserRow = tuple[str, str, str, str]


@dataclass
class DemoUsers:
    """The demo users as the final summary lists them, and those that could not be made."""

    rows: list[UserRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def demo_users_create(*, actor: Actor) -> DemoUsers:
    """Create the demo users that do not exist yet, each with its one grant."""
    done = DemoUsers()
    for username, role_code, node_code, full_name in DEMO_USERS:
        role = Role.objects.filter(code=role_code).first()
        role_name = role.name if role else role_code
        if User.objects.filter(username=username).exists():
            # never touch an existing account: it may be a real person's
            done.rows.append((username, role_name, node_code, "exists, left as is"))
            continue
        if not Jurisdiction.objects.filter(code=node_code).exists():
            done.problems.append(f"no jurisdiction {node_code}: {username} not created")
            continue
        with transaction.atomic():
            user = user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@example.org",
                full_name=full_name,
            )
            grant_add(actor=actor, user=user, role_code=role_code, jurisdiction_code=node_code)
            if mfa_required(user):
                authenticator_set(actor=actor, user=user, key_hex=DEMO_TOTP_KEY)
        done.rows.append((username, role_name, node_code, "created"))
    return done


def demo_admin() -> User | None:
    """The demo's hub admin (who acknowledges packets and moves cases along), if active."""
    return User.objects.filter(username="admin", is_active=True).first()
