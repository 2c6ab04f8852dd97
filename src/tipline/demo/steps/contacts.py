"""The demo's contacts: invented ones (the reserved .invalid domain) for each state's nodal
officer and each police unit that has none, through the units CSV import a state uses."""

from __future__ import annotations

from dataclasses import dataclass

from tipline.accounts.types import Actor
from tipline.jurisdictions.services import units_import
from tipline.jurisdictions.unit_files import unit_rows_render
from tipline.jurisdictions.units import unit_rows


@dataclass(frozen=True)
class ContactsFilled:
    """How many states' and units' contacts the demo filled in."""

    updated: int

    def summary(self) -> str:
        return f"demo contacts: {self.updated} nodal officers and units"


def contacts_fill(*, actor: Actor) -> ContactsFilled | None:
    """Give every state and unit without an officer an invented contact; None when all have
    one already."""
    rows = [r for r in unit_rows() if r.kind in ("state", "unit") and not r.officer]
    for r in rows:
        slug = r.code.lower().replace("in-", "", 1)
        r.officer = ("Nodal officer, state cyber cell (demo)" if r.kind == "state"
                     else "Inspector, cyber police station (demo)")
        r.email = f"{slug}@demo.tipline.invalid"
        r.phone = "+91 00 0000 0000 (demo)"
    if not rows:
        return None
    result = units_import(actor=actor, text=unit_rows_render(rows))
    return ContactsFilled(result.updated)
