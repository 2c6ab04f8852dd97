"""Every action a grant can allow, and the built-in roles (seeded as data, editable)."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "report.view": "see reports and their details",
    "report.import": "import reports (files, batches)",
    "report.assign": "assign and transfer reports between units",
    "packet.create": "build and send packets of routed reports to units",
    "packet.receive": "download and acknowledge the unit's packets",
    "case.update": "record what the unit did on a report",
    "sop.edit": "edit the SOP template and the catalogue of legal sections",
    "bank.manage": "import, export and configure hash banks",
    "media.view": "see media (blurred by default)",
    "review.decide": "decide on media in the review queue",
    "audit.view": "read the audit trail",
    "user.manage": "create users and grants",
    "trawl.manage": "add and configure the trawler's sources (sites, feeds, outboxes)",
    "report.submit": "send reports through the CyberTipline API (a platform's account)",
}

ROLES: dict[str, tuple[str, str, list[str]]] = {
    "hub_admin": ("Hub admin", "runs the hub", list(ACTIONS)),
    "hub_analyst": (
        "Hub analyst",
        "imports, reviews, resolves, routes, dispatches, watches the country",
        ["report.view", "report.import", "report.assign", "packet.create", "media.view",
         "review.decide", "bank.manage", "trawl.manage"],
    ),
    "reviewer": ("Reviewer", "decides on media", ["report.view", "media.view", "review.decide"]),
    "state_nodal": (
        "State nodal officer",
        "receives the state's packets, assigns units, watches the state",
        ["report.view", "report.assign", "packet.create", "packet.receive"],
    ),
    "unit_officer": (
        "Unit officer", "acts on the unit's reports",
        ["report.view", "packet.receive", "case.update"],
    ),
    "auditor": ("Auditor", "reads the audit trail, nothing else", ["audit.view"]),
    "platform": ("Platform", "a platform's API account: sends reports, sees none",
                 ["report.submit"]),
}
