"""Writes to the jurisdiction tree."""

from __future__ import annotations

import re

import indian_pincode
from django.db import transaction

from tipline.geo.data import PINCODE_STATE_NAMES, STATE_ALIASES, STATE_NAMES, fold
from tipline.geo.models import Jurisdiction
from tipline.geo.selectors import jurisdiction_cache_clear


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
