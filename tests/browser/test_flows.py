"""Daily jobs done in a real browser, each person logging in with a password and a code from
their authenticator app: a hub analyst assigns a report from the national queue, a unit
officer acknowledges a packet, records an FIR and closes another case as not pursued, a
reviewer holds a file to reveal it (and the reveal is audited). Every page on the way is
checked with axe-core (browse.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.browser.browse import World, current_code, login, settle, submit, visit

from tipline.audit.models import AuditEvent
from tipline.cases.models import Case
from tipline.dispatch.models import Packet
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_asks_for_the_code_and_a_wrong_code_is_refused(site: Any, world: World) -> None:
    user = world.users["analyst"]
    visit(site, "/reports/")
    assert "/login/" in site.url  # sent to log in first
    site.fill("#id_username", user.username)
    site.fill("#id_password", "not-the-password")
    submit(site, site.locator("main form button[type=submit]"))
    assert "/login/" in site.url and site.locator("[role=alert]").count() == 1

    site.fill("#id_username", user.username)
    site.fill("#id_password", "correct-horse-9")
    submit(site, site.locator("main form button[type=submit]"))
    assert "/2fa/" in site.url
    site.fill("#id_code", f"{(int(current_code(user)) + 1) % 1_000_000:06d}")  # a wrong one
    submit(site, site.locator("main form button[type=submit]"))
    assert "/2fa/" in site.url and site.locator("[role=alert]").count() >= 1
    # a wrong code makes the authenticator refuse every code for a second (django-otp's
    # throttle): clear it, as that second passing would, so the next login is not refused
    TOTPDevice.objects.get(user=user).throttle_reset()

    login(site, user)  # a fresh login with the right code gets through
    visit(site, "/reports/")
    assert site.locator("h1").count() == 1 and "/reports/" in site.url
    assert AuditEvent.objects.filter(action="otp.failed", object_id=str(user.pk)).count() == 1


def test_a_hub_analyst_assigns_a_report_from_the_national_queue(site: Any,
                                                                world: World) -> None:
    login(site, world.users["analyst"])
    visit(site, _url("routing:queue"))
    form = site.locator(f"form[action='{_url('routing:transfer', pk=world.queued.pk)}']")
    assert form.count() == 1, "the waiting report is not in the national queue"
    form.locator("input[name=reason]").fill("the IP address is in Beed")
    form.locator("input[name=to_other]").fill("Beed")  # a unit's name, as the list offers it
    submit(site, form.locator("button.button[name=to][value='']"))
    assert site.locator(".msg.success").count() == 1
    report = Report.objects.select_related("jurisdiction").get(pk=world.queued.pk)
    assert report.jurisdiction.code == "IN-MH-BEED"
    assert AuditEvent.objects.filter(object_id=str(report.pk),
                                     action__startswith="report.").exists()


def test_an_officer_acknowledges_a_packet_records_an_fir_and_closes_a_case(
        site: Any, world: World, packet: Packet) -> None:
    login(site, world.users["beed_officer"])
    visit(site, _url("dispatch:packet_list"))
    ack = site.locator(f"form[action='{_url('dispatch:packet_acknowledge', pk=packet.pk)}']")
    submit(site, ack.locator("button[type=submit]"))
    packet.refresh_from_db()
    assert packet.acknowledged_at is not None
    assert packet.acknowledged_by_id == world.users["beed_officer"].pk

    # an FIR on the first report's case
    visit(site, _url("cases:case_detail", pk=world.fir.case.pk))
    fir = site.locator(
        f"form[action='{_url('cases:case_action', pk=world.fir.case.pk, action='fir')}']")
    fir.locator("input[name=number]").fill("112/2026")
    fir.locator("input[name=registered_on]").fill("2026-01-05")
    fir.locator("input[name=police_station]").fill("Beed City")
    fir.locator("input[name=sections]").first.check()
    submit(site, fir.locator("button[type=submit]"))
    case = Case.objects.select_related("fir").get(pk=world.fir.case.pk)
    assert case.status == Case.Status.FIR
    assert (case.fir.number, case.fir.police_station) == ("112/2026", "Beed City")
    assert str(case.fir.registered_on) == "2026-01-05" and case.fir.sections.count() == 1

    # the second closed as not pursued: no actionable information
    visit(site, _url("cases:case_detail", pk=world.close.case.pk))
    close = site.locator(
        f"form[action='{_url('cases:case_action', pk=world.close.case.pk, action='close')}']")
    close.locator("select[name=reason]").select_option(Case.Closure.NO_INFORMATION.value)
    close.locator("textarea[name=note]").fill("the account was deleted before any data")
    submit(site, close.locator("button[type=submit]"))
    closed = Case.objects.get(pk=world.close.case.pk)
    assert closed.status == Case.Status.CLOSED and closed.closed_at is not None
    assert closed.closure_reason == Case.Closure.NO_INFORMATION


def test_a_reviewer_holds_to_reveal_and_the_reveal_is_audited(site: Any, world: World) -> None:
    reviewer = world.users["reviewer"]
    login(site, reviewer)
    visit(site, _url("review:queue"))
    assert site.locator(f"a[href='{_url('review:report', pk=world.fir.pk)}']").count() >= 1
    visit(site, _url("review:report", pk=world.fir.pk))
    item = site.locator(f"#file-{world.files[0].pk}")
    assert item.locator(".clear").is_hidden()  # blurred until held
    hold = item.locator("[data-hold]")
    hold.hover()
    site.mouse.down()
    item.locator(".clear img").wait_for(state="visible")
    assert item.locator("img.protected").get_attribute("hidden") is not None  # covered
    site.mouse.up()
    item.locator(".clear").wait_for(state="hidden")
    assert item.locator(".clear img").count() == 0  # dropped once released
    assert item.locator("img.protected").get_attribute("hidden") is None
    settle(site)  # the page as it is after the reveal
    event = AuditEvent.objects.get(action="media.revealed", object_id=str(world.files[0].pk))
    assert event.actor_id == reviewer.pk
    assert event.data == {"report": world.fir.pk, "kind": "image"}


def _url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)
