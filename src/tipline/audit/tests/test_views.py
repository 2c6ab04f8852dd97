"""The audit trail page: only for readers of the whole trail (Aditi the auditor, Asha the hub
admin); everyone else, including the hub analyst and unit officers, gets 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tipline.audit.models import AuditEvent
from tipline.audit.services import Entry, audit_record_many

pytestmark = pytest.mark.django_db

URL = "audit:event_list"


def _events(n: int, *, action: str = "test.event") -> None:
    with transaction.atomic():
        audit_record_many(
            actor=None,
            entries=[Entry(action=action, object_type="t", object_id=str(i)) for i in range(n)],
        )


def _seqs(response: Any) -> list[int]:
    return [e.seq for e in response.context["page"].rows]


def test_anonymous_is_sent_to_login(client: Client, tree: None) -> None:
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["nobody", "analyst", "beed_officer", "mh_nodal"])
def test_users_without_audit_view_get_404(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(URL)).status_code == 404
    assert client.get(reverse(URL), {"verify": "1"}).status_code == 404


@pytest.mark.parametrize("persona", ["auditor", "hub_admin"])
def test_auditor_and_admin_read_the_trail_newest_first(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(URL))
    assert response.status_code == 200
    seqs = _seqs(response)
    assert seqs and seqs == sorted(seqs, reverse=True)
    html = response.content.decode()
    assert "user.created" in html and "grant.added" in html
    assert "Chain intact" not in html  # the check runs only when asked


def test_auditor_nav_has_audit_only(client: Client, auditor: Any) -> None:
    client.force_login(auditor)
    html = client.get(reverse(URL)).content.decode()
    assert ">Audit<" in html
    assert ">Reports<" not in html and ">Imports<" not in html
    assert "Auditor, India" in html


def test_keyset_pages_do_not_overlap(client: Client, auditor: Any) -> None:
    _events(70)
    client.force_login(auditor)
    total = AuditEvent.objects.count()
    first = client.get(reverse(URL))
    page1 = _seqs(first)
    assert page1 == list(range(total, total - 50, -1))
    older = first.context["page"].older
    second = client.get(reverse(URL), {"before": older})
    page2 = _seqs(second)
    assert page2 == list(range(total - 50, 0, -1))[:50]
    assert not set(page1) & set(page2)
    newer = second.context["page"].newer
    back = client.get(reverse(URL), {"after": newer})
    assert _seqs(back) == page1
    assert back.context["page"].newer is None


def test_filter_by_action_prefix_and_object(client: Client, auditor: Any) -> None:
    _events(3, action="report.imported")
    _events(2, action="report.routed")
    client.force_login(auditor)
    exact = client.get(reverse(URL), {"action": "report.routed"})
    assert {e.action for e in exact.context["page"].rows} == {"report.routed"}
    assert len(_seqs(exact)) == 2
    prefix = client.get(reverse(URL), {"action": "report.*"})
    assert len(_seqs(prefix)) == 5
    one = client.get(reverse(URL), {"action": "report.imported", "object_id": "1"})
    assert [(e.action, e.object_id) for e in one.context["page"].rows] == [("report.imported", "1")]
    none = client.get(reverse(URL), {"action": "no.such"})
    assert b"No events match these filters" in none.content


def test_verify_shows_the_chain_check(client: Client, auditor: Any) -> None:
    client.force_login(auditor)
    ok = client.get(reverse(URL), {"verify": "1"}).content.decode()
    count = AuditEvent.objects.count()
    assert "Chain intact" in ok and f"{count} events checked" in ok

    AuditEvent.objects.filter(seq=2).update(action="tampered")
    broken = client.get(reverse(URL), {"verify": "1"}).content.decode()
    assert "Chain broken at event #2" in broken
    assert "content does not match its hash" in broken


def test_page_links_keep_filters(client: Client, auditor: Any) -> None:
    _events(60, action="bulk.thing")
    client.force_login(auditor)
    html = client.get(reverse(URL), {"action": "bulk.thing"}).content.decode()
    older = re.search(r'rel="next" href="\?([^"]+)"', html)
    assert older is not None
    assert "action=bulk.thing" in older.group(1) and "before=" in older.group(1)


def test_events_read_as_sentences(client: Client, auditor: Any, hub_admin: Any) -> None:
    from tipline.audit.services import audit_record

    with transaction.atomic():
        audit_record(actor=hub_admin, action="case.closed", obj=hub_admin,
                     data={"reason": "duplicate", "duplicate_of": "TLC-000123"})
        audit_record(actor=hub_admin, action="some.new_thing", data={"n": 3, "who": "x"})
        audit_record(actor=hub_admin, action="submission.opened", data={"wrong": 1})
    client.force_login(auditor)
    html = client.get(reverse(URL)).content.decode()
    assert f"asha closed user {hub_admin.pk} as duplicate (duplicate_of=TLC-000123)" in html
    assert "asha some.new_thing (n=3, who=x)" in html  # no template: the action and pairs
    assert "asha submission.opened (wrong=1)" in html  # the template's key is missing
    assert "{&quot;" not in html  # no raw JSON


def test_filter_by_actor(client: Client, auditor: Any, hub_admin: Any) -> None:
    _events(2, action="by.nobody")
    with transaction.atomic():
        audit_record_many(actor=hub_admin, entries=[Entry(action="by.asha")])
    client.force_login(auditor)
    asha = client.get(reverse(URL), {"actor": "asha"}).context["page"].rows
    assert asha and {e.actor_id for e in asha} == {hub_admin.pk}
    anonymous = client.get(reverse(URL), {"actor": "anonymous", "action": "by.*"})
    assert {e.action for e in anonymous.context["page"].rows} == {"by.nobody"}
    assert b"No events match" in client.get(reverse(URL), {"actor": "ghost"}).content


def test_filter_by_date(client: Client, auditor: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    _events(3, action="dated.event")
    old = AuditEvent.objects.filter(action="dated.event").order_by("seq").first()
    assert old is not None
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    client.force_login(auditor)
    recent = client.get(reverse(URL), {"action": "dated.event", "date_from": str(today)})
    assert len(recent.context["page"].rows) == 2
    before = client.get(reverse(URL), {"action": "dated.event",
                                       "date_to": str(today - timedelta(days=5))})
    assert [e.seq for e in before.context["page"].rows] == [old.seq]


@pytest.mark.parametrize("params", [
    {"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_from": "2026-13-45"},
    {"date_from": "2026-05-02", "date_to": "2026-05-01"},
])
def test_bad_dates_are_a_form_error(client: Client, auditor: Any, params: dict[str, str]) -> None:
    client.force_login(auditor)
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert response.context["page"].rows  # the bad field is left out, the rest is shown


def test_page_shows_the_last_checkpoint_and_whether_the_trail_extends_it(
    client: Client, auditor: Any, tmp_path: Any, settings: Any
) -> None:
    from tipline.audit.services import audit_checkpoint_create

    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit.key"
    settings.AUDIT_KEY_FINGERPRINT = ""
    client.force_login(auditor)
    assert "No checkpoint has been signed yet" in client.get(reverse(URL)).content.decode()
    done = audit_checkpoint_create()
    _events(2)
    html = client.get(reverse(URL)).content.decode()
    assert f"Last signed checkpoint:</strong> event #{done.checkpoint.seq}" in html
    assert "The trail extends it." in html
    AuditEvent.objects.filter(seq__gt=done.checkpoint.seq - 1).delete()
    html = client.get(reverse(URL)).content.decode()
    assert "The trail does not extend it" in html and "truncation" in html
