"""The abuse contacts table: lookup (longest host, network, ASN), CSV in and out, RDAP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tipline.audit.models import AuditEvent
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.trawler.contacts import (
    contact_book,
    contact_delete,
    contact_for,
    contact_save,
    contacts_export,
    contacts_import,
    contacts_import_rdap,
)
from tipline.trawler.models import Contact

pytestmark = pytest.mark.django_db

TABLE = """host,network,asn,email,name
example.com,,,abuse@example.com,Example Hosting
cdn.example.com,,,cdn-abuse@example.net,Example CDN
,198.51.100.0/24,,noc@net.example,Small network
,198.51.0.0/16,,noc@bignet.example,Big network
,,AS64500,abuse@as64500.example,AS 64500
"""


def test_the_longest_host_then_the_network_then_the_asn() -> None:
    contacts_import(actor=None, text=TABLE)
    book = contact_book()
    assert book.find(host="example.com").email == "abuse@example.com"  # type: ignore[union-attr]
    # a sub-domain is covered by its parent; the longest match wins
    assert book.find(host="img.example.com:8443").email == "abuse@example.com"  # type: ignore[union-attr]
    assert book.find(host="a.cdn.example.com").email == "cdn-abuse@example.net"  # type: ignore[union-attr]
    assert book.find(host="notexample.com") is None  # a suffix of the name, not a domain
    # no host contact: the smallest network holding the address, then the ASN
    assert book.find(host="other.test", ip="198.51.100.7").email == "noc@net.example"  # type: ignore[union-attr]
    assert book.find(host="other.test", ip="198.51.7.7").email == "noc@bignet.example"  # type: ignore[union-attr]
    assert book.find(host="other.test", ip="203.0.113.5", asn=64500).email == (  # type: ignore[union-attr]
        "abuse@as64500.example")
    assert book.find(host="other.test", ip="203.0.113.5", asn=64501) is None
    # the host beats the network and the ASN
    assert book.find(host="cdn.example.com", ip="198.51.100.7",
                     asn=64500).email == "cdn-abuse@example.net"  # type: ignore[union-attr]
    # the one-host lookup agrees with the book
    for host, ip, asn in [("img.example.com", None, None), ("x.test", "198.51.100.9", None),
                          ("x.test", "198.51.9.9", None), ("x.test", None, 64500),
                          ("x.test", None, 1)]:
        assert contact_for(host=host, ip=ip, asn=asn) == book.find(host=host, ip=ip, asn=asn)


def test_a_bad_file_is_refused_whole_with_its_line_numbers() -> None:
    contacts_import(actor=None, text="host,email\nkeep.example,old@keep.example\n")
    bad = ("host,network,asn,email,name\n"
           "good.example,,,abuse@good.example,\n"           # line 2: fine
           "http://bad.example/x,,,abuse@bad.example,\n"    # line 3: a URL, not a host
           ",,,nobody@x.example,\n"                          # line 4: no key
           "two.example,,AS5,abuse@two.example,\n"           # line 5: two keys
           ",,ASx,abuse@x.example,\n"                        # line 6: not an ASN
           ",10.0.0.0/33,,abuse@x.example,\n"                # line 7: not a network
           "mail.example,,,not-an-address,\n"                # line 8: not an e-mail
           "good.example,,,other@good.example,\n"            # line 9: twice
           "keep.example,,,new@keep.example,\n")             # line 10: fine
    with pytest.raises(RejectedInput) as refused:
        contacts_import(actor=None, text=bad)
    message = str(refused.value)
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f"line {line}:" in message, line
    assert "line 2:" not in message and "line 10:" not in message
    assert "also on line 2" in message
    # nothing half-written: the good rows were not applied either
    assert list(Contact.objects.values_list("host", "email")) == [
        ("keep.example", "old@keep.example")]
    with pytest.raises(RejectedInput, match="header"):
        contacts_import(actor=None, text="domain,mail\na.example,a@a.example\n")


def test_export_reads_back_and_import_updates_in_place() -> None:
    first = contacts_import(actor=None, text=TABLE)
    assert (first.created, first.updated) == (5, 0)
    exported = contacts_export()
    assert exported.splitlines()[0] == "host,network,asn,email,name,origin"
    Contact.objects.all().delete()
    assert contacts_import(actor=None, text=exported).created == 5
    assert contacts_export() == exported
    again = contacts_import(actor=None, text="asn,email\n64500,new@as64500.example\n")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    assert Contact.objects.get(asn=64500).email == "new@as64500.example"
    assert Contact.objects.count() == 5
    events = list(AuditEvent.objects.filter(action="trawl.contacts_imported")
                  .values_list("data", flat=True))
    assert [e["created"] for e in events] == [5, 5, 0]


def test_a_person_needs_the_right_to_edit_the_table(analyst: Any, beed_officer: Any) -> None:
    saved = contact_save(actor=analyst, host="Hoster.Example", email="abuse@hoster.example")
    assert saved.host == "hoster.example" and saved.origin == "hub"
    with pytest.raises(NotPermitted):
        contact_save(actor=beed_officer, host="x.example", email="abuse@x.example")
    with pytest.raises(RejectedInput):
        contact_save(actor=analyst, email="abuse@x.example")
    with pytest.raises(NotPermitted):
        contact_delete(actor=beed_officer, contact_id=saved.pk)
    contact_delete(actor=analyst, contact_id=saved.pk)
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action="trawl.contact_deleted",
                                     object_id=str(saved.pk)).exists()
    with pytest.raises(RejectedInput):
        contact_delete(actor=analyst, contact_id=saved.pk)


def _vcard(email: str, name: str = "Abuse desk") -> list[Any]:
    return ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", name],
                      ["kind", {}, "text", "group"], ["email", {}, "text", email]]]


def test_rdap_files_give_the_abuse_entity_of_a_domain_a_network_and_an_as(tmp_path: Path) -> None:
    domain = {"objectClassName": "domain", "ldhName": "Hoster.EXAMPLE.",
              "entities": [{"objectClassName": "entity", "roles": ["registrar"],
                            "vcardArray": _vcard("registrar@reg.example"),
                            "entities": [{"objectClassName": "entity", "roles": ["abuse"],
                                          "vcardArray": _vcard("abuse@reg.example",
                                                               "Registrar abuse")}]}]}
    # ARIN-like: the abuse contact is nested in the registrant organisation
    network = {"objectClassName": "ip network", "handle": "NET-192-0-2-0-1",
               "startAddress": "192.0.2.0", "endAddress": "192.0.2.255", "name": "TEST-NET",
               "entities": [{"roles": ["registrant"], "vcardArray": _vcard("org@org.example"),
                             "entities": [{"roles": ["technical"],
                                           "vcardArray": _vcard("tech@org.example")},
                                          {"roles": ["abuse", "noc"],
                                           "vcardArray": _vcard("abuse@org.example")}]}]}
    autnum = {"objectClassName": "autnum", "startAutnum": 64496, "endAutnum": 64496,
              "entities": [{"roles": ["abuse"], "vcardArray": _vcard("abuse@as.example")}]}
    paths = []
    for name, data in [("domain.json", domain), ("net.json", network), ("as.json", autnum)]:
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
        paths.append(tmp_path / name)
    done = contacts_import_rdap(actor=None, paths=paths)
    assert done.created == 3
    rows = {(c.host, c.network, c.asn): (c.email, c.origin) for c in Contact.objects.all()}
    assert rows == {("hoster.example", "", None): ("abuse@reg.example", "rdap"),
                    ("", "192.0.2.0/24", None): ("abuse@org.example", "rdap"),
                    ("", "", 64496): ("abuse@as.example", "rdap")}
    assert contact_for(host="www.hoster.example").email == "abuse@reg.example"  # type: ignore[union-attr]
    assert contact_for(host="x.test", ip="192.0.2.77").email == "abuse@org.example"  # type: ignore[union-attr]

    # a file without an abuse entity, or not JSON, refuses them all
    no_abuse = {"objectClassName": "domain", "ldhName": "quiet.example",
                "entities": [{"roles": ["registrant"], "vcardArray": _vcard("r@q.example")}]}
    (tmp_path / "quiet.json").write_text(json.dumps(no_abuse), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    new = {"objectClassName": "domain", "ldhName": "new.example",
           "entities": [{"roles": ["abuse"], "vcardArray": _vcard("abuse@new.example")}]}
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    with pytest.raises(RejectedInput) as refused:
        contacts_import_rdap(actor=None, paths=[tmp_path / "new.json", tmp_path / "quiet.json",
                                                tmp_path / "broken.json"])
    assert "quiet.json: no entity with the role 'abuse'" in str(refused.value)
    assert "broken.json: cannot read it as JSON" in str(refused.value)
    assert not Contact.objects.filter(host="new.example").exists()


def test_the_command_imports_exports_and_refuses_with_the_line(tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    source = tmp_path / "contacts.csv"
    source.write_text(TABLE, encoding="utf-8")
    call_command("trawl-contacts", "import", str(source))
    out = tmp_path / "out.csv"
    call_command("trawl-contacts", "export", str(out))
    assert out.read_text(encoding="utf-8") == contacts_export()
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    bad = tmp_path / "bad.csv"
    bad.write_text("host,email\nok.example,a@ok.example\nbad.example,nope\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: not an e-mail address"):
        call_command("trawl-contacts", "import", str(bad))
    assert not Contact.objects.filter(host="ok.example").exists()
    rdap = tmp_path / "r.json"
    rdap.write_text(json.dumps({"objectClassName": "domain", "ldhName": "r.example",
                                "entities": [{"roles": ["abuse"],
                                              "vcardArray": _vcard("abuse@r.example")}]}),
                    encoding="utf-8")
    call_command("trawl-contacts", "import-rdap", str(rdap))
    assert Contact.objects.get(host="r.example").origin == "rdap"
