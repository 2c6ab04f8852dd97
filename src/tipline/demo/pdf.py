"""A tiny PDF writer for the demo export's per-report summary (text only, Helvetica, A4).

Writing the few objects by hand is enough for a page of text and is much faster than a layout
library when 25,000 reports are generated; the output is a valid PDF 1.4 file with a correct
cross-reference table, so viewers, pypdf and pdftoppm open it.
"""

from __future__ import annotations

from collections.abc import Sequence

PAGE_W, PAGE_H = 595, 842
MARGIN = 50
LEADING = 13
LINES_PER_PAGE = (PAGE_H - 2 * MARGIN) // LEADING
MAX_CHARS = 100

#: a line is (style, text); style: "t" title, "h" heading, "b" body, "m" monospace, "" blank
Line = tuple[str, str]

_FONTS = {"t": ("F2", 15), "h": ("F2", 11), "b": ("F1", 9), "m": ("F3", 8), "": ("F1", 9)}


def _escape(text: str) -> bytes:
    raw = text.encode("latin-1", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrap(lines: Sequence[Line]) -> list[Line]:
    out: list[Line] = []
    for style, text in lines:
        text = text.replace("\r", " ").replace("\n", " ")
        while len(text) > MAX_CHARS:
            cut = text.rfind(" ", 0, MAX_CHARS)
            cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
            out.append((style, text[:cut]))
            text = "    " + text[cut:].lstrip()
        out.append((style, text))
    return out


def _page_stream(lines: Sequence[Line], page: int, pages: int, footer: str) -> bytes:
    parts = [b"BT"]
    y = PAGE_H - MARGIN
    for style, text in lines:
        font, size = _FONTS.get(style, _FONTS["b"])
        if style == "t":
            y -= 6
        elif style == "h":
            y -= 5
        parts.append(
            b"/%s %d Tf 1 0 0 1 %d %d Tm (%s) Tj" % (font.encode(), size, MARGIN, y, _escape(text))
        )
        y -= LEADING + (6 if style == "t" else 0)
    parts.append(
        b"/F1 7 Tf 1 0 0 1 %d %d Tm (%s) Tj"
        % (MARGIN, MARGIN // 2, _escape(f"{footer}    page {page} of {pages}"))
    )
    parts.append(b"ET")
    return b"\n".join(parts)


def text_pdf(lines: Sequence[Line], *, title: str = "", footer: str = "") -> bytes:
    """A PDF of `lines`, paginated, with `footer` on every page. Deterministic bytes."""
    wrapped = _wrap(lines)
    chunks = [
        wrapped[i : i + LINES_PER_PAGE] for i in range(0, max(len(wrapped), 1), LINES_PER_PAGE)
    ]
    n_pages = len(chunks)
    # objects: 1 catalog, 2 pages, 3-5 fonts, 6 info, then (page, content) per page
    objects: list[bytes] = [b"", b"", b"", b"", b"", b""]
    kids = []
    for number, chunk in enumerate(chunks, start=1):
        page_id = len(objects) + 1
        content_id = page_id + 1
        kids.append(b"%d 0 R" % page_id)
        # left uncompressed: the export's ZIP deflates the whole file anyway
        stream = _page_stream(chunk, number, n_pages, footer)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_W, PAGE_H, content_id)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), n_pages)
    for i, base in enumerate([b"Helvetica", b"Helvetica-Bold", b"Courier"]):
        objects[2 + i] = (
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % base
        )
    objects[5] = b"<< /Title (%s) /Producer (Tipline demo generator) >>" % _escape(title)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
