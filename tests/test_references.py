"""Every form field and query parameter that names a record (a case, report, file, unit,
state, packet, notice, checklist step, cluster) resolves it within the submitter's reach.

One row per field, with how to submit it: the answer to a record of another jurisdiction must
be exactly the answer to one that does not exist (the reference itself aside), and nothing
changes. The one exception is a jurisdiction code sent as a destination: the tree is public
(the units directory lists every unit to every officer), so the answer may say the place is
out of reach; the test still checks nothing moved.

A new field in any of Tipline's forms or the JSON API's query and body schemas fails
`test_every_field_is_classified` until it has a row here, or a line in NOT_REFERENCES saying
why it names no jurisdiction's record.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import timezone
from ninja import Schema

import tipline
from tipline.accounts.services import api_token_create, grant_add, user_create
from tipline.cases.models import Case
from tipline.cases.services import cases_open, notice_add
from tipline.dispatch.models import Packet
from tipline.dispatch.services import packet_build
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction
from tipline.review.models import Decision
from tipline.review.tests.helpers import report_with_images
from tipline.routing.models import ReportCluster

pytestmark = pytest.mark.django_db

#: far beyond any record a test makes
MISSING_ID = 10**9


class World:
    """Records in Beed (out of Prakash's reach) and Pune (his), and the people who act."""

    def __init__(self, request: pytest.FixtureRequest, make_report: Any) -> None:
        self.request = request
        analyst, beed_officer = (request.getfixturevalue("analyst"),
                                 request.getfixturevalue("beed_officer"))
        shipped = make_report("IN-MH-PUNE", status=Report.Status.ROUTED)
        self.pune_packet = packet_build(actor=analyst, target_code="IN-MH-PUNE").packet
        self.beed_report, self.beed_files = report_with_images(
            make_report, "IN-MH-BEED", seeds=(1,), scan=False, status=Report.Status.ROUTED)
        self.pune_report, self.pune_files = report_with_images(
            make_report, "IN-MH-PUNE", seeds=(2,), scan=False, status=Report.Status.ROUTED)
        self.pune_other = make_report("IN-MH-PUNE", status=Report.Status.ROUTED)
        cases_open(actor=None, report_ids=[self.beed_report.pk, self.pune_report.pk,
                                           self.pune_other.pk, shipped.pk])
        self.beed_case = Case.objects.get(report=self.beed_report)
        self.pune_case = Case.objects.get(report=self.pune_report)
        self.pune_other_case = Case.objects.get(report=self.pune_other)
        today = timezone.localdate()
        self.beed_notice = notice_add(actor=beed_officer, case_id=self.beed_case.pk,
                                      recipient_kind="platform", recipient="ExampleChat",
                                      sent_on=today, due_on=today + timedelta(7))
        self.pune_notice = notice_add(actor=request.getfixturevalue("pune_officer"),
                                      case_id=self.pune_case.pk, recipient_kind="platform",
                                      recipient="ExampleChat", sent_on=today,
                                      due_on=today + timedelta(7))
        self.beed_step = self.beed_case.checklist.order_by("pk").first()
        self.pune_step = self.pune_case.checklist.order_by("pk").first()
        self.beed_packet = packet_build(actor=analyst, target_code="IN-MH-BEED").packet
        lead = Jurisdiction.objects.get(code="IN-MH-BEED")
        ReportCluster.objects.create(report=self.beed_report, cluster=self.beed_report.pk,
                                     lead=lead)
        ReportCluster.objects.create(report=self.pune_report, cluster=self.pune_report.pk,
                                     lead=Jurisdiction.objects.get(code="IN-MH-PUNE"))
        self.maharashtra = Jurisdiction.objects.get(code="IN-MH")
        self.karnataka = Jurisdiction.objects.get(code="IN-KA")
        self.ka_unit = Jurisdiction.objects.filter(code__startswith="IN-KA-").order_by(
            "code").first()
        self.pune_reviewer = user_create(actor=None, username="revati",
                                         password="correct-horse-9")  # noqa: S106
        grant_add(actor=None, user=self.pune_reviewer, role_code="reviewer",
                  jurisdiction_code="IN-MH-PUNE")

        self.west_nodal = user_create(actor=None, username="varun",
                                      password="correct-horse-9")  # noqa: S106
        for state in ("IN-MH", "IN-GA"):
            grant_add(actor=None, user=self.west_nodal, role_code="state_nodal",
                      jurisdiction_code=state)

    def user(self, persona: str) -> Any:
        if persona in ("pune_reviewer", "west_nodal"):
            return getattr(self, persona)
        return self.request.getfixturevalue(persona)

    def web(self, persona: str) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(self.user(persona))
        return client

    def api(self, persona: str) -> Client:
        _, token = api_token_create(actor=None, user=self.user(persona), name="references")
        return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})

    def snapshot(self) -> Any:
        """What a refused submission must leave as it was."""
        return (
            list(Case.objects.order_by("pk").values_list("status", "duplicate_of_id")),
            list(Report.objects.order_by("pk").values_list("jurisdiction_id", "status")),
            Decision.objects.count(),
            list(Packet.objects.order_by("pk").values_list("acknowledged_at", flat=True)),
        )


# --- how an answer is read: status, where it led, and what it said ---------------------------


def _page(response: Any) -> tuple[Any, ...]:
    """A web answer, followed through its redirect: status, final path, messages, form
    errors."""
    context = response.context or {}
    form = context.get("form") if hasattr(context, "get") else None
    messages = [str(m) for m in context.get("messages", [])] if hasattr(context, "get") else []
    errors = dict(form.errors) if isinstance(form, forms.BaseForm) else {}
    return (response.status_code, response.request["PATH_INFO"], messages,
            {k: [str(e) for e in v] for k, v in errors.items()})


def _listed(response: Any) -> tuple[Any, ...]:
    """A list page: its answer and how many rows it shows."""
    page = response.context["page"] if response.status_code == 200 else None
    return (*_page(response), len(page.rows) if page is not None else None)


def _json(response: Any) -> tuple[int, Any]:
    return response.status_code, json.loads(response.content or b"null")


@dataclass(frozen=True)
class Row:
    """One field that names a record: who submits it, how, and the references to try."""

    field: str  # "module.Form.field", "module.Schema.field" or "url-name?param"
    persona: str
    submit: Callable[[World, Client, str], Any]
    theirs: Callable[[World], str]
    missing: Callable[[World], str]
    #: a record of the same kind within the submitter's reach
    mine: Callable[[World], str]
    api: bool = False
    #: a public place as a destination: refused, but may say so (module docstring)
    public_place: bool = False

    def __str__(self) -> str:
        return self.field


ROWS = [
    Row("tipline.cases.forms.CloseForm.duplicate_of", "pune_officer",
        lambda w, c, ref: _page(c.post(f"/cases/{w.pune_case.pk}/close/", {
            "reason": "duplicate", "duplicate_of": ref}, follow=True)),
        lambda w: w.beed_case.reference, lambda w: f"TLC-{MISSING_ID:08d}",
        lambda w: w.pune_other_case.reference),
    Row("tipline.cases.forms.CloseForm.duplicate_of (a report reference)", "pune_officer",
        lambda w, c, ref: _page(c.post(f"/cases/{w.pune_case.pk}/close/", {
            "reason": "duplicate", "duplicate_of": ref}, follow=True)),
        lambda w: w.beed_report.reference, lambda w: f"TL-{MISSING_ID:08d}",
        lambda w: w.pune_other.reference),
    Row("tipline.api.schemas.CaseStatusChange.duplicate_of", "pune_officer",
        lambda w, c, ref: _json(c.post(f"/api/cases/{w.pune_case.pk}/status", {
            "action": "close", "reason": "duplicate", "duplicate_of": ref},
            content_type="application/json")),
        lambda w: w.beed_case.reference, lambda w: f"TLC-{MISSING_ID:08d}",
        lambda w: w.pune_other_case.reference, api=True),
    Row("tipline.review.views.DecisionForm.file", "pune_reviewer",
        lambda w, c, ref: _page(c.post(f"/review/reports/{w.pune_report.pk}/decide/", {
            "verdict": "second_opinion", "file": ref}, follow=True)),
        lambda w: str(w.beed_files[0].pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_files[0].pk)),
    Row("tipline.intake.forms.ReportFilterForm.state", "beed_officer",
        lambda w, c, ref: _listed(c.get("/reports/", {"state": ref})),
        lambda w: str(w.karnataka.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.maharashtra.pk)),
    Row("tipline.api.schemas.ReportQuery.state", "beed_officer",
        lambda w, c, ref: _json(c.get("/api/reports/", {"state": ref})),
        lambda w: str(w.karnataka.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.maharashtra.pk), api=True),
    Row("tipline.dispatch.forms.PacketBuildForm.target", "mh_nodal",
        lambda w, c, ref: _page(c.post("/packets/new/", {"target": ref})),
        lambda w: w.ka_unit.code, lambda w: "IN-KA-NOWHERE",
        lambda w: "IN-MH-PUNE"),
    Row("tipline.routing.forms.TransferForm.to", "mh_nodal",
        lambda w, c, ref: _page(c.post(f"/reports/{w.pune_report.pk}/transfer/", {
            "to": ref, "reason": "belongs to Bengaluru"}, follow=True)),
        lambda w: w.ka_unit.code, lambda w: "IN-KA-NOWHERE",
        lambda w: "IN-MH-BEED", public_place=True),
    Row("tipline.api.schemas.CaseQuery.unit", "pune_officer",
        lambda w, c, ref: _json(c.get("/api/cases/", {"unit": ref})),
        lambda w: "IN-MH-BEED", lambda w: "IN-MH-NOWHERE",
        lambda w: "IN-MH-PUNE", api=True),
    Row("tipline.api.schemas.FunnelQuery.state", "pune_officer",
        lambda w, c, ref: _json(c.get("/api/funnel/", {"state": ref})),
        lambda w: "KA", lambda w: "ZZ",
        lambda w: "MH", api=True),
    Row("cases:funnel?state", "pune_officer",
        lambda w, c, ref: (lambda r: (r.status_code, r.context["funnel"].total))(
            c.get("/cases/", {"state": ref})),
        lambda w: "KA", lambda w: "ZZ",
        lambda w: "MH"),
    Row("cases:unit_cases <code>", "pune_officer",
        lambda w, c, ref: c.get(f"/cases/unit/{ref}/").status_code,
        lambda w: "IN-MH-BEED", lambda w: "IN-MH-NOWHERE",
        lambda w: "IN-MH-PUNE"),
    Row("routing:queue?at", "west_nodal",
        lambda w, c, ref: (lambda r: (r.status_code, r.context["node"].code))(
            c.get("/routing/queue/", {"at": ref})),
        lambda w: "IN-KA", lambda w: "IN-ZZ",
        lambda w: "IN-GA"),
    Row("routing:inbox?unit", "pune_officer",
        lambda w, c, ref: (lambda r: (r.status_code, r.context["unit"],
                                      [x.pk for x in r.context["reports"]]))(
            c.get("/routing/inbox/", {"unit": ref})),
        lambda w: "IN-MH-BEED", lambda w: "IN-MH-NOWHERE",
        lambda w: "IN-MH-PUNE"),
    Row("cases:case_action <pk>", "pune_officer",
        lambda w, c, ref: c.post(f"/cases/{ref}/acknowledge/").status_code,
        lambda w: str(w.beed_case.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_case.pk)),
    Row("cases:notice_reply <pk>", "pune_officer",
        lambda w, c, ref: c.post(f"/cases/notices/{ref}/reply/", {
            "replied_on": timezone.localdate().isoformat(), "reply": "x"}).status_code,
        lambda w: str(w.beed_notice.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_notice.pk)),
    Row("cases:checklist_set <pk>", "pune_officer",
        lambda w, c, ref: c.post(f"/cases/checklist/{ref}/", {"done": "on"}).status_code,
        lambda w: str(w.beed_step.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_step.pk)),
    Row("dispatch:packet_acknowledge <pk>", "pune_officer",
        lambda w, c, ref: _page(c.post(f"/packets/{ref}/acknowledge/", follow=True)),
        lambda w: str(w.beed_packet.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_packet.pk)),
    Row("dispatch:packet_download <pk>", "pune_officer",
        lambda w, c, ref: c.get(f"/packets/{ref}/download/").status_code,
        lambda w: str(w.beed_packet.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_packet.pk)),
    Row("review:decide <pk>", "pune_reviewer",
        lambda w, c, ref: c.post(f"/review/reports/{ref}/decide/", {
            "verdict": "second_opinion"}).status_code,
        lambda w: str(w.beed_report.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_report.pk)),
    Row("api:report_detail <key>", "pune_officer",
        lambda w, c, ref: _json(c.get(f"/api/reports/{ref}")),
        lambda w: w.beed_report.reference, lambda w: f"TL-{MISSING_ID:08d}",
        lambda w: w.pune_report.reference, api=True),
    Row("api:case_detail <id>", "pune_officer",
        lambda w, c, ref: _json(c.get(f"/api/cases/{ref}")),
        lambda w: str(w.beed_case.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_case.pk), api=True),
    Row("api:cluster_detail <id>", "pune_officer",
        lambda w, c, ref: _json(c.get(f"/api/clusters/{ref}")),
        lambda w: str(w.beed_report.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_report.pk), api=True),
    Row("api:packet_detail <id>", "pune_officer",
        lambda w, c, ref: _json(c.get(f"/api/packets/{ref}")),
        lambda w: str(w.beed_packet.pk), lambda w: str(MISSING_ID),
        lambda w: str(w.pune_packet.pk), api=True),
]

#: fields of Tipline's forms and API schemas that name no jurisdiction's record, and why
NOT_REFERENCES: dict[str, str] = {
    "tipline.accounts.forms.CodeForm.code":
        "a one-time code, checked against the caller's own second-factor devices only",
    "tipline.cases.forms.FIRForm.sections":
        "the national catalogue of sections of law, the same for every unit",
    "tipline.intake.forms.ReportFilterForm.q": "a search within the caller's scoped reports",
    "tipline.api.schemas.ReportQuery.q": "a search within the caller's scoped reports",
    "tipline.api.schemas.ReportQuery.cursor": "a keyset position within the caller's list",
    "tipline.api.routes.places.ClusterQuery.after":
        "a keyset position within the clusters the caller sees",
    "tipline.tips.forms.TipForm.state": "the public tip form's list of states",
    "tipline.trawler.pages.SourceForm.url": "a web address to crawl, not a record of Tipline's",
    "tipline.trawler.pages.SourceForm.kind": "a choice among the source kinds",
    "tipline.trawler.pages.SourceForm.scope": "same host or any host, a choice of two",
    "tipline.trawler.pages.SourceForm.depth": "a number of links to follow",
    "tipline.trawler.pages.SourceForm.every_hours": "a number of hours",
    "tipline.trawler.views.DecisionForm.decision":
        "confirm or dismiss, a choice of two words; the finding is the URL's, looked up scoped",
    "tipline.analytics.views.ChartFilter.state":
        "narrows a chart to a state of the public tree; the numbers themselves are counted "
        "from the caller's scoped records (another state's are hatched, never counted)",
    "tipline.api.schemas.UnitQuery.state": "the units directory, public to every officer",
    "tipline.tips.forms.StatusForm.tracking":
        "a tip's tracking number, answered only with its secret (tips tests)",
    "tipline.audit.forms.EventFilterForm.actor":
        "the audit page's filter, for auditors only: the whole trail is theirs to read",
    "tipline.audit.forms.EventFilterForm.object_id":
        "the audit page's filter, for auditors only: the whole trail is theirs to read",
    "tipline.alerts.views.PreferencesForm.language":
        "the language of one's own e-mail and text messages (en or hi), no record",
}

#: field kinds that cannot carry a reference (dates, flags, files); a number or a text can,
#: so those are plain only by a name below, and a model choice never is
_PLAIN = (forms.DateField, forms.BooleanField, forms.FileField)
_PLAIN_NAMES = re.compile(
    r"^(blur_strength|note|reason|number|person|items|recipient|reply|title|body|short|act|section|about|"
    r"police_station|what|district|pin|place|links|name|phone|email|secret|contact|"
    r"pow_token|pow_solution|question_token|question_answer|verdict|category|recipient_kind|"
    r"source|incident_type|status|sort|action|box|limit|page|priority|received_from|"
    r"received_to|versions)$")


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _all_fields() -> dict[str, Any]:
    """Every field of every form in Tipline's apps and of the API's query and body schemas."""
    for app in (p.name for p in pkgutil.iter_modules(tipline.__path__) if p.ispkg):
        for module in ("forms", "views", "main"):
            try:
                importlib.import_module(f"tipline.{app}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"tipline.{app}.{module}":
                    raise
    found: dict[str, Any] = {}
    for form in _subclasses(forms.BaseForm):
        if form.__module__.startswith("tipline."):
            for name, field in form.base_fields.items():  # type: ignore[attr-defined]
                found[f"{form.__module__}.{form.__name__}.{name}"] = field
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("tipline.") and schema.__name__.endswith(
                ("Query", "Change")):
            for name, field in schema.model_fields.items():
                found[f"{schema.__module__}.{schema.__name__}.{name}"] = field
    return found


def test_every_field_is_classified() -> None:
    """A field that could name a record has a row (or a reason in NOT_REFERENCES)."""
    covered = {row.field.split(" ")[0] for row in ROWS} | set(NOT_REFERENCES)
    unclassified = sorted(
        key for key, field in _all_fields().items()
        if key not in covered and (
            isinstance(field, forms.ModelChoiceField)
            or not (isinstance(field, _PLAIN) or _PLAIN_NAMES.match(key.rsplit(".", 1)[1]))))
    assert not unclassified, f"add a row to ROWS (or NOT_REFERENCES) for {unclassified}"
    stale = sorted(key for key in covered if "." in key and key not in _all_fields())
    assert not stale, f"rows for fields that no longer exist: {stale}"


@pytest.fixture
def world(request: pytest.FixtureRequest, make_report: Any, analyst: Any) -> World:
    return World(request, make_report)


def _blank(answer: Any, ref: str) -> str:
    return json.dumps(answer, default=str).replace(ref, "<ref>")


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_record_out_of_reach_answers_like_a_missing_one(world: World, row: Row) -> None:
    theirs, missing = row.theirs(world), row.missing(world)
    client = (world.api if row.api else world.web)(row.persona)
    before = world.snapshot()
    out_of_reach = row.submit(world, client, theirs)
    assert world.snapshot() == before, "a reference out of reach changed something"
    not_there = row.submit(world, client, missing)
    assert world.snapshot() == before
    if row.public_place:
        assert _blank(out_of_reach, theirs) != "", out_of_reach
        assert "may not" in _blank(out_of_reach, theirs), out_of_reach
        return
    assert _blank(out_of_reach, theirs) == _blank(not_there, missing)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_record_within_reach_is_found(world: World, row: Row) -> None:
    """The same field, same submitter, naming a record within reach, answers otherwise (so
    the rows above compare the refusals of a working field, not two answers of a broken
    one)."""
    mine, missing = row.mine(world), row.missing(world)
    client = (world.api if row.api else world.web)(row.persona)
    assert _blank(row.submit(world, client, missing), missing) != _blank(
        row.submit(world, client, mine), mine)
