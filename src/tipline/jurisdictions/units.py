"""Which police unit covers a place: the routing rules, read from `Coverage`.

A state declares its units' areas (`tipline units import`): districts, PIN codes or PIN
prefixes ("4110*"), and city names. The hub may override any of them, or send a whole state
elsewhere. For a resolved place the first match wins, in this order:

1. hub overrides, then 2. the state's declarations, each by
   PIN (exact, then the longest prefix) -> city (only when no PIN is known: a PIN is the
   more precise clue) -> district -> whole state (overrides only);
3. otherwise the district's own node (by default every district has a cyber unit), and
4. failing that, the state's node (the nodal officer assigns it).

Running processes re-read the rules at most `COVERAGE_TTL_SECONDS` after a change made
elsewhere (at once in the process that made it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tipline.jurisdictions.data import fold
from tipline.jurisdictions.models import Coverage, Jurisdiction
from tipline.jurisdictions.selectors import Node, jurisdiction_place, jurisdiction_tree
from tipline.jurisdictions.unit_files import UnitRow

COVERAGE_TTL_SECONDS = 30.0

Rules = dict[tuple[str, str, str], int]  # (state, kind, folded value) -> unit node id


@dataclass(frozen=True)
class CoverageTable:
    override: Rules
    declared: Rules
    loaded_at: float


_table: CoverageTable | None = None


def coverage_key(value: str, kind: str) -> str:
    """The form a coverage value is compared in (PINs as given, names folded)."""
    return value.strip() if kind == Coverage.Kind.PIN else fold(value)


def coverage_table() -> CoverageTable:
    global _table
    if _table is None or time.monotonic() - _table.loaded_at > COVERAGE_TTL_SECONDS:
        override: Rules = {}
        declared: Rules = {}
        for state, kind, value, is_override, unit_id in Coverage.objects.values_list(
                "state", "kind", "value", "override", "unit_id"):
            (override if is_override else declared)[(state, kind, coverage_key(value, kind))] \
                = unit_id
        _table = CoverageTable(override, declared, time.monotonic())
    return _table


def coverage_cache_clear() -> None:
    global _table
    _table = None


def _match(rules: Rules, state: str, district: str | None, pin: str | None,
           city: str | None) -> int | None:
    if not rules:
        return None
    if pin:
        for key in [pin, *(pin[:n] + "*" for n in range(5, 1, -1))]:
            if (hit := rules.get((state, "pin", key))) is not None:
                return hit
    elif city and (hit := rules.get((state, "city", fold(city)))) is not None:
        return hit
    if district and (hit := rules.get((state, "district", fold(district)))) is not None:
        return hit
    return rules.get((state, "state", fold(state)))


def unit_covering(*, state: str | None, district: str | None = None, pin: str | None = None,
                  city: str | None = None) -> Node | None:
    """The unit that receives reports from this place; None when the state is unknown."""
    if not state:
        return None
    tree = jurisdiction_tree()
    table = coverage_table()
    for rules in (table.override, table.declared):
        hit = _match(rules, state, district, pin, city)
        if hit is not None and hit in tree.by_id:
            return tree.by_id[hit]
    return jurisdiction_place(state=state, district=district)


def unit_rows(*, state: str | None = None) -> list[UnitRow]:
    """The units CSV's rows for one state or all: the state's nodal contact, its districts'
    contacts, and every unit with the coverage it declared (hub overrides are not part of it)."""
    nodes = Jurisdiction.objects.exclude(kind__in=[Jurisdiction.Kind.COUNTRY,
                                                   Jurisdiction.Kind.STATION])
    if state:
        nodes = nodes.filter(path__startswith=f"IN/{state.upper()}/")
    declared: dict[int, list[tuple[str, str]]] = {}
    for unit_id, kind, value in (Coverage.objects.filter(override=False, unit__in=nodes)
                                 .order_by("kind", "value").values_list("unit_id", "kind",
                                                                         "value")):
        declared.setdefault(unit_id, []).append((kind, value))
    rows = []
    for node in nodes.order_by("path"):
        covers = declared.get(node.pk, [])
        rows.append(UnitRow(
            code=node.code, name=node.name, state=node.state_code or "", kind=node.kind,
            districts=[v for k, v in covers if k == "district"],
            pins=[v for k, v in covers if k == "pin"],
            cities=[v for k, v in covers if k == "city"],
            officer=node.officer, email=node.email, phone=node.phone,
            language=node.language))
    return rows


def coverage_overrides() -> list[Coverage]:
    return list(Coverage.objects.filter(override=True).select_related("unit")
                .order_by("state", "kind", "value"))
