"""Charts as SVG markup, drawn on the server: pure functions from numbers to a string.

No script, no style attribute (the pages' Content-Security-Policy allows neither): colours are
presentation attributes. Nothing depends on colour alone: every bar and tile has its number
written next to it or on it, every chart has a <title> and a <desc>, every mark an
aria-label, and the page under each chart has the same numbers as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

INK = "#1b2430"
MUTED = "#5f6b7a"
LINE = "#d5dbe2"
BAR = "#245b94"
#: the map's shades, lightest to darkest (dark text on the first three, white on the rest)
SHADES = ("#eef3f9", "#c6d7ea", "#8fb1d6", "#4f7fb5", "#1f4e85")
DARK_FROM = 3
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"


def number(value: float, digits: int = 0) -> str:
    """A number as the charts write it: 12,345 or 1.5."""
    return f"{value:,.{digits}f}"


def _attr(value: object) -> str:
    return quoteattr(str(value))


def _svg(ident: str, title: str, desc: str, width: int, height: int, body: list[str],
         kind: str = "narrow") -> str:
    """The chart's frame: an image with a title and a description, scaled to its box. A
    "narrow" chart reads at phone width; a "wide" one keeps a minimum width and scrolls
    inside its box there (analytics.css)."""
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" id={_attr(ident)} '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" font-family={_attr(FONT)} font-size="13" '
        f'fill="{INK}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ])


def _link(href: str | None, label: str, inner: str) -> str:
    if not href:
        return f'<g role="listitem" aria-label={_attr(label)}>{inner}</g>'
    return (f'<a href={_attr(href)} role="listitem" aria-label={_attr(label)}>'
            f"<title>{escape(label)}</title>{inner}</a>")


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, what is written after the value, an optional link."""

    label: str
    value: float
    note: str = ""
    href: str | None = None


def bar_chart(ident: str, bars: Sequence[Bar], *, title: str, desc: str,
              width: int = 440, digits: int = 0) -> str:
    """Horizontal bars, one per row, each with its label above it and its number (and note)
    written at its end. The longest bar fills the space left for bars."""
    row, top, room = 40, 4, width - 110
    top_value = max((b.value for b in bars), default=0) or 1
    body = ['<g role="list">']
    for i, b in enumerate(bars):
        y = top + i * row
        length = max(room * b.value / top_value, 0)
        text = number(b.value, digits) + (f" {b.note}" if b.note else "")
        inner = (
            f'<text class="label" x="0" y="{y + 14}">{escape(b.label)}</text>'
            f'<rect class="bar" x="0" y="{y + 19}" width="{length:.1f}" height="16" '
            f'fill="{BAR}"/>'
            f'<text class="value" x="{length + 6:.1f}" y="{y + 32}">{escape(text)}</text>')
        body.append(_link(b.href, f"{b.label}: {text}", inner))
    body.append("</g>")
    return _svg(ident, title, desc, width, top * 2 + row * max(len(bars), 1), body)


@dataclass(frozen=True)
class Spread:
    """How long something took for one place: the median and the 90th percentile (in days),
    over `n` cases or packets. None where nothing has been measured."""

    label: str
    median: float | None
    p90: float | None
    n: int
    href: str | None = None


def spread_chart(ident: str, rows: Sequence[Spread], *, title: str, desc: str,
                 width: int = 440, unit: str = "days") -> str:
    """Per row, the place and its numbers written above ("Beed: median 1.5, p90 4.0 days,
    n 12"), then a bar to the median and a thin line on to the 90th percentile with a tick
    at its end. All rows share one scale."""
    row, top, room = 40, 4, width - 10
    top_value = max((r.p90 or 0 for r in rows), default=0) or 1
    body = ['<g role="list">']
    for i, r in enumerate(rows):
        y = top + i * row
        if r.median is None or r.p90 is None:
            text = _("none measured (n %(n)s)") % {"n": r.n}
            inner = f'<text class="label" x="0" y="{y + 14}">{escape(r.label)}: {text}</text>'
            body.append(_link(r.href, f"{r.label}: {text}", inner))
            continue
        m = room * r.median / top_value
        p = room * r.p90 / top_value
        text = (_("median %(median)s, p90 %(p90)s %(unit)s, n %(n)s")
                % {"median": number(r.median, 1), "p90": number(r.p90, 1),
                   "unit": _("hours") if unit == "hours" else _("days"), "n": r.n})
        inner = (
            f'<text class="label" x="0" y="{y + 14}">{escape(r.label)}: {escape(text)}</text>'
            f'<rect class="bar" x="0" y="{y + 19}" width="{m:.1f}" height="16" fill="{BAR}"/>'
            f'<line class="p90" x1="{m:.1f}" y1="{y + 27}" x2="{p:.1f}" y2="{y + 27}" '
            f'stroke="{INK}" stroke-width="2"/>'
            f'<line x1="{p:.1f}" y1="{y + 20}" x2="{p:.1f}" y2="{y + 34}" stroke="{INK}" '
            'stroke-width="2"/>')
        body.append(_link(r.href, f"{r.label}: {text}", inner))
    body.append("</g>")
    return _svg(ident, title, desc, width, top * 2 + row * max(len(rows), 1), body)


@dataclass(frozen=True)
class Panel:
    """One small chart of a series over time: its name and one value per period."""

    label: str
    values: Sequence[int]


def columns_chart(ident: str, panels: Sequence[Panel], periods: Sequence[str], *, title: str,
                  desc: str, width: int = 640) -> str:
    """Small multiples: one row of columns per series (a source), all on the same scale, each
    row named with its total, each column with its number above it where there is room, and
    the periods written under the last row."""
    left, right, panel_h, gap = 8, 8, 70, 34
    count = max(len(periods), 1)
    step = (width - left - right) / count
    col = max(step * 0.7, 1)
    top_value = max((v for p in panels for v in p.values), default=0) or 1
    write_values = step >= 22
    body: list[str] = []
    y0 = 4
    for p in panels:
        total = sum(p.values)
        body.append(f'<text class="panel" x="{left}" y="{y0 + 14}" font-weight="600">'
                    f"{escape(p.label)}: {number(total)}</text>")
        base = y0 + gap + panel_h - 16
        body.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" '
                    f'stroke="{LINE}"/>')
        body.append(f'<g role="list" aria-label={_attr(p.label)}>')
        for i, v in enumerate(p.values):
            h = (panel_h - 20) * v / top_value
            x = left + i * step + (step - col) / 2
            label = f"{p.label}, {periods[i] if i < len(periods) else i}: {number(v)}"
            inner = (f'<rect class="bar" x="{x:.1f}" y="{base - h:.1f}" width="{col:.1f}" '
                     f'height="{h:.1f}" fill="{BAR}"/>')
            if write_values and v:
                inner += (f'<text class="value" x="{x + col / 2:.1f}" y="{base - h - 3:.1f}" '
                          f'text-anchor="middle" font-size="10">{number(v)}</text>')
            body.append(f'<g role="listitem" aria-label={_attr(label)}>'
                        f"<title>{escape(label)}</title>{inner}</g>")
        body.append("</g>")
        y0 += gap + panel_h
    # the periods under the last row: as many as fit without overlapping
    every = max(1, int(70 // step) + 1) if periods else 1
    for i, name in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1 and i % every > every // 2:
            x = left + i * step + step / 2
            body.append(f'<text class="period" x="{x:.1f}" y="{y0 + 4}" text-anchor="middle" '
                        f'font-size="11" fill="{MUTED}">{escape(name)}</text>')
    return _svg(ident, title, desc, width, y0 + 14, body, kind="wide")


@dataclass(frozen=True)
class Tile:
    """One place on a tile map: its short code, its name, its number, its place in the grid
    (column, row), a link, and whether the viewer may see it at all."""

    code: str
    name: str
    value: int
    col: int
    row: int
    href: str | None = None
    visible: bool = True


def shade_bins(values: Sequence[int], steps: int = len(SHADES)) -> list[int]:
    """The upper bounds of `steps` shades over `values`: zero gets the lightest shade on its
    own; the values above zero are split at their quantiles, so that one large place does
    not leave all the others in one shade. Bounds never fall (a repeated bound is a shade
    no value gets)."""
    above = sorted(v for v in values if v > 0)
    if not above:
        return [0] * steps
    bounds = [0]
    for k in range(1, steps):
        bounds.append(max(above[max(0, -(-len(above) * k // (steps - 1)) - 1)], bounds[-1]))
    return bounds


def shade_of(value: int, bins: Sequence[int]) -> int:
    """Which shade (0 = lightest) a value gets: the first bound it does not pass, and of
    equal bounds the last (so the largest value always gets the darkest shade)."""
    for i, bound in enumerate(bins):
        if value <= bound:
            while i + 1 < len(bins) and bins[i + 1] == bound:
                i += 1
            return i
    return len(bins) - 1


def tile_map(ident: str, tiles: Sequence[Tile], *, title: str, desc: str, measure: str,
             size: int = 62) -> str:
    """A grid of square tiles, one per place, at hand-placed positions; each tile shaded by
    its number (darker is more) and showing its code and the number itself. Places outside
    the viewer's scope are hatched and say "-". A legend of the shades is drawn under it."""
    gap = 4
    cols = max((t.col for t in tiles), default=0) + 1
    rows = max((t.row for t in tiles), default=0) + 1
    bins = shade_bins([t.value for t in tiles if t.visible])
    body = [
        "<defs>"
        f'<pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{LINE}" stroke-width="3"/></pattern>'
        "</defs>",
        '<g role="list">',
    ]
    for t in tiles:
        x, y = t.col * (size + gap), t.row * (size + gap)
        if t.visible:
            shade = shade_of(t.value, bins)
            fill, ink = SHADES[shade], ("#ffffff" if shade >= DARK_FROM else INK)
            shown, label = number(t.value), f"{t.name}: {number(t.value)} {measure}"
        else:
            fill, ink = f"url(#{ident}-hatch)", MUTED
            shown, label = "-", _("%(place)s: not in your scope") % {"place": t.name}
        inner = (
            f'<rect class="tile" data-code={_attr(t.code)} x="{x}" y="{y}" width="{size}" '
            f'height="{size}" rx="4" fill={_attr(fill)} stroke="{MUTED}" stroke-width="1"/>'
            f'<text class="code" x="{x + size / 2}" y="{y + 24}" text-anchor="middle" '
            f'font-weight="600" font-size="{13 if len(t.code) <= 4 else 11}" fill="{ink}">'
            f"{escape(t.code)}</text>"
            f'<text class="value" x="{x + size / 2}" y="{y + 45}" text-anchor="middle" '
            f'font-size="14" fill="{ink}">{shown}</text>')
        body.append(_link(t.href if t.visible else None, label, inner))
    body.append("</g>")
    # the legend: one swatch per shade with the range it stands for
    ly = rows * (size + gap) + 10
    body.append(f'<g class="legend" aria-label="{escape(_("Legend"))}"><text x="0" y="{ly + 14}">'
                f"{escape(measure.capitalize())}:</text>")
    low, slot = 0, 0
    for i, bound in enumerate(bins):
        if i + 1 < len(bins) and bins[i + 1] == bound:
            continue  # a shade no value gets (see shade_of)
        text = "0" if bound == 0 else (number(bound) if low == bound else
                                       f"{number(low)}–{number(bound)}")
        lx = 110 + slot * 92
        slot += 1
        body.append(f'<rect x="{lx}" y="{ly}" width="18" height="18" fill="{SHADES[i]}" '
                    f'stroke="{MUTED}"/><text x="{lx + 24}" y="{ly + 14}">{text}</text>')
        low = bound + 1
    body.append("</g>")
    width = max(cols * (size + gap), 110 + 92 * len(SHADES))
    return _svg(ident, title, desc, width, ly + 28, body, kind="wide")
