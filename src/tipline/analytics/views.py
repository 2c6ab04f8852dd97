"""Chart pages: the funnel, intake by source, time to acknowledge and to FIR, the tile map.

Each page draws its chart on the server (analytics.svg) and shows the same numbers as a table
under it; `?format=xlsx` gives that table as a workbook. Everything is scoped to the viewer
by the selectors; a state the viewer sees nothing of is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tipline.accounts.policies import allowed_jurisdictions, gate
from tipline.accounts.types import AuthedRequest
from tipline.analytics import selectors as s
from tipline.analytics import svg
from tipline.analytics.grid import DISTRICT_COLUMNS, INDIA_GRID
from tipline.analytics.xlsx import table_xlsx
from tipline.cases.models import Case
from tipline.jurisdictions.selectors import jurisdiction_tree

#: the longest period the intake chart draws day by day; longer ones go by week
DAILY_UP_TO = 92
#: the longest period the intake chart draws at all
INTAKE_LONGEST = 3 * 366
#: rows drawn in a times chart (the table has them all)
TIMES_DRAWN = 25

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Numbers:
    """A chart's numbers as a table: what the page shows under the chart and the workbook."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""
    #: the header cells that hold numbers (right-aligned)
    numeric: set[int] = field(default_factory=set)

    @property
    def cells(self) -> list[tuple[str, list[tuple[str, bool]]]]:
        """Each row as the page writes it: its first cell, then (text, is a number) for the
        others (so the template does one plain loop per cell)."""
        return [(_text(row[0]), [(_text(v), i in self.numeric)
                                 for i, v in enumerate(row[1:], start=1)])
                for row in self.rows]


def _text(value: Any) -> str:
    if value is None:
        return "\u2013"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


class ChartFilter(forms.Form):
    """The period and the state every chart page can be narrowed to."""

    start = forms.DateField(required=False, label=gettext_lazy("From"))
    end = forms.DateField(required=False, label=gettext_lazy("to"))
    state = forms.CharField(required=False, max_length=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        state = (data.get("state") or "").upper()
        if state and f"IN-{state}" not in jurisdiction_tree().by_code:
            self.add_error("state", _("No such state or UT."))
        data["state"] = state or None
        return data


def _filter(request: AuthedRequest, *, default_days: int | None) -> tuple[ChartFilter,
                                                                           s.Period, str | None]:
    """The page's filter form and the period and state it gives (defaults when invalid:
    the last `default_days` days, or all time)."""
    form = ChartFilter(request.GET or None)
    today = timezone.localdate()
    start = today - timedelta(days=default_days - 1) if default_days else None
    period, state = s.Period(start, today if default_days else None), None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        period = s.Period(d.get("start") or (start if not d.get("end") else None),
                          d.get("end") or (today if default_days else None))
        state = d.get("state")
    if state and state not in s.visible_states(request.user):
        state = None
    return form, period, state


def _day(day: date) -> str:
    """A day as the notes write it, in the page's language: "4 Dec 2026", "4 दिस् 2026"."""
    return date_format(day, "j M Y")


def _period_note(period: s.Period, state: str | None) -> str:
    if period.start or period.end:
        when = _("%(start)s to %(end)s") % {
            "start": _day(period.start) if period.start else _("the beginning"),
            "end": _day(period.end) if period.end else _("today")}
    else:
        when = _("all time")
    where = (jurisdiction_tree().by_code[f"IN-{state}"].name if state
             else _("everything you can see"))
    return f"{where}, {when}"


def _answer(request: AuthedRequest, template: str, numbers: Numbers, filename: str,
            context: dict[str, Any]) -> HttpResponse:
    """The page, or (`?format=xlsx`) its numbers as a workbook."""
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(table_xlsx(title=numbers.title, headers=numbers.headers,
                                           rows=numbers.rows, note=numbers.note),
                                content_type=XLSX)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(request, template, {
        "section": "cases", "numbers": numbers, "xlsx_query": query.urlencode(),
        "states": sorted(s.visible_states(request.user)),
        **context,
    })


@require_GET
@gate(s.VIEW)
def funnel(request: AuthedRequest) -> HttpResponse:
    """The funnel as bars: how many of the cases opened in a period reached each stage."""
    form, period, state = _filter(request, default_days=None)
    counts = s.funnel_counts(user=request.user, period=period, state=state)
    first = counts.stages["reports"] or 1
    bars = [svg.Bar(str(label), counts.stages[key],
                    note=f"({100 * counts.stages[key] / first:.0f}%)" if key != "reports" else "")
            for key, label in s.STAGES]
    reasons = [(r, str(Case.NOT_PURSUED_SHORT[Case.Closure(r)])) for r in counts.not_pursued]
    side = [svg.Bar(label, counts.not_pursued[r]) for r, label in reasons]
    note = _period_note(period, state)
    rows: list[list[Any]] = [[str(label), counts.stages[key],
                              round(100 * counts.stages[key] / first, 1)]
                             for key, label in s.STAGES]
    rows += [[_("Not pursued: %(reason)s") % {"reason": label.lower()}, counts.not_pursued[r],
              round(100 * counts.not_pursued[r] / first, 1)] for r, label in reasons]
    rows.append([_("Still open"), counts.open, round(100 * counts.open / first, 1)])
    headers = [_("Stage"), _("Cases"),
               # xgettext:no-python-format
               _("% of reports routed")]
    numbers = Numbers(_("Funnel"), headers, rows, note, {1, 2})
    return _answer(request, "analytics/funnel.html", numbers, "tipline-funnel", {
        "form": form, "period": period, "state": state, "note": note, "counts": counts,
        "chart": svg.bar_chart(
            "funnel", bars, title=_("Funnel: cases reaching each stage"),
            desc=_("Of %(n)s reports routed to a unit (%(note)s): ") % {
                "n": counts.stages["reports"], "note": note}
                 + ", ".join(f"{b.label} {int(b.value)}" for b in bars[1:]) + "."),
        "side": svg.bar_chart(
            "not-pursued", side, title=_("Reports not pursued, by reason"),
            desc=", ".join(f"{b.label}: {int(b.value)}" for b in side) + "."),
    })


@require_GET
@gate(s.VIEW)
def intake(request: AuthedRequest) -> HttpResponse:
    """Reports received per day (or week) by source, in small multiples."""
    form, period, state = _filter(request, default_days=30)
    today = timezone.localdate()
    end = period.end or today
    start = period.start or end - timedelta(days=29)
    start = max(start, end - timedelta(days=INTAKE_LONGEST))
    weekly = request.GET.get("by") == "week" or (end - start).days + 1 > DAILY_UP_TO
    data = s.intake_by_source(user=request.user, start=start, end=end, weekly=weekly,
                              state=state)
    labels = [date_format(p, "d M") for p in data.periods]  # "04 Dec", "04 दिस्"
    panels = [svg.Panel(label, data.counts[code]) for code, label in data.sources]
    note = _period_note(s.Period(start, end), state) + (_(", by week") if weekly else _(", by day"))
    headers = [_("Week from") if weekly else _("Day"), *[label for _c, label in data.sources],
               _("All")]
    rows = [[p, *[data.counts[c][i] for c, _ in data.sources],
             sum(data.counts[c][i] for c, _ in data.sources)]
            for i, p in enumerate(data.periods)]
    numbers = Numbers(_("Intake by source"), headers, rows, note,
                      set(range(1, len(headers))))
    return _answer(request, "analytics/intake.html", numbers, "tipline-intake", {
        "form": form, "weekly": weekly, "note": note, "start": start, "end": end,
        "state": state,
        "chart": svg.columns_chart(
            "intake", panels, labels, title=_("Reports received by source"),
            desc=_("Reports received (%(note)s): ") % {"note": note}
                 + ", ".join(f"{p.label} {sum(p.values)}" for p in panels) + "."),
    })


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else round(value * scale, 1)


def _spreads(rows: list[s.Times], *, link: bool, scale: float = 1) -> list[svg.Spread]:
    """The slowest rows as the chart draws them (days times `scale`: 24 for hours)."""
    out = []
    for t in rows[:TIMES_DRAWN]:
        href = None
        if link and t.code.count("-") == 1:
            href = reverse("analytics:times") + f"?by=unit&state={t.code.split('-', 1)[1]}"
        out.append(svg.Spread(t.name, _scaled(t.median, scale), _scaled(t.p90, scale), t.n,
                              href))
    return out


@require_GET
@gate(s.VIEW)
def times(request: AuthedRequest) -> HttpResponse:
    """Time to acknowledge packets and time to FIR, per state or per unit: median and 90th
    percentile in days, with how many were measured and how many still wait."""
    form, period, state = _filter(request, default_days=365)
    seen = s.visible_states(request.user)
    by_unit = request.GET.get("by") == "unit" or bool(state) or len(seen) <= 1
    ack = s.time_to_acknowledge(user=request.user, period=period, by_unit=by_unit, state=state)
    fir = s.time_to_fir(user=request.user, period=period, by_unit=by_unit, state=state)
    note = _period_note(period, state) + (_(", per unit") if by_unit else _(", per state"))
    place = _("Unit") if by_unit else _("State / UT")

    def cells(t: s.Times | None, scale: float) -> list[Any]:
        if t is None:
            return [0, None, None, 0]
        return [t.n, _scaled(t.median, scale), _scaled(t.p90, scale), t.waiting]

    names = {t.code: t.name for t in [*ack, *fir]}
    ack_by, fir_by = {t.code: t for t in ack}, {t.code: t for t in fir}
    rows = [[names[c], c, *cells(ack_by.get(c), 24), *cells(fir_by.get(c), 1)]
            for c in sorted(names, key=lambda c: names[c])]
    headers = [place, _("Code"), _("Packets acknowledged"), _("Acknowledge: median hours"),
               _("Acknowledge: p90 hours"), _("Packets waiting"), _("FIRs"),
               _("FIR: median days"), _("FIR: p90 days"), _("Open cases without FIR")]
    numbers = Numbers(_("Time to acknowledge and to FIR"), headers, rows, note,
                      set(range(2, len(headers))))
    return _answer(request, "analytics/times.html", numbers, "tipline-times", {
        "form": form, "note": note, "by_unit": by_unit, "state": state,
        "many_states": len(seen) > 1, "drawn": TIMES_DRAWN,
        "more": max(len(ack), len(fir)) > TIMES_DRAWN,
        "ack_chart": svg.spread_chart(
            "ack", _spreads(ack, link=not by_unit, scale=24), unit="hours",
            title=_("Hours from packet to acknowledgement"),
            desc=_("Median and 90th percentile hours to acknowledge a packet (%(note)s).")
            % {"note": note}),
        "fir_chart": svg.spread_chart(
            "fir", _spreads(fir, link=not by_unit),
            title=_("Days from case opened to FIR registered"),
            desc=_("Median and 90th percentile days from a case's opening to its FIR "
                   "(%(note)s).") % {"note": note}),
    })


def _short(name: str, room: int = 11) -> str:
    """A place's name cut to fit a tile (the whole name is in the tile's label)."""
    return name if len(name) <= room else name[:room - 1] + "\u2026"


def _measure(request: AuthedRequest) -> str:
    measure = request.GET.get("measure", "reports")
    return measure if measure in s.MEASURES else "reports"


@require_GET
@gate(s.VIEW)
def india(request: AuthedRequest) -> HttpResponse:
    """India as a grid of tiles, one per state/UT, shaded and numbered by the chosen measure;
    a tile leads to its state's districts."""
    measure = _measure(request)
    values = s.map_values(user=request.user, measure=measure)
    seen = s.visible_states(request.user)
    tree = jurisdiction_tree()
    tiles = []
    for code, (col, row) in INDIA_GRID.items():
        node = tree.by_code.get(f"IN-{code}")
        if node is None:
            continue
        href = reverse("analytics:map_state", args=[code]) + f"?measure={measure}"
        tiles.append(svg.Tile(code, node.name, values.get(code, 0), col, row, href,
                              visible=code in seen))
    label = str(s.MEASURES[measure])
    rows = [[t.name, t.code, t.value if t.visible else None]
            for t in sorted(tiles, key=lambda t: t.name)]
    numbers = Numbers(_("India: %(measure)s by state") % {"measure": label},
                      [_("State / UT"), _("Code"), label.capitalize()], rows,
                      _("%(measure)s on %(day)s") % {"measure": label,
                                                      "day": _day(timezone.localdate())}, {2})
    return _answer(request, "analytics/map.html", numbers, f"tipline-map-{measure}", {
        "measure": measure, "measures": s.MEASURES.items(), "label": label,
        "visible_tiles": [t for t in tiles if t.visible],
        "chart": svg.tile_map(
            "india", tiles, measure=label,
            title=_("India: %(measure)s by state and UT") % {"measure": label},
            desc=_("A grid of squares, one per state and UT (not a map of borders), each with "
                   "its code and number of %(measure)s. Total: %(total)s.")
            % {"measure": label, "total": sum(values.values())}),
    })


@require_GET
@gate(s.VIEW)
def state_map(request: AuthedRequest, code: str) -> HttpResponse:
    """One state's districts and units as a grid of tiles (by name), shaded and numbered."""
    code = code.upper()
    node = jurisdiction_tree().by_code.get(f"IN-{code}")
    if node is None or code not in s.visible_states(request.user):
        raise Http404("No such place")
    measure = _measure(request)
    values = s.map_values(user=request.user, measure=measure, state=code)
    places = s.places_in_state(code)
    allowed = allowed_jurisdictions(request.user, s.VIEW)
    tree = jurisdiction_tree()
    tiles = []
    for i, p in enumerate(places):
        visible = allowed is None or bool(allowed & tree.descendants(p.id))
        href = (reverse("cases:unit_cases", args=[p.code])
                if allowed is None or p.id in allowed else None)
        tiles.append(svg.Tile(_short(p.name), p.name, values.get(p.code, 0),
                              i % DISTRICT_COLUMNS, i // DISTRICT_COLUMNS, href, visible))
    label = str(s.MEASURES[measure])
    unplaced = values.get(node.code, 0)
    rows = [[t.name, p.code, t.value if t.visible else None] for t, p in zip(tiles, places,
                                                                             strict=True)]
    if unplaced:
        rows.append([_("%(place)s: not yet placed in a district") % {"place": node.name},
                     node.code, unplaced])
    numbers = Numbers(f"{node.name}: {label}", [_("District / unit"), _("Code"),
                                                label.capitalize()],
                      rows, _("%(measure)s on %(day)s") % {"measure": label,
                                                            "day": _day(timezone.localdate())}, {2})
    return _answer(request, "analytics/state_map.html", numbers,
                   f"tipline-map-{code}-{measure}", {
        "node": node, "code": code, "measure": measure, "measures": s.MEASURES.items(),
        "label": label, "unplaced": unplaced,
        "chart": svg.tile_map(
            "state", tiles, measure=label, size=84, title=f"{node.name}: {label}",
            desc=_("A grid of squares, one per district and unit of %(place)s, by name, each "
                   "with its number of %(measure)s. Total: %(total)s.")
            % {"place": node.name, "measure": label, "total": sum(values.values())}),
    })
