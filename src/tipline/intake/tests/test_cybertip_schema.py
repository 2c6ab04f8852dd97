"""CyberTipline XML as NCMEC's schema (cyber_tipline.xsd) writes it, where the importer used
to read it otherwise: found by sending it XML written by public client libraries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree

from tipline.accounts.services import system_user
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Place, Report, Subject
from tipline.routing.placement import reports_route

pytestmark = pytest.mark.django_db

CP = "Child Pornography (possession, manufacture, and distribution)"


def report_xml(rid: str, *, reported: str = "", internet: str = "", reporter: str = "",
               platform: str = "") -> bytes:
    """A minimal schema-valid report: the required elements, then what the test adds."""
    summary = (f"<incidentSummary><incidentType>{CP}</incidentType>"
               + (f"<platform>{platform}</platform>" if platform else "")
               + "<incidentDateTime>2024-03-01T10:00:00Z</incidentDateTime></incidentSummary>")
    body = (f'<report id="{rid}">{summary}'
            + (f"<internetDetails>{internet}</internetDetails>" if internet else "")
            + "<reporter><reportingPerson><email>safety@example.com</email></reportingPerson>"
            + f"{reporter}</reporter>"
            + (f"<personOrUserReported>{reported}</personOrUserReported>" if reported else "")
            + "</report>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<reports>' + body + "</reports>").encode()


def ingest(tmp_path: Path, data: bytes) -> object:
    path = tmp_path / "r.xml"
    path.write_bytes(data)
    return ingest_paths(paths=[path], actor=system_user("test"))


def test_country_calling_code_is_the_phones_attribute_and_a_us_number_stays_abroad(
        tree: None, tmp_path: Path) -> None:
    """`countryCallingCode` is an attribute of <phone>. A US number (+1 222 333 4444) was
    read as +91 2223334444, a Mumbai landline, and the report was routed to Mumbai."""
    reported = ('<personOrUserReportedPerson><firstName>A</firstName>'
                '<phone countryCallingCode="+1">2223334444</phone>'
                "</personOrUserReportedPerson>")
    batch = ingest(tmp_path, report_xml("US1", reported=reported))
    assert (batch.imported, batch.rejected) == (1, 0)
    report = Report.objects.get(external_id="US1")
    assert Subject.objects.get(report=report).phones == ["+12223334444"]
    outcomes = reports_route(report_ids=[report.pk], actor=system_user("test"))
    report.refresh_from_db()
    assert outcomes == {"foreign": 1}
    assert report.jurisdiction.code == "IN"  # the national queue, not Mumbai
    assert report.location.country == "US"


def test_a_nonsense_optional_latitude_is_kept_as_a_warning_not_a_rejection(
        tree: None, tmp_path: Path, client: Client, hub_admin: Any) -> None:
    """A latitude of -123 used to reject the whole report. It is kept, as sent, in a warning
    on the report; it is not a location."""
    internet = ("<cellPhoneIncident><latitude>-123</latitude><longitude>72.8</longitude>"
                "</cellPhoneIncident>")
    batch = ingest(tmp_path, report_xml("LAT1", internet=internet))
    assert (batch.imported, batch.rejected) == (1, 0)
    report = Report.objects.get(external_id="LAT1")
    assert not Place.objects.filter(report=report, kind="gps").exists()
    [warning] = report.warnings
    assert "latitude" in warning and "-123" in warning
    client.force_login(hub_admin)
    page = client.get(reverse("intake:report_detail", args=[report.pk])).content.decode()
    assert "could not use 1 value" in page and "-123" in page


def test_the_company_template_is_not_the_platform(tree: None, tmp_path: Path) -> None:
    """`companyTemplate` is boilerplate a company adds to every report (how to serve legal
    process, retention): it was stored as the platform's name."""
    template = "ExampleCo retains data for 90 days. Serve legal process at legal@example.com."
    batch = ingest(tmp_path, report_xml(
        "CT1", reporter=f"<companyTemplate>{template}</companyTemplate>"))
    assert (batch.imported, batch.rejected) == (1, 0)
    report = Report.objects.get(external_id="CT1")
    assert report.platform == ""
    assert report.reporter["company template"] == template
    ingest(tmp_path, report_xml("CT2", platform="ExampleChat",
                                reporter=f"<companyTemplate>{template}</companyTemplate>"))
    assert Report.objects.get(external_id="CT2").platform == "ExampleChat"


def test_an_incident_address_keeps_its_fields(tree: None, tmp_path: Path) -> None:
    """`nonInternetIncident/incidentAddress` is the schema's address type, one or more times:
    it was flattened into one street string, so its city, PIN and state were lost to
    routing."""
    internet = ("<nonInternetIncident><locationName>Bus stand</locationName>"
                "<incidentAddress><address>Station Road</address><city>Beed</city>"
                "<zipCode>431122</zipCode><nonUsaState>Maharashtra</nonUsaState>"
                "<country>IN</country></incidentAddress>"
                "<incidentAddress><city>Pune</city><country>IN</country></incidentAddress>"
                "</nonInternetIncident>")
    batch = ingest(tmp_path, report_xml("INC1", internet=internet))
    assert (batch.imported, batch.rejected) == (1, 0)
    report = Report.objects.get(external_id="INC1")
    assert list(Place.objects.filter(report=report, kind="incident").order_by("id").values_list(
        "street", "city", "postal_code", "state", "country")) == [
        ("Bus stand, Station Road", "Beed", "431122", "Maharashtra", "IN"),
        ("Bus stand", "Pune", "", "", "IN")]


XSD = (Path(__file__).resolve().parents[4].parent / "shared" / "formats" / "ncmec"
       / "cyber_tipline.xsd")


def _xsd_names(type_name: str) -> set[str]:
    """The element names of one complex type of NCMEC's schema."""
    if not XSD.exists():
        pytest.skip(f"NCMEC's schema is not at {XSD}")
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    root = etree.parse(str(XSD)).getroot()
    [found] = root.findall(f"xs:complexType[@name='{type_name}']", ns)
    return {e.get("name") for e in found.iter("{http://www.w3.org/2001/XMLSchema}element")}


def test_every_annotation_of_the_schema_is_read(tree: None, tmp_path: Path) -> None:
    """The report and file annotations are the schema's own lists: `sadisticOnlineExploitation`
    was dropped."""
    from tipline.intake.importers.cybertip_xml import ANNOTATIONS, FILE_ANNOTATIONS

    assert set(ANNOTATIONS) == _xsd_names("reportAnnotations")
    assert set(FILE_ANNOTATIONS) == _xsd_names("fileAnnotations")
    data = report_xml("SAD1").replace(
        b"<incidentDateTime>", b"<reportAnnotations><sadisticOnlineExploitation>true"
        b"</sadisticOnlineExploitation></reportAnnotations><incidentDateTime>")
    ingest(tmp_path, data)
    assert Report.objects.get(external_id="SAD1").annotations == ["sadisticOnlineExploitation"]


@pytest.mark.parametrize(("reported", "field", "sent"), [
    ("<personOrUserReportedPerson><age>abc</age></personOrUserReportedPerson>", "age", "abc"),
    ("<personOrUserReportedPerson><age>400</age></personOrUserReportedPerson>", "age", "400"),
    ("<personOrUserReportedPerson><dateOfBirth>1990-13-45</dateOfBirth>"
     "</personOrUserReportedPerson>", "dob", "1990-13-45"),
    ('<estimatedLocation verified="perhaps"><city>Pune</city></estimatedLocation>',
     "verified", "perhaps"),
])
def test_other_optional_values_that_do_not_read_are_warnings(
        tree: None, tmp_path: Path, reported: str, field: str, sent: str) -> None:
    batch = ingest(tmp_path, report_xml("OPT1", reported=reported))
    assert (batch.imported, batch.rejected) == (1, 0)
    [warning] = Report.objects.get(external_id="OPT1").warnings
    assert f"suspect.{field}" in warning or field in warning
    assert repr(sent) in warning


def test_blocks_with_no_field_of_their_own_are_kept_as_labelled_details(
        tree: None, tmp_path: Path, client: Client, hub_admin: Any) -> None:
    """The lawEnforcement block, e-mail and chat incident details, the contact person,
    legalURL, priorCTReports, a phone's type: all were dropped. Each value is now kept with its
    place in the report and shown on the report page; mapped values are not repeated."""
    internet = ("<emailIncident><emailAddress>victim.mail@example.com</emailAddress>"
                "</emailIncident>")
    reporter = ("<contactPerson><email>le-liaison@example.com</email></contactPerson>"
                "<legalURL>https://example.com/legal</legalURL>")
    reported = ('<personOrUserReportedPerson><phone type="Mobile" countryCallingCode="+91">'
                "9876543210</phone></personOrUserReportedPerson>"
                "<priorCTReports><reportId>1234567</reportId></priorCTReports>")
    data = report_xml("DET1", internet=internet, reporter=reporter, reported=reported).replace(
        b"</report>", b"<lawEnforcement><agencyName>Cyber Cell Pune</agencyName>"
        b"<caseNumber>CC-77</caseNumber></lawEnforcement></report>")
    batch = ingest(tmp_path, data)
    assert (batch.imported, batch.rejected) == (1, 0)
    report = Report.objects.get(external_id="DET1")
    details = dict(map(tuple, report.details))
    assert details == {
        "internetDetails/emailIncident/emailAddress": "victim.mail@example.com",
        "reporter/contactPerson/email": "le-liaison@example.com",
        "reporter/legalURL": "https://example.com/legal",
        "personOrUserReported/personOrUserReportedPerson/phone@type": "Mobile",
        "personOrUserReported/priorCTReports/reportId": "1234567",
        "lawEnforcement/agencyName": "Cyber Cell Pune",
        "lawEnforcement/caseNumber": "CC-77",
    }
    assert Subject.objects.get(report=report).phones == ["+919876543210"]
    client.force_login(hub_admin)
    page = client.get(reverse("intake:report_detail", args=[report.pk])).content.decode()
    assert "Other fields as sent" in page and "Cyber Cell Pune" in page


XS = "{http://www.w3.org/2001/XMLSchema}"


def schema_paths(root_name: str) -> set[str]:
    """Every value a document under the schema's `root_name` element can carry, as the paths
    `MAPPED` uses ("personOrUserReported/personOrUserReportedPerson/phone@type"): elements
    with a simple type or simple content, and every attribute."""
    if not XSD.exists():
        pytest.skip(f"NCMEC's schema is not at {XSD}")
    root = etree.parse(str(XSD)).getroot()
    types = {t.get("name"): t for t in root if t.tag == XS + "complexType"}
    elements = {e.get("name"): e for e in root if e.tag == XS + "element"}
    paths: set[str] = set()

    def content(node: Any, prefix: str, seen: frozenset[str]) -> None:
        for child in node:
            if child.tag in (XS + "sequence", XS + "choice", XS + "all"):
                content(child, prefix, seen)
            elif child.tag == XS + "simpleContent":
                paths.add(prefix)
                content(child, prefix, seen)
            elif child.tag == XS + "extension":
                if child.get("base") in types:
                    content(types[child.get("base")], prefix, seen)
                content(child, prefix, seen)
            elif child.tag == XS + "attribute":
                paths.add(f"{prefix}@{child.get('name')}")
            elif child.tag == XS + "element":
                element(child, prefix, seen)

    def element(el: Any, prefix: str, seen: frozenset[str]) -> None:
        if el.get("ref"):
            el = elements[el.get("ref")]
        path = f"{prefix}/{el.get('name')}".lstrip("/")
        inline, kind = el.find(XS + "complexType"), el.get("type")
        if inline is not None and any(c.tag != XS + "annotation" for c in inline):
            content(inline, path, seen)
        elif kind in types and kind not in seen:
            content(types[kind], path, seen | {kind})
        else:
            paths.add(path)

    top = elements[root_name].find(XS + "complexType")
    content(top, "", frozenset())
    return paths if root_name == "report" else {f"{root_name}/{p}" for p in paths}


def test_every_value_of_the_schema_is_mapped_or_kept_with_a_reason() -> None:
    """Walks cyber_tipline.xsd: each element and attribute a report can carry is read into a
    field (`MAPPED`) or deliberately kept as a labelled detail with its reason (`KEPT_RAW`);
    everything `MAPPED` names exists in the schema (or is a listed extension); no `KEPT_RAW`
    entry is stale."""
    from tipline.intake.importers.cybertip_xml import EXTENSIONS, KEPT_RAW, MAPPED, kept_raw

    schema = schema_paths("report") | schema_paths("fileDetails")
    assert len(schema) > 300
    undecided = sorted(p for p in schema - MAPPED if not kept_raw(p))
    assert undecided == [], f"neither mapped nor kept with a reason: {undecided}"
    assert sorted(MAPPED - schema - EXTENSIONS) == []
    for pattern, why in KEPT_RAW:
        assert why and any(kept_raw(p) == why for p in schema - MAPPED), pattern


def schema_document(root_name: str = "report") -> tuple[bytes, list[str]]:
    """A `<report>` (or another root of the schema) holding every element and attribute of
    NCMEC's schema once (each choice of a repeatable element once per option), with a value
    of its type: strings are unique tokens (`v17`, `user17@example.com`), so each can be
    looked for after import. Returns the document and those string values."""
    if not XSD.exists():
        pytest.skip(f"NCMEC's schema is not at {XSD}")
    root = etree.parse(str(XSD)).getroot()
    complex_types = {t.get("name"): t for t in root if t.tag == XS + "complexType"}
    simple_types = {t.get("name"): t for t in root if t.tag == XS + "simpleType"}
    elements = {e.get("name"): e for e in root if e.tag == XS + "element"}
    counter = iter(range(1, 100_000))
    strings: list[str] = []

    def text(name: str, kind: str | None) -> str:
        n = next(counter)
        if kind in simple_types:
            restriction = simple_types[kind].find(XS + "restriction")
            enums = [e.get("value") for e in restriction.findall(XS + "enumeration")]
            if enums:
                return str(enums[0])
            if kind == "latlong":
                return "19.5"
            if kind == "phoneCountryCallingCode":
                return "+44"
            if kind == "phoneExtension":
                return "12"
            kind = restriction.get("base")
        if kind == "xs:boolean":
            return "true"
        if kind in ("xs:int", "xs:long"):
            return str(n % 90 + 1)
        if kind == "xs:dateTime":
            return f"2024-03-01T10:{n % 60:02}:00Z"
        if kind == "xs:date":
            return "2010-05-06"
        lower = name.lower()
        if lower in ("email", "emailaddress"):
            value = f"user{n}@example.com"
        elif lower == "ipaddress":
            value = f"49.36.{n % 250}.{n % 200 + 1}"
        elif lower.endswith("url") or lower == "locationoffile":
            value = f"https://example.com/v{n}"
        elif lower in ("phone", "phonenumber"):
            return f"20{n:08d}"[:10]
        elif lower == "zipcode":
            return "431122"
        elif lower == "originalfilehash":
            return f"{n:032x}"
        else:
            value = f"v{n}"
        strings.append(value)
        return value

    def attributes(node: Any, el: Any) -> None:
        for a in (c for c in node if c.tag == XS + "attribute"):
            el.set(a.get("name"), a.get("fixed") or text(a.get("name"), a.get("type")))

    def content(node: Any, parent: Any) -> None:
        for child in node:
            if child.tag in (XS + "sequence", XS + "all"):
                content(child, parent)
            elif child.tag == XS + "choice":
                options = [c for c in child if c.tag == XS + "element"]
                element(options[0], parent)
            elif child.tag == XS + "element":
                element(child, parent)

    def element(decl: Any, parent: Any, depth: int = 0) -> None:
        repeats = decl.get("maxOccurs") == "unbounded"  # said where it is used
        if decl.get("ref"):
            decl = elements[decl.get("ref")]
        name, kind = decl.get("name"), decl.get("type")
        inline = decl.find(XS + "complexType")
        body = inline if inline is not None else complex_types.get(kind)
        if body is None:  # a simple type
            etree.SubElement(parent, name).text = decl.get("fixed") or text(name, kind)
            return
        choice = body.find(XS + "choice")
        options = ([c for c in choice if c.tag == XS + "element"]
                   if choice is not None and repeats else [None])
        for option in options:  # a repeatable choice: one of each
            el = etree.SubElement(parent, name)
            simple = body.find(XS + "simpleContent")
            if simple is not None:
                extension = simple.find(XS + "extension")
                el.text = text(name, extension.get("base"))
                attributes(extension, el)
                continue
            attributes(body, el)
            if option is not None:
                element(option, el, depth + 1)
            elif depth < 6:
                content(body, el)

    report = etree.Element(root_name)
    content(elements[root_name].find(XS + "complexType"), report)
    return etree.tostring(report, xml_declaration=True, encoding="UTF-8"), strings


def test_a_document_with_every_element_of_the_schema_imports_with_nothing_lost(
        tree: None, tmp_path: Path) -> None:
    """A report holding every element and attribute of cyber_tipline.xsd (valid against it)
    is imported, and every string it carries comes back in `tipline reports show --json`:
    in a field, or as a labelled detail."""
    import json
    from io import StringIO

    from django.core.management import call_command

    data, strings = schema_document()
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.fromstring(data)), schema.error_log
    batch = ingest(tmp_path, data)
    assert (batch.imported, batch.rejected) == (1, 0), list(batch.rejections.values_list(
        "reason", flat=True))
    report = Report.objects.get()
    out = StringIO()
    call_command("reports", "show", report.reference, "--json", stdout=out)
    record = out.getvalue()
    json.loads(record)
    lost = [s for s in strings if s not in record]
    assert len(strings) > 100 and lost == []


def schema_required() -> dict[str, set[str]]:
    """What cyber_tipline.xsd requires inside each element of a report (by path; "@" for an
    attribute): elements without minOccurs="0" outside a choice, and use="required"
    attributes."""
    if not XSD.exists():
        pytest.skip(f"NCMEC's schema is not at {XSD}")
    root = etree.parse(str(XSD)).getroot()
    types = {t.get("name"): t for t in root if t.tag == XS + "complexType"}
    elements = {e.get("name"): e for e in root if e.tag == XS + "element"}
    required: dict[str, set[str]] = {}

    def content(node: Any, path: str, seen: frozenset[str], choice: bool = False) -> None:
        for c in node:
            if c.tag in (XS + "sequence", XS + "all", XS + "simpleContent", XS + "extension"):
                content(c, path, seen, choice)
            elif c.tag == XS + "choice":
                content(c, path, seen, True)
            elif c.tag == XS + "element":
                element(c, path, seen, choice)
            elif c.tag == XS + "attribute" and c.get("use") == "required":
                required.setdefault(path, set()).add("@" + c.get("name"))

    def element(decl: Any, path: str, seen: frozenset[str], choice: bool) -> None:
        needed = decl.get("minOccurs", "1") != "0" and not choice
        if decl.get("ref"):
            decl = elements[decl.get("ref")]
        name, kind = decl.get("name"), decl.get("type")
        if needed:
            required.setdefault(path, set()).add(name)
        inline = decl.find(XS + "complexType")
        if inline is not None:
            content(inline, f"{path}/{name}".lstrip("/"), seen)
        elif kind in types and kind not in seen:
            content(types[kind], f"{path}/{name}".lstrip("/"), seen | {kind})

    content(elements["report"].find(XS + "complexType"), "", frozenset())
    return required


def test_required_elements_are_the_schemas() -> None:
    from tipline.intake.importers.cybertip_xml import REQUIRED

    assert {k: set(v) for k, v in REQUIRED.items()} == schema_required()


def test_a_missing_required_element_is_a_rejection_naming_it(tree: None,
                                                             tmp_path: Path) -> None:
    """From the document holding every element, take out each required one in turn: the
    report is refused with that element's path in the reason."""
    data, _ = schema_document()
    full = etree.fromstring(data)
    for parent_path, needs in sorted(schema_required().items()):
        for need in sorted(needs):
            doc = etree.fromstring(etree.tostring(full))
            parent = doc if not parent_path else doc.find(parent_path)
            assert parent is not None, parent_path
            if need.startswith("@"):
                del parent.attrib[need[1:]]
            else:
                parent.remove(parent.find(need))
            path = tmp_path / f"{parent_path.replace('/', '_')}-{need}.xml"
            path.write_bytes(etree.tostring(doc))
            batch = ingest_paths(paths=[path], actor=system_user("test"))
            assert (batch.imported, batch.rejected) == (0, 1), (parent_path, need)
            [reason] = batch.rejections.values_list("reason", flat=True)
            named = f"{parent_path}/{need}".lstrip("/") if not need.startswith("@") \
                else f"{parent_path}{need}"
            assert f"{named} is required" in reason, reason


def test_a_number_without_a_country_code_is_indian_only_if_the_report_says_india(
        tree: None, tmp_path: Path) -> None:
    """A platform reports from anywhere: 2223334444 without countryCallingCode was read as
    +91 22 2333 4444, a Mumbai landline. Now it is kept as written and not used to place the
    report (the locator says so), unless the report's address is in India; a warning on the
    report says which, and why."""
    alone = ("<personOrUserReportedPerson><phone>2223334444</phone>"
             "</personOrUserReportedPerson>")
    in_india = ("<personOrUserReportedPerson><phone>98765 43210</phone><address>"
                "<city>Beed</city><nonUsaState>Maharashtra</nonUsaState></address>"
                "</personOrUserReportedPerson>")
    ingest(tmp_path, report_xml("NC1", reported=alone))
    (tmp_path / "r.xml").unlink()
    ingest(tmp_path, report_xml("NC2", reported=in_india))
    first, second = (Report.objects.get(external_id=x) for x in ("NC1", "NC2"))
    assert Subject.objects.get(report=first).phones == ["2223334444"]
    [warning] = first.warnings
    assert "not read as Indian" in warning
    assert Subject.objects.get(report=second).phones == ["+919876543210"]
    assert any("read as Indian (+91) because the report's address is in Maharashtra" in w
               for w in second.warnings)
    outcomes = reports_route(report_ids=[first.pk], actor=system_user("test"))
    first.refresh_from_db()
    assert outcomes == {"unknown": 1} and first.jurisdiction.code == "IN"  # not Mumbai
    [phone] = [c for c in first.location.candidates if c["method"] == "phone"]
    assert phone["country"] is None and "not read as Indian" in phone["note"]
