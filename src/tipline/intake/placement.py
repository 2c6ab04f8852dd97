"""Where a report provisionally belongs, from the place names it carries.

This is the simple first pass the foundation needs for scoping: NCMEC's geolocation, then
the subjects' addresses, then the platform's estimate, matched by state and district/city
name. Geo-resolution (locators, confidence, conflicts) refines it later.
"""

from __future__ import annotations

from tipline.intake.records import PlaceRec, ReportRec
from tipline.jurisdictions.selectors import jurisdiction_place, jurisdiction_tree

ORDER = ("ncmec_geo", "address", "estimated", "incident")
INDIA = {"", "IN", "IND", "INDIA"}


def provisional_node_id(rec: ReportRec) -> int:
    places: list[PlaceRec] = list(rec.places)
    for subject in rec.subjects:
        places.extend(subject.places)
    best = None
    for kind in ORDER:
        for place in places:
            if place.kind != kind or place.country.strip().upper() not in INDIA:
                continue
            node = jurisdiction_place(state=place.state, district=place.district or place.city)
            if node is not None and (best is None or len(node.path) > len(best.path)):
                best = node
        if best is not None:
            return best.id
    return jurisdiction_tree().root.id
