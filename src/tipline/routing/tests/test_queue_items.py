"""The queues as people work them: each report's clues side by side with the leading
candidates as buttons, the "other" box taking a unit's name, bulk assignment with one reason,
and the state queue's defects mended (it offered the state itself; its "other" box showed a
code as if filled in)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tipline.audit.models import AuditEvent
from tipline.core.errors import RejectedInput
from tipline.geo.models import ReportLocation
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction
from tipline.routing.selectors import jurisdiction_by_name_or_code

pytestmark = pytest.mark.django_db


def queued(make_report: Any, node: str = "IN", **location: Any) -> Report:
    report = make_report(node, status=Report.Status.NEW,
                         received_at=datetime(2024, 3, 11, 9, tzinfo=UTC))
    ReportLocation.objects.create(report=report, resolved_at=datetime.now(UTC), **location)
    return report


CONFLICT = {
    "country": "IN", "state": "MH", "conflict": True, "confidence": 0.4,
    "explanation": "CONFLICT: DL and MH", "candidates": [
        {"method": "ip", "clue": "IP 49.36.1.2:4431 at 2024-03-01 09:00Z", "country": "IN",
         "state": "DL", "district": None, "city": "Delhi", "pin": None, "confidence": 0.5},
        {"method": "address", "clue": "Thane", "country": "IN", "state": "MH",
         "district": "THANE", "city": "Thane", "pin": None, "confidence": 0.8},
    ]}

#: a report the state's own clues place no finer than the state: it waits at IN-MH
STATE_ONLY = {
    "country": "IN", "state": "MH", "confidence": 0.5, "explanation": "MH, IN: phone",
    "candidates": [{"method": "phone", "clue": "phone +912222222222", "country": "IN",
                    "state": "MH", "district": None, "city": None, "pin": None,
                    "confidence": 0.5}]}


def test_national_queue_shows_the_clues_side_by_side_with_candidate_buttons(
        analyst: Any, make_report: Any, client: Any) -> None:
    report = queued(make_report, **CONFLICT)
    client.force_login(analyst)
    text = client.get("/routing/queue/").content.decode()
    table = text[text.index('<table class="data clues">'):text.index("</table>")]
    # surest first: the address (Thane) above the IP (Delhi), each with where it points,
    # its confidence and how old it was when the report came in (the IP: ten days)
    assert table.index("Thane") < table.index("IP 49.36.1.2")
    assert "Delhi, DL, IN" in table and "0.80" in table and "0.50" in table
    assert "10 days before the report" in table and "undated" in table
    # the leading candidates are buttons: one click sends it there, with the reason typed
    assert '<button type="submit" name="to" value="IN-MH-CP-THANE"' in text
    assert '<button type="submit" name="to" value="IN-DL"' in text
    response = client.post(f"/reports/{report.pk}/transfer/", {
        "to": "IN-DL", "to_other": "", "reason": "the IP is fresh, the address is old",
        "next": "/routing/queue/"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-DL"
    event = AuditEvent.objects.filter(action="report.transferred").latest("pk")
    assert event.data["reason"] == "the IP is fresh, the address is old"


def test_state_queue_never_offers_the_state_itself(mh_nodal: Any, make_report: Any,
                                                   client: Any) -> None:
    """Regression: the state queue pre-selected Maharashtra for a report already there, and
    submitting it failed with "the report is already with Maharashtra"."""
    queued(make_report, "IN-MH", **STATE_ONLY)
    elsewhere = dict(STATE_ONLY, candidates=[*STATE_ONLY["candidates"], *CONFLICT["candidates"]])
    queued(make_report, "IN-MH", **elsewhere)
    client.force_login(mh_nodal)
    text = client.get("/routing/queue/?at=IN-MH").content.decode()
    assert "phone +912222222222" in text  # the report is in the queue
    assert 'value="IN-MH"' not in text and "checked" not in text
    # nor a place outside the state, where the nodal officer may not send it (Delhi)
    assert 'value="IN-MH-CP-THANE"' in text and 'value="IN-DL"' not in text


def test_other_box_has_a_label_not_a_code_as_placeholder(analyst: Any, make_report: Any,
                                                         client: Any) -> None:
    """Regression: every "other" box showed the placeholder IN-MH-BEED, which read as a
    filled-in value."""
    report = queued(make_report, **CONFLICT)
    client.force_login(analyst)
    text = client.get("/routing/queue/").content.decode()
    assert "IN-MH-BEED" not in text.replace('value="Beed (IN-MH-BEED)"', "")
    assert "placeholder" not in text
    assert f'<label for="other-{report.pk}">Or another unit (name or code)</label>' in text
    # the autocomplete offers names with their codes
    assert '<option value="Beed (IN-MH-BEED)">' in text


@pytest.mark.parametrize("typed", ["Beed", "beed", "  BEED ", "Beed (IN-MH-BEED)",
                                   "in-mh-beed"])
def test_other_takes_a_units_name(typed: str, analyst: Any, make_report: Any,
                                  client: Any) -> None:
    report = queued(make_report, **CONFLICT)
    client.force_login(analyst)
    client.post(f"/reports/{report.pk}/transfer/", {
        "to": "", "to_other": typed, "reason": "the caller said Beed",
        "next": "/routing/queue/"})
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-MH-BEED"


def test_an_ambiguous_or_unknown_name_is_refused_with_the_choices(
        analyst: Any, make_report: Any, client: Any) -> None:
    names: dict[str, list[str]] = {}
    for name, code in Jurisdiction.objects.values_list("name", "code"):
        names.setdefault(name.casefold(), []).append(code)
    shared = next(codes for codes in names.values() if len(codes) > 1)
    name = Jurisdiction.objects.get(code=shared[0]).name
    with pytest.raises(RejectedInput) as refused:
        jurisdiction_by_name_or_code(text=name.upper())
    assert all(f"({code})" in str(refused.value) for code in shared)
    report = queued(make_report, **CONFLICT)
    client.force_login(analyst)
    for typed, says in ((name, shared[0]), ("Atlantis", "no jurisdiction or unit named")):
        page = client.post(f"/reports/{report.pk}/transfer/", {
            "to": "", "to_other": typed, "reason": "the caller said so",
            "next": "/routing/queue/"}, follow=True).content.decode()
        assert says in page
        report.refresh_from_db()
        assert report.jurisdiction.code == "IN"


def test_bulk_assign_moves_the_selected_with_one_reason(
        analyst: Any, mh_nodal: Any, beed_officer: Any, make_report: Any,
        client: Any) -> None:
    first, second, left = (queued(make_report, **CONFLICT) for _ in range(3))
    client.force_login(beed_officer)  # a unit officer has no queue
    assert client.post("/routing/queue/assign/", {
        "report": [first.pk], "to_other": "Beed", "reason": "not mine"}).status_code == 404
    client.force_login(mh_nodal)  # the national queue is not the nodal officer's: none moves
    client.post("/routing/queue/assign/", {
        "report": [first.pk, second.pk], "to_other": "Beed", "reason": "same caller, Beed"})
    assert set(Report.objects.filter(pk__in=[first.pk, second.pk])
               .values_list("jurisdiction__code", flat=True)) == {"IN"}
    client.force_login(analyst)
    page = client.post("/routing/queue/assign/", {
        "report": [first.pk, second.pk], "to_other": "Beed",
        "reason": "same caller, Beed", "next": "/routing/queue/"}, follow=True)
    assert "2 reports sent to Beed" in page.content.decode()
    codes = dict(Report.objects.values_list("pk", "jurisdiction__code"))
    assert codes[first.pk] == codes[second.pk] == "IN-MH-BEED" and codes[left.pk] == "IN"
    events = AuditEvent.objects.filter(action="report.transferred")
    assert sorted(e.data["reason"] for e in events) == ["same caller, Beed"] * 2
    # nothing selected, or no reason: a clear refusal, nothing moves
    page = client.post("/routing/queue/assign/", {"to_other": "Beed", "reason": "why not"},
                       follow=True).content.decode()
    assert "select the reports to assign" in page


def test_report_page_transfer_takes_a_name_without_a_code_placeholder(
        analyst: Any, make_report: Any, client: Any) -> None:
    report = queued(make_report, **CONFLICT)
    client.force_login(analyst)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    form = page[page.index('<section id="transfer">'):]
    form = form[:form.index("</section>")]
    assert "placeholder" not in form and '<option value="Beed (IN-MH-BEED)">' in form
    client.post(f"/reports/{report.pk}/transfer/", {
        "to": "Thane Police Commissionerate (IN-MH-CP-THANE)", "reason": "the address"})
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-MH-CP-THANE"
