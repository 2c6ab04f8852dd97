"""Packet PDFs in Devanagari: the name reads back as written and prints as letters, not boxes.

A suspect named "रमेश पाटील" printed as ■■■■ while the PDFs used Helvetica (WinAnsi). The
conjunct-heavy names check HarfBuzz shaping: क्ष, त्र, श्र, कृ, ष्ण, and the short-i matra
drawn before its consonant.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
import pyzipper
from PIL import Image, ImageChops
from reportlab.pdfgen.canvas import Canvas

from tipline.core.blobs import blob_read
from tipline.core.doctor import Checkup
from tipline.dispatch import services
from tipline.dispatch.renderers import fonts
from tipline.dispatch.renderers.layout import Page
from tipline.dispatch.tests.builders import routed
from tipline.intake.models import Report, Subject

NAMES = ["रमेश पाटील", "क्षत्रिय", "श्रीकृष्ण", "किशोर द्विवेदी"]


def _tool(name: str) -> str:
    """A poppler-utils program (the Makefile installs the package)."""
    path = shutil.which(name)
    assert path, f"{name} is missing: apt-get install poppler-utils"
    return path


def _png(pdf: bytes, tmp_path: Path, name: str) -> Image.Image:
    src = tmp_path / f"{name}.pdf"
    src.write_bytes(pdf)
    subprocess.run([_tool("pdftoppm"), "-r", "100", "-gray", "-png", "-f", "1", "-l", "1",  # noqa: S603
                    "-singlefile", str(src), str(tmp_path / name)], check=True)
    return Image.open(tmp_path / f"{name}.png").convert("L")


@pytest.mark.django_db
def test_hindi_name_in_a_packet_pdf_reads_back(
    analyst: Any, make_report: Callable[..., Report], tmp_path: Path,
) -> None:
    report = routed(make_report, "IN-MH-BEED", 1)
    for n, name in enumerate(NAMES):
        first, _, last = name.partition(" ")
        Subject.objects.create(report=report, role=Subject.Role.SUSPECT, first_name=first,
                               last_name=last, screen_name=f"s{n}")
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED")
    path = tmp_path / "packet.zip"
    path.write_bytes(blob_read(built.packet.sha256))
    with pyzipper.AESZipFile(path) as zf:
        zf.setpassword(built.passphrase.encode())
        pdf = zf.read(f"reports/{report.reference}.pdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for name in NAMES:
        assert f"name {name}" in text
    assert "\ufffd" not in text and not any(0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000
                                            for c in text)
    # poppler reads it back too (pdftotext: what a viewer's copy and search use)
    src = tmp_path / "r.pdf"
    src.write_bytes(pdf)
    out = subprocess.run([_tool("pdftotext"), str(src), "-"],  # noqa: S603
                         check=True, capture_output=True, text=True).stdout
    for name in NAMES:
        assert name in out


def _line(text: str, *, font: str | None) -> bytes:
    """One line of `text`: through Page (font None), as packets are written, or drawn in a
    single font, as they were (Helvetica: the letters print as nothing or as boxes)."""
    if font is None:
        page = Page(title="t", footer="f")
        page.para(text, size=20)
        return page.bytes()
    buf = io.BytesIO()
    canvas = Canvas(buf, invariant=1)
    canvas.setFont(font, 20)
    canvas.drawString(48, 841.89 - 48 - 20, text)
    canvas.save()
    return buf.getvalue()


def _ink(image: Image.Image) -> Image.Image:
    """The line's strip of the page, black where printed."""
    return image.crop((0, 0, image.width, 120)).point(lambda v: 255 if v < 128 else 0)


def _count(image: Image.Image) -> int:
    return sum(1 for v in image.tobytes() if v)


@pytest.mark.parametrize("name", NAMES)
def test_devanagari_prints_as_letters_not_boxes(name: str, tmp_path: Path) -> None:
    fonts.register()
    # every glyph HarfBuzz picked is a real one (glyph 0 is .notdef, the box)
    shaped = fonts.shape(name, "Tipline-Deva")
    face = fonts.pdfmetrics.getFont("Tipline-Deva").face
    assert all(face.charToGlyph[ord(c)] != 0 for c in shaped)
    # the printed line has the ink of its letters; the old Helvetica line has next to none
    # (poppler leaves a glyph the font lacks blank, other viewers draw a box)
    good = _ink(_png(_line(name, font=None), tmp_path, "good"))
    old = _ink(_png(_line(name, font="Helvetica"), tmp_path, "old"))
    letters = len(name.replace(" ", ""))
    assert _count(good) > 25 * letters
    assert _count(old) < _count(good) / 5


def test_names_print_differently(tmp_path: Path) -> None:
    """Boxes look alike whatever the letters; real glyphs do not."""
    one = _ink(_png(_line(NAMES[1], font=None), tmp_path, "one"))
    two = _ink(_png(_line(NAMES[2], font=None), tmp_path, "two"))
    assert _count(ImageChops.difference(one, two)) > min(_count(one), _count(two)) / 2


def test_shaping_makes_conjuncts() -> None:
    """क्ष is one glyph, not क + virama + ष: shaping really ran."""
    fonts.register()
    assert len(fonts.shape("क्ष", "Tipline-Deva")) == 1
    assert len(fonts.shape("कि", "Tipline-Deva")) == 2


def test_missing_fonts_are_named(settings: Any, tmp_path: Path) -> None:
    settings.PACKET_FONT_DIR = str(tmp_path)
    missing = fonts.missing_files()
    assert {p.name for p in missing} == set(fonts.FILES.values())


def test_doctor_names_missing_fonts(settings: Any, tmp_path: Path) -> None:
    from tipline.dispatch.doctor import check_packet_fonts

    assert check_packet_fonts(Checkup()) == []
    settings.PACKET_FONT_DIR = str(tmp_path)
    found = check_packet_fonts(Checkup())
    assert len(found) == len(fonts.FILES) and all(f.unsafe for f in found)
    assert "fonts-noto-core" in found[0].text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "hi"])
def test_headings_follow_the_units_language(
    language: str, analyst: Any, make_report: Callable[..., Report], tmp_path: Path,
) -> None:
    import openpyxl

    from tipline.jurisdictions.models import Jurisdiction

    Jurisdiction.objects.filter(code="IN-MH-BEED").update(language=language)
    report = routed(make_report, "IN-MH-BEED", 1)
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED")
    path = tmp_path / "packet.zip"
    path.write_bytes(blob_read(built.packet.sha256))
    with pyzipper.AESZipFile(path) as zf:
        zf.setpassword(built.passphrase.encode())
        pdf = zf.read(f"reports/{report.reference}.pdf")
        book = openpyxl.load_workbook(io.BytesIO(zf.read("reports.xlsx")))
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    header = [c.value for c in book.worksheets[0][1]]
    if language == "hi":
        assert book.sheetnames == ["रिपोर्टें", "IP घटनाएँ", "फ़ाइलें"]
        assert header[:2] == ["टिपलाइन आईडी", "NCMEC रिपोर्ट आईडी"]
        assert "हब ने इसे कहाँ पाया" in text and "संदिग्ध 1" in text
        assert "Where the hub located it" not in text
    else:
        assert book.sheetnames == ["Reports", "IP events", "Files"]
        assert header[:2] == ["Tipline id", "NCMEC report id"]
        assert "Where the hub located it" in text and "Suspect 1" in text
        assert "हब" not in text
    # the values stay as they are, whatever the language
    assert report.reference in text and book.worksheets[0]["A2"].value == report.reference
