"""Writes to the jurisdiction tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import indian_pincode
from django.db import transaction

from tipline.accounts.policies import can_everywhere
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.jurisdictions.data import PINCODE_STATE_NAMES, STATE_ALIASES, STATE_NAMES, fold
from tipline.jurisdictions.models import Coverage, Jurisdiction
from tipline.jurisdictions.selectors import jurisdiction_cache_clear, jurisdiction_tree
from tipline.jurisdictions.unit_files import unit_rows_parse
from tipline.jurisdictions.units import coverage_cache_clear, coverage_key


def _slug(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", fold(name)).strip("-")


@transaction.atomic
def jurisdictions_seed() -> int:
    """Create the country, the 36 states/UTs and their districts if missing; returns new nodes.

    Idempotent: existing nodes (and anything a hub added) are left as they are.
    """
    existing = set(Jurisdiction.objects.values_list("code", flat=True))
    created = 0
    country, made = Jurisdiction.objects.get_or_create(
        code="IN", defaults={"name": "India", "kind": Jurisdiction.Kind.COUNTRY, "path": "IN/"}
    )
    created += int(made)
    new_nodes: list[Jurisdiction] = []
    for code, name in STATE_NAMES.items():
        full = f"IN-{code}"
        if full not in existing:
            new_nodes.append(
                Jurisdiction(
                    code=full, name=name, kind=Jurisdiction.Kind.STATE, parent=country,
                    path=f"IN/{code}/", aliases=STATE_ALIASES.get(code, []),
                )
            )
    Jurisdiction.objects.bulk_create(new_nodes)
    created += len(new_nodes)
    states = {j.code: j for j in Jurisdiction.objects.filter(kind=Jurisdiction.Kind.STATE)}
    districts: list[Jurisdiction] = []
    for code, name in STATE_NAMES.items():
        state = states[f"IN-{code}"]
        pincode_name = PINCODE_STATE_NAMES.get(code, name)
        for district in indian_pincode.list_districts(pincode_name.upper()):
            slug = _slug(district)
            full = f"IN-{code}-{slug}"
            if full in existing:
                continue
            existing.add(full)
            districts.append(
                Jurisdiction(
                    code=full, name=district.title(), kind=Jurisdiction.Kind.DISTRICT,
                    parent=state, path=f"IN/{code}/{slug}/",
                )
            )
    Jurisdiction.objects.bulk_create(districts, batch_size=500)
    created += len(districts)
    transaction.on_commit(jurisdiction_cache_clear)
    return created


@dataclass(frozen=True)
class UnitsImported:
    created: int
    updated: int
    coverage: int  # coverage rows written

    def summary(self) -> str:
        return (f"units: {self.created} created, {self.updated} updated, "
                f"{self.coverage} coverage rules")


def units_import(*, actor: Actor | None, text: str, only_missing: bool = False) -> UnitsImported:
    """Apply a units CSV (geo.unit_files): all of it, or nothing when any row is wrong.

    Each unit in the file gets the contacts and the coverage the file gives it (its earlier
    declared coverage is replaced; hub overrides stay). Units the file does not name are left
    as they are. `only_missing` (the built-in defaults) adds units that do not exist yet and
    touches nothing else.
    """
    tree = jurisdiction_tree()
    rows, errors = unit_rows_parse(text, tree=tree)
    if only_missing:
        rows = [r for r in rows if r.kind == "unit" and r.code not in tree.by_code]
    in_file = {r.code for r in rows}
    # areas that units not in the file hold already, in the form lookups compare them in
    held = {(state, kind, coverage_key(value, kind)): unit for state, kind, value, unit in
            Coverage.objects.filter(override=False, state__in={r.state for r in rows})
            .exclude(unit__code__in=in_file).values_list("state", "kind", "value", "unit__code")}
    for row in rows:
        for kind, value in row.coverage():
            other = held.get((row.state, kind, coverage_key(value, kind)))
            if other is not None:
                errors.append(f"{row.code}: {kind} {value} is already covered by {other}; "
                              "include that unit in the file too")
    if errors:
        raise RejectedInput("the units file was not applied:\n" + "\n".join(errors))
    nodes = {j.code: j for j in Jurisdiction.objects.filter(
        code__in=in_file | {f"IN-{r.state}" for r in rows})}
    new = [Jurisdiction(code=r.code, name=r.name, kind=Jurisdiction.Kind.UNIT,
                        parent=nodes[f"IN-{r.state}"],
                        path=f"{nodes[f'IN-{r.state}'].path}{r.code.split('-', 2)[2]}/",
                        officer=r.officer, email=r.email, phone=r.phone,
                        language=r.language or Jurisdiction.Language.ENGLISH)
           for r in rows if r.code not in nodes]
    changed = []
    for row in rows:
        if row.code in nodes:
            node = nodes[row.code]
            node.officer, node.email, node.phone = row.officer, row.email, row.phone
            if row.language is not None:
                node.language = row.language
            if row.kind == "unit" and row.name:
                node.name = row.name
            changed.append(node)
    with transaction.atomic():
        nodes.update((j.code, j) for j in Jurisdiction.objects.bulk_create(new))
        Jurisdiction.objects.bulk_update(changed, ["officer", "email", "phone", "name",
                                                   "language"])
        Coverage.objects.filter(unit__in=changed, override=False).delete()
        written = Coverage.objects.bulk_create([
            Coverage(unit=nodes[r.code], kind=kind, state=r.state,
                     value=value.upper() if kind == "district" else value)
            for r in rows for kind, value in r.coverage()])
        created, updated, coverage = len(new), len(changed), len(written)
        if rows and actor is not None:
            audit_record(actor=actor, action="units.imported", data={
                "units": sorted(in_file), "created": created, "updated": updated,
                "coverage": coverage})
        # cleared now for this transaction's own reads, and again once others can see it
        for clear in (jurisdiction_cache_clear, coverage_cache_clear):
            clear()
            transaction.on_commit(clear)
    return UnitsImported(created, updated, coverage)


def units_seed() -> int:
    """Add the built-in police units (jurisdictions/units.csv) that do not exist yet."""
    text = (Path(__file__).parent / "units.csv").read_text(encoding="utf-8")
    jurisdiction_cache_clear()
    return units_import(actor=None, text=text, only_missing=True).created


@transaction.atomic
def coverage_override(*, actor: Actor, state: str, kind: str, value: str, unit_code: str | None,
                      reason: str) -> Coverage | None:
    """A hub override: reports from this place go to `unit_code` whatever the state declared
    (`unit_code` None removes the override). Audited with its reason."""
    # the command line (a system actor, who may do anything) speaks for the hub's operators
    if not can_everywhere(actor, "report.assign"):
        raise NotPermitted("only the hub may override routing rules")
    state = state.strip().upper()
    if f"IN-{state}" not in jurisdiction_tree().by_code:
        raise RejectedInput(f"unknown state {state!r}")
    if kind not in Coverage.Kind.values:
        raise RejectedInput(f"kind must be one of {', '.join(Coverage.Kind.values)}")
    if len(reason.strip()) < 5:
        raise RejectedInput("give the reason for the override")
    value = value.strip().upper() if kind != "pin" else value.strip()
    if kind == "state":
        value = state
    Coverage.objects.filter(state=state, kind=kind, value=value, override=True).delete()
    rule = None
    if unit_code:
        unit = Jurisdiction.objects.filter(code=unit_code.strip().upper()).first()
        if unit is None or unit.kind not in (Jurisdiction.Kind.UNIT, Jurisdiction.Kind.DISTRICT,
                                             Jurisdiction.Kind.STATE):
            raise RejectedInput(f"no unit {unit_code!r}")
        rule = Coverage.objects.create(unit=unit, kind=kind, value=value, state=state,
                                       override=True, reason=reason.strip())
    audit_record(actor=actor, action="routing.override", data={
        "state": state, "kind": kind, "value": value, "unit": unit_code, "reason": reason})
    coverage_cache_clear()
    transaction.on_commit(coverage_cache_clear)
    return rule


def tree_seed() -> None:
    """The country, states, districts and built-in police units, then fresh caches."""
    jurisdictions_seed()
    units_seed()
    jurisdiction_cache_clear()
    coverage_cache_clear()


@transaction.atomic
def unit_language_set(*, actor: Actor, code: str, language: str) -> Jurisdiction:
    """The language of the headings of the packets a node receives (English or Hindi), set
    by the hub from the units page (the units file sets it too). Audited with the change."""
    if not can_everywhere(actor, "report.assign"):
        raise NotPermitted("only the hub may set a unit's packet language")
    if language not in Jurisdiction.Language.values:
        raise RejectedInput(f"unknown language {language!r}")
    node = Jurisdiction.objects.select_for_update().filter(code=code.upper()).first()
    if node is None:
        raise RejectedInput(f"unknown unit {code!r}")
    if node.language != language:
        before, node.language = node.language, language
        node.save(update_fields=["language"])
        audit_record(actor=actor, action="units.language", obj=node, data={
            "unit": node.code, "from": before, "to": language})
    return node
