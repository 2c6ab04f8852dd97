"""A child in imminent danger comes first: an urgent report is alerted, packed and
acknowledged within hours, or escalated to the state's nodal officer, then to the hub."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from tipline.alerts.models import Kind, Notification, Recipient, UrgentReport
from tipline.alerts.services import alerts_sweep
from tipline.alerts.sms import senders
from tipline.audit.models import AuditEvent
from tipline.dispatch.models import Packet, PacketReport
from tipline.dispatch.services import packet_acknowledge
from tipline.intake.models import Report
from tipline.intake.tests import builders as b
from tipline.routing.selectors import inbox_page
from tipline.routing.services import report_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def outboxes(settings: Any) -> Any:
    """E-mail kept in Django's locmem outbox, text messages in the memory sender's."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "memory"
    settings.URGENT_ACK_HOURS = 4
    sms = senders.all()["memory"]
    sms.outbox.clear()  # type: ignore[attr-defined]
    return sms


def _with_email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@police.example.in"
        user.save(update_fields=["email"])


def _with_phone(user: Any, phone: str, *, sms: bool = True, language: str = "en") -> None:
    """The user gave a mobile number on their preferences page (and chose text messages)."""
    Recipient.objects.update_or_create(user=user, defaults={
        "phone": phone, "sms": sms, "language": language})


def test_an_urgent_report_from_import_to_acknowledgement(
    tmp_path: Path, immediate_tasks: None, django_capture_on_commit_callbacks: Any,
    outboxes: Any, beed_officer: Any, mh_nodal: Any, pune_officer: Any, analyst: Any,
    make_report: Any,
) -> None:
    _with_email(beed_officer, mh_nodal, pune_officer)
    _with_phone(beed_officer, "+919812345610")
    _with_phone(mh_nodal, "+919812345620", sms=False)  # a number, but no text messages
    folder = b.ncmec_folder(tmp_path, "9101", seed=3, priorityLevel="1")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", str(folder), "--quiet")
    newer = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    report = Report.objects.get(external_id="9101")
    assert report.ncmec_priority == 1 and report.jurisdiction.code == "IN-MH-BEED"

    # watched, due in hours
    watched = UrgentReport.objects.get(report=report)
    assert watched.unit.code == "IN-MH-BEED" and watched.level == "unit"
    assert watched.reasons == ["priority_1"]
    assert timedelta(hours=3) < watched.due_at - watched.created_at <= timedelta(hours=4)

    # the unit's officers and the state's nodal officer are told at once, not Pune's
    told = Notification.objects.filter(kind=Kind.URGENT)
    assert sorted(n.recipient.username for n in told) == ["bhim", "meera"]
    assert all(n.read_at is None and n.emailed_at is not None for n in told)
    urgent_mail = [m for m in mail.outbox if "URGENT" in m.subject]
    assert sorted(m.to[0] for m in urgent_mail) == ["bhim@police.example.in",
                                                    "meera@police.example.in"]
    assert f"/reports/{report.pk}/" in urgent_mail[0].body

    # a single-report packet, built at once, due in hours; its passphrase by SMS only
    packet = Packet.objects.get(items__report=report)
    assert watched.__class__.objects.get(pk=report.pk).packet_id == packet.pk
    assert list(PacketReport.objects.filter(packet=packet).values_list("report_id", flat=True)) \
        == [report.pk]
    assert packet.target.code == "IN-MH-BEED"
    assert packet.ack_due_at - packet.created_at == timedelta(hours=4)
    texts = [m.text for m in outboxes.outbox]
    assert any("URGENT" in t and report.reference in t for t in texts)
    # texted only to whoever gave a number and chose text messages
    assert {(m.username, m.phone) for m in outboxes.outbox} == {("bhim", "+919812345610")}
    passphrase_sms = [m for m in outboxes.outbox if "passphrase" in m.text]
    assert [m.username for m in passphrase_sms] == ["bhim"]
    assert passphrase_sms[0].secret and passphrase_sms[0].secret not in passphrase_sms[0].text
    assert not Notification.objects.filter(key__startswith="urgent-passphrase:").exists()
    assert not any("passphrase" in m.body for m in mail.outbox)
    # and the unit is told of the new packet too
    assert Notification.objects.filter(kind=Kind.PACKET, recipient=beed_officer).exists()

    # it heads the unit's inbox, above a newer report
    rows, _ = inbox_page(user=beed_officer)
    assert [r.pk for r in rows] == [report.pk, newer.pk]

    # the unit acknowledges the packet: done, audited, no escalation later
    packet_acknowledge(actor=beed_officer, packet_id=packet.pk)
    watched.refresh_from_db()
    assert watched.acknowledged_at is not None
    event = AuditEvent.objects.get(action="urgent.acknowledged")
    assert event.object_id == str(report.pk) and event.data == {"level": "unit", "late": False}
    assert alerts_sweep(now=watched.due_at + timedelta(hours=10)).escalated == 0
    assert not AuditEvent.objects.filter(action="urgent.escalated").exists()


def test_an_unacknowledged_urgent_report_escalates_to_the_state_then_the_hub(
    immediate_tasks: None, django_capture_on_commit_callbacks: Any, outboxes: Any,
    beed_officer: Any, mh_nodal: Any, analyst: Any, make_report: Any,
) -> None:
    _with_email(beed_officer, mh_nodal, analyst)
    _with_phone(beed_officer, "+919812345610")  # the packet's passphrase reaches the unit
    report = make_report("IN", ncmec_priority=1)
    with django_capture_on_commit_callbacks(execute=True):
        report_transfer(actor=analyst, report_id=report.pk, to_code="IN-MH-BEED",
                        reason="the IP is in Beed")
    watched = UrgentReport.objects.get(report=report)
    opened = AuditEvent.objects.get(action="urgent.opened")
    assert opened.data["unit"] == "IN-MH-BEED"
    due = watched.due_at

    # before the deadline nothing happens
    assert alerts_sweep(now=due - timedelta(minutes=1)).escalated == 0
    watched.refresh_from_db()
    assert watched.level == "unit"

    # past it: to the state's nodal officer, audited, told in-app and by e-mail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts_sweep(now=due + timedelta(minutes=1)).escalated == 1
    watched.refresh_from_db()
    assert watched.level == "state" and watched.due_at == due + timedelta(minutes=1, hours=4)
    step = AuditEvent.objects.filter(action="urgent.escalated").order_by("seq")
    assert [(e.data["level"], e.data["to"], e.data["told"]) for e in step] == [
        ("state", "IN-MH", ["meera"])]
    assert Notification.objects.filter(recipient=mh_nodal, kind=Kind.URGENT,
                                       text__contains="NOT ACKNOWLEDGED").count() == 1
    assert [m.to for m in mail.outbox] == [["meera@police.example.in"]]

    # the same sweep again changes nothing; past the next deadline: to the hub
    assert alerts_sweep(now=due + timedelta(minutes=2)).escalated == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts_sweep(now=due + timedelta(hours=5)).escalated == 1
    watched.refresh_from_db()
    assert watched.level == "hub"
    assert [(e.data["level"], e.data["to"]) for e in
            AuditEvent.objects.filter(action="urgent.escalated").order_by("seq")] == [
        ("state", "IN-MH"), ("hub", "IN")]
    assert Notification.objects.filter(recipient=analyst, kind=Kind.URGENT).count() == 1
    # the hub is the last step
    assert alerts_sweep(now=due + timedelta(days=3)).escalated == 0
    # each step's audit event sits in the chain after the transfer that started it all
    seqs = [e.seq for e in AuditEvent.objects.filter(
        action__in=["report.transferred", "urgent.opened", "urgent.escalated"]).order_by("seq")]
    assert seqs == sorted(seqs) and len(seqs) == 4


def test_a_reviewers_urgent_flag_makes_a_routed_report_urgent(
    immediate_tasks: None, django_capture_on_commit_callbacks: Any, outboxes: Any,
    beed_officer: Any, reviewer: Any, make_report: Any,
) -> None:
    from tipline.review.services import decision_record
    from tipline.review.tests.helpers import report_with_images

    report, _ = report_with_images(make_report, "IN-MH-BEED", seeds=(4,), scan=False,
                                   status=Report.Status.ROUTED)
    assert not UrgentReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(actor=reviewer, report_id=report.pk, verdict="confirmed",
                        category="A1", urgent=True)
    watched = UrgentReport.objects.get(report=report)
    assert watched.reasons == ["reviewer"]
    assert Notification.objects.filter(recipient=beed_officer, kind=Kind.URGENT).exists()
    assert Packet.objects.filter(items__report=report).exists()


def test_urgent_reports_head_the_review_queue_and_the_national_queue(
    analyst: Any, make_report: Any,
) -> None:
    from tipline.jurisdictions.selectors import jurisdiction_tree
    from tipline.review.selectors import review_queue
    from tipline.review.tests.helpers import report_with_images
    from tipline.routing.selectors import queue_page

    plain = make_report("IN")
    escalated = make_report("IN", escalated=True)
    newest = make_report("IN")
    items, _ = queue_page(user=analyst, node=jurisdiction_tree().root)
    assert [i.report.pk for i in items] == [escalated.pk, newest.pk, plain.pk]
    # and on a page after the first, it does not come again
    items, _ = queue_page(user=analyst, node=jurisdiction_tree().root, before=newest.pk)
    assert [i.report.pk for i in items] == [plain.pk]

    first, _ = report_with_images(make_report, "IN", seeds=(5,), scan=False)
    second, _ = report_with_images(make_report, "IN", seeds=(6,), scan=False,
                                   ncmec_priority=1)
    order = [r.pk for r in review_queue(user=analyst)]
    assert order.index(second.pk) < order.index(first.pk)


@pytest.mark.django_db(transaction=True)
def test_routing_outside_a_transaction_still_watches_an_urgent_report(
    immediate_tasks: None, outboxes: Any, beed_officer: Any, make_report: Any,
) -> None:
    """`routing_run` sends `reports_placed` outside any transaction (the demo failed with
    "audit events must be written inside the transaction they record")."""
    from tipline.accounts.services import system_user
    from tipline.routing.signals import reports_placed

    report = make_report("IN-MH-BEED", status=Report.Status.ROUTED, escalated=True)
    reports_placed.send(sender=Report, actor=system_user("router"), report_ids=[report.pk])
    assert UrgentReport.objects.get(report=report).reasons == ["escalated"]
    assert Packet.objects.filter(items__report=report).exists()


def test_with_no_sms_gateway_an_urgent_passphrase_stays_out_of_the_log_and_the_hub_is_told(
    tmp_path: Path, immediate_tasks: None, django_capture_on_commit_callbacks: Any,
    settings: Any, caplog: Any, beed_officer: Any, analyst: Any,
) -> None:
    """The console sender (the default) logs each text message: one that carries a packet's
    passphrase is logged without it and counts as not sent, and the hub is told to issue a
    new passphrase, since nobody has this one."""
    settings.SMS_BACKEND = "console"
    _with_phone(beed_officer, "+919812345610")
    folder = b.ncmec_folder(tmp_path, "9102", seed=4, priorityLevel="1")
    with caplog.at_level("WARNING", logger="tipline.alerts.sms"), \
            django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", str(folder), "--quiet")
    watched = UrgentReport.objects.get(report__external_id="9102")
    packet = Packet.objects.get(pk=watched.packet_id)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"URGENT packet {packet.reference}" in logged
    assert "secret withheld from the log" in logged
    # the number masked: its country code and last two digits only
    assert "SMS to bhim +91********10:" in logged and "9812345610" not in logged
    words = {w.strip(".,:()") for w in logged.split()}
    assert not any(len(w) >= 20 and w.count("-") >= 3 for w in words), logged  # no passphrase
    told = Notification.objects.get(recipient=analyst, key=f"urgent-passphrase:{packet.pk}")
    assert packet.reference in told.text and "new passphrase" in told.text


def test_an_urgent_flag_after_the_packet_was_acknowledged_is_answered_on_the_alerts_page(
    outboxes: Any, beed_officer: Any, pune_officer: Any, analyst: Any, make_report: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A report that reached Beed in a packet Beed already acknowledged, then flagged urgent:
    no new packet can carry it, so the officer answers the alert itself (Pune cannot), and the
    sweep escalates nothing after that."""
    from django.test import Client
    from django.urls import reverse

    from tipline.alerts.services import urgent_watch
    from tipline.dispatch.services import packet_build

    report = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    with django_capture_on_commit_callbacks(execute=True):
        packet = packet_build(actor=analyst, target_code="IN-MH-BEED").packet
        packet_acknowledge(actor=beed_officer, packet_id=packet.pk)
        Report.objects.filter(pk=report.pk).update(ncmec_priority=1)
        urgent_watch(actor=None, report_ids=[report.pk])
    watched = UrgentReport.objects.get(report=report)
    assert watched.acknowledged_at is None and watched.packet_id is None

    pune = Client()
    pune.force_login(pune_officer)
    assert report.reference not in pune.get(reverse("alerts:notifications")).content.decode()
    url = reverse("alerts:urgent_acknowledge", args=[report.pk])
    assert pune.post(url).status_code == 404

    beed = Client()
    beed.force_login(beed_officer)
    page = beed.get(reverse("alerts:notifications")).content.decode()
    assert url in page and report.reference in page
    done = beed.post(url, follow=True)
    assert f"Acknowledged: {report.reference}" in done.content.decode()
    watched.refresh_from_db()
    assert watched.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="urgent.acknowledged",
                                     object_id=str(report.pk)).count() == 1
    assert beed.post(url).status_code == 404  # once
    alerts_sweep(now=watched.due_at + timedelta(hours=1))
    watched.refresh_from_db()
    assert watched.level == "unit" and watched.escalated_at is None


def test_an_urgent_report_in_the_national_queue_alerts_the_hub_at_once(
    immediate_tasks: None, django_capture_on_commit_callbacks: Any, outboxes: Any,
    analyst: Any, hub_admin: Any, mh_nodal: Any, beed_officer: Any, make_report: Any,
) -> None:
    """Not yet routed: nobody at a unit can act, so the hub (who routes it) is told; when it
    reaches a unit, the unit is told and its packet built, with a new deadline."""
    from tipline.accounts.services import system_user
    from tipline.routing.signals import reports_placed

    _with_email(analyst)
    report = make_report("IN", ncmec_priority=1)
    with django_capture_on_commit_callbacks(execute=True):
        reports_placed.send(sender=Report, actor=system_user("router"), report_ids=[report.pk])
    watched = UrgentReport.objects.get(report=report)
    assert (watched.unit.code, watched.level) == ("IN", "hub")
    told = Notification.objects.filter(kind=Kind.URGENT).order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["asha", "harish"]  # the hub
    assert "waits in the queue of India" in told[0].text and "Route it to a unit" in told[0].text
    assert [m.to for m in mail.outbox] == [["harish@police.example.in"]]
    assert not Packet.objects.exists()  # a queue gets no packet: its unit will
    assert AuditEvent.objects.get(action="urgent.opened").data["level"] == "hub"
    # the hub is the last step: nothing to escalate to
    assert alerts_sweep(now=watched.due_at + timedelta(hours=1)).escalated == 0

    # routed to Beed: followed there, the unit told, the packet built
    with django_capture_on_commit_callbacks(execute=True):
        report_transfer(actor=analyst, report_id=report.pk, to_code="IN-MH-BEED",
                        reason="the IP is in Beed")
    watched.refresh_from_db()
    assert (watched.unit.code, watched.level) == ("IN-MH-BEED", "unit")
    assert Notification.objects.filter(recipient=beed_officer, kind=Kind.URGENT).exists()
    assert Packet.objects.filter(items__report=report, target__code="IN-MH-BEED").exists()


def test_an_urgent_report_in_a_states_queue_alerts_its_nodal_officers_then_the_hub(
    immediate_tasks: None, django_capture_on_commit_callbacks: Any, outboxes: Any,
    analyst: Any, mh_nodal: Any, beed_officer: Any, make_report: Any,
) -> None:
    from tipline.accounts.services import system_user
    from tipline.routing.signals import reports_placed

    report = make_report("IN-MH", escalated=True)
    with django_capture_on_commit_callbacks(execute=True):
        reports_placed.send(sender=Report, actor=system_user("router"), report_ids=[report.pk])
    watched = UrgentReport.objects.get(report=report)
    assert (watched.unit.code, watched.level) == ("IN-MH", "state")
    told = Notification.objects.filter(kind=Kind.URGENT)
    assert [n.recipient.username for n in told] == ["meera"]
    assert "waits in the queue of Maharashtra" in told[0].text
    assert not Packet.objects.exists()

    # not routed in time: up to the hub, audited
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts_sweep(now=watched.due_at + timedelta(minutes=1)).escalated == 1
    watched.refresh_from_db()
    assert watched.level == "hub"
    step = AuditEvent.objects.get(action="urgent.escalated")
    assert (step.data["level"], step.data["to"], step.data["unit"]) == ("hub", "IN", "IN-MH")
    hub = Notification.objects.get(recipient=analyst, kind=Kind.URGENT)
    assert "NOT ROUTED in time: escalated to the hub." in hub.text
    assert alerts_sweep(now=watched.due_at + timedelta(days=1)).escalated == 0
