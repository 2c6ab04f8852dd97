"""Users, roles and jurisdiction grants. Roles are data; access is decided in policies.py."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person (or a platform's API account, or a system actor) who uses Tipline.

    What a user may do, and where, comes only from their grants.
    """

    is_system = models.BooleanField(
        default=False, help_text="a non-human actor (importer, worker); cannot log in"
    )
    #: the hub asks this user for a second factor although their grants would not
    #: (policies.mfa_required decides from the grants otherwise)
    second_factor_required = models.BooleanField(
        default=False, help_text="the hub requires a second factor (TOTP) of this user")


class Role(models.Model):
    """A named set of actions (e.g. hub analyst: view reports, import), kept as data."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    #: action codes from accounts.actions, e.g. ["report.view", "report.import"]
    actions = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """A role held by a user over one node of the jurisdiction tree and every node below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="grants")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="grants"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "jurisdiction"], name="grant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} over {self.jurisdiction}"


class ApiToken(models.Model):
    """A bearer token a service (a hub tool) uses to call the JSON API as `user`.

    Only the token's SHA-256 is kept: the token itself is shown once, when it is created. A
    token acts exactly as its user (the same grants, the same scope); a revoked token, or one
    whose user is deactivated, is refused.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="what the token is for, e.g. 'dashboard'")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex")
    #: the token's first characters, to tell tokens apart in a list (not enough to use one)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    #: the address of the last call (written with last_used_at, at most once a minute)
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    #: every address the token was used from (the first use from each is audited), capped
    addresses = models.JSONField(default=list, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.pk} ({self.name}) of {self.user}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RequestCount(models.Model):
    """How many requests one key (a token, an address) made in one minute: the API tokens'
    rate limit, shared by every web process through the database. Earlier minutes of a key
    are deleted at its next minute's first request."""

    key = models.CharField(max_length=100)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"],
                                               name="request_count_unique")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count} at {self.minute:%H:%M}"
