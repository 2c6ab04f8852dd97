"""The case pages speak Hindi to a person who chose it, and English, as before, to everyone
else: the funnel, a unit's case list, a case with its forms and statuses, the sections of
law, and the messages after a step. The case register (Excel) stays English."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tipline.cases.models import Case
from tipline.cases.tests.helpers import open_case
from tipline.core.tests.languages import apart, both, client_in

pytestmark = pytest.mark.django_db








def test_the_case_page_in_hindi(beed_officer: Any, make_report: Any) -> None:
    case = open_case(make_report)
    hi, en = both(beed_officer, reverse("cases:case_detail", args=[case.pk]))
    apart(hi, en, [("FIR दर्ज करें", "Record FIR"), ("प्राप्ति की पावती दें", "Acknowledge receipt"),
                    ("SOP चेकलिस्ट", "SOP checklist"), ("केस बंद करें", "Close the case"),
                    ("पुलिस थाना", "Police station"),
                    ("कार्रवाई नहीं: ग़लत पहचान (false positive)",
                     "Not pursued: false positive")])
    assert '<span class="status s-received">प्राप्त</span>' in hi  # the status, by its label
    assert "<dd>खुला</dd>" in hi  # an open case, not the funnel's "open" column (खुले)
    assert case.reference in hi and "IT Act 67B" in hi  # data stays as it is
    client = client_in(beed_officer, hindi=True)
    done = client.post(reverse("cases:case_action", args=[case.pk, "acknowledge"]),
                       follow=True)
    assert "पावती दर्ज हुई।" in done.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.ACKNOWLEDGED


def test_the_funnel_list_and_sections_in_hindi(analyst: Any, beed_officer: Any,
                                                hub_admin: Any, make_report: Any) -> None:
    open_case(make_report)
    hi, en = both(analyst, reverse("cases:funnel"))
    apart(hi, en, [("रिपोर्ट से नतीजे तक", "From report to outcome"),
                    ("यूनिट के अनुसार", "By unit"), ("ग़लत पहचान", "False positive"),
                    ("कोई नोटिस समय सीमा पार नहीं।", "No overdue notices.")])
    hi, en = both(beed_officer, reverse("cases:unit_cases", args=["IN-MH-BEED"]))
    apart(hi, en, [("सबसे नए पहले। 1 केस।", "Newest first. 1 case."),
                    ("केस रजिस्टर डाउनलोड करें (Excel)", "Download the case register (Excel)")])
    hi, en = both(hub_admin, reverse("cases:sections"))
    apart(hi, en, [("क़ानूनी धाराएँ", "Sections of law"), ("धारा जोड़ें", "Add a section")])


def test_the_register_stays_english_for_a_hindi_reader(beed_officer: Any,
                                                       make_report: Any) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    open_case(make_report)
    response = client_in(beed_officer, hindi=True).get(
        reverse("cases:register_export") + "?unit=IN-MH-BEED")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet is not None
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert "Received" in cells and "प्राप्त" not in cells
