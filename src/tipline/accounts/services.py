"""Writes for users, roles and grants; each with its audit event."""

from __future__ import annotations

from django.db import transaction

from tipline.accounts.actions import ROLES
from tipline.accounts.models import Grant, Role, User
from tipline.accounts.policies import forget, require
from tipline.audit.services import audit_record
from tipline.jurisdictions.models import Jurisdiction


@transaction.atomic
def roles_seed() -> int:
    """Create the built-in roles if missing (existing roles keep their edited actions)."""
    created = 0
    for code, (name, description, actions) in ROLES.items():
        _, made = Role.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "actions": actions}
        )
        created += int(made)
    return created


def system_user(name: str = "system") -> User:
    """The non-human actor that background work is recorded under."""
    user, _ = User.objects.get_or_create(
        username=f"system:{name}", defaults={"is_system": True, "is_active": False}
    )
    return user


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, password: str | None, email: str = "",
    full_name: str = "",
) -> User:
    """A new person who can log in once granted a role. A person acting needs user.manage;
    the command line (no actor, or a system user) creates users freely."""
    if actor is not None:
        require(actor, "user.manage")
    first, _, last = full_name.partition(" ")
    user = User(username=username, email=email, first_name=first, last_name=last)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user.created", obj=user, data={"username": username})
    return user


@transaction.atomic
def grant_add(*, actor: User | None, user: User, role_code: str, jurisdiction_code: str) -> Grant:
    """Give `user` the role over a node and everything below it. A person acting needs
    user.manage at that node; the command line (no actor, or a system user) grants freely."""
    role = Role.objects.get(code=role_code)
    node = Jurisdiction.objects.get(code=jurisdiction_code)
    if actor is not None:
        require(actor, "user.manage", jurisdiction_id=node.pk)
    grant, _ = Grant.objects.get_or_create(user=user, role=role, jurisdiction=node)
    forget(user)
    audit_record(
        actor=actor, action="grant.added", obj=user,
        data={"role": role_code, "jurisdiction": jurisdiction_code},
    )
    return grant
