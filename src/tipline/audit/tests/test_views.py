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
