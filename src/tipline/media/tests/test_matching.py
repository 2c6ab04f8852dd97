"""Matching files against banks: exact and PDQ, safelist, retro-hunt, video, priority, page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import ImageFilter

from tipline.media.banks import ParsedEntry
from tipline.media.content import file_hashes
from tipline.media.hashing import hamming, pdq_bytes
from tipline.media.models import BankEntry, FileScan, FileSignal, HashBank, Match, ReportMedia
from tipline.media.services import (
    bank_configure,
    bank_create,
    bank_entries_add,
    bank_import,
    files_scan,
    reports_scan,
)
from tipline.media.tests.media_helpers import REFERENCE, encode, pattern, report_file, video


def _bank(name: str = "known", **kwargs: Any) -> HashBank:
    return bank_create(actor=None, name=name, **kwargs)


def _add(bank: HashBank, **hashes: str) -> BankEntry:
    bank_entries_add(actor=None, bank=bank, entries=[ParsedEntry(**hashes)])
    return BankEntry.objects.filter(bank=bank).latest("pk")


def _priority(report: Any) -> int:
    return ReportMedia.objects.get(report=report).priority


def test_files_are_hashed_once_and_signals_kept(make_report: Any) -> None:
    report = make_report()
    f = report_file(report, encode(pattern(1)))
    result = files_scan(actor=None, file_ids=[f.pk])
    assert (result.files, result.hashed, result.matches) == (1, 1, 0)
    signal = FileSignal.objects.get(file=f)
    assert signal.pdq == pdq_bytes(encode(pattern(1))).hash and signal.quality >= 50
    assert FileScan.objects.get(file=f).media == "image"
    assert files_scan(actor=None, file_ids=[f.pk]).hashed == 0  # already hashed
    assert _priority(report) == 0


def test_exact_match_raises_priority(make_report: Any) -> None:
    report = make_report()
    data = encode(pattern(2))
    f = report_file(report, data)
    _add(_bank(category_map={}), md5=f.md5.upper(), category="1")
    files_scan(actor=None, file_ids=[f.pk])
    m = Match.objects.get(file=f)
    assert (m.how, m.distance, m.suppressed) == ("md5", 0, False)
    assert _priority(report) == ReportMedia.Priority.CONFIRMED
    assert ReportMedia.objects.get(report=report).categories == "1"


def test_unconfirmed_bank_ranks_below_confirmed(make_report: Any) -> None:
    report = make_report()
    f = report_file(report, encode(pattern(3)))
    _add(_bank("suspected", confirmed=False), sha256=f.sha256)
    files_scan(actor=None, file_ids=[f.pk])
    assert Match.objects.get(file=f).how == "sha256"
    assert _priority(report) == ReportMedia.Priority.MATCH


def test_pdq_match_of_an_edited_copy_not_of_another_image(make_report: Any) -> None:
    original = pattern(4)
    bank = _bank()
    entry = _add(bank, pdq=pdq_bytes(encode(original)).hash)
    edited = original.filter(ImageFilter.GaussianBlur(2)).resize((300, 225))
    a = make_report()
    b = make_report()
    fa = report_file(a, encode(edited, quality=60))
    fb = report_file(b, encode(pattern(5)))
    files_scan(actor=None, file_ids=[fa.pk, fb.pk])
    m = Match.objects.get(file=fa)
    assert m.entry == entry and m.how == "pdq" and 0 < m.distance <= 31
    assert not Match.objects.filter(file=fb).exists()
    assert _priority(a) == 2 and _priority(b) == 0


def test_bridge_mods_match_the_bank_of_the_original(make_report: Any) -> None:
    folder = REFERENCE / "images" / "bridge-mods"
    bank = _bank()
    _add(bank, pdq=pdq_bytes((folder / "aaa-orig.jpg").read_bytes()).hash)
    report = make_report()
    mods = [report_file(report, p.read_bytes(), p.name) for p in sorted(folder.glob("*.jpg"))]
    others = [report_file(report, p.read_bytes(), p.name)
              for p in sorted((REFERENCE / "images" / "labelme-subset").glob("*.jpg"))]
    files_scan(actor=None, file_ids=[f.pk for f in mods + others])
    matched = set(Match.objects.values_list("file_id", flat=True))
    assert matched == {f.pk for f in mods}
    assert max(Match.objects.values_list("distance", flat=True)) <= 31


def test_bank_threshold_is_per_bank(make_report: Any) -> None:
    original = pattern(6)
    edited = original.filter(ImageFilter.GaussianBlur(2))
    distance = hamming(pdq_bytes(encode(original)).hash, pdq_bytes(encode(edited)).hash)
    assert distance > 2
    strict = _bank("strict", pdq_threshold=distance - 1)
    _add(strict, pdq=pdq_bytes(encode(original)).hash)
    f = report_file(make_report(), encode(edited))
    files_scan(actor=None, file_ids=[f.pk])
    assert not Match.objects.exists()
    bank_configure(actor=None, bank=strict, pdq_threshold=distance)
    files_scan(actor=None, file_ids=[f.pk])
    assert Match.objects.get().distance == distance


def test_safelist_suppresses_matches(make_report: Any) -> None:
    img = pattern(7)
    known = _bank()
    _add(known, pdq=pdq_bytes(encode(img)).hash)
    report = make_report()
    f = report_file(report, encode(img))
    safe = _bank("safelist", kind=HashBank.Kind.SAFELIST)
    _add(safe, sha256=f.sha256)
    files_scan(actor=None, file_ids=[f.pk])
    known_match = Match.objects.get(file=f, bank=known)
    assert known_match.suppressed
    assert not Match.objects.get(file=f, bank=safe).suppressed
    summary = ReportMedia.objects.get(report=report)
    assert (summary.priority, summary.matches, summary.suppressed) == (0, 0, 1)
    other = make_report()  # the same picture without the safelisted bytes still matches
    g = report_file(other, encode(img, quality=70))
    files_scan(actor=None, file_ids=[g.pk])
    assert _priority(other) == 2


def test_retro_hunt_finds_files_already_held(make_report: Any, tmp_path: Path) -> None:
    img = pattern(8)
    report = make_report()
    f = report_file(report, encode(img))
    unrelated = report_file(make_report(), encode(pattern(9)))
    files_scan(actor=None, file_ids=[f.pk, unrelated.pk])
    assert _priority(report) == 0
    bank = _bank()
    near = pdq_bytes(encode(img.filter(ImageFilter.GaussianBlur(1)))).hash
    path = tmp_path / "list.txt"
    path.write_text(f"{near}\n", encoding="utf-8")
    counts = bank_import(actor=None, bank=bank, path=path)
    assert counts.retro is not None and counts.retro.matches == 1
    assert Match.objects.get().file == f
    assert _priority(report) == 2
    path.write_text(f"{unrelated.md5}\n", encoding="utf-8")
    bank_import(actor=None, bank=bank, path=path)
    assert Match.objects.filter(file=unrelated, how="md5").exists()


def test_new_entry_matches_at_once(make_report: Any) -> None:
    """The in-memory index catches up with a new bank entry before the next search."""
    bank = _bank()
    _add(bank, pdq=pdq_bytes(encode(pattern(10))).hash)
    first = report_file(make_report(), encode(pattern(10)))
    files_scan(actor=None, file_ids=[first.pk])
    img = pattern(11)
    _add(bank, pdq=pdq_bytes(encode(img)).hash)
    second = report_file(make_report(), encode(img, quality=80))
    files_scan(actor=None, file_ids=[second.pk])
    assert Match.objects.filter(file__in=[first, second]).count() == 2


def test_deleted_entries_and_disabled_banks_do_not_match(make_report: Any) -> None:
    img = pattern(12)
    bank = _bank()
    entry = _add(bank, pdq=pdq_bytes(encode(img)).hash)
    report = make_report()
    f = report_file(report, encode(img))
    BankEntry.objects.filter(pk=entry.pk).update(deleted=True)
    files_scan(actor=None, file_ids=[f.pk])
    assert not Match.objects.exists()
    BankEntry.objects.filter(pk=entry.pk).update(deleted=False)
    bank_configure(actor=None, bank=bank, enabled=False)
    files_scan(actor=None, file_ids=[f.pk], rehash=True)
    assert not Match.objects.exists()
    bank_configure(actor=None, bank=bank, enabled=True)
    files_scan(actor=None, file_ids=[f.pk])
    assert _priority(report) == 2
    bank_configure(actor=None, bank=bank, enabled=False)  # disabling lowers the report again
    assert _priority(report) == 0


def test_video_matches_by_frames(make_report: Any) -> None:
    original = video(3, seconds=5)
    frames = file_hashes(original).pdq
    assert len(frames) == 5 and all(s.timestamp is not None for s in frames)
    bank = _bank()
    bank_entries_add(actor=None, bank=bank, entries=[
        ParsedEntry(pdq=s.hash, media="video", source_id="video-3") for s in frames])
    report = make_report()
    copy = report_file(report, video(3, seconds=5, size=(128, 96), bit_rate=150_000), "c.mp4")
    other = report_file(report, video(4, seconds=5), "o.mp4")
    partial = report_file(report, _spliced(), "p.mp4")
    files_scan(actor=None, file_ids=[copy.pk, other.pk, partial.pk])
    m = Match.objects.get(file=copy)
    assert m.how == "vpdq" and m.frame_share is not None and m.frame_share >= 0.8
    assert FileScan.objects.get(file=copy).media == "video"
    assert not Match.objects.filter(file=other).exists()
    assert not Match.objects.filter(file=partial).exists()  # 2 of 5 frames: not enough
    assert _priority(report) == 2


def _spliced() -> bytes:
    """Two seconds of video 3 then three of video 5: 40% of its frames match video 3."""
    import io

    import av
    import numpy as np

    from tipline.media.tests.media_helpers import pattern as scene_of

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for second, seed in enumerate((3, 3, 5, 5, 5)):
            scene = scene_of(seed * 100 + (second if seed == 3 else second + 10), (176, 136))
            for k in range(5):
                arr = np.asarray(scene.crop((k, k, k + 160, k + 120)))
                for packet in stream.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def test_unreadable_files_are_recorded_not_fatal(make_report: Any) -> None:
    report = make_report()
    broken = report_file(report, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png")
    good = report_file(report, encode(pattern(13)))
    result = files_scan(actor=None, file_ids=[broken.pk, good.pk])
    assert (result.hashed, result.failed) == (1, 1)
    assert FileScan.objects.get(file=broken).error
    assert not FileSignal.objects.filter(file=broken).exists()


def test_report_page_shows_matches(make_report: Any, analyst: Any) -> None:
    report = make_report()
    f = report_file(report, encode(pattern(14)), "evidence.jpg")
    _add(_bank("interpol-icse"), md5=f.md5, source_id="ICSE-77")
    files_scan(actor=None, file_ids=[f.pk])
    client = Client()
    client.force_login(analyst)
    page = client.get(reverse("intake:report_detail", args=[report.pk])).content.decode()
    assert "Hash matches" in page and "interpol-icse" in page and "ICSE-77" in page
    assert "Matches a confirmed bank" in page


def test_import_queues_the_scan_of_new_files(tree: Any, tmp_path: Path, settings: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    """Intake enqueues the scan when an import chunk commits; the task hashes and matches."""
    import hashlib

    from tipline.accounts.services import system_user
    from tipline.intake.ingest import ingest_paths
    from tipline.intake.tests.builders import ncmec_folder, pattern_png

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": settings.TASK_QUEUES}}
    bank = _bank()
    _add(bank, md5=hashlib.md5(pattern_png(3), usedforsecurity=False).hexdigest())
    folder = ncmec_folder(tmp_path, "1001", seed=3)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_paths(paths=[folder], actor=system_user("test"))
    assert FileScan.objects.filter(media="image").count() == 1
    m = Match.objects.get(bank=bank)
    assert m.how == "md5" and _priority(m.report) == 2


def test_scan_command_selections(make_report: Any, capsys: pytest.CaptureFixture[str]) -> None:
    report = make_report()
    f = report_file(report, encode(pattern(16)))
    call_command("scan", "--all")
    assert "1 hashed" in capsys.readouterr().out
    bank = _bank()
    _add(bank, md5=f.md5)
    call_command("scan", "--bank", bank.name)
    assert "1 match" in capsys.readouterr().out
    call_command("scan", "--since", "2000-01-01", "--until", "2999-01-01", "--rehash")
    assert "1 hashed" in capsys.readouterr().out
    reports_scan(actor=None, report_ids=[report.pk])
    assert _priority(report) == 2


def test_scan_runs_as_a_background_task(make_report: Any, settings: Any,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": settings.TASK_QUEUES}}
    report = make_report()
    f = report_file(report, encode(pattern(17)))
    _add(_bank(), md5=f.md5)
    call_command("scan", "--all", "--background")
    assert "queued scan task" in capsys.readouterr().out
    assert Match.objects.filter(file=f).exists() and _priority(report) == 2


def test_scan_needs_one_selection(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="choose one"):
        call_command("scan")
    with pytest.raises(CommandError, match="choose one"):
        call_command("scan", "--all", "--batch", "3")
