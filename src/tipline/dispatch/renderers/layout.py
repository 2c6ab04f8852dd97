"""A small page writer over reportlab's canvas: headings, labelled fields, wrapped paragraphs.

Platypus would do more, at many times the cost per page, and a packet has a PDF per report:
each page here is one text object, and a font is set only when it changes. Text is written
in a family ("sans", "bold", "mono"): Noto Sans, with Noto Sans Devanagari (shaped) for
Hindi and Marathi (see fonts.py).
"""

from __future__ import annotations

import io
import textwrap

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from tipline.dispatch.renderers import fonts

MARGIN = 48
WIDTH, HEIGHT = A4
TEXT_WIDTH = WIDTH - 2 * MARGIN
LABEL_WIDTH = 110
BODY = 9.0


class Page:
    """Writes top to bottom, starting a new page when the current one is full."""

    def __init__(self, *, title: str, footer: str, exact: bool = False) -> None:
        fonts.register()
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=0, invariant=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("Tipline")
        self.footer = footer
        self.exact = exact  # wrap word by word everywhere (slower; for one-off documents)
        self.page = 1
        self.y = HEIGHT - MARGIN
        self.rules: list[float] = []
        self._start()

    def _start(self) -> None:
        self.text: PDFTextObject = self.canvas.beginText()
        self._font: tuple[str, float] | None = None
        self._at = (0.0, 0.0)

    def _draw(self, x: float, y: float, line: str, family: str, size: float) -> None:
        ox, oy = self._at
        self.text.moveCursor(x - ox, oy - y)  # relative move: cheaper than a new origin
        self._at = (x, y)
        for font, piece in fonts.runs(line, family):
            if self._font != (font, size):
                self.text.setFont(font, size)
                self._font = (font, size)
            self.text.textOut(fonts.shape(piece, font) if font in fonts.SHAPED else piece)

    def _flush(self) -> None:
        self._draw(MARGIN, MARGIN - 10, f"{self.footer} · page {self.page}", "sans", 7)
        self.canvas.drawText(self.text)
        self.canvas.setLineWidth(0.5)
        for y in self.rules:
            self.canvas.line(MARGIN, y, WIDTH - MARGIN, y)
        self.rules = []

    def _need(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self._flush()
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN
            self._start()

    def _lines(self, text: str, *, font: str, size: float, width: float) -> list[str]:
        """Wrapped to `width`: cut by a generous average letter width, then each piece
        measured once (and split word by word only when it is still too wide)."""
        if self.exact:
            return [line for part in (text or "").splitlines() or [""]
                    for line in _split(part, font, size, width)]
        lines: list[str] = []
        guess = max(int(width / (size * (0.6 if font == "mono" else 0.56))), 8)
        for part in (text or "").splitlines() or [""]:
            pieces = [part] if len(part) <= guess else textwrap.wrap(
                part, guess, break_long_words=True, break_on_hyphens=False) or [""]
            for piece in pieces:
                if len(piece) * size * 0.3 <= width or fonts.width(piece, font, size) <= width:
                    lines.append(piece)
                else:
                    lines += _split(piece, font, size, width)
        return lines

    def title(self, text: str, *, size: float = 16) -> None:
        for line in self._lines(text, font="bold", size=size, width=TEXT_WIDTH):
            self._need(size + 6)
            self._draw(MARGIN, self.y - size, line, "bold", size)
            self.y -= size + 6

    def heading(self, text: str) -> None:
        self.gap(6)
        self._need(40)
        self.title(text, size=11.5)
        self.rules.append(self.y + 2)
        self.y -= 4

    def para(self, text: str, *, font: str = "sans", size: float = BODY) -> None:
        for line in self._lines(text, font=font, size=size, width=TEXT_WIDTH):
            self._need(size + 3)
            self._draw(MARGIN, self.y - size, line, font, size)
            self.y -= size + 3

    def field(self, label: str, value: object, *, always: bool = True) -> None:
        """A label on the left and its value wrapped on the right ("—" when empty; left out
        when empty unless `always`)."""
        if value in (None, "") and not always:
            return
        text = "—" if value in (None, "") else str(value)
        lines = self._lines(text, font="sans", size=BODY, width=TEXT_WIDTH - LABEL_WIDTH)
        for i, line in enumerate(lines):
            self._need(BODY + 3)
            if i == 0:
                self._draw(MARGIN, self.y - BODY, label, "bold", BODY)
            self._draw(MARGIN + LABEL_WIDTH, self.y - BODY, line, "sans", BODY)
            self.y -= BODY + 3

    def gap(self, height: float = 6) -> None:
        self.y -= height

    def bytes(self) -> bytes:
        self._flush()
        self.canvas.save()
        return self.buffer.getvalue()


def _split(text: str, family: str, size: float, width: float) -> list[str]:
    """`text` wrapped word by word to `width` (a word wider than a line is cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        trial = f"{line} {word}" if line else word
        if fonts.width(trial, family, size) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        line = word
        while len(line) > 1 and fonts.width(line, family, size) > width:
            cut = len(line) - 1
            while cut > 1 and fonts.width(line[:cut], family, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line)
    return lines
