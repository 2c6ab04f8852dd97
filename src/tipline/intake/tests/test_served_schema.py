"""Tipline's own CyberTipline schema (importers/cybertip_schema.py, served at /ispws/xsd)
against NCMEC's (cyber_tipline.xsd), side by side: the same elements, attributes, types and
order, and the same verdict on every test document and on every mutation of them."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from tipline.intake.importers import cybertip_schema as ts
from tipline.intake.tests import builders as b
from tipline.intake.tests.test_cybertip_schema import (
    XSD,
    report_xml,
    schema_document,
    schema_paths,
)

XS = "{http://www.w3.org/2001/XMLSchema}"

#: The roots a document may have. NCMEC also declares a report's parts (incidentSummary,
#: victim, ...) as global elements, referenced from <report>: only to share declarations,
#: never a document's root. Tipline declares them where they stand; the walk below resolves
#: references, so the trees are compared whole.
ROOTS = ("report", "fileDetails", "reportResponse", "reportDoneResponse")

#: Deliberate differences from NCMEC's schema, as lines of `described()` (sign, line): why.
#: None today: Tipline's schema is NCMEC's, element for element (docs/formats/ispws.md).
ALLOWED: dict[str, str] = {}


def ncmec() -> Any:
    if not XSD.exists():
        pytest.skip(f"NCMEC's schema is not at {XSD}")
    return etree.parse(str(XSD)).getroot()


def described(root: Any) -> list[str]:
    """An XSD as lines, one per element, group and attribute under each root, in document
    order: the path, how often it occurs, and its type resolved (a named simple type with
    its base, values and pattern; a complex type's name and, on the following lines, its
    content)."""
    complex_types = {t.get("name"): t for t in root if t.tag == XS + "complexType"}
    simple_types = {t.get("name"): t for t in root if t.tag == XS + "simpleType"}
    elements = {e.get("name"): e for e in root if e.tag == XS + "element"}
    lines: list[str] = []

    def simple(name: str) -> str:
        if name not in simple_types:
            return name
        restriction = simple_types[name].find(XS + "restriction")
        values = [e.get("value") for e in restriction.findall(XS + "enumeration")]
        patterns = [e.get("value") for e in restriction.findall(XS + "pattern")]
        facets = [c.tag for c in restriction
                  if c.tag not in (XS + "enumeration", XS + "pattern", XS + "annotation")]
        return f"{name}={restriction.get('base')} values={values} patterns={patterns} {facets}"

    def attributes(node: Any, path: str) -> None:
        for a in sorted(node.findall(XS + "attribute"), key=lambda a: a.get("name")):
            lines.append(f"{path}@{a.get('name')} {simple(a.get('type'))} "
                         f"use={a.get('use', 'optional')} fixed={a.get('fixed')}")

    def complex_type(node: Any, path: str) -> None:
        assert node.get("mixed") in (None, "false"), path
        for child in node:
            if child.tag == XS + "simpleContent":
                [extension] = [c for c in child if c.tag != XS + "annotation"]
                assert extension.tag == XS + "extension", path
                lines.append(f"{path} text {simple(extension.get('base'))}")
                attributes(extension, path)
            elif child.tag in (XS + "sequence", XS + "choice", XS + "all"):
                group(child, path)
            else:
                assert child.tag in (XS + "attribute", XS + "annotation"), (path, child.tag)
        attributes(node, path)

    def group(node: Any, path: str) -> None:
        lines.append(f"{path} {node.tag[len(XS):]} {node.get('minOccurs', '1')}.."
                     f"{node.get('maxOccurs', '1')}")
        for child in node:
            if child.tag == XS + "element":
                element(child, path)
            elif child.tag in (XS + "sequence", XS + "choice", XS + "all"):
                group(child, path)
            else:
                assert child.tag == XS + "annotation", (path, child.tag)

    def element(decl: Any, path: str) -> None:
        occurs = f"{decl.get('minOccurs', '1')}..{decl.get('maxOccurs', '1')}"
        if decl.get("ref"):
            decl = elements[decl.get("ref")]
        where = f"{path}/{decl.get('name')}"
        kind, inline = decl.get("type"), decl.find(XS + "complexType")
        lines.append(f"{where} {occurs} fixed={decl.get('fixed')} default={decl.get('default')} "
                     f"nillable={decl.get('nillable')} type="
                     + (simple(kind) if inline is None and kind not in complex_types
                        else kind or "(its own)"))
        if inline is not None:
            complex_type(inline, where)
        elif kind in complex_types:
            complex_type(complex_types[kind], where)

    for name in ROOTS:
        element(elements[name], "")
    return lines


def differences() -> list[str]:
    mine = described(etree.fromstring(ts.render()))
    theirs = described(ncmec())
    return [line for line in difflib.unified_diff(theirs, mine, "ncmec", "tipline", n=0,
                                                 lineterm="")
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_the_served_schema_has_ncmecs_elements_attributes_types_and_order() -> None:
    theirs = described(ncmec())
    assert len(theirs) > 500
    unexplained = [d for d in differences() if d not in ALLOWED]
    assert unexplained == [], "\n".join(unexplained[:40])
    assert all(why for why in ALLOWED.values())
    stale = [d for d in ALLOWED if d not in differences()]
    assert stale == []


def test_the_walk_sees_a_difference() -> None:
    """The comparison can fail: a changed order, a changed enumeration and a loosened type
    each show as a difference."""
    base = etree.fromstring(ts.render())
    for change in ("order", "enumeration", "type"):
        changed = copy.deepcopy(base)
        if change == "order":
            seq = changed.find(f"{XS}element[@name='report']/{XS}complexType/{XS}sequence")
            seq.insert(0, seq[-1])
        elif change == "enumeration":
            kind = changed.find(f"{XS}simpleType[@name='incidentType']/{XS}restriction")
            kind.remove(kind[-1])
        else:
            changed.find(f".//{XS}element[@name='latitude']").set("type", "xs:string")
        assert described(changed) != described(ncmec()), change


def test_the_description_has_ncmecs_values_and_each_has_a_use() -> None:
    """Every value of the description is one of NCMEC's schema (and the other way round), and
    every one says what Tipline does with it."""
    for root in ("report", "fileDetails"):
        assert set(ts.leaves(root)) == schema_paths(root)
    assert ts.undecided() == []
    for path in ts.leaves("report"):
        assert ts.use(path)
    with pytest.raises(ValueError, match="neither mapped nor kept"):
        ts.use("reporter/noSuchThing")


def test_the_served_schema_says_what_tipline_does_with_each_value() -> None:
    root = etree.fromstring(ts.render())
    incident = root.find(f".//{XS}element[@name='incidentType']")
    assert "reads it into the report's fields" in incident.findtext(f".//{XS}documentation")
    school = root.find(f".//{XS}element[@name='schoolName']")
    assert "a victim's school" in school.findtext(f".//{XS}documentation")


def valid_documents() -> Iterator[tuple[str, bytes]]:
    """The test suite's documents that NCMEC's schema accepts: the generated documents that
    hold every element (a report, a file's details), the schema tests' minimal reports and
    the builders' report, each as one document a platform sends (no <reports> wrapper, no
    `id` attribute and no <fileDetails> inside: Tipline's batch-file extensions)."""
    for root in ("report", "fileDetails"):
        yield f"every element of <{root}>", schema_document(root)[0]
    reported = ('<personOrUserReportedPerson><firstName>A</firstName>'
                '<phone countryCallingCode="+1">2223334444</phone>'
                "</personOrUserReportedPerson>")
    internet = ("<cellPhoneIncident><latitude>-123</latitude><longitude>72.8</longitude>"
                "</cellPhoneIncident>")
    for name, doc in (("minimal", report_xml("X")),
                      ("with a phone", report_xml("X", reported=reported)),
                      ("with a latitude of -123", report_xml("X", internet=internet)),
                      ("with a platform", report_xml("X", platform="ExampleChat"))):
        el = etree.fromstring(doc)[0]
        del el.attrib["id"]
        yield name, etree.tostring(el)
    built = etree.fromstring(b.xml_report(None))
    built.remove(built.find("fileDetails"))
    yield "the builders' report", etree.tostring(built)


def test_every_valid_test_document_is_valid_against_both() -> None:
    theirs = etree.XMLSchema(ncmec())
    mine = ts.xml_schema()
    documents = list(valid_documents())
    assert len(documents) == 7
    for name, data in documents:
        doc = etree.fromstring(data)
        assert theirs.validate(doc), (name, theirs.error_log)
        assert mine.validate(doc), (name, mine.error_log)
        assert ts.invalid(doc) is None


def mutations(doc: Any) -> Iterator[tuple[str, Any]]:
    """Each element swapped with its next sibling, each element taken out, each element's
    text and each attribute's value made a word no type accepts but a string, and an unknown
    element put in each element: one change at a time, on a copy."""
    count = sum(1 for _ in doc.iter())
    for i in range(count):
        for change in ("swap", "remove", "text", "attribute", "unknown"):
            copied = copy.deepcopy(doc)
            el = list(copied.iter())[i]
            parent = el.getparent()
            if change == "swap":
                after = el.getnext()
                if after is None or after.tag == el.tag:
                    continue
                parent.insert(parent.index(el), after)
            elif change == "remove":
                if parent is None:
                    continue
                parent.remove(el)
            elif change == "text":
                if len(el):
                    continue
                el.text = "Not-a-value"
            elif change == "attribute":
                if not el.attrib:
                    continue
                el.set(next(iter(el.attrib)), "Not-a-value")
            else:
                etree.SubElement(el, "unknownElement")
            yield f"{change} {copied.getroottree().getpath(el) if change != 'remove' else i}", \
                copied


def test_every_mutation_gets_the_same_verdict_from_both() -> None:
    """Order, occurrences, types and names at every depth: what NCMEC's schema refuses,
    Tipline's refuses, and the other way round; each refusal names an element."""
    theirs = etree.XMLSchema(ncmec())
    mine = ts.xml_schema()
    checked = refused = 0
    for root in ("report", "fileDetails"):
        doc = etree.fromstring(schema_document(root)[0])
        for name, changed in mutations(doc):
            verdict = theirs.validate(changed)
            assert mine.validate(changed) == verdict, (name, mine.error_log, theirs.error_log)
            if not verdict:
                refused += 1
                reason = ts.invalid(changed)
                assert reason and reason.startswith("element '"), (name, reason)
            checked += 1
    assert checked > 1200 and refused > 700
