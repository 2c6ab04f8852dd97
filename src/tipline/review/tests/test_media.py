"""Serving media: only to those with media.view where the report is; blurred and gray by
default (made on the server); clear only on a POST, audited; never cached."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tipline.accounts.services import grant_add
from tipline.audit.models import AuditEvent
from tipline.media.tests.media_helpers import encode, pattern, report_file, video
from tipline.review.services import reviewer_settings_update
from tipline.review.tests.helpers import report_with_images

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _image(body: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(body))
    img.load()
    return img


def _detail(img: Image.Image) -> float:
    """Variance of the gray image's differences between neighbours (edges, texture)."""
    gray = np.asarray(img.convert("L"), dtype=np.float64)
    return float(np.var(np.diff(gray, axis=1)) + np.var(np.diff(gray, axis=0)))


def test_media_access_by_role(make_report: Any, reviewer: Any, analyst: Any, hub_admin: Any,
                              beed_officer: Any, pune_officer: Any, mh_reviewer: Any,
                              nobody: Any, auditor: Any) -> None:
    _, (beed_file,) = report_with_images(make_report, "IN-MH-BEED", seeds=(1,))
    _, (delhi_file,) = report_with_images(make_report, "IN-DL", seeds=(2,))
    view = reverse("review:protected", args=[beed_file.pk])
    anonymous = Client().get(view)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    for user in (reviewer, analyst, hub_admin, mh_reviewer):
        assert _client(user).get(view).status_code == 200, user.username
    for user in (beed_officer, pune_officer, nobody, auditor):
        assert _client(user).get(view).status_code == 404, user.username
    delhi = reverse("review:protected", args=[delhi_file.pk])
    assert _client(mh_reviewer).get(delhi).status_code == 404  # another jurisdiction
    assert _client(reviewer).get(delhi).status_code == 200
    reveal = reverse("review:reveal", args=[beed_file.pk])
    assert _client(beed_officer).post(reveal).status_code == 404
    assert _client(mh_reviewer).post(reverse("review:reveal", args=[delhi_file.pk])
                                     ).status_code == 404
    assert Client().post(reveal).status_code == 302
    # a hub admin grants the Beed officer a role with media.view over Beed only
    grant_add(actor=hub_admin, user=beed_officer, role_code="reviewer",
              jurisdiction_code="IN-MH-BEED")
    assert _client(beed_officer).get(view).status_code == 200
    assert _client(beed_officer).get(delhi).status_code == 404
    assert not AuditEvent.objects.filter(action="media.revealed").exists()


def test_default_image_is_blurred_and_gray_on_the_server(make_report: Any,
                                                        reviewer: Any) -> None:
    report = make_report("IN-MH-BEED")
    original = pattern(11, (480, 360))
    f = report_file(report, encode(original, "PNG"), "p.png")
    response = _client(reviewer).get(reverse("review:protected", args=[f.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    served = _image(response.content)
    assert served.mode == "L"  # grayscale
    same_size = original.resize(served.size)
    assert _detail(served) < _detail(same_size) / 20


def test_settings_change_what_is_served(make_report: Any, reviewer: Any) -> None:
    report = make_report("IN-MH-BEED")
    original = pattern(12, (480, 360))
    f = report_file(report, encode(original, "PNG"), "p.png")
    client = _client(reviewer)
    url = reverse("review:protected", args=[f.pk])
    strong = _image(client.get(url).content)
    reviewer_settings_update(actor=reviewer, blur_strength=1, grayscale=False,
                             video_muted=True, video_autoplay=False)
    light = _image(client.get(url).content)
    assert light.mode == "RGB"
    rgb = np.asarray(light, dtype=np.int16)
    assert np.abs(rgb[..., 0] - rgb[..., 1]).mean() > 5  # colour kept
    assert _detail(light) > _detail(strong) * 2  # less blur, more detail
    assert _detail(light) < _detail(original.resize(light.size))  # still blurred
    # through the settings page too
    page = client.post(reverse("review:settings"), {"blur_strength": "10", "grayscale": "on",
                                                    "video_muted": "on"})
    assert page.status_code == 302
    again = _image(client.get(url).content)
    assert again.mode == "L" and _detail(again) < _detail(light)
    assert AuditEvent.objects.filter(action="review.settings_changed").count() == 2


def test_reveal_needs_a_post_and_is_audited(make_report: Any, reviewer: Any) -> None:
    report = make_report("IN-MH-BEED")
    original = pattern(13, (200, 150))
    f = report_file(report, encode(original, "PNG"), "p.png")
    client = _client(reviewer)
    url = reverse("review:reveal", args=[f.pk])
    assert client.get(url).status_code == 405
    assert not AuditEvent.objects.filter(action="media.revealed").exists()
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    clear = np.asarray(_image(response.content).convert("RGB"))
    assert np.array_equal(clear, np.asarray(original))  # lossless, as stored
    event = AuditEvent.objects.get(action="media.revealed")
    assert event.object_id == str(f.pk) and event.data == {"report": report.pk, "kind": "image"}
    assert event.actor_id == reviewer.pk


def test_video_poster_is_blurred_and_video_only_on_reveal(make_report: Any,
                                                         reviewer: Any) -> None:
    report = make_report("IN-MH-BEED")
    clip = video(3, seconds=2)
    f = report_file(report, clip, "clip.mp4")
    client = _client(reviewer)
    poster = client.get(reverse("review:protected", args=[f.pk]))
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"
    assert _image(poster.content).mode == "L"
    revealed = client.post(reverse("review:reveal", args=[f.pk]))
    assert revealed.status_code == 200 and revealed["Content-Type"] == "video/mp4"
    assert revealed.content == clip
    assert AuditEvent.objects.get(action="media.revealed").data["kind"] == "video"


def test_review_page_serves_no_clear_media(make_report: Any, reviewer: Any,
                                           beed_officer: Any) -> None:
    report, (f,) = report_with_images(make_report, seeds=(1,))
    url = reverse("review:report", args=[report.pk])
    assert Client().get(url).status_code == 302
    assert _client(beed_officer).get(url).status_code == 404
    page = _client(reviewer).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert reverse("review:protected", args=[f.pk]) in html
    assert f'data-reveal="{reverse("review:reveal", args=[f.pk])}"' in html
    assert f'src="{reverse("review:reveal", args=[f.pk])}' not in html
    assert 'data-muted="1"' in html and 'data-autoplay="0"' in html
    assert "hold to reveal" in html.lower()
