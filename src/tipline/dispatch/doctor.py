"""`tipline doctor`'s check of what packet PDFs need: the Noto fonts and HarfBuzz."""

from __future__ import annotations

import importlib.util

from tipline.core.doctor import Checkup, Finding, doctor_check_register
from tipline.dispatch.renderers.fonts import missing_files


def check_packet_fonts(checkup: Checkup) -> list[Finding]:
    found = [Finding(f"packet PDFs cannot be written: font {path} is missing (install Debian's "
                     "fonts-noto-core, or set TIPLINE_PACKET_FONT_DIR)")
             for path in missing_files()]
    if importlib.util.find_spec("uharfbuzz") is None:
        found.append(Finding("packet PDFs cannot shape Hindi: the uharfbuzz package is missing "
                             "(pip install uharfbuzz)"))
    return found


doctor_check_register("packet fonts", check_packet_fonts)
