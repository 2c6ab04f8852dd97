"""Hash-list formats: each one's import from fixtures written from the documented fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tipline.core.errors import RejectedInput
from tipline.media.banks import format_for
from tipline.media.models import BankEntry, HashBank
from tipline.media.services import bank_create, bank_export, bank_import

MD5_A = "0123456789abcdef0123456789abcdef"
MD5_B = "fedcba9876543210fedcba9876543210"
SHA1_A = "0123456789abcdef0123456789abcdef01234567"
PDQ_A = "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22"

VICS_2 = {
    "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/"
                      "$metadata#Media",
    "value": [{
        "CaseID": "c-1", "CaseNumber": "2026/1", "ContactName": "Analyst",
        "ContactOrganization": "Example Agency", "SourceApplicationName": "Griffeye",
        "TotalPrecategorized": 3,
        "Media": [
            {"MediaID": "m1", "Category": 1, "MD5": MD5_A.upper(), "SHA1": SHA1_A.upper(),
             "VictimIdentified": "false", "IsDistributed": "true", "MimeType": "image/jpeg",
             "MediaFiles": [{"MD5": MD5_B, "FileName": "copy.jpg"}],
             "MediaMetadata": [{"PropertyName": "x", "PropertyValue": "y"}], "Exifs": []},
            {"MediaID": "m2", "Category": 0, "MD5": "11111111111111111111111111111111"},
            {"MediaID": "m3", "Category": "2", "MD5": "not-a-hash"},
        ],
    }],
}
VICS_1 = {
    "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media",
    "value": [{"MediaID": 7, "Category": 3, "MD5": MD5_A, "SHA1": "", "IsPrecategorized": True}],
}
NCMEC_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
  <images count="2" maxTimestamp="2026-01-02T00:00:00Z">
    <image><member id="42">Example ESP</member><timestamp>2026-01-01T00:00:00Z</timestamp>
      <id>img-1</id><classification>A1</classification>
      <fingerprints><md5>{MD5_A}</md5><sha1>{SHA1_A}</sha1><pdq>{PDQ_A}</pdq>
        <pdna>AAAA</pdna></fingerprints></image>
    <image><member id="42">Example ESP</member><id>img-2</id><classification>B1</classification>
      <fingerprints><md5>{MD5_B}</md5></fingerprints></image>
  </images>
  <videos count="1"><video><member id="7">Other</member><id>vid-1</id>
    <classification>A2</classification>
    <fingerprints><md5>22222222222222222222222222222222</md5><TMK_PDQF>abc</TMK_PDQF>
    </fingerprints></video></videos>
  <paging><next>/v2/entries?start=3</next></paging>
</queryResult>"""
NCMEC_DELETE = """<?xml version="1.0"?>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2"><images>
  <deletedImage><member id="42">Example ESP</member><id>img-1</id></deletedImage>
</images></queryResult>"""
ICSE = ("MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
        "Series name;Number of submissions;File Available;Media Type;Baseline\n"
        f"{MD5_A};{SHA1_A};;1001;true;false;false;S1;3;true;Image;true\n"
        f"{MD5_B};;;1002;false;false;false;;1;false;Video;false\n")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bank(db: Any) -> HashBank:
    return bank_create(actor=None, name="vic", category_map={"0": "skip", "1": "csam"})


def test_vics_2_import(bank: HashBank, tmp_path: Path) -> None:
    counts = bank_import(actor=None, bank=bank, path=_write(tmp_path, "v.json",
                                                             json.dumps(VICS_2)))
    assert counts.format == "vics"
    assert (counts.added, counts.skipped, counts.invalid) == (2, 1, 1)
    first = BankEntry.objects.get(md5=MD5_A)
    assert first.sha1 == SHA1_A and first.category == "csam" and first.source_id == "m1"
    assert BankEntry.objects.get(md5=MD5_B).source_id == "m1"  # the medium's other copy


def test_vics_1_import_keeps_unmapped_category(bank: HashBank, tmp_path: Path) -> None:
    counts = bank_import(actor=None, bank=bank, path=_write(tmp_path, "old.json",
                                                             json.dumps(VICS_1)))
    assert counts.added == 1
    entry = BankEntry.objects.get()
    assert entry.category == "3" and entry.source_category == "3" and entry.source_id == "7"


def test_ncmec_xml_import_and_deletion(bank: HashBank, tmp_path: Path) -> None:
    counts = bank_import(actor=None, bank=bank, path=_write(tmp_path, "n.xml", NCMEC_XML))
    assert counts.format == "ncmec-xml" and counts.added == 3
    img = BankEntry.objects.get(source_id="42:img-1")
    assert (img.md5, img.sha1, img.pdq, img.category) == (MD5_A, SHA1_A, PDQ_A, "A1")
    assert BankEntry.objects.get(source_id="7:vid-1").media == "video"
    gone = bank_import(actor=None, bank=bank, path=_write(tmp_path, "d.xml", NCMEC_DELETE))
    assert gone.deleted == 1 and gone.added == 0
    img.refresh_from_db()
    assert img.deleted
    assert not BankEntry.objects.get(source_id="42:img-2").deleted


def test_ncmec_xml_with_entities_is_refused(bank: HashBank, tmp_path: Path) -> None:
    hostile = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               '<queryResult><images><image><id>&e;</id></image></images></queryResult>')
    with pytest.raises(RejectedInput, match="DOCTYPE"):
        bank_import(actor=None, bank=bank, path=_write(tmp_path, "h.xml", hostile),
                    format_name="ncmec-xml")
    assert not BankEntry.objects.exists()


def test_icse_import(bank: HashBank, tmp_path: Path) -> None:
    counts = bank_import(actor=None, bank=bank, path=_write(tmp_path, "icse.csv", ICSE))
    assert counts.format == "icse-csv" and counts.added == 2
    first = BankEntry.objects.get(source_id="1001")
    assert (first.md5, first.sha1, first.category) == (MD5_A, SHA1_A, "baseline")
    assert BankEntry.objects.get(source_id="1002").media == "video"


@pytest.mark.parametrize(("text", "field", "fmt"), [
    (f"# md5 list\n{MD5_A}\n{MD5_B}, case 7\n", "md5", None),
    (f"{SHA1_A}\n", "sha1", None),
    (f"{PDQ_A}\n", "pdq", None),
    (f"{PDQ_A}\n", "sha256", "sha256-list"),
])
def test_plain_lists(bank: HashBank, tmp_path: Path, text: str, field: str,
                     fmt: str | None) -> None:
    counts = bank_import(actor=None, bank=bank, path=_write(tmp_path, "list.txt", text),
                         format_name=fmt)
    assert counts.added == text.count("\n") - text.count("#")
    assert BankEntry.objects.exclude(**{field: ""}).count() == counts.added


def test_plain_list_counts_malformed_lines(bank: HashBank, tmp_path: Path) -> None:
    counts = bank_import(actor=None, bank=bank, format_name="md5-list",
                         path=_write(tmp_path, "l.txt", f"{MD5_A}\nzz-not-hex\n1234\n"))
    assert (counts.added, counts.invalid) == (1, 2)


def test_unknown_format_and_size_limit(bank: HashBank, tmp_path: Path, settings: Any) -> None:
    with pytest.raises(RejectedInput, match="unknown hash-list format"):
        bank_import(actor=None, bank=bank, path=_write(tmp_path, "x.bin", "<<>> not a list"))
    settings.MAX_BANK_FILE_BYTES = 10
    with pytest.raises(RejectedInput, match="over the limit"):
        bank_import(actor=None, bank=bank, path=_write(tmp_path, "big.txt", MD5_A * 3))


def test_sniffing() -> None:
    assert format_for(json.dumps(VICS_2).encode(), "x.json").name == "vics"  # type: ignore
    assert format_for(NCMEC_XML.encode(), "x.xml").name == "ncmec-xml"  # type: ignore
    assert format_for(ICSE.encode(), "x.csv").name == "icse-csv"  # type: ignore
    assert format_for(f"{MD5_A}\n".encode(), "x.txt").name == "plain"  # type: ignore


def test_export_as_vics_round_trips(bank: HashBank, tmp_path: Path) -> None:
    bank_import(actor=None, bank=bank, path=_write(tmp_path, "v.json", json.dumps(VICS_2)))
    BankEntry.objects.filter(md5=MD5_B).update(deleted=True)
    data = bank_export(actor=None, bank_names=["vic"])
    doc = json.loads(data)
    assert doc["@odata.context"].endswith("2.0.xml/Default/$metadata#Media")
    media = doc["value"][0]["Media"]
    assert [m["MD5"].lower() for m in media] == [MD5_A]
    assert media[0]["Category"] == 1
    other = bank_create(actor=None, name="copy")
    again = bank_import(actor=None, bank=other, path=_write(tmp_path, "e.json", data.decode()))
    assert again.added == 1


def test_people_need_bank_manage(bank: HashBank, tmp_path: Path, beed_officer: Any,
                                 analyst: Any) -> None:
    from tipline.core.errors import NotPermitted

    path = _write(tmp_path, "l.txt", f"{MD5_A}\n")
    with pytest.raises(NotPermitted):
        bank_import(actor=beed_officer, bank=bank, path=path)
    assert bank_import(actor=analyst, bank=bank, path=path).added == 1


def test_hashes_command(db: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "icse.csv", ICSE)
    call_command("hashes", "import", str(path), "--bank", "interpol",
                 "--category-map", '{"baseline": "csam-baseline"}')
    assert "added 2" in capsys.readouterr().out
    assert BankEntry.objects.filter(category="csam-baseline").count() == 1
    call_command("hashes", "list")
    listing = capsys.readouterr().out
    assert "interpol" in listing and "entries 2" in listing
    out = tmp_path / "export.json"
    call_command("hashes", "export", "--bank", "interpol", "-o", str(out))
    assert len(json.loads(out.read_bytes())["value"][0]["Media"]) == 2


# Hash lists as others write them (issue 11): each defect found with samples shaped like the
# public ones, reproduced here first.

def _ncmec_entry(classification: str, md5: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2"><images>'
            f'<image><member id="42">Example ESP</member><id>img-9</id>'
            f"<classification>{classification}</classification>"
            f"<fingerprints><md5>{md5}</md5></fingerprints></image></images></queryResult>")


def test_an_entry_resent_with_new_content_replaces_the_first(bank: HashBank,
                                                            tmp_path: Path) -> None:
    """NCMEC re-sends an entry (the same member and id) as A2 after A1: one live entry, the
    new one; re-sending it unchanged adds nothing."""
    bank_import(actor=None, bank=bank, path=_write(tmp_path, "a.xml", _ncmec_entry("A1", MD5_A)))
    again = bank_import(actor=None, bank=bank,
                        path=_write(tmp_path, "b.xml", _ncmec_entry("A2", MD5_A)))
    live = BankEntry.objects.filter(source_id="42:img-9", deleted=False)
    assert [e.category for e in live] == ["A2"]
    assert again.added == 1 and again.deleted == 1
    same = bank_import(actor=None, bank=bank,
                       path=_write(tmp_path, "c.xml", _ncmec_entry("A2", MD5_A)))
    assert (same.added, same.deleted, same.unchanged) == (0, 0, 1)
    assert BankEntry.objects.filter(source_id="42:img-9", deleted=False).count() == 1


def test_icse_in_windows_1252_and_utf_16(bank: HashBank, tmp_path: Path) -> None:
    """Forensic tools write ICSE exports in Windows-1252 (`Série Café`) or UTF-16 with a BOM:
    the first ended in an uncaught UnicodeDecodeError, the second was an unknown format."""
    text = ICSE.replace(";S1;", ";Série Café;")
    cp1252 = tmp_path / "icse-1252.csv"
    cp1252.write_bytes(text.encode("cp1252"))
    assert bank_import(actor=None, bank=bank, path=cp1252).added == 2
    utf16 = tmp_path / "icse-16.csv"
    utf16.write_bytes(text.replace(MD5_A, "33333333333333333333333333333333")
                      .replace(MD5_B, "44444444444444444444444444444444")
                      .encode("utf-16"))  # with its BOM
    counts = bank_import(actor=None, bank=bank, path=utf16)
    assert counts.format == "icse-csv" and counts.added == 2


def test_a_failed_import_leaves_no_bank_and_no_entries(db: Any, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that fails part-way (here a byte Windows-1252 does not have, after 300 good
    rows, with chunks of one entry so that they were already written) leaves neither a new,
    empty bank nor the entries read before the failure."""
    from django.core.management.base import CommandError

    from tipline.media import services

    monkeypatch.setattr(services, "ENTRY_CHUNK", 1)
    path = tmp_path / "bad.csv"
    rows = "".join(f"{n:032x};;;{n};true;false;false;Série;1;true;Image;false\n"
                   for n in range(1, 301))
    path.write_bytes((ICSE + rows).encode("cp1252") + b"3333;;;9999;\x81\n")
    with pytest.raises(CommandError, match="unreadable ICSE export"):
        call_command("hashes", "import", str(path), "--bank", "broken", "--quiet")
    assert not HashBank.objects.filter(name="broken").exists()
    assert not BankEntry.objects.exists()
    bank = bank_create(actor=None, name="kept")
    with pytest.raises(RejectedInput):
        bank_import(actor=None, bank=bank, path=path)
    assert HashBank.objects.filter(name="kept").exists()
    assert not BankEntry.objects.filter(bank=bank).exists()


def test_a_vics_export_keeps_videos_videos(bank: HashBank, tmp_path: Path) -> None:
    """The export dropped `MimeType`, so videos came back as images on re-import."""
    bank_import(actor=None, bank=bank, path=_write(tmp_path, "n.xml", NCMEC_XML))
    data = bank_export(actor=None, bank_names=["vic"])
    other = bank_create(actor=None, name="copy")
    bank_import(actor=None, bank=other, path=_write(tmp_path, "e.json", data.decode()))
    assert BankEntry.objects.get(bank=other, md5="22222222222222222222222222222222").media \
        == "video"
    assert BankEntry.objects.get(bank=other, md5=MD5_A).media == "image"
