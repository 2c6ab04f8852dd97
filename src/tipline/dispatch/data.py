"""Reading reports for a packet in chunks: a fixed number of queries per chunk, never per report.

Returns plain `ReportData` for the renderers; no ORM object leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from tipline.dispatch.renderers.base import (
    FileData,
    IpEventData,
    LocationData,
    ReportData,
    SuspectData,
)
from tipline.geo.models import ReportLocation
from tipline.intake.models import IpEvent, Place, Report, ReportFile, Subject
from tipline.jurisdictions.selectors import jurisdiction_tree
from tipline.routing.models import ManualAssignment, ReportCluster

REPORT_FIELDS = ("id", "external_id", "source", "version", "received_at", "incident_at",
                 "incident_at_text", "incident_type", "platform", "ncmec_priority", "referral",
                 "escalated", "escalation_note", "annotations", "urls", "additional_info",
                 "ncmec_notes", "jurisdiction_id", "file_count", "details")


def reference(pk: int) -> str:
    return f"TL-{pk:08d}"


def _place_text(*parts: Any) -> str:
    return ", ".join(str(p) for p in parts if p)


def _location(row: Mapping[str, Any]) -> LocationData:
    tree = jurisdiction_tree()
    unit = tree.by_id.get(row["unit_id"]) if row["unit_id"] else None
    district = row["district"].title() if row["district"] else ""
    methods: list[str] = []
    for c in row["candidates"] or []:
        if (c.get("state") == row["state"] and c.get("country") == row["country"]
                and (not row["district"] or c.get("district") == row["district"])
                and c.get("method") and c["method"] not in methods):
            methods.append(c["method"])
    return LocationData(
        place=_place_text(district, row["state"], row["country"]) or "unknown",
        unit=f"{unit.name} ({unit.code})" if unit else "",
        methods=", ".join(methods), confidence=float(row["confidence"] or 0.0),
        conflict=bool(row["conflict"]), explanation=row["explanation"] or "",
    )


def _ip_places(candidates: list[dict[str, Any]], places: list[Mapping[str, Any]]) -> dict[str, str]:
    """IP address -> where it was located: the hub's own lookup first, else NCMEC's."""
    out: dict[str, str] = {}
    for p in places:
        if p["ip"]:
            isp = f" ({p['isp']})" if p["isp"] else ""
            out[p["ip"]] = _place_text(p["city"], p["state"], p["country"]) + isp
    for c in candidates:
        clue = str(c.get("clue", ""))
        if c.get("method") == "ip" and clue.startswith("IP "):
            ip = clue[3:].split(" ", 1)[0]
            ip = ip.rsplit(":", 1)[0] if ip.count(":") == 1 else ip
            where = _place_text((c.get("city") or c.get("district") or "").title(),
                                c.get("state"), c.get("country"))
            if where:
                out[ip] = f"{where} (hub, {c.get('precision', '')}-level)"
    return out


def report_data(*, report_ids: Sequence[int]) -> list[ReportData]:
    """The packet's view of the given reports, in the given order (seven queries)."""
    ids = list(report_ids)
    tree = jurisdiction_tree()
    reports = {r["id"]: r for r in Report.objects.filter(pk__in=ids).values(*REPORT_FIELDS)}
    locations = {r["report_id"]: r for r in ReportLocation.objects.filter(report_id__in=ids)
                 .values("report_id", "country", "state", "district", "unit_id", "confidence",
                         "conflict", "explanation", "candidates")}
    suspects: dict[int, list[SuspectData]] = defaultdict(list)
    for s in Subject.objects.filter(report_id__in=ids, role=Subject.Role.SUSPECT).order_by(
            "id").values("report_id", "first_name", "middle_name", "last_name", "screen_name",
                         "esp_user_id", "esp_service", "emails", "phones", "device_ids"):
        name = " ".join(p for p in (s["first_name"], s["middle_name"], s["last_name"]) if p)
        devices = tuple(f"{d.get('type', '')} {d.get('value', '')}".strip()
                        if isinstance(d, dict) else str(d) for d in s["device_ids"] or [])
        suspects[s["report_id"]].append(SuspectData(
            name=name, screen_name=s["screen_name"], esp_user_id=s["esp_user_id"],
            service=s["esp_service"], emails=tuple(s["emails"] or ()),
            phones=tuple(s["phones"] or ()), devices=devices))
    places: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for p in Place.objects.filter(report_id__in=ids, ip__isnull=False).values(
            "report_id", "ip", "city", "state", "country", "isp"):
        places[p["report_id"]].append(p)
    events: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for e in IpEvent.objects.filter(report_id__in=ids).order_by("occurred_at", "id").values(
            "report_id", "ip", "port", "occurred_at", "event"):
        events[e["report_id"]].append(e)
    files: dict[int, list[FileData]] = defaultdict(list)
    for f in ReportFile.objects.filter(report_id__in=ids).order_by("id").values(
            "report_id", "filename", "original_filename", "size", "md5", "sha1", "sha256"):
        files[f["report_id"]].append(FileData(
            name=f["filename"] or f["original_filename"], size=f["size"], md5=f["md5"],
            sha1=f["sha1"], sha256=f["sha256"]))
    clusters = dict(ReportCluster.objects.filter(report_id__in=ids)
                    .values_list("report_id", "cluster"))
    members: dict[int, list[int]] = defaultdict(list)
    for rid, cluster in ReportCluster.objects.filter(
            cluster__in=set(clusters.values())).order_by("report_id").values_list(
            "report_id", "cluster"):
        members[cluster].append(rid)
    by_hand = dict(ManualAssignment.objects.filter(report_id__in=ids)
                   .values_list("report_id", "reason"))
    leads = dict(ReportCluster.objects.filter(report_id__in=ids, lead__isnull=False)
                 .values_list("report_id", "lead_id"))
    out: list[ReportData] = []
    for rid in ids:
        r = reports.get(rid)
        if r is None:
            continue
        loc = locations.get(rid)
        ip_where = _ip_places(loc["candidates"] or [] if loc else [], places[rid])
        node = tree.by_id.get(r["jurisdiction_id"])
        out.append(ReportData(
            id=rid, reference=reference(rid), external_id=r["external_id"], source=r["source"],
            version=r["version"], received_at=r["received_at"], incident_at=r["incident_at"],
            incident_at_text=r["incident_at_text"], incident_type=r["incident_type"],
            platform=r["platform"], priority=r["ncmec_priority"], referral=r["referral"],
            escalated=r["escalated"], escalation_note=r["escalation_note"],
            annotations=tuple(str(a) for a in r["annotations"] or ()),
            urls=tuple(str(u) for u in r["urls"] or ()),
            additional_info=r["additional_info"], ncmec_notes=r["ncmec_notes"],
            jurisdiction=f"{node.name} ({node.code})" if node else "",
            routed_because=_why_here(r["jurisdiction_id"], loc, by_hand.get(rid),
                                     leads.get(rid), len(members.get(clusters.get(rid, -1), []))),
            file_count=r["file_count"], suspects=tuple(suspects[rid]),
            location=_location(loc) if loc else None,
            linked=tuple(reference(m) for m in members.get(clusters.get(rid, -1), [])
                         if m != rid),
            ip_events=tuple(IpEventData(ip=e["ip"], port=e["port"], occurred_at=e["occurred_at"],
                                        event=e["event"], location=ip_where.get(e["ip"], ""))
                            for e in events[rid]),
            files=tuple(files[rid]),
            details=tuple((str(k), str(v)) for k, v in r["details"] or ()),
        ))
    return out


def _why_here(node_id: int, loc: Mapping[str, Any] | None, by_hand: str | None,
              lead_id: int | None, cluster_size: int) -> str:
    """Why the report is with this unit when its own location points elsewhere."""
    if by_hand is not None:
        return f"placed here by hand: {by_hand}"
    if loc is not None and loc["unit_id"] not in (None, node_id) and lead_id == node_id:
        return (f"this unit leads the cluster of {cluster_size} linked reports it belongs "
                "to (one unit works a cluster; the unit of its own location was told)")
    return ""
