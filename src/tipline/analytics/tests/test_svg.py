"""The SVG renderer: pure functions from numbers to markup, parsed back with lxml."""

from __future__ import annotations

from lxml import etree

from tipline.analytics import svg

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(markup: str) -> etree._Element:
    return etree.fromstring(markup.encode())


def texts(root: etree._Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iterfind(".//s:text", NS)]


def test_bar_chart_has_a_bar_label_and_number_per_row() -> None:
    root = parse(svg.bar_chart("f", [svg.Bar("Reports <all> & more", 200),
                                     svg.Bar("FIRs", 50, note="(25%)", href="/x?a=1&b=2")],
                               title="Funnel", desc="Two bars"))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "f-t f-d"
    assert root.find("s:title", NS).text == "Funnel" and root.find("s:desc", NS).text == "Two bars"
    bars = root.findall(".//s:rect[@class='bar']", NS)
    assert len(bars) == 2
    # the longest bar is the largest value; the other in proportion
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == 4 * widths[1] > 0
    assert "Reports <all> & more" in texts(root) and "200" in texts(root)
    assert "50 (25%)" in texts(root)
    link = root.find(".//s:a", NS)
    assert link.get("href") == "/x?a=1&b=2" and link.get("aria-label") == "FIRs: 50 (25%)"


def test_bar_chart_of_zeros_draws_empty_bars_and_writes_the_zeros() -> None:
    root = parse(svg.bar_chart("z", [svg.Bar("A", 0), svg.Bar("B", 0)], title="t", desc="d"))
    assert [float(b.get("width")) for b in root.findall(".//s:rect[@class='bar']", NS)] == [0, 0]
    assert texts(root).count("0") == 2


def test_spread_chart_writes_median_p90_and_count() -> None:
    root = parse(svg.spread_chart("a", [svg.Spread("Beed", 1.5, 4.0, 12),
                                        svg.Spread("Pune", None, None, 0)],
                                  title="t", desc="d"))
    assert len(root.findall(".//s:rect[@class='bar']", NS)) == 1
    assert len(root.findall(".//s:line[@class='p90']", NS)) == 1
    assert "Beed: median 1.5, p90 4.0 days, n 12" in texts(root)
    assert "Pune: none measured (n 0)" in texts(root)


def test_columns_chart_has_a_row_per_series_and_a_column_per_period() -> None:
    periods = ["01 Dec", "02 Dec", "03 Dec"]
    root = parse(svg.columns_chart("i", [svg.Panel("NCMEC export", [3, 0, 7]),
                                         svg.Panel("Public tip", [1, 1, 0])],
                                   periods, title="t", desc="d"))
    bars = root.findall(".//s:rect[@class='bar']", NS)
    assert len(bars) == 6
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] == max(heights) and heights[1] == heights[5] == 0
    labels = texts(root)
    assert "NCMEC export: 10" in labels and "Public tip: 2" in labels
    assert {"7", "3", "1"} <= set(labels) and "01 Dec" in labels
    items = [g.get("aria-label") for g in root.iterfind(".//s:g[@role='listitem']", NS)]
    assert "NCMEC export, 03 Dec: 7" in items


def test_shades_grow_with_the_value_and_split_at_quantiles() -> None:
    values = [0, 1, 2, 3, 5, 8, 13, 21, 400]
    bins = svg.shade_bins(values)
    assert bins == [0, 2, 5, 13, 400]
    shades = [svg.shade_of(v, bins) for v in values]
    assert shades == sorted(shades) and shades[0] == 0 and shades[-1] == len(svg.SHADES) - 1
    # one large place does not leave the others in one shade
    assert len(set(shades)) == len(svg.SHADES)
    # equal values: the largest still gets the darkest shade
    assert svg.shade_of(7, svg.shade_bins([7, 7])) == len(svg.SHADES) - 1
    assert svg.shade_bins([0, 0]) == [0] * len(svg.SHADES)


def test_tile_map_numbers_every_tile_and_hatches_those_out_of_scope() -> None:
    tiles = [svg.Tile("MH", "Maharashtra", 120, 3, 4, "/charts/map/MH/"),
             svg.Tile("KA", "Karnataka", 0, 3, 5, "/charts/map/KA/", visible=False),
             svg.Tile("GA", "Goa", 0, 2, 5)]
    root = parse(svg.tile_map("m", tiles, title="t", desc="d", measure="reports"))
    rects = root.findall(".//s:rect[@class='tile']", NS)
    assert [r.get("data-code") for r in rects] == ["MH", "KA", "GA"]
    fills = [r.get("fill") for r in rects]
    assert fills[0] == svg.SHADES[-1] and fills[1] == "url(#m-hatch)" and fills[2] == svg.SHADES[0]
    values = [t.text for t in root.iterfind(".//s:text[@class='value']", NS)]
    assert values == ["120", "-", "0"]
    # only the visible tile with a link is a link; the hidden one says so
    links = root.findall(".//s:a", NS)
    assert [a.get("href") for a in links] == ["/charts/map/MH/"]
    labels = [e.get("aria-label") for e in root.iterfind(".//*[@role='listitem']", NS)]
    assert labels == ["Maharashtra: 120 reports", "Karnataka: not in your scope", "Goa: 0 reports"]
    # the tiles sit where the grid puts them
    assert (rects[0].get("x"), rects[0].get("y")) == (str(3 * 66), str(4 * 66))


def test_no_style_attribute_or_script_in_any_chart() -> None:
    markup = "".join([
        svg.bar_chart("a", [svg.Bar("x", 1)], title="t", desc="d"),
        svg.spread_chart("b", [svg.Spread("x", 1, 2, 3)], title="t", desc="d"),
        svg.columns_chart("c", [svg.Panel("x", [1])], ["d"], title="t", desc="d"),
        svg.tile_map("e", [svg.Tile("X", "x", 1, 0, 0)], title="t", desc="d", measure="m"),
    ])
    assert "style" not in markup and "<script" not in markup and "on" + "click" not in markup
