"""The jurisdiction tree seeded from shipped reference data, and place lookup by name."""

from __future__ import annotations

import pycountry
import pytest

from tipline.jurisdictions.data import STATE_NAMES, fold
from tipline.jurisdictions.models import Jurisdiction
from tipline.jurisdictions.selectors import (
    jurisdiction_cache_clear,
    jurisdiction_place,
    jurisdiction_states,
    jurisdiction_tree,
)
from tipline.jurisdictions.services import jurisdictions_seed


def test_country_and_36_states_and_uts(tree: None) -> None:
    country = Jurisdiction.objects.get(code="IN")
    assert (country.kind, country.parent, country.path) == ("country", None, "IN/")
    states = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.STATE)
    assert states.count() == 36
    assert all(s.parent_id == country.pk for s in states)
    assert len(jurisdiction_states()) == 36


def test_state_codes_are_iso_3166_2_in(tree: None) -> None:
    """Every state/UT code is a current ISO 3166-2:IN subdivision, per pycountry."""
    iso = {s.code for s in pycountry.subdivisions.get(country_code="IN")}
    ours = set(Jurisdiction.objects.filter(kind="state").values_list("code", flat=True))
    # pycountry may lag a renaming (e.g. Telangana TG/TS, Uttarakhand UK/UT); allow aliases.
    missing = {code for code in ours if code not in iso}
    aliased = {
        code for code in missing
        if any(f"IN-{alias}" in iso for alias in Jurisdiction.objects.get(code=code).aliases)
    }
    assert missing - aliased == set()


def test_maharashtra_has_its_districts(tree: None) -> None:
    mh = Jurisdiction.objects.get(code="IN-MH")
    codes = set(mh.children.values_list("code", flat=True))
    assert {"IN-MH-BEED", "IN-MH-PUNE", "IN-MH-MUMBAI", "IN-MH-THANE"} <= codes
    beed = Jurisdiction.objects.get(code="IN-MH-BEED")
    assert (beed.name, beed.kind, beed.path, beed.state_code) == (
        "Beed", "district", "IN/MH/BEED/", "MH",
    )
    assert len(codes) > 30  # Maharashtra has 36 districts


def test_every_state_has_districts(tree: None) -> None:
    empty = [
        s.code for s in Jurisdiction.objects.filter(kind="state")
        if not s.children.exists()
    ]
    assert empty == []


def test_seeding_is_idempotent(tree: None) -> None:
    before = Jurisdiction.objects.count()
    extra = Jurisdiction.objects.create(
        code="IN-MH-BEED-CYBER", name="Beed Cyber Police Station", kind="station",
        parent=Jurisdiction.objects.get(code="IN-MH-BEED"), path="IN/MH/BEED/CYBER/",
    )
    assert jurisdictions_seed() == 0
    assert Jurisdiction.objects.count() == before + 1
    extra.refresh_from_db()  # what the hub added is left alone


def test_descendants_flow_down(tree: None) -> None:
    tree_ = jurisdiction_tree()
    mh = tree_.by_code["IN-MH"]
    below = tree_.descendants(mh.id)
    assert tree_.by_code["IN-MH-BEED"].id in below
    assert mh.id in below
    assert tree_.by_code["IN-DL"].id not in below
    assert len(tree_.descendants(tree_.root.id)) == len(tree_.by_id)


@pytest.mark.parametrize(
    ("state", "district", "code"),
    [
        ("Maharashtra", None, "IN-MH"),
        ("  maharashtra ", "beed", "IN-MH-BEED"),
        ("MH", "Pune", "IN-MH-PUNE"),
        ("IN-MH", "MUMBAI", "IN-MH-MUMBAI"),
        ("Maharashtra", "Nowhere-pur", "IN-MH"),  # an unknown district stays at the state
        ("Orissa", None, "IN-OD"),
        ("OR", None, "IN-OD"),
        ("Odisha", None, "IN-OD"),
        ("Pondicherry", None, "IN-PY"),
        ("Uttaranchal", None, "IN-UK"),
        ("Jammu & Kashmir", None, "IN-JK"),
        ("NCT of Delhi", None, "IN-DL"),
        ("Tamil Nādu", None, "IN-TN"),  # diacritics are folded away
    ],
)
def test_place_by_name_code_or_alias(tree: None, state: str, district: str | None,
                                     code: str) -> None:
    node = jurisdiction_place(state=state, district=district)
    assert node is not None
    assert node.code == code


@pytest.mark.parametrize("state", [None, "", "Atlantis", "Beed"])
def test_unknown_state_is_none(tree: None, state: str | None) -> None:
    assert jurisdiction_place(state=state, district="Beed") is None


def test_fold() -> None:
    assert fold("Jammu & Kashmir") == "JAMMU AND KASHMIR"
    assert fold("  Tamil  Nādu ") == "TAMIL NADU"
    assert fold("Dadra-and-Nagar Haveli") == "DADRA AND NAGAR HAVELI"


def test_state_names_cover_all_36() -> None:
    assert len(STATE_NAMES) == 36


def test_tree_cache_is_cleared_after_a_write(tree: None) -> None:
    jurisdiction_cache_clear()
    assert "IN-MH-BEED-CYBER" not in jurisdiction_tree().by_code
    Jurisdiction.objects.create(
        code="IN-MH-BEED-CYBER", name="Beed Cyber", kind="station",
        parent=Jurisdiction.objects.get(code="IN-MH-BEED"), path="IN/MH/BEED/CYBER/",
    )
    jurisdiction_cache_clear()
    assert "IN-MH-BEED-CYBER" in jurisdiction_tree().by_code
