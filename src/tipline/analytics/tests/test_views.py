"""The chart pages: who may open them, what they draw, their tables and workbooks."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree, html

from tipline.analytics import selectors as s
from tipline.cases.tests import scenario

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.w3.org/2000/svg"}
PAGES = ["analytics:funnel", "analytics:intake", "analytics:times", "analytics:map"]


def charts(response: Any) -> list[etree._Element]:
    """The page's inline SVG charts, parsed as XML."""
    page = html.fromstring(response.content.decode())
    return [etree.fromstring(etree.tostring(el)) for el in page.iter("svg")]


def table(response: Any) -> list[list[str]]:
    page = html.fromstring(response.content.decode())
    rows = page.xpath("//table[contains(@class, 'chart-numbers')]//tr")
    return [[c.text_content().strip() for c in r.xpath("th|td")] for r in rows]


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_log_in_and_the_unpermitted_get_404(
    name: str, client: Client, nobody: Any, auditor: Any
) -> None:
    url = reverse(name)
    assert client.get(url)["Location"].startswith(reverse("login"))
    for user in (nobody, auditor):
        assert login(Client(), user).get(url).status_code == 404


def test_funnel_page_draws_the_stages_and_lists_them(client: Client, make_report: Any,
                                                     analyst: Any) -> None:
    scenario.build(make_report)
    counts = s.funnel_counts(user=analyst, period=s.Period())
    response = login(client, analyst).get(reverse("analytics:funnel"))
    assert response.status_code == 200
    funnel = charts(response)[0]
    assert len(funnel.findall(".//s:rect[@class='bar']", NS)) == len(s.STAGES)
    labels = [g.get("aria-label") for g in funnel.iterfind(".//*[@role='listitem']", NS)]
    assert labels[0] == f"Reports routed to a unit: {counts.stages['reports']}"
    rows = table(response)
    assert rows[1][:2] == ["Reports routed to a unit", str(counts.stages["reports"])]
    assert ["FIR registered", str(counts.stages["firs"])] == rows[4][:2]
    # the funnel table is a click away, and this page from it
    assert reverse("cases:funnel") in response.content.decode()
    back = client.get(reverse("cases:funnel")).content.decode()
    for name in PAGES:
        assert reverse(name) in back


def test_the_workbook_has_the_table_and_prints_landscape_one_page_wide(
    client: Client, make_report: Any, analyst: Any
) -> None:
    scenario.build(make_report)
    response = login(client, analyst).get(reverse("analytics:funnel") + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[3][:2] == ["Stage", "Cases"]
    page = table(client.get(reverse("analytics:funnel")))
    assert [[str(v) for v in row[:2]] for row in cells[4:]] == [r[:2] for r in page[1:]]
    assert sheet.page_setup.orientation == "landscape"
    # one page wide (1 is the default, which xlsxwriter leaves unwritten), any number tall
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"


def test_intake_page_by_source(client: Client, make_report: Any, analyst: Any) -> None:
    from django.utils import timezone

    now = timezone.now()
    for source in ("ncmec", "ncmec", "public"):
        make_report("IN-MH-BEED", source=source, received_at=now)
    response = login(client, analyst).get(reverse("analytics:intake"))
    chart = charts(response)[0]
    panels = [t.text for t in chart.iterfind(".//s:text[@class='panel']", NS)]
    assert panels == ["NCMEC export: 2", "Public tip: 1"]
    rows = table(response)
    assert rows[0] == ["Day", "NCMEC export", "Public tip", "All"]
    assert rows[-1][1:] == ["2", "1", "3"]
    weekly = client.get(reverse("analytics:intake") + "?by=week")
    assert table(weekly)[0][0] == "Week from"
    bad = client.get(reverse("analytics:intake") + "?start=2026-12-09&end=2026-01-01")
    assert bad.status_code == 200 and b"ends before it starts" in bad.content


def test_times_page(client: Client, make_report: Any, analyst: Any, mh_nodal: Any) -> None:
    scenario.build(make_report)
    response = login(client, analyst).get(reverse("analytics:times"))
    assert response.status_code == 200
    ack, fir = charts(response)
    labels = [e.get("aria-label") for e in fir.iterfind(".//*[@role='listitem']", NS)]
    assert {lab.split(":")[0] for lab in labels} == {"Maharashtra", "Karnataka"}
    assert any("median 0.0, p90 0.0 days, n 4" in lab for lab in labels)
    hers = login(Client(), mh_nodal).get(reverse("analytics:times"))
    assert b"Karnataka" not in hers.content and b"Beed" in hers.content


def test_map_and_drill_down_are_scoped(client: Client, make_report: Any, analyst: Any,
                                       mh_nodal: Any, pune_officer: Any) -> None:
    scenario.build(make_report)
    response = login(client, analyst).get(reverse("analytics:map"))
    tiles = charts(response)[0].findall(".//s:rect[@class='tile']", NS)
    assert len(tiles) == 36
    values = s.map_values(user=analyst, measure="reports")
    written = {t.getparent().get("aria-label") for t in tiles}
    assert f"Maharashtra: {values['MH']} reports" in written
    assert "Goa: 0 reports" in written
    opened = client.get(reverse("analytics:map") + "?measure=open")
    assert b"open cases" in opened.content
    # Meera: every other state is hatched, and its page is a 404
    meera = login(Client(), mh_nodal)
    page = meera.get(reverse("analytics:map"))
    labels = {e.get("aria-label") for e in charts(page)[0].iterfind(".//*[@role='listitem']",
                                                                    NS)}
    assert "Karnataka: not in your scope" in labels
    assert f"Maharashtra: {values['MH']} reports" in labels
    assert meera.get(reverse("analytics:map_state", args=["KA"])).status_code == 404
    assert meera.get(reverse("analytics:map_state", args=["ZZ"])).status_code == 404
    state = meera.get(reverse("analytics:map_state", args=["MH"]))
    rows = {r[0]: r[2] for r in table(state)[1:]}
    assert rows["Beed"] == str(s.map_values(user=analyst, measure="reports",
                                             state="MH")["IN-MH-BEED"])
    assert b"Bengaluru" not in state.content
    # Prakash (Pune) sees Maharashtra's grid with only Pune numbered
    prakash = login(Client(), pune_officer).get(reverse("analytics:map_state", args=["MH"]))
    rows = {r[0]: r[2] for r in table(prakash)[1:]}
    assert rows["Beed"] == "–" and rows["Pune"] != "–"
