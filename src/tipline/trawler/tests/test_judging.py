"""The judge: generated benign media "fetched" by the crawler, matched against test banks."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import ImageFilter

from tipline.audit.models import AuditEvent
from tipline.core.blobs import blob_exists, blob_read
from tipline.media.content import file_hashes
from tipline.media.hashing import hamming
from tipline.trawler.judging import media_judge
from tipline.trawler.models import Finding, MediaSeen
from tipline.trawler.tests.judge_helpers import (
    bank,
    bank_add,
    encode,
    fetched_media,
    fresh_index,  # noqa: F401 - autouse
    picture,
)

pytestmark = pytest.mark.django_db

PAGE = "http://img.example.in/gallery/1.html"


def _media(n: int, data: bytes, **kw: Any) -> Any:
    return fetched_media(f"http://img.example.in/i/{n}.jpg", data, page_url=PAGE, **kw)


@pytest.fixture(autouse=True)
def _classifier_off(settings: Any) -> None:
    """The default; the classifier's part is tested in test_candidates."""
    settings.TRAWL_CLASSIFY = False


def test_banked_images_are_found_and_no_other(tree: None) -> None:
    images = [encode(picture(seed)) for seed in range(8)]
    known = bank()
    bank_add(known, images[1])  # exact and PDQ
    bank_add(known, images[4], pdq=False)  # exact only
    bank_add(known, images[6], exact=False)  # PDQ only
    items = [_media(n, data) for n, data in enumerate(images)]
    outcomes = media_judge(items)
    assert outcomes == ["match" if n in (1, 4, 6) else "no_match" for n in range(8)]
    seen = list(MediaSeen.objects.order_by("pk"))
    assert [s.sha256 for s in seen] == [file_hashes(d).sha256 for d in images]
    assert [s.outcome for s in seen] == outcomes
    assert all(s.pdq and s.media == "image" and s.size > 0 for s in seen)
    found = {f.sha256: f for f in Finding.objects.all()}
    assert set(found) == {seen[n].sha256 for n in (1, 4, 6)}
    for n in (1, 4, 6):
        f = found[seen[n].sha256]
        assert (f.kind, f.state) == ("match", "confirmed")
        assert f.seen_id == seen[n].pk and f.media_url == f"http://img.example.in/i/{n}.jpg"
        assert f.page_url == PAGE and f.http_status == 200 and f.ip == "49.36.10.20"
        assert f.http_headers["server"] == "test-site"
        assert blob_read(f.blob) == images[n]  # kept, encrypted, readable
    assert found[seen[4].sha256].match_how in ("md5", "sha256")
    assert (found[seen[6].sha256].match_how, found[seen[6].sha256].distance) == ("pdq", 0)
    for n in (0, 2, 3, 5, 7):  # never kept
        assert not blob_exists(seen[n].sha256)
    assert AuditEvent.objects.filter(action="trawl.found").count() == 3


def test_a_near_duplicate_matches_by_pdq(tree: None) -> None:
    original = picture(11)
    known = bank()
    bank_add(known, encode(original))
    copy = encode(original.filter(ImageFilter.GaussianBlur(1)).resize((280, 210)), quality=60)
    other = encode(picture(12))
    assert file_hashes(copy).sha256 != file_hashes(encode(original)).sha256
    outcomes = media_judge([_media(1, copy), _media(2, other)])
    assert outcomes == ["match", "no_match"]
    f = Finding.objects.get()
    assert f.match_how == "pdq" and 0 < f.distance <= known.pdq_threshold
    assert hamming(MediaSeen.objects.get(pk=f.seen_id).pdq,
                   file_hashes(encode(original)).pdq[0].hash) == f.distance


def test_a_safelisted_image_is_not_a_finding(tree: None) -> None:
    data = encode(picture(21))
    bank_add(bank(), data)
    bank_add(bank("hub-safelist", kind="safelist"), data)
    assert media_judge([_media(1, data)]) == ["safelisted"]
    assert MediaSeen.objects.get().outcome == "safelisted"
    assert not Finding.objects.exists()
    assert not blob_exists(file_hashes(data).sha256)


def test_nothing_but_the_seen_row_is_kept_of_media_that_matches_nothing(
        tree: None, settings: Any) -> None:
    bank_add(bank(), encode(picture(30)))
    data = [encode(picture(31)), encode(picture(32), "PNG"), b"not an image at all"]
    outcomes = media_judge([_media(n, d) for n, d in enumerate(data)])
    assert outcomes == ["no_match", "no_match", "no_match"]
    assert MediaSeen.objects.count() == 3 and not Finding.objects.exists()
    blobs = settings.TIPLINE_HOME / "blobs"
    assert not blobs.exists() or not [p for p in blobs.rglob("*") if p.is_file()]


def test_an_unreadable_image_is_an_error_and_still_matches_exactly(tree: None) -> None:
    broken = encode(picture(40))[:300]  # a cut JPEG: no PDQ
    assert file_hashes(broken).error
    assert media_judge([_media(1, broken)]) == ["error"]
    bank_add(bank(), encode(picture(41)))
    known = bank("exact-only")
    from tipline.media.banks import ParsedEntry
    from tipline.media.services import bank_entries_add

    bank_entries_add(actor=None, bank=known, entries=[ParsedEntry(
        sha256=file_hashes(broken).sha256)])
    assert media_judge([_media(2, broken)]) == ["match"]


def test_a_recrawl_makes_no_second_finding(tree: None) -> None:
    data = encode(picture(50))
    bank_add(bank(), data)
    assert media_judge([_media(1, data), _media(1, data)]) == ["match", "match"]
    assert media_judge([_media(1, data)]) == ["match"]
    assert MediaSeen.objects.count() == 3  # every fetch is evidence
    assert Finding.objects.count() == 1
    assert media_judge([_media(2, data)]) == ["match"]  # another address: another finding
    assert Finding.objects.count() == 2


def test_a_match_to_an_unconfirmed_bank_waits_for_a_reviewer(tree: None) -> None:
    data = encode(picture(60))
    bank_add(bank("suspected", confirmed=False), data)
    assert media_judge([_media(1, data)]) == ["match"]
    f = Finding.objects.get()
    assert (f.kind, f.state, f.report_id) == ("match", "candidate", None)
    assert blob_exists(f.sha256)


def test_no_bank_no_match(tree: None) -> None:
    assert media_judge([_media(1, encode(picture(70)))]) == ["no_match"]
    assert media_judge([]) == []


def test_a_video_matches_a_bank_video_by_its_frames(tree: None) -> None:
    from tipline.media.banks import ParsedEntry
    from tipline.media.services import bank_entries_add
    from tipline.media.tests.media_helpers import video

    frames = file_hashes(video(3, seconds=5)).pdq
    bank_entries_add(actor=None, bank=bank(), entries=[
        ParsedEntry(pdq=s.hash, media="video", source_id="video-3") for s in frames])
    copy = video(3, seconds=5, size=(128, 96), bit_rate=150_000)  # re-encoded smaller
    other = video(4, seconds=5)
    outcomes = media_judge([
        fetched_media("http://img.example.in/v/copy.mp4", copy, page_url=PAGE),
        fetched_media("http://img.example.in/v/other.mp4", other, page_url=PAGE)])
    assert outcomes == ["match", "no_match"]
    f = Finding.objects.get()
    assert f.match_how == "vpdq" and f.seen.media == "video"
    assert blob_read(f.blob) == copy
