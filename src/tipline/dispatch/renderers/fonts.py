"""The fonts packet PDFs are written in: Noto Sans for Latin, Noto Sans Devanagari for Hindi and
Marathi, shaped with HarfBuzz (uharfbuzz), so conjuncts and matras print as they should.

The TrueType files come from Debian's `fonts-noto-core` (the Makefile installs it), in
`settings.PACKET_FONT_DIR`. A line of text is cut into runs, each in the first font of its
family that has every letter of it; Devanagari runs are shaped.

Copying text out of the PDF gives back what was written, in the order it was written: each
glyph HarfBuzz placed stands for a piece of its cluster's text (a conjunct's one glyph for
all its letters; a short-i matra drawn before its consonant for the consonant), through a
private code point of its own and the ToUnicode map of the font in the PDF.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont

#: (logical name, file) for each TrueType font; a logical name is what Page asks for.
FILES = {
    "Tipline-Sans": "NotoSans-Regular.ttf",
    "Tipline-Bold": "NotoSans-Bold.ttf",
    "Tipline-Deva": "NotoSansDevanagari-Regular.ttf",
    "Tipline-Deva-Bold": "NotoSansDevanagari-Bold.ttf",
}
#: each family: its fonts in the order they are tried for a letter
FAMILIES = {
    "sans": ("Tipline-Sans", "Tipline-Deva"),
    "bold": ("Tipline-Bold", "Tipline-Deva-Bold"),
    "mono": ("Courier", "Tipline-Sans", "Tipline-Deva"),  # hashes and IP lines: Courier
}
SHAPED = {"Tipline-Deva", "Tipline-Deva-Bold"}
PRIVATE = 0xF0000  # supplementary private-use plane: never a code point of the fonts' own


class FontMissing(RuntimeError):
    """A font file packet PDFs need is not where the settings say."""


def missing_files(folder: Path | None = None) -> list[Path]:
    """The font files that are not there (empty when PDFs can be written)."""
    where = Path(folder or settings.PACKET_FONT_DIR)
    return [where / name for name in FILES.values() if not (where / name).is_file()]


class ShapingFont(TTFont):
    """A TrueType font whose shaped glyphs copy back as the text they stand for."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.texts: dict[int, str] = {}  # private code point -> the text its glyph stands for
        self.codes: dict[tuple[int, str, float], int] = {}
        self.next_code = PRIVATE
        self.lock = threading.Lock()
        self._hb: Any = None

    def hb(self) -> Any:
        if self._hb is None:
            import uharfbuzz

            self._hb = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(self.face._ttf_data)))
        return self._hb

    def code(self, gid: int, text: str, width: float) -> int:
        """A code point drawing glyph `gid`, `width` wide (in thousandths of the size), that
        copies back as `text`.

        The width is where HarfBuzz puts the next glyph, counted from where this one is
        drawn: a mark is then written with one move before it and none after (a move to
        the right after a glyph reads as a space to text extraction)."""
        face = self.face
        if (len(text) == 1 and face.charToGlyph.get(ord(text)) == gid
                and face.charWidths.get(ord(text)) == width):
            return ord(text)
        with self.lock:
            code = self.codes.get((gid, text, width))
            if code is None:
                code = self.codes[(gid, text, width)] = self.next_code
                self.next_code += 1
                face.charToGlyph[code] = gid
                face.glyphToChar.setdefault(gid, []).append(code)
                face.charWidths[code] = width
                self.texts[code] = text
        return code

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        from reportlab.pdfbase.ttfonts import SUBSETN

        for n, subset in enumerate(subsets):
            if not any(code in self.texts for code in subset):
                continue
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            stream = doc.idToObject["toUnicodeCMap:" + base.decode("pdfdoc")]
            stream.content = _to_unicode(base.decode("pdfdoc"), subset, self.texts)


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _to_unicode(name: str, subset: list[int], texts: dict[int, str]) -> str:
    """The ToUnicode CMap of one subset: each code to the text its glyph stands for."""
    lines = [f"<{i:02X}> <{_utf16(texts.get(c) or chr(c))}>" for i, c in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(lines)} beginbfchar",
        *lines, "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop",
        "end", "end"])


_ready = False
_ready_lock = threading.Lock()


def register() -> None:
    """Load the fonts once per process; FontMissing names the files that are not there."""
    global _ready
    if _ready:
        return
    with _ready_lock:
        if _ready:
            return
        missing = missing_files()
        if missing:
            raise FontMissing(
                "packet PDFs need the Noto fonts (Debian package fonts-noto-core, "
                f"TIPLINE_PACKET_FONT_DIR); missing: {', '.join(str(p) for p in missing)}")
        if importlib.util.find_spec("uharfbuzz") is None:
            raise FontMissing("packet PDFs need the uharfbuzz package to shape Hindi")
        folder = Path(settings.PACKET_FONT_DIR)
        for name, file in FILES.items():
            pdfmetrics.registerFont(ShapingFont(name, str(folder / file)))
        _ready = True


@dataclass
class _Covers:
    winansi: bool = False
    chars: dict[int, int] = field(default_factory=dict)

    def has(self, ch: str) -> bool:
        if self.winansi:
            try:
                ch.encode("cp1252")
                return True
            except UnicodeEncodeError:
                return False
        return ord(ch) in self.chars


def _covers(name: str) -> _Covers:
    if name in FILES:
        font = pdfmetrics.getFont(name)
        return _Covers(chars=font.face.charToGlyph)
    return _Covers(winansi=True)


_family_covers: dict[str, list[_Covers]] = {}


def runs(text: str, family: str) -> list[tuple[str, str]]:
    """`text` cut into (font, piece) runs: each letter in the first font of the family that
    has it (the family's first when none has); spaces stay in the run they follow."""
    fonts = FAMILIES[family]
    if text.isascii():  # every family's first font has all of ASCII: the common case
        return [(fonts[0], text)] if text else []
    register()
    covers = _family_covers.get(family)
    if covers is None:
        covers = _family_covers[family] = [_covers(f) for f in fonts]
    out: list[tuple[str, str]] = []
    current = fonts[0]
    piece = ""
    for ch in text:
        if ch.isspace() or ch in "\u200c\u200d":
            piece += ch
            continue
        font = next((f for f, c in zip(fonts, covers, strict=True) if c.has(ch)), fonts[0])
        if font != current and piece:
            out.append((current, piece))
            piece = ""
        current = font
        piece += ch
    if piece:
        out.append((current, piece))
    return out


def shape(text: str, font_name: str) -> str:
    """`text` shaped by HarfBuzz in a ShapingFont: a string of code points, one a glyph, with
    the glyphs' positions attached as reportlab's text object expects them."""
    import uharfbuzz

    font = pdfmetrics.getFont(font_name)
    assert isinstance(font, ShapingFont)
    buf = uharfbuzz.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    uharfbuzz.shape(font.hb(), buf, {"kern": True, "liga": True})
    infos, positions = buf.glyph_infos, buf.glyph_positions
    starts = [info.cluster for info in infos]
    chars: list[str] = []
    data: list[ShapeData] = []
    i = 0
    while i < len(infos):
        j = i
        while j < len(infos) and starts[j] == starts[i]:
            j += 1
        end = min((s for s in starts if s > starts[i]), default=len(text))
        pieces = _share(text[starts[i]:end], j - i)
        for k in range(i, j):
            pos = positions[k]
            advance = round(font.pdfScale(pos.x_advance - pos.x_offset))
            if advance < 0:
                advance = round(font.pdfScale(font.hb().get_glyph_h_advance(infos[k].codepoint)))
            code = font.code(infos[k].codepoint, pieces[k - i], advance)
            chars.append(chr(code))
            data.append(ShapeData(starts[i], font.pdfScale(pos.x_advance),
                                  font.pdfScale(pos.y_advance), font.pdfScale(pos.x_offset),
                                  font.pdfScale(pos.y_offset), font.face.charWidths[code]))
        i = j
    return ShapedStr("".join(chars), shapeData=data)


def _share(text: str, n: int) -> list[str]:
    """`text` cut into `n` pieces in order, none empty while letters last (the last takes
    the rest): glyph by glyph, copying gives the cluster's letters back in their order."""
    if n <= 1:
        return [text]
    pieces = [text[k] if k < len(text) else "" for k in range(n - 1)]
    pieces.append(text[n - 1:])
    return pieces


def width(text: str, family: str, size: float) -> float:
    """How wide `text` prints (unshaped widths: close enough for wrapping)."""
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text, family))
