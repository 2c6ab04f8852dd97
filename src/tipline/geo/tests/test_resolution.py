"""Fusing candidates: agreement, conflict, foreign and unknown; and `tipline locate --json`."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tipline.geo.locators import AddressClue, Candidate, Clues
from tipline.geo.resolution import CONFLICT_WEIGHT, fuse, resolve

pytestmark = pytest.mark.django_db


def cand(method: str, state: str | None, district: str | None = None, *, conf: float = 0.6,
         country: str | None = "IN") -> Candidate:
    return Candidate(method=method, clue=f"{method} clue", country=country, state=state,
                     district=district, precision="district" if district else "state",
                     confidence=conf)


def test_agreeing_methods_raise_confidence(tree: None) -> None:
    one = fuse([cand("pin", "MH", "BEED", conf=0.8)])
    two = fuse([cand("pin", "MH", "BEED", conf=0.8), cand("address", "MH", "BEED")])
    assert (two.state, two.district, two.unit) == ("MH", "BEED", "IN-MH-BEED")
    assert not two.conflict and two.confidence > one.confidence
    assert two.explanation.endswith("agree.")


def test_conflicting_states_are_flagged_and_heaviest_wins(tree: None) -> None:
    result = fuse([cand("ip", "DL", "NEW DELHI", conf=0.6),
                   cand("address", "MH", "THANE", conf=0.6), cand("pin", "MH", "THANE", conf=0.8)])
    assert result.conflict and (result.state, result.district) == ("MH", "THANE")
    assert "CONFLICT: DL also indicated" in result.explanation
    assert result.confidence < 0.8  # dissent lowers it


def test_weak_rival_is_not_a_conflict(tree: None) -> None:
    result = fuse([cand("pin", "MH", "PUNE", conf=0.8),
                   cand("phone", "KA", None, conf=CONFLICT_WEIGHT - 0.05)])
    assert not result.conflict and result.state == "MH"


def test_district_votes_add_up_across_split_pins(tree: None) -> None:
    result = fuse([cand("pin", "MH", "THANE", conf=0.4), cand("pin", "MH", "PALGHAR", conf=0.4),
                   cand("address", "MH", "THANE", conf=0.3)])
    assert result.district == "THANE"


def test_foreign_and_unknown(tree: None) -> None:
    abroad = fuse([cand("ip", None, conf=0.6, country="US"), cand("platform", None, conf=0.3,
                                                                   country="US")])
    assert abroad.foreign and abroad.state is None and abroad.unit is None
    nothing = fuse([Candidate(method="ip", clue="IP 10.0.0.1", country=None, confidence=0.0,
                              note="private address")])
    assert nothing.country is None and nothing.confidence == 0
    assert "private address" in nothing.explanation


def test_india_with_foreign_ip_is_a_conflict(tree: None) -> None:
    result = fuse([cand("address", "MH", "PUNE"), cand("pin", "MH", "PUNE", conf=0.8),
                   cand("ip", None, conf=0.6, country="NL")])
    assert result.country == "IN" and result.conflict and "NL" in result.explanation


def test_resolve_runs_the_real_locators(tree: None) -> None:
    result = resolve(Clues(pins=("411001",), addresses=(AddressClue(street="MG Road, Poona"),)))
    assert (result.state, result.district, result.conflict) == ("MH", "PUNE", False)
    assert {c.method for c in result.candidates} >= {"pin", "address"}


def test_locate_command_json(tree: None) -> None:
    out = StringIO()
    call_command("locate", "--pin", "400020", "--address", "Bombay", "--json", stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    assert {"country", "state", "district", "unit", "confidence", "conflict", "explanation",
            "candidates"} <= set(data)
    assert (data["country"], data["state"], data["unit"]) == ("IN", "MH", "IN-MH-CP-MUMBAI")
    assert data["conflict"] is False and 0 < data["confidence"] <= 1
    assert len(data["candidates"]) >= 2


def test_locate_command_conflict_text_and_bad_input(tree: None) -> None:
    out = StringIO()
    call_command("locate", "--pin", "431122", "--address", "Dwarka, New Delhi", stdout=out)
    assert "CONFLICT" in out.getvalue()
    with pytest.raises(CommandError, match="at least one clue"):
        call_command("locate")
    with pytest.raises(CommandError, match="LAT,LON"):
        call_command("locate", "--latlon", "north")


def test_one_method_repeated_is_one_piece_of_evidence(tree: None) -> None:
    stale_ip = [cand("ip", "RJ", conf=0.24) for _ in range(5)]
    result = fuse([cand("pin", "KA", "BENGALURU URBAN", conf=0.8), *stale_ip])
    assert result.state == "KA" and not result.conflict
