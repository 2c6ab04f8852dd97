"""Reference data for cases: the legal sections seeded into the catalogue and the SOP steps.

Both follow ../shared/formats/legal-and-sop.md. The sections are only a starting point: the
hub edits the catalogue (LegalSection rows) afterwards. SOP steps are due a number of days
after the case is opened.
"""

from __future__ import annotations

IT_ACT = "Information Technology Act, 2000"
POCSO = "Protection of Children from Sexual Offences Act, 2012"
BNS = "Bharatiya Nyaya Sanhita, 2023"

#: (short name, act, section, about)
SECTIONS: list[tuple[str, str, str, str]] = [
    ("IT Act", IT_ACT, "67", "publishing or transmitting obscene material in electronic form"),
    ("IT Act", IT_ACT, "67A", "publishing or transmitting sexually explicit material"),
    ("IT Act", IT_ACT, "67B", "publishing, transmitting, creating, collecting, browsing, "
                              "downloading or storing material depicting children in sexually "
                              "explicit acts"),
    ("POCSO", POCSO, "11", "sexual harassment of a child"),
    ("POCSO", POCSO, "12", "punishment for sexual harassment"),
    ("POCSO", POCSO, "13", "using a child for pornographic purposes"),
    ("POCSO", POCSO, "14", "punishment for using a child for pornographic purposes"),
    ("POCSO", POCSO, "15", "storing or possessing such material"),
    ("POCSO", POCSO, "15(1)", "failing to delete, destroy or report such material"),
    ("POCSO", POCSO, "15(2)", "transmitting, propagating or displaying such material"),
    ("POCSO", POCSO, "15(3)", "storing such material for commercial purposes"),
    ("POCSO", POCSO, "19-21", "duty to report, and punishment for failing to"),
    ("BNS", BNS, "294", "obscene material (formerly IPC 292)"),
    ("BNS", BNS, "295", "obscene material to a child (formerly IPC 293)"),
]

#: (step code, title, due after days from opening)
SOP_STEPS: list[tuple[str, str, int]] = [
    ("integrity", "Receive the packet; check each file's SHA-256 against the manifest", 2),
    ("deconflict", "Deconflict: suspect, account, phone or IP in another report or case?", 3),
    ("lookups", "WHOIS/ISP of each IP; note port and exact UTC time (CGNAT)", 5),
    ("notice", "Preservation request and BNSS 94 notice to the platform and ISP", 7),
    ("subscriber", "Identify the subscriber; verify the address", 21),
    ("fir", "Register the FIR (or record why not)", 30),
    ("search", "Search and seizure, video-recorded (BNSS 185, 106, 105)", 45),
    ("forensics", "Forensic examination of seized devices", 75),
    ("outcome", "Chargesheet or closure report; report the outcome to the hub", 120),
]
