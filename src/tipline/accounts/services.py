"""Writes for users, roles and grants; each with its audit event."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tipline.accounts.actions import ROLES
from tipline.accounts.models import ApiToken, Grant, Role, User
from tipline.accounts.policies import forget, require
from tipline.audit.services import audit_record
from tipline.core.errors import RejectedInput
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


#: every token starts so, which tells it apart from a password in a leaked text
TOKEN_PREFIX = "tlk_"  # noqa: S105 - a marker, not a secret
#: `last_used_at` is written at most this often per token (not once per request)
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256 (a token is random, so no slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token acting as `user`; returns it with the token itself, which is not kept
    and cannot be shown again. A person acting needs user.manage; the command line (no actor,
    or a system user) creates tokens freely."""
    if actor is not None:
        require(actor, "user.manage")
    name = name.strip()
    if not name:
        raise RejectedInput("a token needs a name saying what it is for")
    if user.is_system or not user.is_active:
        raise RejectedInput(f"{user.username} is not an active person's or service's account")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name[:100], digest=token_digest(token),
                                  prefix=token[:12], created_at=timezone.now())
    audit_record(actor=actor, action="api_token.created", obj=row,
                 data={"user": user.username, "name": row.name, "prefix": row.prefix})
    return row, token


@transaction.atomic
def api_token_revoke(*, actor: User | None, token_id: int) -> ApiToken:
    """Refuse the token from now on (kept, with when it was revoked, for the record)."""
    if actor is not None:
        require(actor, "user.manage")
    row = ApiToken.objects.select_for_update().select_related("user").filter(pk=token_id).first()
    if row is None:
        raise RejectedInput(f"no API token {token_id}")
    if row.revoked_at is not None:
        raise RejectedInput(f"API token {token_id} was already revoked at {row.revoked_at}")
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoked", obj=row,
                 data={"user": row.user.username, "name": row.name, "prefix": row.prefix})
    return row


def api_token_user(*, token: str) -> User | None:
    """The active user a presented token acts as, or None (unknown, revoked, or its user
    deactivated). Notes when the token was last used (bookkeeping, not an audit event: the
    calls it makes are audited as its user's)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (ApiToken.objects.select_related("user")
           .filter(digest=token_digest(token), revoked_at__isnull=True).first())
    if row is None or not row.user.is_active or row.user.is_system:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
