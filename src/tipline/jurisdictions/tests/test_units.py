"""Police units: the built-in commissionerates, which unit covers a place (PIN over city over
district, hub overrides first), and the units CSV (all or nothing, every error named)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tipline.accounts.services import system_user
from tipline.audit.models import AuditEvent
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.geo.locators import AddressClue, Clues
from tipline.geo.resolution import resolve
from tipline.jurisdictions.models import Coverage, Jurisdiction
from tipline.jurisdictions.selectors import jurisdiction_tree
from tipline.jurisdictions.services import coverage_override, units_import
from tipline.jurisdictions.unit_files import COLUMNS, unit_rows_parse
from tipline.jurisdictions.units import coverage_cache_clear, unit_covering, unit_rows

pytestmark = pytest.mark.django_db
HEADER = ",".join(COLUMNS)


@pytest.fixture(autouse=True)
def _fresh_rules() -> Any:
    coverage_cache_clear()
    yield
    coverage_cache_clear()


def code(**place: Any) -> str | None:
    node = unit_covering(**place)
    return node.code if node else None


@pytest.mark.parametrize(("place", "unit"), [
    ({"state": "MH", "district": "MUMBAI SUBURBAN"}, "IN-MH-CP-MUMBAI"),
    ({"state": "MH", "district": "PUNE", "pin": "411001"}, "IN-MH-CP-PUNE"),
    ({"state": "MH", "district": "PUNE", "pin": "411018"}, "IN-MH-CP-PIMPRI-CHINCHWAD"),
    ({"state": "MH", "district": "PUNE", "pin": "412201"}, "IN-MH-PUNE"),  # Pune Rural
    ({"state": "MH", "district": "PUNE", "city": "Chinchwad"}, "IN-MH-CP-PIMPRI-CHINCHWAD"),
    # a PIN is the finer clue: a rural PIN wins over the city named beside it
    ({"state": "MH", "district": "PUNE", "pin": "412201", "city": "Pune"}, "IN-MH-PUNE"),
    ({"state": "MH", "district": "THANE", "pin": "400703"}, "IN-MH-CP-NAVI-MUMBAI"),
    ({"state": "MH", "district": "RAIGAD", "pin": "410210"}, "IN-MH-CP-NAVI-MUMBAI"),
    ({"state": "MH", "district": "THANE", "pin": "400601"}, "IN-MH-CP-THANE"),
    ({"state": "MH", "district": "NAGPUR", "pin": "440010"}, "IN-MH-CP-NAGPUR"),
    ({"state": "MH", "district": "BEED"}, "IN-MH-BEED"),
    ({"state": "KA", "district": "BENGALURU URBAN"}, "IN-KA-CP-BENGALURU"),
    ({"state": "TS", "district": "HYDERABAD"}, "IN-TS-CP-HYDERABAD"),
    ({"state": "TS", "district": "RANGA REDDY"}, "IN-TS-CP-CYBERABAD"),
    ({"state": "TN", "district": "CHENNAI"}, "IN-TN-CP-CHENNAI"),
    ({"state": "WB", "district": "KOLKATA"}, "IN-WB-CP-KOLKATA"),
    ({"state": "GJ", "district": "AHMADABAD", "pin": "380009"}, "IN-GJ-CP-AHMEDABAD"),
    ({"state": "DL", "district": "SOUTH WEST", "pin": "110075"}, "IN-DL-DP-DWARKA"),
    ({"state": "DL", "district": "SOUTH"}, "IN-DL-SOUTH"),
    ({"state": "LD"}, "IN-LD"),  # no district known: the state's nodal officer
    ({"state": None}, None),
])
def test_built_in_units_cover_their_places(tree: None, place: dict[str, Any], unit: str) -> None:
    assert code(**place) == unit


def test_every_built_in_unit_hangs_under_its_state(tree: None) -> None:
    units = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.UNIT)
    assert units.count() >= 14
    for unit in units:
        assert unit.parent is not None and unit.parent.code == f"IN-{unit.state_code}"
        assert unit.coverage.exists(), unit.code


def test_resolution_routes_a_pune_pin_to_the_commissionerate(tree: None) -> None:
    result = resolve(Clues(pins=("411018",), addresses=(AddressClue(city="Pimpri", state="MH"),)))
    assert (result.state, result.district, result.pin) == ("MH", "PUNE", "411018")
    assert result.unit == "IN-MH-CP-PIMPRI-CHINCHWAD"
    assert "Pimpri-Chinchwad Police Commissionerate" in result.explanation


def test_hub_override_wins_and_can_be_removed(tree: None, hub_admin: Any,
                                             mh_nodal: Any) -> None:
    assert code(state="LD") == "IN-LD"
    with pytest.raises(NotPermitted):
        coverage_override(actor=mh_nodal, state="LD", kind="state", value="LD",
                          unit_code="IN-KL-ERNAKULAM", reason="Kerala's cyber cell helps out")
    coverage_override(actor=hub_admin, state="LD", kind="state", value="LD",
                      unit_code="IN-KL-ERNAKULAM", reason="Kerala's cyber cell helps out")
    coverage_cache_clear()
    assert code(state="LD", district="LAKSHADWEEP") == "IN-KL-ERNAKULAM"
    coverage_override(actor=hub_admin, state="MH", kind="pin", value="411001",
                      unit_code="IN-MH-BEED", reason="a test of the order of rules")
    coverage_cache_clear()
    assert code(state="MH", district="PUNE", pin="411001") == "IN-MH-BEED"
    assert code(state="MH", district="PUNE", pin="411002") == "IN-MH-CP-PUNE"
    coverage_override(actor=hub_admin, state="LD", kind="state", value="LD", unit_code=None,
                      reason="Lakshadweep has its own unit now")
    coverage_cache_clear()
    assert code(state="LD") == "IN-LD"
    assert AuditEvent.objects.filter(action="routing.override").count() == 3
    with pytest.raises(RejectedInput, match="reason"):
        coverage_override(actor=hub_admin, state="MH", kind="pin", value="411001",
                          unit_code="IN-MH-BEED", reason="")


def test_units_csv_round_trip_and_update(tree: None) -> None:
    actor = system_user("test")
    text = (f"{HEADER}\n"
            "IN-MH,Maharashtra,MH,state,,,,DIG Cyber (nodal),nodal.mh@example.in,+91 22 0000\n"
            "IN-MH-CP-MIRA-BHAYANDAR,Mira-Bhayandar Vasai-Virar Police,MH,unit,,"
            "401101;401107;4012*,Mira Road;Vasai,Inspector Rao,mbvv@example.in,\n"
            "IN-MH-BEED,Beed,MH,district,,,,SP Beed,sp.beed@example.in,\n")
    result = units_import(actor=actor, text=text)
    assert (result.created, result.updated, result.coverage) == (1, 2, 5)
    coverage_cache_clear()
    assert code(state="MH", district="THANE", pin="401107") == "IN-MH-CP-MIRA-BHAYANDAR"
    assert code(state="MH", district="PALGHAR", pin="401208") == "IN-MH-CP-MIRA-BHAYANDAR"
    assert Jurisdiction.objects.get(code="IN-MH").officer == "DIG Cyber (nodal)"
    rows = {r.code: r for r in unit_rows(state="MH")}
    assert rows["IN-MH-CP-MIRA-BHAYANDAR"].pins == ["401101", "401107", "4012*"]
    assert rows["IN-MH-BEED"].email == "sp.beed@example.in"
    assert rows["IN-MH-CP-MUMBAI"].districts == ["MUMBAI", "MUMBAI SUBURBAN"]
    # a second import replaces the unit's declared coverage
    units_import(actor=actor, text=f"{HEADER}\nIN-MH-CP-MIRA-BHAYANDAR,MBVV,MH,unit,,401101,,,,\n")
    assert list(Coverage.objects.filter(unit__code="IN-MH-CP-MIRA-BHAYANDAR")
                .values_list("value", flat=True)) == ["401101"]
    assert AuditEvent.objects.filter(action="units.imported").count() == 2


def test_export_then_import_changes_nothing(tree: None, tmp_path: Path) -> None:
    out = tmp_path / "mh.csv"
    call_command("units", "export", "--state", "MH", "--out", str(out), stdout=StringIO())
    before = sorted(Coverage.objects.values_list("unit__code", "kind", "value"))
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"{HEADER},language"
    assert "IN-MH-CP-PUNE,Pune City Police Commissionerate,MH,unit,,4110*,Poona;Pune" in text
    call_command("units", "import", str(out), stdout=StringIO())
    assert sorted(Coverage.objects.values_list("unit__code", "kind", "value")) == before


@pytest.mark.parametrize(("row", "error"), [
    ("IN-MH-CP-X,X,MH,squad,,,,,,", "kind must be one of"),
    ("IN-ZZ-CP-X,X,ZZ,unit,,,,,,", "unknown state 'ZZ'"),
    ("IN-MH-CP-X,X,MH,unit,NOWHERE,,,,,", "no district 'NOWHERE' in MH"),
    ("IN-MH-CP-X,X,MH,unit,,41100,,,,", "neither 6 digits nor a prefix"),
    ("IN-MH-CP-X,X,MH,unit,,110001,,,,", "outside MH's postal zone"),
    ("IN-MH-CP-X,X,MH,unit,,,,,not-an-email,", "not an e-mail address"),
    ("IN-MH-CP-X,,MH,unit,,,,,,", "a unit needs a name"),
    ("IN-KA-CP-X,X,MH,unit,,,,,,", "a unit's code looks like"),
    ("IN-MH-NOWHERE,X,MH,district,,,,,,", "no district IN-MH-NOWHERE"),
    ("IN-MH,Maharashtra,MH,state,BEED,,,,,", "a state row covers nothing"),
    ("IN-MH-CP-X,X,MH,unit,,411001,,,,", "411001"),  # fine alone ...
])
def test_bad_rows_are_named_and_nothing_is_written(tree: None, row: str, error: str) -> None:
    before = (Jurisdiction.objects.count(), Coverage.objects.count())
    # ... but with a bad second row nothing is applied, the good row included
    text = f"{HEADER}\n{row}\nIN-MH-CP-Y,Y,MH,unit,BEED,,,,,\nIN-MH-CP-Z,Z,MH,unit,BEED,,,,,\n"
    with pytest.raises(RejectedInput) as info:
        units_import(actor=system_user("test"), text=text)
    message = str(info.value)
    assert error in message and "line 2" in message or error == "411001"
    assert "BEED is also claimed by IN-MH-CP-Y" in message
    assert (Jurisdiction.objects.count(), Coverage.objects.count()) == before


def test_packet_language_is_set_kept_and_checked(tree: None) -> None:
    """The optional language column: en or hi; absent or empty leaves it as it was."""
    actor = system_user("test")
    assert Jurisdiction.objects.get(code="IN-MH-BEED").language == "en"  # the default
    units_import(actor=actor, text=f"{HEADER},language\n"
                 "IN-MH-BEED,Beed,MH,district,,,,SP Beed,,,hi\n"
                 "IN-MH-CP-NEW,New,MH,unit,,401101,,,,,hi\n")
    assert Jurisdiction.objects.get(code="IN-MH-BEED").language == "hi"
    assert Jurisdiction.objects.get(code="IN-MH-CP-NEW").language == "hi"
    units_import(actor=actor, text=f"{HEADER}\nIN-MH-BEED,Beed,MH,district,,,,SP Beed,,\n")
    units_import(actor=actor, text=f"{HEADER},language\nIN-MH-BEED,Beed,MH,district,,,,,,,\n")
    assert Jurisdiction.objects.get(code="IN-MH-BEED").language == "hi"
    assert {r.code: r.language for r in unit_rows(state="MH")}["IN-MH-BEED"] == "hi"
    with pytest.raises(RejectedInput, match="language must be one of en, hi, not 'mr'"):
        units_import(actor=actor, text=f"{HEADER},language\n"
                     "IN-MH-BEED,Beed,MH,district,,,,,,,mr\n")
    assert Jurisdiction.objects.get(code="IN-MH-BEED").language == "hi"


def test_claiming_another_units_area_is_refused(tree: None) -> None:
    text = f"{HEADER}\nIN-MH-CP-NEW,New,MH,unit,MUMBAI,,,,,\n"
    with pytest.raises(RejectedInput, match="already covered by IN-MH-CP-MUMBAI"):
        units_import(actor=system_user("test"), text=text)


def test_parse_reports_missing_columns(tree: None) -> None:
    rows, errors = unit_rows_parse("code,name\nIN-MH,x\n", tree=jurisdiction_tree())
    assert rows == [] and "missing column(s): state, kind" in errors[0]


def test_units_command_errors_are_clear(tree: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nIN-MH-CP-X,X,MH,unit,NOWHERE,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no district 'NOWHERE'"):
        call_command("units", "import", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("units", "import", str(tmp_path / "missing.csv"), stdout=StringIO())
    out = StringIO()
    call_command("units", "override", "LD", "state", "LD", "IN-KL-ERNAKULAM",
                 "--reason", "Kerala's cyber cell helps out", stdout=out)
    call_command("units", "list", "--state", "LD", stdout=out)
    assert "override: LD state LD -> IN-KL-ERNAKULAM" in out.getvalue()
