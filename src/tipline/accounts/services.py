"""Writes for users, roles and grants; each with its audit event."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tipline.accounts.actions import ROLES
from tipline.accounts.models import ApiToken, Grant, RequestCount, Role, User
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


class TooManyRequests(Exception):
    """Over a rate limit: the caller waits `wait` seconds (the rest of the minute)."""

    def __init__(self, message: str, *, wait: int) -> None:
        super().__init__(message)
        self.wait = wait


def request_count_add(*, key: str) -> int:
    """Count one more request of `key` in the current minute and return the minute's count:
    one upsert, shared by every web process; the key's earlier minutes go at a minute's
    first."""
    minute = timezone.now().replace(second=0, microsecond=0)
    table = connection.ops.quote_name(RequestCount._meta.db_table)
    name, count_ = connection.ops.quote_name("key"), connection.ops.quote_name("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({name}, minute, {count_}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({name}, minute) DO UPDATE SET {count_} = {table}.{count_} + 1 "
            f"RETURNING {count_}",
            [key, connection.ops.adapt_datetimefield_value(minute)])
        count = int(cursor.fetchone()[0])
    if count == 1:
        RequestCount.objects.filter(key=key, minute__lt=minute).delete()
    return count


def _rest_of_minute() -> int:
    return 60 - timezone.now().second


#: unknown or revoked tokens one address may present a minute before it is refused unheard
TOKEN_REJECTS_PER_MINUTE = 30
#: addresses remembered per token (the first use from each is audited)
TOKEN_ADDRESSES = 100


def _token_rejected(*, address: str, reason: str, row: ApiToken | None,
                    presented: str) -> None:
    """Audit a refused token: once a minute per address (the first refusal), so a caller
    hammering with bad tokens cannot flood the trail; past TOKEN_REJECTS_PER_MINUTE the
    address is refused without a look."""
    count = request_count_add(key=f"token-reject:{address}")
    if count == 1:
        with transaction.atomic():
            audit_record(actor=None, action="api_token.rejected", obj=row, data={
                "reason": reason, "address": address,
                "prefix": row.prefix if row is not None else presented[:8]})
    if count > TOKEN_REJECTS_PER_MINUTE:
        raise TooManyRequests(f"more than {TOKEN_REJECTS_PER_MINUTE} refused tokens a minute "
                              "from this address", wait=_rest_of_minute())


def api_token_user(*, token: str, address: str = "") -> User | None:
    """The active user a presented token acts as, or None (unknown, revoked, or its user
    deactivated: audited, at most once a minute per address). Raises TooManyRequests past
    the token's TIPLINE_API_TOKEN_REQUESTS_PER_MINUTE. Notes when and from where the token
    was last used (at most once a minute: bookkeeping, the calls it makes are audited as its
    user's), and audits its first use from each new address."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        _token_rejected(address=address, reason="unknown", row=None, presented="")
        return None
    row = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    if row is None or row.revoked_at is not None or not row.user.is_active or row.user.is_system:
        reason = ("unknown" if row is None else "revoked" if row.revoked_at is not None
                  else "user deactivated")
        _token_rejected(address=address, reason=reason, row=row, presented=token)
        return None
    limit = settings.API_TOKEN_REQUESTS_PER_MINUTE
    if request_count_add(key=f"token:{row.pk}") > limit:
        raise TooManyRequests(f"more than {limit} requests a minute with this token",
                              wait=_rest_of_minute())
    now = timezone.now()
    new_address = bool(address) and address not in row.addresses
    if new_address or row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        fields: dict[str, Any] = {"last_used_at": now, "last_ip": address or None}
        with transaction.atomic():
            if new_address:
                fields["addresses"] = [*row.addresses, address][-TOKEN_ADDRESSES:]
                audit_record(actor=row.user, action="api_token.new_address", obj=row, data={
                    "address": address, "name": row.name, "prefix": row.prefix})
            ApiToken.objects.filter(pk=row.pk).update(**fields)
    return row.user
