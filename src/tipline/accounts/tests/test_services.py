"""Writes for users and grants, each with its audit event; `tipline createuser`."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tipline.accounts.actions import ACTIONS, ROLES
from tipline.accounts.models import Grant, Role, User
from tipline.accounts.services import grant_add, roles_seed, system_user, user_create
from tipline.audit.models import AuditEvent
from tipline.audit.selectors import audit_chain_verify
from tipline.core.errors import NotPermitted

PASSWORD = "correct-horse-battery-9"


def test_roles_are_seeded_as_data_and_seeding_is_idempotent(tree: None) -> None:
    assert set(Role.objects.values_list("code", flat=True)) == set(ROLES)
    for role in Role.objects.all():
        assert set(role.actions) <= set(ACTIONS)
    auditor = Role.objects.get(code="auditor")
    auditor.actions = ["audit.view", "report.view"]  # a hub edits a role...
    auditor.save(update_fields=["actions"])
    assert roles_seed() == 0
    auditor.refresh_from_db()
    assert auditor.actions == ["audit.view", "report.view"]  # ...and seeding keeps the edit


def test_user_create_is_audited(tree: None) -> None:
    user = user_create(actor=None, username="meena", password=PASSWORD, full_name="Meena Rao")
    assert user.check_password(PASSWORD)
    assert (user.first_name, user.last_name) == ("Meena", "Rao")
    event = AuditEvent.objects.get(action="user.created")
    assert event.object_id == str(user.pk)
    assert event.data == {"username": "meena"}
    assert PASSWORD not in str(event.data)


def test_user_without_password_cannot_log_in(tree: None) -> None:
    user = user_create(actor=None, username="api-bot", password=None)
    assert not user.has_usable_password()


def test_invalid_username_is_refused_and_nothing_written(tree: None) -> None:
    with pytest.raises(ValidationError):
        user_create(actor=None, username="no spaces allowed!", password=PASSWORD)
    assert not User.objects.filter(username="no spaces allowed!").exists()
    assert not AuditEvent.objects.exists()


def test_grant_add_is_idempotent_and_audited(hub_admin: Any) -> None:
    user = user_create(actor=hub_admin, username="vikram", password=PASSWORD)
    first = grant_add(actor=hub_admin, user=user, role_code="unit_officer",
                      jurisdiction_code="IN-MH-BEED")
    again = grant_add(actor=hub_admin, user=user, role_code="unit_officer",
                      jurisdiction_code="IN-MH-BEED")
    assert first.pk == again.pk
    assert Grant.objects.filter(user=user).count() == 1
    events = AuditEvent.objects.filter(action="grant.added", object_id=str(user.pk))
    assert events.count() == 2
    assert events.first().actor_label == "asha"  # type: ignore[union-attr]
    assert audit_chain_verify().ok


def test_system_user_cannot_log_in(tree: None) -> None:
    worker = system_user("worker")
    assert worker.is_system and not worker.is_active
    assert system_user("worker").pk == worker.pk


# --- tipline createuser --------------------------------------------------------------------


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def createuser(*args: str, **options: Any) -> str:
    out = io.StringIO()
    call_command("createuser", *args, stdout=out, **options)
    return out.getvalue()


def test_createuser_with_password_file(tree: None, password_file: Path) -> None:
    out = createuser("bhim2", role="unit_officer", jurisdiction="in-mh-beed",
                     password_file=str(password_file), email="bhim@example.org",
                     name="Bhim Rao")
    assert "created bhim2 as unit_officer over IN-MH-BEED" in out
    user = User.objects.get(username="bhim2")
    assert user.check_password(PASSWORD)
    assert user.email == "bhim@example.org"
    grant = user.grants.select_related("role", "jurisdiction").get()
    assert (grant.role.code, grant.jurisdiction.code) == ("unit_officer", "IN-MH-BEED")
    actions = list(AuditEvent.objects.values_list("action", "actor_label"))
    assert actions == [("user.created", "system:cli"), ("grant.added", "system:cli")]


def test_createuser_reads_the_password_from_stdin(
    tree: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    createuser("aditi2", role="auditor", jurisdiction="IN", password_file="-")
    assert User.objects.get(username="aditi2").check_password(PASSWORD)


def test_createuser_prompts_in_a_terminal(tree: None, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    createuser("meera2", role="state_nodal", jurisdiction="IN-MH")
    assert User.objects.get(username="meera2").check_password(PASSWORD)

    answers = iter([PASSWORD, "something-else-entirely"])
    with pytest.raises(CommandError, match="did not match"):
        createuser("meera3", role="state_nodal", jurisdiction="IN-MH")
    assert not User.objects.filter(username="meera3").exists()


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (["x1"], {"role": "sheriff", "jurisdiction": "IN"}, "no role 'sheriff'; roles are: "),
        (["x2"], {"role": "auditor", "jurisdiction": "IN-XX"}, "no jurisdiction 'IN-XX'"),
        (["x3"], {"role": "auditor", "jurisdiction": "IN"}, "give --password-file"),
        (["x4"], {"role": "auditor", "jurisdiction": "IN", "password_file": "/nonexistent/pw"},
         "cannot read the password file"),
    ],
)
def test_createuser_refuses_clearly(
    tree: None, monkeypatch: pytest.MonkeyPatch, args: list[str], options: dict[str, Any],
    message: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match=message):
        createuser(*args, **options)
    assert not User.objects.filter(username=args[0]).exists()


def test_createuser_refuses_weak_and_duplicate(tree: None, tmp_path: Path,
                                               password_file: Path) -> None:
    weak = tmp_path / "weak"
    weak.write_text("short\n", encoding="utf-8")
    with pytest.raises(CommandError, match="password refused: .*too short"):
        createuser("x5", role="auditor", jurisdiction="IN", password_file=str(weak))
    common = tmp_path / "common"
    common.write_text("password123\n", encoding="utf-8")
    with pytest.raises(CommandError, match="too common"):
        createuser("x5", role="auditor", jurisdiction="IN", password_file=str(common))
    createuser("x5", role="auditor", jurisdiction="IN", password_file=str(password_file))
    with pytest.raises(CommandError, match="already exists"):
        createuser("x5", role="auditor", jurisdiction="IN", password_file=str(password_file))
    assert User.objects.filter(username="x5").count() == 1


# --- who may manage users ------------------------------------------------------------------


def test_a_person_needs_user_manage(hub_admin: Any, analyst: Any) -> None:
    """Asha (hub admin) manages users; Harish (analyst, no user.manage) may not, not even
    for himself; the command line (a system user) may."""
    with pytest.raises(NotPermitted):
        user_create(actor=analyst, username="vikram", password=PASSWORD)
    assert not User.objects.filter(username="vikram").exists()
    vikram = user_create(actor=hub_admin, username="vikram", password=PASSWORD)
    for user in (vikram, analyst):
        with pytest.raises(NotPermitted):
            grant_add(actor=analyst, user=user, role_code="hub_admin", jurisdiction_code="IN")
    assert not Grant.objects.filter(user=vikram).exists()
    assert not Grant.objects.filter(user=analyst, role__code="hub_admin").exists()
    grant_add(actor=system_user("cli"), user=vikram, role_code="unit_officer",
              jurisdiction_code="IN-MH-BEED")
    assert Grant.objects.filter(user=vikram).count() == 1
    assert not AuditEvent.objects.filter(actor_label="harish").exists()


def test_user_manage_over_a_state_grants_within_it(mh_nodal: Any, tree: None) -> None:
    Role.objects.create(code="state_admin", name="State admin", actions=["user.manage"])
    grant_add(actor=None, user=mh_nodal, role_code="state_admin", jurisdiction_code="IN-MH")
    officer = user_create(actor=mh_nodal, username="vikram", password=PASSWORD)
    grant_add(actor=mh_nodal, user=officer, role_code="unit_officer",
              jurisdiction_code="IN-MH-BEED")
    for elsewhere in ("IN-DL", "IN"):
        with pytest.raises(NotPermitted):
            grant_add(actor=mh_nodal, user=officer, role_code="unit_officer",
                      jurisdiction_code=elsewhere)
    assert list(Grant.objects.filter(user=officer).values_list("jurisdiction__code",
                                                               flat=True)) == ["IN-MH-BEED"]


def test_an_unsaved_system_user_manages_nothing(tree: None) -> None:
    ghost = User(username="system:ghost", is_system=True)
    with pytest.raises(NotPermitted):
        user_create(actor=ghost, username="vikram", password=PASSWORD)
    assert not User.objects.filter(username="vikram").exists()
