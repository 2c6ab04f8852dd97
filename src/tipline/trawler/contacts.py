"""The hosts' abuse contacts: the table the hub keeps (CSV in and out, RDAP files saved
offline), and the lookup that names the contact for a finding.

A contact names one host (it covers the host's sub-domains: `example.com` covers
`cdn.example.com`), one IP network (CIDR) or one autonomous system. For a finding, the
longest matching host wins; else the smallest network holding the host's address; else the
ASN's contact; else there is none (the hub is told, trawler.notices).

The CSV has the columns host, network, asn, email, name (and optionally origin: hub, rdap
or whois); each row names exactly one of host, network or asn. An import is all or nothing:
any bad row refuses the whole file with every error and its line number. Rows update the
contact with the same host, network or ASN; contacts the file does not name are left.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tipline.accounts.policies import require
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.errors import RejectedInput
from tipline.trawler.models import Contact

COLUMNS = ("host", "network", "asn", "email", "name")
OPTIONAL = ("origin",)
ORIGINS = ("hub", "rdap", "whois")
MAX_ROWS = 100_000
MAX_RDAP_BYTES = 5 * 1024**2
HOST_RULE = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*$")
ASN_MAX = 4_294_967_295
#: who may edit the table from a page (the command line acts as the system)
ACTION = "bank.manage"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# -- reading: the lookup ---------------------------------------------------------------


def host_bare(name: str) -> str:
    """A host name as contacts name it: lower-case, without port, brackets or final dot."""
    name = name.strip().lower()
    if name.startswith("["):  # [2001:db8::1]:8080
        return name[1:].split("]", 1)[0]
    if name.count(":") == 1:
        name = name.split(":", 1)[0]
    return name.rstrip(".")


def host_suffixes(name: str) -> list[str]:
    """The host and every parent domain, longest first: a.b.example.com, b.example.com,
    example.com, com (an IP address is only itself)."""
    bare = host_bare(name)
    try:
        ipaddress.ip_address(bare)
        return [bare]
    except ValueError:
        pass
    parts = bare.split(".")
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i]]


@dataclass
class ContactBook:
    """Every contact, loaded once, for looking up many findings without a query each."""

    by_host: dict[str, Contact] = field(default_factory=dict)
    by_asn: dict[int, Contact] = field(default_factory=dict)
    networks: list[tuple[Network, Contact]] = field(default_factory=list)

    def find(self, *, host: str, ip: str | None = None, asn: int | None = None) -> Contact | None:
        """The contact for a host (its longest matching name), else for the network holding
        `ip` (the smallest), else for `asn`; None when none is known."""
        for suffix in host_suffixes(host):
            if suffix in self.by_host:
                return self.by_host[suffix]
        address = _address(ip or host_bare(host))
        if address is not None:
            for network, contact in self.networks:  # smallest networks first
                if address.version == network.version and address in network:
                    return contact
        if asn is not None:
            return self.by_asn.get(asn)
        return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def contact_book() -> ContactBook:
    """Every contact of the table (one query)."""
    book = ContactBook()
    for contact in Contact.objects.all():
        if contact.host:
            book.by_host[contact.host] = contact
        elif contact.network:
            book.networks.append((ipaddress.ip_network(contact.network), contact))
        elif contact.asn is not None:
            book.by_asn[contact.asn] = contact
    book.networks.sort(key=lambda pair: -pair[0].prefixlen)
    return book


def contact_for(*, host: str, ip: str | None = None, asn: int | None = None) -> Contact | None:
    """The abuse contact for one host (see ContactBook.find): a query, not the whole table."""
    by_host = {c.host: c for c in Contact.objects.filter(host__in=host_suffixes(host))}
    for suffix in host_suffixes(host):
        if suffix in by_host:
            return by_host[suffix]
    book = ContactBook(networks=[(ipaddress.ip_network(c.network), c)
                                 for c in Contact.objects.filter(network__gt="")])
    book.networks.sort(key=lambda pair: -pair[0].prefixlen)
    if asn is not None:
        book.by_asn = {c.asn: c for c in Contact.objects.filter(asn=asn) if c.asn is not None}
    return book.find(host="", ip=ip or host_bare(host), asn=asn)


# -- the CSV ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    """One contact as the CSV gives it."""

    host: str = ""
    network: str = ""
    asn: int | None = None
    email: str = ""
    name: str = ""
    origin: str = "hub"

    def key(self) -> tuple[str, str]:
        if self.host:
            return ("host", self.host)
        if self.network:
            return ("network", self.network)
        return ("asn", str(self.asn))


def _asn(text: str) -> int | None:
    text = text.strip().upper().removeprefix("AS")
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= ASN_MAX:
        raise ValueError(text)
    return int(text)


def _row_problems(row: ContactRow) -> list[str]:
    problems = []
    if sum(bool(k) for k in (row.host, row.network, row.asn is not None)) != 1:
        problems.append("give exactly one of host, network or asn")
    if row.host and not HOST_RULE.match(row.host):
        problems.append(f"not a host name: {row.host!r} (no scheme, path or port)")
    if not row.email:
        problems.append("no e-mail address")
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            problems.append(f"not an e-mail address: {row.email!r}")
    if len(row.name) > 200:
        problems.append("name longer than 200 characters")
    if row.origin not in ORIGINS:
        problems.append(f"origin must be one of {', '.join(ORIGINS)}, not {row.origin!r}")
    return problems


def _network(text: str) -> str:
    """A network in canonical CIDR form; ValueError if it is not one."""
    return str(ipaddress.ip_network(text.strip(), strict=False)) if text.strip() else ""


def contact_rows_parse(text: str) -> tuple[list[ContactRow], list[str]]:
    """Rows and every error found ("line 4: ..."); nothing is written here."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("email",) if c not in (reader.fieldnames or [])]
    keys = [c for c in ("host", "network", "asn") if c in (reader.fieldnames or [])]
    if missing or not keys:
        return [], [f"the header must have an email column and at least one of host, network, "
                    f"asn (expected {', '.join(COLUMNS)})"]
    rows: list[ContactRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for raw in reader:
        line = reader.line_num
        if len(rows) >= MAX_ROWS:
            errors.append(f"more than {MAX_ROWS} rows")
            break
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # a blank line
        problems = []
        try:
            asn = _asn(raw.get("asn") or "")
        except ValueError:
            asn, problems = None, [f"not an AS number: {raw.get('asn')!r}"]
        try:
            network = _network(raw.get("network") or "")
        except ValueError:
            network = ""
            problems.append(f"not an IP network: {raw.get('network')!r} (e.g. 192.0.2.0/24)")
        raw_host = (raw.get("host") or "").strip()
        if re.search(r"[/@?#\s]", raw_host):
            problems.append(f"not a host name: {raw_host!r} (no scheme, path or port)")
        row = ContactRow(host=host_bare(raw_host) if raw_host else "",
                         network=network, asn=asn, email=(raw.get("email") or "").strip(),
                         name=(raw.get("name") or "").strip(),
                         origin=(raw.get("origin") or "").strip().lower() or "hub")
        if not problems:
            problems = _row_problems(row)
        if not problems and row.key() in seen:
            problems.append(f"{row.key()[0]} {row.key()[1]} is also on line {seen[row.key()]}")
        if problems:
            errors.extend(f"line {line}: {p}" for p in problems)
            continue
        seen[row.key()] = line
        rows.append(row)
    if not rows and not errors:
        errors.append("the file has no rows")
    return rows, errors


def contact_rows_render(contacts: Iterable[Contact]) -> str:
    """The table as CSV (what `contact_rows_parse` reads back)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, *OPTIONAL))
    for c in contacts:
        writer.writerow((c.host, c.network, "" if c.asn is None else c.asn, c.email, c.name,
                         c.origin))
    return out.getvalue()


def contacts_export() -> str:
    """Every contact as CSV: hosts, then networks, then ASNs."""
    return contact_rows_render(Contact.objects.order_by("host", "network", "asn"))


@dataclass(frozen=True)
class ContactsImported:
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return (f"contacts: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged")


def _check(actor: Actor | None) -> None:
    if actor is not None:
        require(actor, ACTION)


def _apply(rows: Sequence[ContactRow], *, now: datetime) -> ContactsImported:
    hosts = {r.host for r in rows if r.host}
    networks = {r.network for r in rows if r.network}
    asns = {r.asn for r in rows if r.asn is not None}
    existing: dict[tuple[str, str], Contact] = {}
    for c in Contact.objects.filter(host__in=hosts):
        existing[("host", c.host)] = c
    for c in Contact.objects.filter(network__in=networks):
        existing[("network", c.network)] = c
    for c in Contact.objects.filter(asn__in=asns):
        existing[("asn", str(c.asn))] = c
    new, changed, unchanged = [], [], 0
    for row in rows:
        old = existing.get(row.key())
        if old is None:
            new.append(Contact(host=row.host, network=row.network, asn=row.asn, email=row.email,
                               name=row.name, origin=row.origin, updated_at=now))
        elif (old.email, old.name, old.origin) != (row.email, row.name, row.origin):
            old.email, old.name, old.origin, old.updated_at = (row.email, row.name, row.origin,
                                                               now)
            changed.append(old)
        else:
            unchanged += 1
    Contact.objects.bulk_create(new)
    Contact.objects.bulk_update(changed, ["email", "name", "origin", "updated_at"])
    return ContactsImported(len(new), len(changed), unchanged)


def contacts_import(*, actor: Actor | None, text: str) -> ContactsImported:
    """Apply a contacts CSV: all of it, or nothing (RejectedInput naming every bad line)."""
    _check(actor)
    rows, errors = contact_rows_parse(text)
    if errors:
        raise RejectedInput("the contacts file was not applied:\n" + "\n".join(errors))
    with transaction.atomic():
        done = _apply(rows, now=timezone.now())
        audit_record(actor=actor, action="trawl.contacts_imported", data={
            "rows": len(rows), "created": done.created, "updated": done.updated})
    return done


@transaction.atomic
def contact_save(*, actor: Actor | None, host: str = "", network: str = "",
                 asn: int | None = None, email: str, name: str = "",
                 origin: str = "hub") -> Contact:
    """Add or change one contact (keyed by its host, network or ASN); audited."""
    _check(actor)
    if re.search(r"[/@?#\s]", host.strip()):
        raise RejectedInput(f"not a host name: {host!r} (no scheme, path or port)")
    try:
        row = ContactRow(host=host_bare(host) if host else "", network=_network(network),
                         asn=asn, email=email.strip(), name=name.strip(), origin=origin)
    except ValueError as exc:
        raise RejectedInput(f"not an IP network: {network!r}") from exc
    problems = _row_problems(row)
    if problems:
        raise RejectedInput("; ".join(problems))
    _apply([row], now=timezone.now())
    contact = Contact.objects.get(**{row.key()[0]: row.asn if row.asn is not None
                                     else row.key()[1]})
    audit_record(actor=actor, action="trawl.contact_saved", obj=contact, data={
        "key": list(row.key()), "email": row.email, "origin": row.origin})
    return contact


@transaction.atomic
def contact_delete(*, actor: Actor | None, contact_id: int) -> None:
    """Remove one contact (notices already sent keep the address they went to); audited.
    RejectedInput if there is no such contact."""
    _check(actor)
    contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
    if contact is None:
        raise RejectedInput(f"no contact {contact_id}")
    audit_record(actor=actor, action="trawl.contact_deleted", obj=contact, data={
        "host": contact.host, "network": contact.network, "asn": contact.asn,
        "email": contact.email})
    contact.delete()


# -- RDAP responses saved offline --------------------------------------------------------


def _vcard_email(entity: dict[str, Any]) -> str:
    card = entity.get("vcardArray")
    if not (isinstance(card, list) and len(card) == 2 and isinstance(card[1], list)):
        return ""
    for prop in card[1]:
        if (isinstance(prop, list) and len(prop) >= 4 and str(prop[0]).lower() == "email"
                and isinstance(prop[3], str) and prop[3].strip()):
            return prop[3].strip().removeprefix("mailto:")
    return ""


def _vcard_name(entity: dict[str, Any]) -> str:
    card = entity.get("vcardArray")
    if isinstance(card, list) and len(card) == 2 and isinstance(card[1], list):
        for prop in card[1]:
            if isinstance(prop, list) and len(prop) >= 4 and prop[0] == "fn":
                return str(prop[3])[:200]
    return ""


def rdap_abuse(entities: Any) -> tuple[str, str]:
    """(e-mail, name) of the first entity with the role "abuse" and an e-mail, searched
    through nested entities; ("", "") when there is none."""
    if not isinstance(entities, list):
        return "", ""
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        roles = entity.get("roles") or []
        if isinstance(roles, list) and "abuse" in [str(r).lower() for r in roles]:
            email = _vcard_email(entity)
            if email:
                return email, _vcard_name(entity)
    for entity in entities:
        if isinstance(entity, dict):
            found = rdap_abuse(entity.get("entities"))
            if found[0]:
                return found
    return "", ""


def _rdap_networks(data: dict[str, Any]) -> list[str]:
    cidrs = []
    for item in data.get("cidr0_cidrs") or []:
        if isinstance(item, dict):
            prefix = item.get("v4prefix") or item.get("v6prefix")
            if prefix and item.get("length") is not None:
                cidrs.append(f"{prefix}/{item['length']}")
    if cidrs:
        return [_network(c) for c in cidrs]
    start, end = data.get("startAddress"), data.get("endAddress")
    if not (start and end):
        return []
    first, last = ipaddress.ip_address(start), ipaddress.ip_address(end)
    if first.version != last.version:
        raise ValueError("addresses of two versions")
    return [str(n) for n in ipaddress.summarize_address_range(first, last)]  # type: ignore[arg-type]


def rdap_rows(data: Any, *, origin_name: str) -> list[ContactRow]:
    """The contacts one RDAP response gives: its abuse contact, for the domain, the IP
    network (one row per CIDR block) or the autonomous system it is about."""
    if not isinstance(data, dict):
        raise RejectedInput(f"{origin_name}: not an RDAP response (a JSON object)")
    kind = str(data.get("objectClassName", "")).lower()
    email, name = rdap_abuse(data.get("entities"))
    if not email:
        raise RejectedInput(f"{origin_name}: no entity with the role 'abuse' and an e-mail")
    name = name or str(data.get("name") or "")[:200]
    try:
        if kind == "domain":
            host = host_bare(str(data.get("ldhName") or data.get("unicodeName") or ""))
            keys = [ContactRow(host=host, email=email, name=name, origin="rdap")]
        elif kind == "ip network":
            keys = [ContactRow(network=n, email=email, name=name, origin="rdap")
                    for n in _rdap_networks(data)]
        elif kind == "autnum":
            keys = [ContactRow(asn=int(data["startAutnum"]), email=email, name=name,
                               origin="rdap")]
        else:
            raise RejectedInput(f"{origin_name}: an RDAP {kind or 'object'!s} response; "
                                "give one for a domain, an IP network or an autnum")
    except (KeyError, TypeError, ValueError) as exc:
        raise RejectedInput(f"{origin_name}: the RDAP {kind} response lacks its "
                            f"name or addresses ({exc})") from exc
    if not keys:
        raise RejectedInput(f"{origin_name}: the RDAP {kind} response names no addresses")
    for row in keys:
        problems = _row_problems(row)
        if problems:
            raise RejectedInput(f"{origin_name}: " + "; ".join(problems))
    return keys


def contacts_import_rdap(*, actor: Actor | None, paths: Sequence[Path]) -> ContactsImported:
    """Read RDAP responses the hub saved (JSON files) into the table, origin "rdap": all
    the files, or none if any is unreadable."""
    _check(actor)
    rows: list[ContactRow] = []
    errors: list[str] = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_RDAP_BYTES:
                raise RejectedInput(f"{path.name}: larger than {MAX_RDAP_BYTES} bytes")
            rows.extend(rdap_rows(json.loads(path.read_text(encoding="utf-8")),
                                  origin_name=path.name))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            errors.append(f"{path.name}: cannot read it as JSON ({exc})")
        except RejectedInput as exc:
            errors.append(str(exc))
    if errors:
        raise RejectedInput("the RDAP files were not applied:\n" + "\n".join(errors))
    unique = list({row.key(): row for row in rows}.values())
    with transaction.atomic():
        done = _apply(unique, now=timezone.now())
        audit_record(actor=actor, action="trawl.contacts_imported", data={
            "rdap_files": [p.name for p in paths], "rows": len(unique),
            "created": done.created, "updated": done.updated})
    return done
