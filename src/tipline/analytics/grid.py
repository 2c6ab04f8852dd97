"""The India tile map's layout: each state and union territory as one square at a hand-placed
(column, row), roughly where it lies, north at the top and the north-east on the right.

This is not a map: it draws no boundary (docs/architecture.md, "Charts and the tile map").
Every state/UT code of the jurisdiction tree has exactly one square (a test checks both).
"""

from __future__ import annotations

#: ISO 3166-2:IN state/UT code (after "IN-") -> (column, row)
INDIA_GRID: dict[str, tuple[int, int]] = {
    "JK": (2, 0), "LA": (3, 0),
    "PB": (1, 1), "HP": (2, 1), "UK": (3, 1), "AR": (8, 1),
    "CH": (1, 2), "HR": (2, 2), "DL": (3, 2), "UP": (4, 2), "BR": (5, 2), "SK": (6, 2),
    "AS": (7, 2), "NL": (8, 2),
    "RJ": (2, 3), "MP": (3, 3), "CG": (4, 3), "JH": (5, 3), "WB": (6, 3), "ML": (7, 3),
    "MN": (8, 3),
    "GJ": (1, 4), "DH": (2, 4), "MH": (3, 4), "TS": (4, 4), "OD": (5, 4), "TR": (7, 4),
    "MZ": (8, 4),
    "GA": (2, 5), "KA": (3, 5), "AP": (4, 5),
    "LD": (1, 6), "KL": (3, 6), "TN": (4, 6), "PY": (5, 6), "AN": (7, 6),
}

#: columns of the grid of a state's districts and units (alphabetical, left to right)
DISTRICT_COLUMNS = 6
