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
