"""The second factor, through the real login: who must pass it (per role, from the grants),
enrolment at the first login with a code computed from the device's key, recovery codes
good once and stored as hashes, wrong codes throttled, the hub's reset and requirement.

These tests log in with the login page (password, then code), never `force_login`, which
the root conftest makes pass the second factor."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline.accounts.actions import ROLES
from tipline.accounts.models import Role
from tipline.accounts.policies import mfa_required
from tipline.accounts.services import grant_add, user_create
from tipline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"  # noqa: S105 - the personas' (conftest.py)
VERIFY = reverse("accounts:otp_verify")
ENROL = reverse("accounts:otp_enrol")
CODES = reverse("accounts:otp_codes")
#: pages of every kind a hub user opens
PAGES = ["/", reverse("intake:report_list"), reverse("review:queue"), reverse("audit:event_list"),
         reverse("dispatch:packet_list"), reverse("routing:queue"), CODES]


def _user(name: str, role: str, node: str) -> Any:
    user = user_create(actor=None, username=name, password=PASSWORD)
    grant_add(actor=None, user=user, role_code=role, jurisdiction_code=node)
    return user


def _password(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    """The code the user's app shows now, computed from the device's key."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_mfa_required_per_built_in_role(tree: None) -> None:
    """Every role at its natural node needs it but the platform's API-only account."""
    nodes = {"state_nodal": "IN-MH", "unit_officer": "IN-MH-BEED"}
    required = {code: mfa_required(_user(f"u-{code}", code, nodes.get(code, "IN")))
                for code in ROLES}
    assert required == {code: code != "platform" for code in ROLES}


def test_a_hub_role_without_a_device_is_sent_to_enrolment_from_every_page(tree: None) -> None:
    _user("vikram", "hub_analyst", "IN")
    client = Client()
    assert _password(client, "vikram").status_code == 302
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY + "?next="), url
        assert client.post(url).status_code in (302, 405), url  # a form is refused too
    assert client.get(VERIFY)["Location"].startswith(ENROL)
    # the parts with their own authentication, and the public ones, are not in the way
    assert client.get("/api/reports/").status_code == 401
    assert client.get(reverse("tips:form")).status_code == 200
    assert client.get("/static/tipline/tipline.css").status_code == 200


def test_a_district_role_without_media_or_packets_is_not_forced(tree: None) -> None:
    Role.objects.create(code="district_viewer", name="District viewer",
                        actions=["report.view", "case.update"])
    user = _user("dilip", "district_viewer", "IN-MH-BEED")
    assert not mfa_required(user)
    client = Client()
    _password(client, "dilip")
    assert client.get(reverse("intake:report_list")).status_code == 200
    assert client.get(VERIFY).status_code == 302  # nothing to ask: on to the page

    # the hub can require it of them all the same (audited), and stop
    call_command("users", "require-2fa", "dilip")
    assert AuditEvent.objects.filter(action="otp.required", object_id=str(user.pk)).exists()
    assert client.get(reverse("intake:report_list"))["Location"].startswith(VERIFY)
    call_command("users", "require-2fa", "dilip", "--off")
    assert client.get(reverse("intake:report_list")).status_code == 200


def test_enrolment_at_first_login_with_a_real_code_then_recovery_codes_once(
        tree: None) -> None:
    user = _user("vikram", "hub_analyst", "IN")
    client = Client()
    _password(client, "vikram")
    page = client.get(ENROL + "?next=/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    assert base64.b32decode(secret.group(1).replace(" ", "")) == device.bin_key
    assert client.get(ENROL).content.decode().count(secret.group(1)) == 1  # the same device

    wrong = client.post(ENROL, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code is throttled: wait it out
    done = client.post(ENROL, {"code": _code(device), "next": "/reports/"})
    assert done.status_code == 302 and done["Location"].startswith(CODES)
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>", shown)
    assert len(set(codes)) == 10
    assert 'href="/reports/"' in shown
    assert not re.findall(r"<code>[a-z2-7]{4}-", client.get(CODES).content.decode())  # once
    assert client.get(reverse("intake:report_list")).status_code == 200
    assert AuditEvent.objects.filter(action="otp.enrolled", actor=user).count() == 1
    # the database holds hashes, not the codes
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert not {c.replace("-", "") for c in codes} & stored

    # the next login asks for a code; a recovery code works once
    client.post(reverse("logout"))
    _password(client, "vikram")
    assert client.get(reverse("intake:report_list"))["Location"].startswith(VERIFY)
    used = client.post(VERIFY, {"code": codes[0].upper(), "next": "/reports/"})
    assert used.status_code == 302 and used["Location"] == "/reports/"
    assert client.get(reverse("intake:report_list")).status_code == 200
    event = AuditEvent.objects.get(action="otp.recovery_used")
    assert event.actor_id == user.pk and event.data["recovery_codes_left"] == 9
    client.post(reverse("logout"))
    _password(client, "vikram")
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200 and b"not right" in again.content
    assert client.get(reverse("intake:report_list")).status_code == 302
    assert AuditEvent.objects.filter(action="otp.failed", actor=user).count() == 1


def test_wrong_codes_are_throttled_even_the_right_one_waits(hub_admin: Any) -> None:
    device = TOTPDevice.objects.get(user=hub_admin)
    client = Client()
    _password(client, "asha")
    right = _code(device)
    wrong = next(c for c in ("123456", "654321") if c != right)
    first = client.post(VERIFY, {"code": wrong})
    assert b"not right" in first.content
    refused = client.post(VERIFY, {"code": right})
    assert b"Too many wrong codes" in refused.content
    assert client.get(reverse("intake:report_list")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a refused try is not even checked
    device.throttle_reset()
    assert client.post(VERIFY, {"code": right})["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="otp.verified", actor=hub_admin).count() == 1


def test_recovery_codes_regenerated_replace_the_old(hub_admin: Any) -> None:
    client = Client()
    client.force_login(hub_admin)
    made = client.post(CODES).content.decode()
    codes = re.findall(r"<code>([a-z2-7-]{19})</code>", made)
    assert len(codes) == 10
    again = re.findall(r"<code>([a-z2-7-]{19})</code>", client.post(CODES).content.decode())
    assert len(again) == 10 and not set(codes) & set(again)
    assert AuditEvent.objects.filter(action="otp.recovery_regenerated").count() == 2
    assert b"10 recovery codes left" in client.get(CODES).content


def test_reset_2fa_ends_the_verification_and_asks_for_enrolment_again(
        hub_admin: Any, capsys: pytest.CaptureFixture[str]) -> None:
    client = Client()
    client.force_login(hub_admin)
    assert client.get(reverse("intake:report_list")).status_code == 200
    call_command("users", "reset-2fa", "asha")
    assert "reset the second factor of asha" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=hub_admin).exists()
    event = AuditEvent.objects.get(action="otp.reset")
    assert event.object_id == str(hub_admin.pk) and event.actor_label == "system:cli"
    response = client.get(reverse("intake:report_list"))
    assert response["Location"].startswith(VERIFY)
    assert client.get(VERIFY)["Location"].startswith(ENROL)


def test_the_users_command_refuses_an_unknown_user(tree: None) -> None:
    from django.core.management.base import CommandError

    for action in ("show", "reset-2fa", "require-2fa", "unlock"):
        with pytest.raises(CommandError, match="no user 'ghost'"):
            call_command("users", action, "ghost")


def test_before_the_second_factor_the_header_shows_no_menu_search_or_alerts(tree: None) -> None:
    """The code page is the only page one sees before the code: it offers no menu, search
    box or alerts count that would only send one back to it (nor tell how many alerts wait);
    after the code the menu is there."""
    user = _user("vikram", "hub_analyst", "IN")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    _password(client, "vikram")
    page = client.get(VERIFY).content.decode()
    assert 'id="site-nav"' not in page and "search-box" not in page
    assert reverse("alerts:notifications") not in page
    assert reverse("logout") in page  # one can still leave
    client.post(VERIFY, {"code": _code(device)})
    page = client.get("/").content.decode()
    assert 'id="site-nav"' in page and reverse("alerts:notifications") in page
