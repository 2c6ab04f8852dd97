"""Takedown notices: one e-mail per confirmed URL to the right contact (Django's locmem
backend), what the e-mail says and never carries, no contact, escalation."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from tipline.alerts.models import Kind, Notification
from tipline.audit.models import AuditEvent
from tipline.trawler.contacts import contacts_import
from tipline.trawler.models import Finding, Notice
from tipline.trawler.notices import (
    notice_reference,
    notices_escalate,
    notices_send,
    recheck_delay,
)
from tipline.trawler.tests.findings import SEEN_AT, finding_make

pytestmark = pytest.mark.django_db

CONTACTS = """host,network,asn,email,name
example.com,,,abuse@example.com,Example Hosting
,,64500,abuse@as64500.example,
"""
NOW = SEEN_AT + timedelta(hours=2)


@pytest.fixture
def notice_settings(settings: Any) -> Any:
    settings.TRAWL_NOTICE_SENDER = "The Test Hub, Cyber Crime Coordination"
    settings.TRAWL_NOTICE_FROM = "notices@hub.example"
    settings.TRAWL_NOTICE_REPLY_TO = "takedown@hub.example"
    settings.TRAWL_RECHECK_FIRST_MINUTES = 60
    settings.TRAWL_RECHECK_MAX_HOURS = 24
    settings.TRAWL_ESCALATE_HOURS = 72
    return settings


def test_one_notice_per_url_to_its_host_its_parent_domain_or_its_asn(
        notice_settings: Any, mailoutbox: list[Any], analyst: Any) -> None:
    contacts_import(actor=None, text=CONTACTS)
    on_host = finding_make("http://example.com/a.jpg", page_url="http://example.com/page",
                           content=b"one")
    on_sub = finding_make("http://img.example.com/b.png", page_url="http://blog.test/post",
                          content=b"two", ip="203.0.113.9")
    by_asn = finding_make("http://far.test/c.jpg", page_url="http://far.test/", content=b"3",
                          asn=64500)
    finding_make("http://nobody.test/d.jpg", page_url="http://nobody.test/", content=b"4",
                 asn=64999)
    # the same URL found again (another page): still one notice for it
    again = finding_make("http://example.com/a.jpg", page_url="http://example.com/other",
                         content=b"one")
    # not confirmed: no notice
    finding_make("http://example.com/e.jpg", content=b"5", state=Finding.State.CANDIDATE)

    done = notices_send(now=NOW)
    assert (done.sent, done.no_contact, done.failed) == (3, 1, 0)
    sent = {n.finding_id: n for n in Notice.objects.filter(state=Notice.State.SENT)}
    assert {f: n.email for f, n in sent.items()} == {
        on_host.pk: "abuse@example.com", on_sub.pk: "abuse@example.com",
        by_asn.pk: "abuse@as64500.example"}
    assert not Notice.objects.filter(finding=again).exists()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "abuse@as64500.example", "abuse@example.com", "abuse@example.com"]
    for notice in sent.values():
        assert notice.sent_at == NOW and notice.next_check_at == NOW + timedelta(hours=1)

    # idempotent: a second run sends nothing more
    assert notices_send(now=NOW + timedelta(minutes=10)).sent == 0
    assert len(mailoutbox) == 3
    assert Notice.objects.count() == 4
    assert AuditEvent.objects.filter(action="trawl.notice_sent").count() == 3


def test_the_mail_names_url_page_hash_time_sender_and_reply_and_carries_no_copy(
        notice_settings: Any, mailoutbox: list[Any]) -> None:
    contacts_import(actor=None, text=CONTACTS)
    finding = finding_make("http://cdn.example.com/img/7.jpg",
                           page_url="http://forum.example.com/t/9", content=b"pixels",
                           ip="198.51.100.4")
    notices_send(now=NOW)
    (mail,) = mailoutbox
    notice = Notice.objects.get(finding=finding)
    body = mail.body
    assert notice_reference(notice) in mail.subject and "cdn.example.com" in mail.subject
    assert "http://cdn.example.com/img/7.jpg" in body
    assert "http://forum.example.com/t/9" in body
    assert finding.sha256 in body and len(finding.sha256) == 64
    assert "2026-03-01 09:30:00 UTC" in body
    assert "The Test Hub, Cyber Crime Coordination" in body
    assert "takedown@hub.example" in body and notice_reference(notice) in body
    assert mail.from_email == "notices@hub.example"
    assert mail.reply_to == ["takedown@hub.example"]
    assert mail.to == ["abuse@example.com"]
    # no copy of the material: no attachment, no alternative part, no other link
    assert mail.attachments == [] and getattr(mail, "alternatives", []) == []
    assert set(re.findall(r"https?://\S+", body)) == {
        "http://cdn.example.com/img/7.jpg", "http://forum.example.com/t/9"}
    assert "pixels" not in body


def test_no_contact_tells_the_hub_and_the_notice_goes_once_a_contact_is_added(
        notice_settings: Any, mailoutbox: list[Any], analyst: Any, beed_officer: Any) -> None:
    first = finding_make("http://lost.test/1.jpg", content=b"a")
    second = finding_make("http://lost.test/2.jpg", content=b"b")
    done = notices_send(now=NOW)
    assert (done.sent, done.no_contact) == (0, 2)
    assert mailoutbox == []
    assert set(Notice.objects.values_list("finding_id", "state")) == {
        (first.pk, "no_contact"), (second.pk, "no_contact")}
    (note,) = Notification.objects.filter(recipient=analyst, kind=Kind.TAKEDOWN)
    assert "2 confirmed URLs on lost.test have no abuse contact" in note.text
    assert not Notification.objects.filter(recipient=beed_officer).exists()
    assert AuditEvent.objects.filter(action="trawl.notice_no_contact").count() == 2
    # the next run neither records nor tells again
    assert notices_send(now=NOW).no_contact == 0
    assert Notification.objects.filter(kind=Kind.TAKEDOWN).count() == 1

    contacts_import(actor=None, text="host,email\nlost.test,abuse@lost.test\n")
    later = NOW + timedelta(hours=5)
    assert notices_send(now=later).sent == 2
    assert [m.to for m in mailoutbox] == [["abuse@lost.test"], ["abuse@lost.test"]]
    assert set(Notice.objects.values_list("state", "sent_at")) == {("sent", later)}
    assert notices_send(now=later).sent == 0


def test_a_url_removed_and_found_again_gets_a_new_notice(
        notice_settings: Any, mailoutbox: list[Any]) -> None:
    contacts_import(actor=None, text=CONTACTS)
    old = finding_make("http://example.com/back.jpg", content=b"x")
    notices_send(now=NOW)
    Notice.objects.filter(finding=old).update(state=Notice.State.REMOVED,
                                              removed_at=NOW + timedelta(hours=3))
    # seen before it was removed: the old notice covers it
    finding_make("http://example.com/back.jpg", content=b"x",
                 fetched_at=NOW + timedelta(hours=1))
    assert notices_send(now=NOW + timedelta(hours=4)).sent == 0
    # seen after it was removed: it is back up, a new notice goes
    back = finding_make("http://example.com/back.jpg", content=b"x",
                        fetched_at=NOW + timedelta(days=2))
    assert notices_send(now=NOW + timedelta(days=2)).sent == 1
    assert Notice.objects.get(finding=back).state == Notice.State.SENT
    assert len(mailoutbox) == 2


def test_the_backoff_doubles_from_the_first_wait_up_to_the_cap(notice_settings: Any) -> None:
    hours = [recheck_delay(n) / timedelta(hours=1) for n in range(8)]
    assert hours == [1, 2, 4, 8, 16, 24, 24, 24]
    notice_settings.TRAWL_RECHECK_FIRST_MINUTES = 15
    notice_settings.TRAWL_RECHECK_MAX_HOURS = 1
    assert [recheck_delay(n) / timedelta(minutes=1) for n in range(4)] == [15, 30, 60, 60]
    assert recheck_delay(10_000) == timedelta(hours=1)


def test_a_notice_still_up_after_the_deadline_is_escalated_once(
        notice_settings: Any, mailoutbox: list[Any], analyst: Any, mh_nodal: Any,
        make_report: Any) -> None:
    contacts_import(actor=None, text=CONTACTS)
    in_state = finding_make("http://example.com/mh.jpg", content=b"m",
                            report=make_report("IN-MH-BEED"), country="IN")
    national = finding_make("http://example.com/in.jpg", content=b"n")
    gone = finding_make("http://example.com/gone.jpg", content=b"g")
    notices_send(now=NOW)
    Notice.objects.filter(finding=gone).update(state=Notice.State.REMOVED,
                                               removed_at=NOW + timedelta(hours=5))
    assert notices_escalate(now=NOW + timedelta(hours=71, minutes=59)) == 0
    assert not Notification.objects.filter(kind=Kind.TAKEDOWN).exists()

    deadline = NOW + timedelta(hours=72)
    assert notices_escalate(now=deadline) == 2
    escalated = Notice.objects.filter(state=Notice.State.ESCALATED)
    assert {n.finding_id for n in escalated} == {in_state.pk, national.pk}
    assert {n.escalated_at for n in escalated} == {deadline}
    (hub_note,) = Notification.objects.filter(recipient=analyst, kind=Kind.TAKEDOWN)
    assert hub_note.text.startswith("example.com has not removed the material of 2 takedown "
                                    "notices 72 hours after")
    assert "The host is in India." in hub_note.text
    (state_note,) = Notification.objects.filter(recipient=mh_nodal, kind=Kind.TAKEDOWN)
    ref = notice_reference(Notice.objects.get(finding=in_state))
    assert ref in state_note.text
    assert notice_reference(Notice.objects.get(finding=national)) not in state_note.text
    assert AuditEvent.objects.filter(action="trawl.notice_escalated").count() == 2

    # once: later sweeps leave them
    assert notices_escalate(now=deadline + timedelta(days=3)) == 0
    assert Notification.objects.filter(kind=Kind.TAKEDOWN).count() == 2


def test_a_mail_server_that_refuses_leaves_no_notice_and_the_next_run_sends_it(
        notice_settings: Any, mailoutbox: list[Any]) -> None:
    import socket

    contacts_import(actor=None, text=CONTACTS)
    finding = finding_make("http://example.com/later.jpg", content=b"later")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    notice_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    notice_settings.EMAIL_HOST, notice_settings.EMAIL_PORT = "127.0.0.1", closed
    notice_settings.EMAIL_USE_TLS = notice_settings.EMAIL_USE_SSL = False
    notice_settings.EMAIL_TIMEOUT = 2
    done = notices_send(now=NOW)
    assert (done.sent, done.failed) == (0, 1)
    assert not Notice.objects.filter(finding=finding).exists()
    assert not AuditEvent.objects.filter(action="trawl.notice_sent").exists()
    notice_settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_send(now=NOW + timedelta(minutes=10)).sent == 1
    assert Notice.objects.get(finding=finding).sent_at == NOW + timedelta(minutes=10)
    assert len(mailoutbox) == 1
