"""Tipline's CyberTipline schema, in Python: every element a `<report>` and a `<fileDetails>`
may hold, in order, with its type, how often it may occur and its attributes, and for each
value what the importer (`cybertip_xml`) does with it: read into a field (`MAPPED`), or kept
as a labelled detail with the reason (`KEPT_RAW`).

It is the one source of truth for the schema's facts in Tipline: the importer's `REQUIRED`
and annotation lists are read from it, `render()` writes it as the XSD that `/ispws/xsd`
serves, and the CyberTipline API validates `submit` and `fileinfo` bodies against that XSD
(`invalid()`). Its elements, attributes, types and order are NCMEC's (cyber_tipline.xsd): a
test walks both side by side. The importer reads more than this schema in batch files
(`EXTENSIONS`); the API does not accept those (docs/formats/ispws.md says why).
"""

from __future__ import annotations

import fnmatch
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree


@dataclass(frozen=True)
class Simple:
    """A named simple type: an XSD built-in type narrowed to listed values or a pattern."""

    base: str
    values: tuple[str, ...] = ()
    pattern: str = ""


@dataclass(frozen=True)
class A:
    """An attribute: its name, type (a built-in `xs:` type or a `Simple`'s name), and
    whether it is required."""

    name: str
    type: str
    required: bool = False


@dataclass(frozen=True)
class Group:
    """Elements in a sequence (in this order), a choice (one of them) or all (any order)."""

    kind: str
    items: tuple[E | Group, ...]


@dataclass(frozen=True)
class Body:
    """A complex type: child elements (`group`) or a text value of type `base`, and
    attributes."""

    group: Group | None
    attrs: tuple[A, ...] = ()
    base: str = ""


@dataclass(frozen=True)
class E:
    """An element: its name; its type (a built-in `xs:` type, a named simple or complex type,
    or a `Body` of its own); how often it occurs (`high` None: unbounded); a fixed value."""

    name: str
    type: str | Body
    low: int = 1
    high: int | None = 1
    fixed: str | None = None


def seq(*items: E | Group, attrs: tuple[A, ...] = ()) -> Body:
    return Body(Group("sequence", items), attrs)


def choice(*items: E | Group, attrs: tuple[A, ...] = ()) -> Body:
    return Body(Group("choice", items), attrs)


def every(*items: E | Group, attrs: tuple[A, ...] = ()) -> Body:
    return Body(Group("all", items), attrs)


def one_of(*items: E | Group) -> Group:
    """A choice inside a sequence."""
    return Group("choice", items)


def scalar(base: str, *attrs: A) -> Body:
    """A text value of type `base` with attributes (XSD's simple content)."""
    return Body(None, attrs, base)


def codes(*lines: str) -> tuple[str, ...]:
    """Code lists (countries, US states): the empty value, then the codes."""
    return ("", *" ".join(lines).split())


SIMPLE_TYPES: dict[str, Simple] = {
    "addressType": Simple("xs:string", ("Home", "Business", "Billing", "Shipping", "Technical")),
    "emailType": Simple("xs:string", ("Home", "Work", "Business", "Recovery")),
    "phoneType": Simple("xs:string", ("Mobile", "Home", "Business", "Work", "Fax", "Internet",
                                      "Recovery")),
    "phoneCountryCallingCode": Simple("xs:string", pattern="\\+[0-9]{1,3}"),
    "phoneExtension": Simple("xs:string", pattern="[0-9]+"),
    "batchedReportReason": Simple("xs:string", ("VIRAL_POTENTIAL_MEME",)),
    "incidentType": Simple("xs:string", (
        "Child Pornography (possession, manufacture, and distribution)", "Child Sex Trafficking",
        "Child Sex Tourism", "Child Sexual Molestation", "Misleading Domain Name",
        "Misleading Words or Digital Images on the Internet",
        "Online Enticement of Children for Sexual Acts",
        "Unsolicited Obscene Material Sent to a Child")),
    "ipCaptureType": Simple("xs:string", ("Login", "Registration", "Purchase", "Upload", "Other",
                                          "Unknown")),
    "latlong": Simple("xs:double"),
    "associatedAccountType": Simple("xs:string", ("Billing", "Linked", "Business", "Creator",
                                                  "Parent/Guardian", "Other")),
    "fileRelevance": Simple("xs:string", ("Reported", "Supplemental Reported")),
    "fileClassification": Simple("xs:string", ("A1", "A2", "B1", "B2")),
    "metadataTypes": Simple("xs:string", ("EXIF", "HASH")),
    "country": Simple("xs:string", codes(
        "A1 A2 O1 AD AE AF AG AI AL AM AN AO AP AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH",
        "BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU",
        "CV CX CW CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET EU FI FJ FK FM FO FR FX GA GB",
        "GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN",
        "IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT",
        "LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC",
        "NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO",
        "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG",
        "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK",
        "YE YT ZA ZM ZW",
    )),
    "state": Simple("xs:string", codes(
        "AK AL AR AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT",
        "NC ND NE NH NJ NM NV NY OH OK OR PA PR RI SC SD TN TX UT VA VI VT WA WI WV WY",
    )),
}

COMPLEX_TYPES: dict[str, Body] = {
    "reportAnnotations": every(
        E("sextortion", "xs:boolean", 0, fixed="true"),
        E("csamSolicitation", "xs:boolean", 0, fixed="true"),
        E("minorToMinorInteraction", "xs:boolean", 0, fixed="true"),
        E("spam", "xs:boolean", 0, fixed="true"),
        E("sadisticOnlineExploitation", "xs:boolean", 0, fixed="true")),
    "text": scalar("xs:string"),
    "content": scalar("xs:string"),
    "person": seq(
        E("firstName", "xs:string", 0),
        E("lastName", "xs:string", 0),
        E("phone", "phone", 0, None),
        E("email", "email", 0, None),
        E("address", "address", 0, None),
        E("age", "xs:int", 0),
        E("dateOfBirth", "xs:date", 0)),
    "contactPerson": seq(
        E("firstName", "xs:string", 0),
        E("lastName", "xs:string", 0),
        E("phone", "phone", 0, None),
        E("email", "email", 0, None),
        E("address", "address", 0, None)),
    "address": seq(
        E("address", "xs:string", 0),
        E("city", "xs:string", 0),
        E("zipCode", "xs:string", 0),
        E("state", "state", 0),
        E("nonUsaState", "xs:string", 0),
        E("country", "country", 0),
        attrs=(A("type", "addressType"),),),
    "email": scalar(
        "xs:string",
        A("type", "emailType"),
        A("verified", "xs:boolean"),
        A("verificationDate", "xs:dateTime"),
    ),
    "phone": scalar(
        "xs:string",
        A("type", "phoneType"),
        A("verified", "xs:boolean"),
        A("verificationDate", "xs:dateTime"),
        A("countryCallingCode", "phoneCountryCallingCode"),
        A("extension", "phoneExtension"),
    ),
    "screenName": scalar("xs:string"),
    "estimatedLocation": seq(
        E("city", "xs:string", 0),
        E("region", "xs:string", 0),
        E("countryCode", "country", 0),
        attrs=(A("verified", "xs:boolean"), A("timestamp", "xs:dateTime")),),
    "batchedReport": seq(
        attrs=(A("reason", "batchedReportReason", required=True),),),
    "ipCaptureEvent": seq(
        E("ipAddress", "xs:string"),
        E("eventName", "ipCaptureType", 0),
        E("dateTime", "xs:dateTime", 0),
        E("possibleProxy", "xs:boolean", 0),
        E("port", "xs:int", 0)),
    "deviceId": seq(
        E("idType", "xs:string"),
        E("idValue", "xs:string"),
        E("eventName", "ipCaptureType", 0),
        E("dateTime", "xs:dateTime", 0)),
    "reportedToLawEnforcement": scalar("xs:boolean"),
    "accountTemporarilyDisabled": scalar(
        "xs:boolean",
        A("disabledDate", "xs:dateTime"),
        A("userNotified", "xs:boolean"),
        A("userNotifiedDate", "xs:dateTime"),
        A("reenabledDate", "xs:dateTime"),
    ),
    "accountPermanentlyDisabled": scalar(
        "xs:boolean",
        A("disabledDate", "xs:dateTime"),
        A("userNotified", "xs:boolean"),
        A("userNotifiedDate", "xs:dateTime"),
    ),
    "associatedAccount": seq(
        E("platform", scalar("xs:string", A("thirdPartyUser", "xs:boolean")), 0),
        E("firstName", "xs:string", 0),
        E("middleName", "xs:string", 0),
        E("lastName", "xs:string", 0),
        E("approximateAge", "xs:int", 0),
        E("dateOfBirth", "xs:date", 0),
        E("phone", "phone", 0, None),
        E("email", "email", 0, None),
        E("allEmailsReported", "xs:boolean", 0),
        E("address", "address", 0, None),
        E("espService", "xs:string", 0),
        E("espIdentifier", "xs:string", 0),
        E("profileUrl", "xs:string", 0, None),
        E("screenName", "screenName", 0),
        E("displayName", "xs:string", 0, None),
        E("profileBio", "text", 0),
        E("groupIdentifier", "xs:string", 0),
        E("compromisedAccount", "xs:boolean", 0),
        E("accountTemporarilyDisabled", "accountTemporarilyDisabled", 0),
        E("accountPermanentlyDisabled", "accountPermanentlyDisabled", 0),
        E("ipCaptureEvent", "ipCaptureEvent", 0, None),
        E("deviceId", "deviceId", 0, None),
        E("priorCTReport", "xs:long", 0, None),
        E("additionalInfo", "text", 0),
        attrs=(A("type", "associatedAccountType", required=True),),),
    "fileAnnotations": every(
        E("animeDrawingVirtualHentai", "xs:boolean", 0, fixed="true"),
        E("potentialMeme", "xs:boolean", 0, fixed="true"),
        E("viral", "xs:boolean", 0, fixed="true"),
        E("possibleSelfProduction", "xs:boolean", 0, fixed="true"),
        E("physicalHarm", "xs:boolean", 0, fixed="true"),
        E("violenceGore", "xs:boolean", 0, fixed="true"),
        E("bestiality", "xs:boolean", 0, fixed="true"),
        E("liveStreaming", "xs:boolean", 0, fixed="true"),
        E("infant", "xs:boolean", 0, fixed="true"),
        E("generativeAi", "xs:boolean", 0, fixed="true")),
    "hash": scalar("xs:string", A("hashType", "xs:string", required=True)),
    "nameValue": seq(
        E("name", "xs:string"),
        E("value", "xs:string")),
}

ROOTS: dict[str, E] = {
    "report": E("report", seq(
        E("batchedReport", "batchedReport", 0),
        E("incidentSummary", seq(
            E("incidentType", "incidentType"),
            E("platform", "xs:string", 0),
            E("escalateToHighPriority", "xs:string", 0),
            E("reportAnnotations", "reportAnnotations", 0),
            E("incidentDateTime", "xs:dateTime"),
            E("incidentDateTimeDescription", "xs:string", 0))),
        E("internetDetails", choice(
            E("webPageIncident", seq(
                E("url", "xs:string", 0, None),
                E("additionalInfo", "text", 0),
                attrs=(A("thirdPartyHostedContent", "xs:boolean"),))),
            E("emailIncident", seq(
                E("emailAddress", "email", 0, None),
                E("content", "content", 0),
                E("additionalInfo", "text", 0))),
            E("newsgroupIncident", seq(
                E("name", "xs:string", 0),
                E("emailAddress", "email", 0, None),
                E("content", "content", 0),
                E("additionalInfo", "text", 0))),
            E("chatImIncident", seq(
                E("chatClient", "xs:string", 0),
                E("chatRoomName", "xs:string", 0),
                E("content", "content", 0),
                E("additionalInfo", "text", 0))),
            E("onlineGamingIncident", seq(
                E("gameName", "xs:string", 0),
                E("console", "xs:string", 0),
                E("content", "content", 0),
                E("additionalInfo", "text", 0))),
            E("cellPhoneIncident", seq(
                E("phoneNumber", "phone", 0),
                E("latitude", "latlong", 0),
                E("longitude", "latlong", 0),
                E("additionalInfo", "text", 0))),
            E("nonInternetIncident", seq(
                E("locationName", "xs:string", 0),
                E("incidentAddress", "address", 0, None),
                E("additionalInfo", "text", 0))),
            E("peer2peerIncident", seq(
                E("client", "xs:string", 0),
                E("ipCaptureEvent", "ipCaptureEvent", 0, None),
                E("fileNames", "xs:string", 0),
                E("additionalInfo", "text", 0)))), 0, None),
        E("lawEnforcement", seq(
            E("agencyName", "xs:string"),
            E("caseNumber", "xs:string", 0),
            E("officerContact", "contactPerson", 0),
            E("reportedToLe", "reportedToLawEnforcement", 0),
            E("servedLegalProcessDomestic", "xs:boolean", 0),
            E("servedLegalProcessInternational",
              scalar("xs:boolean", A("fleaCountry", "country")), 0)), 0),
        E("reporter", seq(
            E("reportingPerson", "person"),
            E("contactPerson", "contactPerson", 0),
            E("companyTemplate", "text", 0),
            E("termsOfService", "text", 0),
            E("legalURL", "xs:string", 0))),
        E("personOrUserReported", seq(
            E("personOrUserReportedPerson", "person", 0),
            E("vehicleDescription", "xs:string", 0),
            E("espIdentifier", "xs:string", 0),
            E("espService", "xs:string", 0),
            E("compromisedAccount", "xs:boolean", 0),
            E("screenName", "screenName", 0),
            E("displayName", "xs:string", 0, None),
            E("profileUrl", "xs:string", 0, None),
            E("profileBio", "text", 0),
            E("ipCaptureEvent", "ipCaptureEvent", 0, None),
            E("deviceId", "deviceId", 0, None),
            E("thirdPartyUserReported", "xs:boolean", 0),
            E("priorCTReports", "xs:long", 0, None),
            E("groupIdentifier", "xs:string", 0),
            E("accountTemporarilyDisabled", "accountTemporarilyDisabled", 0),
            E("accountPermanentlyDisabled", "accountPermanentlyDisabled", 0),
            E("estimatedLocation", "estimatedLocation", 0),
            E("allEmailsReported", "xs:boolean", 0),
            E("associatedAccount", "associatedAccount", 0, None),
            E("additionalInfo", "text", 0)), 0, None),
        E("intendedRecipient", seq(
            E("intendedRecipientPerson", "person", 0),
            E("espIdentifier", "xs:string", 0),
            E("espService", "xs:string", 0),
            E("compromisedAccount", "xs:boolean", 0),
            E("screenName", "screenName", 0),
            E("displayName", "xs:string", 0, None),
            E("profileUrl", "xs:string", 0, None),
            E("profileBio", "text", 0),
            E("ipCaptureEvent", "ipCaptureEvent", 0, None),
            E("deviceId", "deviceId", 0, None),
            E("priorCTReports", "xs:long", 0, None),
            E("groupIdentifier", "xs:string", 0),
            E("accountTemporarilyDisabled", "accountTemporarilyDisabled", 0),
            E("accountPermanentlyDisabled", "accountPermanentlyDisabled", 0),
            E("estimatedLocation", "estimatedLocation", 0),
            E("allEmailsReported", "xs:boolean", 0),
            E("additionalInfo", "text", 0, None)), 0, None),
        E("victim", seq(
            E("victimPerson", "person"),
            E("espIdentifier", "xs:string", 0),
            E("espService", "xs:string", 0),
            E("compromisedAccount", "xs:boolean", 0),
            E("screenName", "screenName", 0),
            E("displayName", "xs:string", 0, None),
            E("profileUrl", "xs:string", 0, None),
            E("profileBio", "text", 0),
            E("ipCaptureEvent", "ipCaptureEvent", 0, None),
            E("deviceId", "deviceId", 0, None),
            E("schoolName", "xs:string", 0),
            E("priorCTReports", "xs:long", 0, None),
            E("accountTemporarilyDisabled", "accountTemporarilyDisabled", 0),
            E("accountPermanentlyDisabled", "accountPermanentlyDisabled", 0),
            E("estimatedLocation", "estimatedLocation", 0),
            E("allEmailsReported", "xs:boolean", 0),
            E("associatedAccount", "associatedAccount", 0, None),
            E("additionalInfo", "text", 0)), 0, None),
        E("additionalInfo", "text", 0))),
    "fileDetails": E("fileDetails", seq(
        E("reportId", "xs:long"),
        E("fileId", "xs:token"),
        E("fileName", "xs:string", 0),
        E("originalFileName", "xs:string", 0),
        E("uploadedToEspTimestamp", "xs:dateTime", 0),
        E("locationOfFile", "xs:string", 0),
        E("fileViewedByEsp", "xs:boolean", 0),
        E("exifViewedByEsp", "xs:boolean", 0),
        E("publiclyAvailable", "xs:boolean", 0),
        E("fileRelevance", "fileRelevance", 0),
        one_of(
            E("potentialMeme", "xs:boolean", 0),
            E("fileAnnotations", "fileAnnotations", 0)),
        E("industryClassification", "fileClassification", 0),
        E("originalFileHash", "hash", 0, None),
        E("ipCaptureEvent", "ipCaptureEvent", 0),
        E("deviceId", "deviceId", 0, None),
        E("details", seq(
            E("nameValuePair", "nameValue", 1, None),
            attrs=(A("type", "metadataTypes"),),), 0, None),
        E("additionalInfo", "text", 0, None))),
    "reportResponse": E("reportResponse", seq(
        E("responseCode", "xs:int"),
        E("responseDescription", "xs:string"),
        E("reportId", "xs:long", 0),
        E("fileId", "xs:token", 0),
        E("hash", "xs:token", 0))),
    "reportDoneResponse": E("reportDoneResponse", seq(
        E("responseCode", "xs:int"),
        E("reportId", "xs:long"),
        E("files", seq(
            E("fileId", "xs:string", 0, None))),)),
}


def _flat(group: Group | None) -> Iterator[tuple[E, bool]]:
    """A group's elements in order, nested groups flattened, each with whether it stands in a
    choice (so is not required on its own)."""
    if group is None:
        return
    for item in group.items:
        if isinstance(item, Group):
            yield from ((e, True) for e, _ in _flat(item)) if item.kind == "choice" \
                else _flat(item)
        else:
            yield item, group.kind == "choice"


def body_of(element: E) -> Body | None:
    """The element's complex type (its own, or a named one); None for a simple type."""
    if isinstance(element.type, Body):
        return element.type
    return COMPLEX_TYPES.get(element.type)


def _walk(root: str) -> Iterator[tuple[str, E | A, bool]]:
    """Every element and attribute under the root element, as (path, declaration, inside a
    choice), in schema order. Paths are as `MAPPED` writes them: under <report> without
    "report/", under <fileDetails> with "fileDetails/"; "@" for an attribute."""
    def body(b: Body, path: str, seen: frozenset[str]) -> Iterator[tuple[str, E | A, bool]]:
        for a in b.attrs:
            yield f"{path}@{a.name}", a, False
        for e, in_choice in _flat(b.group):
            where = f"{path}/{e.name}".lstrip("/")
            yield where, e, in_choice
            inner = body_of(e)
            named = {e.type} if isinstance(e.type, str) else set()
            if inner is not None and not named & seen:  # a named type in itself: not again
                yield from body(inner, where, seen | named)

    top = ROOTS[root]
    assert isinstance(top.type, Body)
    yield from body(top.type, "" if root == "report" else root, frozenset())


def leaves(root: str) -> dict[str, E | A]:
    """The values a document under `root` can carry, by path: elements with a simple type or
    a text value (simple content), and every attribute."""
    out: dict[str, E | A] = {}
    for path, decl, _ in _walk(root):
        if isinstance(decl, A):
            out[path] = decl
        else:
            inner = body_of(decl)
            if inner is None or inner.group is None:
                out[path] = decl
    return out


def required(root: str = "report") -> dict[str, tuple[str, ...]]:
    """What the schema requires inside each element under `root`, by the element's path ("" for
    the root): child elements by name, attributes as "@name"."""
    out: dict[str, list[str]] = {}
    for path, decl, in_choice in _walk(root):
        parent, _, name = path.rpartition("/")
        if isinstance(decl, A):
            element, _, attr = path.rpartition("@")
            if decl.required:
                out.setdefault(element, []).append(f"@{attr}")
        elif decl.low >= 1 and not in_choice:
            out.setdefault(parent, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _children(type_name: str) -> tuple[str, ...]:
    body = COMPLEX_TYPES[type_name]
    return tuple(e.name for e, _ in _flat(body.group))


#: the schema's reportAnnotations and fileAnnotations
ANNOTATIONS = _children("reportAnnotations")
FILE_ANNOTATIONS = _children("fileAnnotations")


def _person_paths(block: str, person_tag: str) -> set[str]:
    """The paths under a person block (personOrUserReported, intendedRecipient, victim) that
    this importer maps into fields."""
    person = f"{block}/{person_tag}"
    paths = {f"{person}/{tag}" for tag in ("firstName", "lastName", "age", "dateOfBirth",
                                            "email", "phone")}
    paths |= {f"{person}/phone@countryCallingCode", f"{person}/phone/countryCallingCode"}
    paths |= {f"{person}/address/{tag}" for tag in ADDRESS_TAGS}
    paths |= {f"{block}/{tag}" for tag in ("espIdentifier", "espService", "screenName",
                                           "displayName", "profileUrl", "additionalInfo")}
    paths |= {f"{block}/ipCaptureEvent/{tag}" for tag in IP_EVENT_TAGS}
    paths |= {f"{block}/deviceId/idType", f"{block}/deviceId/idValue"}
    paths |= {f"{block}/estimatedLocation/{tag}" for tag in ("city", "region", "countryCode")}
    paths.add(f"{block}/estimatedLocation@verified")
    return paths


ADDRESS_TAGS = ("address", "city", "zipCode", "state", "nonUsaState", "country")
IP_EVENT_TAGS = ("ipAddress", "port", "eventName", "dateTime", "possibleProxy")
FILE_TAGS = ("fileName", "originalFileName", "fileId", "locationOfFile", "fileViewedByEsp",
             "publiclyAvailable", "fileRelevance", "industryClassification",
             "originalFileHash")

#: Paths under <report> (child/grandchild, "@" for an attribute) whose values this importer
#: maps into the report's fields. Every other value is kept as a labelled detail
#: (`_details`), so nothing the sender wrote is dropped.
MAPPED: frozenset[str] = frozenset({
    "@id",
    "incidentSummary/incidentType", "incidentSummary/platform",
    "incidentSummary/escalateToHighPriority", "incidentSummary/incidentDateTime",
    "incidentSummary/incidentDateTimeDescription",
    *(f"incidentSummary/reportAnnotations/{a}" for a in ANNOTATIONS),
    "additionalInfo",
    "reporter/reportingPerson/firstName", "reporter/reportingPerson/lastName",
    "reporter/reportingPerson/email", "reporter/companyTemplate",
    "internetDetails/webPageIncident/url",
    "internetDetails/cellPhoneIncident/latitude", "internetDetails/cellPhoneIncident/longitude",
    "internetDetails/nonInternetIncident/locationName",
    "internetDetails/nonInternetIncident/incidentAddress",
    *(f"internetDetails/nonInternetIncident/incidentAddress/{t}" for t in ADDRESS_TAGS),
    *(f"internetDetails/peer2peerIncident/ipCaptureEvent/{t}" for t in IP_EVENT_TAGS),
    *_person_paths("personOrUserReported", "personOrUserReportedPerson"),
    *_person_paths("intendedRecipient", "intendedRecipientPerson"),
    *_person_paths("victim", "victimPerson"),
    *(f"fileDetails/{t}" for t in FILE_TAGS),
    "fileDetails/originalFileHash@hashType",
    *(f"fileDetails/fileAnnotations/{a}" for a in FILE_ANNOTATIONS),
    "fileDetails/details@type", "fileDetails/details/nameValuePair/name",
    "fileDetails/details/nameValuePair/value",
    *(f"fileDetails/ipCaptureEvent/{t}" for t in IP_EVENT_TAGS),
})


#: Values of the schema that have no field here, deliberately kept as labelled details
#: (shown on the report page and in the packet PDF, as sent): (path pattern, why). A pattern
#: covers a path and everything under it; "*" stands for one step (a person block). A test
#: walks cyber_tipline.xsd and fails on any path neither in `MAPPED` nor covered here.
KEPT_RAW: tuple[tuple[str, str], ...] = (
    ("batchedReport", "how the platform batched its reports: about the submission"),
    ("lawEnforcement", "the agency, case and officer the platform already told, and legal "
                       "process served: for the receiving unit to read, not to route on"),
    ("reporter/reportingPerson", "the platform's own staff member: contact, not a clue"),
    ("reporter/contactPerson", "who law enforcement should contact at the platform"),
    ("reporter/termsOfService", "the platform's terms, as sent"),
    ("reporter/legalURL", "where to serve legal process, as sent"),
    ("internetDetails/webPageIncident", "the page's notes and whether it was hosted by a "
                                        "third party; its URLs are mapped"),
    ("internetDetails/emailIncident", "the e-mail incident's addresses and content: shown "
                                      "as sent (not yet identifiers that link)"),
    ("internetDetails/newsgroupIncident", "the newsgroup, its addresses and content"),
    ("internetDetails/chatImIncident", "the chat client, room and content"),
    ("internetDetails/onlineGamingIncident", "the game, console and content"),
    ("internetDetails/cellPhoneIncident", "the incident's phone number and notes; its "
                                          "coordinates are mapped"),
    ("internetDetails/nonInternetIncident", "the incident address's type and notes; its "
                                            "fields are mapped"),
    ("internetDetails/peer2peerIncident", "the client and file names; its IP events are "
                                          "mapped"),
    ("*/*Person", "a person's e-mail and phone verification, types and extensions, the "
                  "address type, middle name, vehicle; names, e-mails, phones (with their "
                  "calling code), age, birth date and address are mapped"),
    ("*/compromisedAccount", "the platform's view that the account was taken over"),
    ("*/profileBio", "the profile's own text"),
    ("*/thirdPartyUserReported", "whether the reported user came from another service"),
    ("*/priorCTReports", "earlier CyberTipline reports on the person (NCMEC's numbers)"),
    ("*/groupIdentifier", "a group the account belongs to"),
    ("*/accountTemporarilyDisabled", "when the platform disabled and re-enabled the account"),
    ("*/accountPermanentlyDisabled", "when the platform closed the account"),
    ("*/allEmailsReported", "whether every e-mail of the account was sent"),
    ("*/associatedAccount", "other accounts of the same person on the platform: shown as "
                            "sent (not yet subjects of their own)"),
    ("*/deviceId", "when a device id was seen; the id itself is mapped"),
    ("*/estimatedLocation@timestamp", "when the platform estimated the location"),
    ("*/schoolName", "a victim's school"),
    ("*/vehicleDescription", "a vehicle the reported person uses"),
    ("fileDetails", "a file's upload time, EXIF flag, report id, device ids and notes; its "
                    "names, hashes, flags, annotations, details and IP events are mapped"),
)


#: what the importer reads beyond the schema's report element: the sender's report id, file
#: details inside a report (the API sends them apart), and countryCallingCode as a child
#: element, as this importer once expected it
EXTENSIONS: frozenset[str] = frozenset({"@id"} | {
    p for p in MAPPED if p.startswith("fileDetails/") or p.endswith("/phone/countryCallingCode")
} | {"internetDetails/nonInternetIncident/incidentAddress"})


def kept_raw(path: str) -> str | None:
    """Why a schema path with no field here is kept as a labelled detail (None: not listed)."""
    steps = path.replace("@", "/@").split("/")
    for pattern, why in KEPT_RAW:
        want = pattern.replace("@", "/@").split("/")
        if len(steps) >= len(want) and all(
                fnmatch.fnmatchcase(step, w) for step, w in zip(steps, want, strict=False)):
            return why
    return None


REQUIRED = required("report")


def use(path: str) -> str:
    """What Tipline does with the value at `path` (a leaf of `leaves`): ValueError for a value
    the mapping has not decided on, so the schema can't be rendered with one."""
    if path in MAPPED:
        return "Tipline reads it into the report's fields."
    if why := kept_raw(path):
        return f"Tipline keeps it as a labelled detail, as sent: {why}."
    raise ValueError(f"{path}: neither mapped nor kept with a reason (cybertip_schema)")


def undecided() -> list[str]:
    """Values of the schema the mapping has not decided on (a test wants none)."""
    out = []
    for root in ("report", "fileDetails"):
        for path in leaves(root):
            try:
                use(path)
            except ValueError:
                out.append(path)
    return out


XSN = "http://www.w3.org/2001/XMLSchema"


def _xs(parent: Any, tag: str, **attrs: str) -> Any:
    return etree.SubElement(parent, f"{{{XSN}}}{tag}", attrs)


def _doc(parent: Any, text: str) -> None:
    _xs(_xs(parent, "annotation"), "documentation").text = text


def _summary(path: str, under: dict[str, E | A]) -> str:
    """What Tipline does with the values inside a complex element at `path`."""
    mine = [p for p in under if p.startswith((f"{path}/", f"{path}@"))]
    mapped = [p[len(path):].lstrip("/") for p in mine if p in MAPPED]
    reasons = sorted({why for p in mine if p not in MAPPED and (why := kept_raw(p))})
    if not mapped:
        return "Tipline keeps its values as labelled details, as sent: " + "; ".join(reasons) \
            + "."
    return ("Tipline reads into the report's fields: " + ", ".join(mapped)
            + ("; keeps the others as labelled details, as sent." if len(mapped) < len(mine)
               else "."))


def _render_element(parent: Any, e: E, path: str | None, under: dict[str, E | A]) -> None:
    attrs = {"name": e.name}
    if isinstance(e.type, str):
        attrs["type"] = e.type
    if e.low != 1:
        attrs["minOccurs"] = str(e.low)
    if e.high != 1:
        attrs["maxOccurs"] = "unbounded" if e.high is None else str(e.high)
    if e.fixed is not None:
        attrs["fixed"] = e.fixed
    node = _xs(parent, "element", **attrs)
    where = None if path is None else f"{path}/{e.name}".lstrip("/")
    if where is not None:
        _doc(node, use(where) if where in under else _summary(where, under))
    if isinstance(e.type, Body):
        _render_body(_xs(node, "complexType"), e.type, where, under)


def _render_group(parent: Any, group: Group, path: str | None,
                  under: dict[str, E | A]) -> None:
    node = _xs(parent, group.kind)
    for item in group.items:
        if isinstance(item, Group):
            _render_group(node, item, path, under)
        else:
            _render_element(node, item, path, under)


def _render_attrs(parent: Any, attrs: tuple[A, ...], path: str | None,
                  under: dict[str, E | A]) -> None:
    for a in attrs:
        node = _xs(parent, "attribute", name=a.name, type=a.type,
                   **({"use": "required"} if a.required else {}))
        if path is not None:
            _doc(node, use(f"{path}@{a.name}"))


def _render_body(node: Any, body: Body, path: str | None, under: dict[str, E | A]) -> None:
    """A complex type's content into `node` (an xs:complexType). `path`: where it stands
    under the root, to say what Tipline does with each value; None in a named type, which
    stands in many places."""
    if body.group is None:
        extension = _xs(_xs(node, "simpleContent"), "extension", base=body.base)
        _render_attrs(extension, body.attrs, path, under)
        return
    if body.group.items:  # (an empty one: attributes only)
        _render_group(node, body.group, path, under)
    _render_attrs(node, body.attrs, path, under)


#: the roots the API's bodies and answers have
ROOT_PATHS = {"report": "", "fileDetails": "fileDetails", "reportResponse": None,
              "reportDoneResponse": None}


@lru_cache(maxsize=1)
def render() -> bytes:
    """Tipline's CyberTipline schema as XSD (what `/ispws/xsd` serves): NCMEC's elements,
    attributes, types and order, documented with what Tipline does with each value."""
    root = etree.Element(f"{{{XSN}}}schema", nsmap={"xs": XSN},
                         elementFormDefault="qualified")
    _doc(root, "Tipline's CyberTipline Reporting API schema: the reports and file details a "
               "platform sends, and the answers. Generated from Tipline's importer mapping "
               "(intake/importers/cybertip_schema.py); its elements, attributes, types and "
               "order are those of NCMEC's cyber_tipline.xsd.")
    for name, element in ROOTS.items():
        path = ROOT_PATHS[name]
        under = leaves(name) if path is not None else {}
        node = _xs(root, "element", name=name)
        assert isinstance(element.type, Body)
        _render_body(_xs(node, "complexType"), element.type, path, under)
    for name, body in COMPLEX_TYPES.items():
        _render_body(_xs(root, "complexType", name=name), body, None, {})
    for name, simple in SIMPLE_TYPES.items():
        restriction = _xs(_xs(root, "simpleType", name=name), "restriction", base=simple.base)
        for value in simple.values:
            _xs(restriction, "enumeration", value=value)
        if simple.pattern:
            _xs(restriction, "pattern", value=simple.pattern)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


_compiled = threading.local()


def xml_schema() -> Any:
    """`render()` compiled (lxml XMLSchema), once per thread: a validator keeps its error log,
    so threads do not share one."""
    schema = getattr(_compiled, "schema", None)
    if schema is None:
        schema = _compiled.schema = etree.XMLSchema(etree.fromstring(render()))
    return schema


def _body_at(node: Any) -> Body | None:
    """The description of an element of a document by where it stands (None: not in it)."""
    steps = [node, *node.iterancestors()][::-1]
    top = ROOTS.get(steps[0].tag) if isinstance(steps[0].tag, str) else None
    body = body_of(top) if top else None
    for step in steps[1:]:
        found = next((e for e, _ in _flat(body.group if body else None) if e.name == step.tag),
                     None)
        body = body_of(found) if found else None
    return body


def _tag(node: Any) -> str:
    return node.tag if isinstance(node.tag, str) else ""


def _not_expected(node: Any) -> str | None:
    """Why `node` may not stand where it is, from the description: another element must
    come before it (the schema's order), or its parent has no such element."""
    parent = node.getparent()
    body = _body_at(parent) if parent is not None else None
    if body is None or body.group is None:
        return None
    names = [e.name for e, _ in _flat(body.group)]
    if node.tag not in names:
        return f"<{node.tag}> is not an element of <{parent.tag}> in the schema"
    if body.group.kind == "all":
        return None
    mine = names.index(node.tag)
    for before in node.itersiblings(preceding=True):
        if _tag(before) in names and names.index(before.tag) > mine:
            return f"<{node.tag}> must come before <{before.tag}> (the schema's order)"
    for after in node.itersiblings():
        if _tag(after) in names and names.index(after.tag) < mine:
            return f"<{after.tag}> must come before <{node.tag}> (the schema's order)"
    if body.group.kind == "sequence":  # a required element before it is missing
        present = {_tag(c) for c in parent}
        for e, in_choice in list(_flat(body.group))[:mine]:
            if e.low >= 1 and not in_choice and e.name not in present:
                return f"{e.name} is required (before <{node.tag}>)"
    return None


def _missing(node: Any) -> str | None:
    body = _body_at(node)
    if body is None:
        return None
    present = {_tag(c) for c in node}
    for e, in_choice in _flat(body.group):
        if e.low >= 1 and not in_choice and e.name not in present:
            return f"{e.name} is required"
    if body.group is not None and body.group.kind == "choice":
        return "one of " + ", ".join(f"<{e.name}>" for e, _ in _flat(body.group)) \
            + " is required"
    return None


_PREFIX = re.compile(r"^Element '[^']*'(?:, attribute '([^']*)')?: ")
_ENUM = re.compile(r"\[facet 'enumeration'\] The value (.*) is not an element of the set "
                   r"\{.*\}\.?$", re.S)
_FACET = re.compile(r"^\[facet '\w+'\] ")


def _explain(error: Any, root: Any) -> str:
    """The first validation error, readable: the element's path, and what is wrong."""
    where = (error.path or "").lstrip("/") or _tag(root)
    message = error.message or ""
    found = root.getroottree().xpath(error.path) if error.path else []
    node = found[0] if found else None
    prefix = _PREFIX.match(message)
    if prefix:
        message = message[prefix.end():]
        if prefix.group(1):
            where += f"@{prefix.group(1)}"
    if node is not None and "This element is not expected" in message:
        message = _not_expected(node) or message
    elif node is not None and message.startswith("Missing child element"):
        message = _missing(node) or message
    elif message.startswith("Element content is not allowed"):
        message = "it is a value (text only): it may not hold elements"
    elif enum := _ENUM.match(message):
        message = f"the value {enum.group(1)} is not an expected value"
    message = _FACET.sub("", message)
    return f"element '{where}': {message.rstrip('.')}"


def invalid(el: Any) -> str | None:
    """Why an element (a `<report>` or `<fileDetails>` body) is not valid against Tipline's
    schema: its first error, naming the element; None when it is valid."""
    schema = xml_schema()
    if schema.validate(el):
        return None
    return _explain(schema.error_log[0], el)
