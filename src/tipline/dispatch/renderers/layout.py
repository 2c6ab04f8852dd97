"""A small page writer over reportlab's canvas: headings, labelled fields, wrapped paragraphs.

Platypus would do more, at ten times the cost per page; a packet has a PDF per report.
Standard PDF fonts (Helvetica, Courier) cover Latin text; other scripts show as boxes.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

MARGIN = 48
WIDTH, HEIGHT = A4
TEXT_WIDTH = WIDTH - 2 * MARGIN
LABEL_WIDTH = 150


class Page:
    """Writes top to bottom, starting a new page when the current one is full."""

    def __init__(self, *, title: str, footer: str) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=0, invariant=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("Tipline")
        self.footer = footer
        self.page = 1
        self.y = HEIGHT - MARGIN

    def _need(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self._footer()
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN

    def _footer(self) -> None:
        self.canvas.setFont("Helvetica", 7)
        self.canvas.drawString(MARGIN, MARGIN - 10, f"{self.footer} · page {self.page}")

    def _lines(self, text: str, *, font: str, size: float, width: float) -> list[str]:
        lines: list[str] = []
        for part in (text or "").splitlines() or [""]:
            lines += simpleSplit(part, font, size, width) or [""]
        return lines

    def title(self, text: str, *, size: float = 16) -> None:
        for line in self._lines(text, font="Helvetica-Bold", size=size, width=TEXT_WIDTH):
            self._need(size + 6)
            self.canvas.setFont("Helvetica-Bold", size)
            self.canvas.drawString(MARGIN, self.y - size, line)
            self.y -= size + 6

    def heading(self, text: str) -> None:
        self.gap(6)
        self._need(40)
        self.title(text, size=12)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(MARGIN, self.y + 2, WIDTH - MARGIN, self.y + 2)
        self.y -= 4

    def para(self, text: str, *, font: str = "Helvetica", size: float = 9.5) -> None:
        for line in self._lines(text, font=font, size=size, width=TEXT_WIDTH):
            self._need(size + 3)
            self.canvas.setFont(font, size)
            self.canvas.drawString(MARGIN, self.y - size, line)
            self.y -= size + 3

    def field(self, label: str, value: object, *, mono: bool = False) -> None:
        """A label on the left and its value wrapped on the right ("—" when empty)."""
        font, size = ("Courier" if mono else "Helvetica"), 9.5
        text = "—" if value in (None, "") else str(value)
        lines = self._lines(text, font=font, size=size, width=TEXT_WIDTH - LABEL_WIDTH)
        for i, line in enumerate(lines):
            self._need(size + 3)
            if i == 0:
                self.canvas.setFont("Helvetica-Bold", size)
                self.canvas.drawString(MARGIN, self.y - size, label)
            self.canvas.setFont(font, size)
            self.canvas.drawString(MARGIN + LABEL_WIDTH, self.y - size, line)
            self.y -= size + 3

    def gap(self, height: float = 6) -> None:
        self.y -= height

    def bytes(self) -> bytes:
        self._footer()
        self.canvas.save()
        return self.buffer.getvalue()
