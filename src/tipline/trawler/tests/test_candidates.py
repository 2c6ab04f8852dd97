"""Classifier candidates: the scoring logic on synthetic detector outputs (injected through
the classifiers' registry: no model is asked to score anything but a benign image), the
real model on a benign image, and the protected review (list, blurred view, hold-to-reveal,
confirm into a report, dismiss into the safelist) with its gates."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tipline.accounts.services import grant_add, user_create
from tipline.audit.models import AuditEvent
from tipline.audit.texts import event_text
from tipline.core.blobs import blob_exists
from tipline.intake.models import Report
from tipline.media.classifiers.base import DETECTORS
from tipline.media.classifiers.types import ExpressionResult, FaceResult, NudityResult, Region
from tipline.media.models import BankEntry, HashBank
from tipline.review.services import SAFELIST_BANK
from tipline.trawler.judging import candidate_min_score, images_score, media_judge
from tipline.trawler.models import Finding, MediaSeen
from tipline.trawler.tests.judge_helpers import (
    candidate_finding,
    encode,
    fetched_media,
    fresh_index,  # noqa: F401 - autouse
    picture,
)

pytestmark = pytest.mark.django_db


class SyntheticNudity:
    """The nudity detector's place in the registry, answering by image width: an exposed
    region of the given score (0: nothing found)."""

    name = "nudity"

    def __init__(self, by_width: dict[int, float]) -> None:
        self.by_width = by_width
        self.images = 0

    def load(self) -> None:
        pass

    def model_version(self) -> str:
        return "synthetic"

    def detect(self, images: Sequence[Image.Image]) -> list[NudityResult]:
        self.images += len(images)
        out = []
        for image in images:
            score = self.by_width.get(image.width, 0.0)
            out.append(NudityResult(regions=(
                Region("BUTTOCKS_EXPOSED", score, (0, 0, 10, 10)),) if score else ()))
        return out


class SyntheticFaces:
    """One face per image, a likely minor by image height (P(minor) 0.9 at 241 pixels)."""

    name = "faces"

    def load(self) -> None:
        pass

    def model_version(self) -> str:
        return "synthetic"

    def faces(self, pixels: np.ndarray, boxes: Any = None) -> list[FaceResult]:
        minor = 0.9 if pixels.shape[0] == 241 else 0.1
        return [FaceResult(box=(0, 0, 20, 20), p_minor=minor, age=12 if minor > 0.5 else 35)]


class SyntheticExpression:
    name = "expression"

    def load(self) -> None:
        pass

    def model_version(self) -> str:
        return "synthetic"

    def expressions(self, pixels: np.ndarray, boxes: Sequence[Any]) -> list[ExpressionResult]:
        return [ExpressionResult({"neutral": 0.9, "sad": 0.1}) for _ in boxes]


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch, settings: Any) -> SyntheticNudity:
    """Synthetic detectors in the registry: exposure 0.9 at width 321 and 322, a likely minor
    at height 241; classification on."""
    settings.TRAWL_CLASSIFY = True
    nudity = SyntheticNudity({321: 0.9, 322: 0.9})
    monkeypatch.setitem(DETECTORS._items, "nudity", nudity)
    monkeypatch.setitem(DETECTORS._items, "faces", SyntheticFaces())
    monkeypatch.setitem(DETECTORS._items, "expression", SyntheticExpression())
    return nudity


def _media(n: int, size: tuple[int, int]) -> Any:
    return fetched_media(f"http://img.example.in/s/{n}.png", encode(picture(n, size), "PNG"),
                         page_url="http://img.example.in/s/")


def test_a_high_score_keeps_a_candidate_and_nothing_else_is_kept(
        tree: None, synthetic: SyntheticNudity) -> None:
    items = [_media(1, (321, 241)),  # exposure and a likely minor: 0.35+0.135+0.315 = 0.8
             _media(2, (322, 240)),  # exposure, an adult face: 0.485, under the 0.6 default
             _media(3, (320, 241))]  # nothing: 0
    assert media_judge(items) == ["candidate", "no_match", "no_match"]
    f = Finding.objects.get()
    assert (f.kind, f.state, f.report_id) == ("classifier", "candidate", None)
    assert f.score == pytest.approx(0.8, abs=0.001) and f.seen.outcome == "candidate"
    assert blob_exists(f.sha256)
    assert not any(blob_exists(i.hashes.sha256) for i in items[1:])
    assert synthetic.images == 3


def test_the_threshold_is_a_setting(tree: None, synthetic: SyntheticNudity,
                                    settings: Any) -> None:
    settings.TRAWL_CANDIDATE_MIN_PERCENT = 45
    assert candidate_min_score() == 0.45
    assert media_judge([_media(2, (322, 240))]) == ["candidate"]
    assert Finding.objects.get().score == pytest.approx(0.485, abs=0.001)


def test_off_no_image_is_classified(tree: None, synthetic: SyntheticNudity,
                                    settings: Any) -> None:
    settings.TRAWL_CLASSIFY = False
    assert media_judge([_media(1, (321, 241))]) == ["no_match"]
    assert synthetic.images == 0 and not Finding.objects.exists()


def test_the_real_model_loads_and_scores_a_benign_image_low(tree: None) -> None:
    (score,) = images_score([_media(5, (640, 480))])
    assert score is not None and 0.0 <= score.score < candidate_min_score()
    assert score.reasons.startswith("exposed regions:")


# -- the protected review ----------------------------------------------------------------


def _mh_reviewer() -> Any:
    user = user_create(actor=None, username="manoj", password="correct-horse-9")  # noqa: S106
    grant_add(actor=None, user=user, role_code="reviewer", jurisdiction_code="IN-MH")
    return user


def test_the_list_is_ordered_by_score_and_hidden_from_others(
        client: Client, reviewer: Any, nobody: Any, beed_officer: Any) -> None:
    low = candidate_finding(1, score=0.62)
    high = candidate_finding(2, score=0.93)
    done = candidate_finding(3, score=0.99)
    Finding.objects.filter(pk=done.pk).update(state=Finding.State.DISMISSED)
    url = reverse("trawler:candidates")
    assert client.get(url).status_code == 302  # to log in
    for other in (nobody, beed_officer, _mh_reviewer()):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.get(reverse("trawler:candidate", args=[high.pk])).status_code == 404
        assert client.get(reverse("trawler:candidate_protected",
                                  args=[high.pk])).status_code == 404
        assert client.post(reverse("trawler:candidate_decide", args=[high.pk]),
                           {"decision": "dismiss"}).status_code == 404
    assert Finding.objects.get(pk=high.pk).state == "candidate"
    client.force_login(reviewer)
    page = client.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    listed = [f.pk for f in page.context["findings"]]
    assert listed == [high.pk, low.pk]


def test_media_is_blurred_and_gray_and_revealed_only_on_a_post(
        client: Client, reviewer: Any) -> None:
    f = candidate_finding(4)
    client.force_login(reviewer)
    page = client.get(reverse("trawler:candidate", args=[f.pk]))
    assert page.status_code == 200
    assert reverse("trawler:candidate_reveal", args=[f.pk]).encode() in page.content
    blurred = client.get(reverse("trawler:candidate_protected", args=[f.pk]))
    assert blurred["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(blurred.content)).mode == "L"  # grayscale by default
    reveal = reverse("trawler:candidate_reveal", args=[f.pk])
    assert client.get(reveal).status_code == 405
    assert not AuditEvent.objects.filter(action="media.revealed").exists()
    clear = client.post(reveal)
    assert clear.status_code == 200 and clear["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(clear.content)).size == (320, 240)
    event = AuditEvent.objects.get(action="media.revealed")
    assert event.object_id == str(f.pk) and event.data["kind"] == "image"
    assert f"revealed a image of trawler finding {f.pk} (report not filed)" in event_text(event)


def test_confirm_files_a_report(client: Client, reviewer: Any, immediate_tasks: None,
                                django_capture_on_commit_callbacks: Any) -> None:
    f = candidate_finding(5)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("trawler:candidate_decide", args=[f.pk]),
                             {"decision": "confirm", "note": "looked"})
    assert answer.status_code == 302
    f.refresh_from_db()
    assert (f.state, f.decided_by_id) == ("confirmed", reviewer.pk)
    report = Report.objects.get(source="trawler")
    assert f.report_id == report.pk and report.file_count == 1
    assert AuditEvent.objects.filter(action="trawl.confirmed", object_id=str(f.pk)).exists()
    # decided: no second decision
    client.post(reverse("trawler:candidate_decide", args=[f.pk]), {"decision": "dismiss"})
    f.refresh_from_db()
    assert f.state == "confirmed"


def test_dismiss_feeds_the_safelist(client: Client, reviewer: Any) -> None:
    f = candidate_finding(6)
    client.force_login(reviewer)
    answer = client.post(reverse("trawler:candidate_decide", args=[f.pk]),
                         {"decision": "dismiss"})
    assert answer.status_code == 302
    f.refresh_from_db()
    assert (f.state, f.blob, f.report_id) == ("dismissed", "", None)
    safelist = HashBank.objects.get(name=SAFELIST_BANK)
    assert safelist.kind == HashBank.Kind.SAFELIST
    entry = BankEntry.objects.get(bank=safelist)
    assert (entry.sha256, entry.pdq) == (f.sha256, f.seen.pdq)
    assert AuditEvent.objects.filter(action="trawl.dismissed", object_id=str(f.pk)).exists()
    assert client.get(reverse("trawler:candidate_protected", args=[f.pk])).status_code == 404
    # crawled again, the same media is safelisted
    again = fetched_media(f.media_url, encode(picture(6)))
    assert media_judge([again]) == ["safelisted"]
    assert MediaSeen.objects.filter(outcome="safelisted").count() == 1
    assert Finding.objects.count() == 1


def test_a_dismissed_video_is_safelisted_by_every_frame(client: Client, reviewer: Any) -> None:
    from tipline.media.content import file_hashes
    from tipline.media.tests.media_helpers import video

    data = video(5, seconds=4)
    frames = [s.hash for s in file_hashes(data).pdq]
    assert len(frames) >= 3
    f = candidate_finding(7, data=data, url="http://img.example.in/c/clip.mp4")
    client.force_login(reviewer)
    client.post(reverse("trawler:candidate_decide", args=[f.pk]), {"decision": "dismiss"})
    entries = BankEntry.objects.filter(bank__name=SAFELIST_BANK).order_by("pk")
    assert [e.pdq for e in entries] == frames
    assert {e.source_id for e in entries} == {f"tipline-trawl-finding-{f.pk}"}
    assert entries[0].sha256 == f.sha256
    # a re-encoded copy (no exact hash in common) is now safelisted by its frames
    copy = video(5, seconds=4, size=(128, 96), bit_rate=150_000)
    assert media_judge([fetched_media("http://img.example.in/c/clip2.mp4", copy)]) == [
        "safelisted"]


def test_the_review_queue_links_the_candidates_for_who_may_open_them(
        client: Client, reviewer: Any) -> None:
    candidate_finding(1, score=0.7)
    candidate_finding(2, score=0.8)
    client.force_login(reviewer)
    page = client.get(reverse("review:queue")).content.decode()
    assert f'<a href="{reverse("trawler:candidates")}">Trawler candidates</a>: 2 waiting' in page
    client.force_login(_mh_reviewer())  # a state's reviewer cannot open them: no link
    assert "Trawler candidates" not in client.get(reverse("review:queue")).content.decode()
