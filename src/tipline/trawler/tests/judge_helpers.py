"""Helpers of the judge's tests: frontier rows, generated benign media fetched "from" them,
test banks, small City and ASN databases written with mmdb-writer. Generated images only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet
from PIL import Image, ImageDraw

from tipline.core.fields import index_of
from tipline.media.banks import ParsedEntry
from tipline.media.content import file_hashes
from tipline.media.hashing import pdq_bytes
from tipline.media.models import HashBank
from tipline.media.services import bank_create, bank_entries_add
from tipline.media.tests.media_helpers import pattern
from tipline.trawler.models import Host, Source, Url
from tipline.trawler.types import Fetched, FetchedMedia

#: a Mumbai address in the test City database (`city_db`), announced by AS64500
MUMBAI_IP = "49.36.10.20"
PUNE_IP = "1.39.5.3"
ABROAD_IP = "8.8.4.4"


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    """Each test starts with an empty in-memory PDQ index (the database is fresh too)."""
    from tipline.media.matching import bank_index

    bank_index().reset()
    yield
    bank_index().reset()


def picture(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A textured benign image of waves, shapes and a line of text, different per seed (the
    media tests' `pattern`, captioned)."""
    img = pattern(seed, size)
    draw = ImageDraw.Draw(img)
    draw.text((8, 8), f"benign {seed}", fill=(255, 255, 255))
    return img


def encode(img: Image.Image, fmt: str = "JPEG", **kwargs: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def host(name: str = "img.example.in") -> Host:
    return Host.objects.get_or_create(name=name)[0]


def frontier_url(url: str, *, kind: str = Url.Kind.MEDIA) -> Url:
    """The frontier's row of `url` (made on first use), under one manual source."""
    found = Url.objects.filter(url_index=index_of(url, purpose="trawl.url")).first()
    if found is not None:
        return found
    now = datetime.now(UTC)
    source = Source.objects.first() or Source.objects.create(
        kind=Source.Kind.MANUAL, url="http://img.example.in/", created_at=now)
    name = url.split("/")[2]
    return Url.objects.create(url=url, host=host(name), source=source, due_at=now, kind=kind)


def fetched_media(url: str, data: bytes, *, page_url: str = "", ip: str = MUMBAI_IP,
                  status: int = 200, headers: dict[str, str] | None = None) -> FetchedMedia:
    """`data` as the crawler hands it to the judge: fetched from `url`, linked from
    `page_url`, hashed with the media app's `file_hashes`."""
    row = frontier_url(url)
    page = frontier_url(page_url, kind=Url.Kind.PAGE) if page_url else None
    fetched = Fetched(url=url, final_url=url, fetched_at=datetime.now(UTC), status=status,
                      headers=headers or {"content-type": "image/jpeg",
                                          "server": "test-site"},
                      content=data, content_type="image/jpeg", ip=ip)
    return FetchedMedia(url_id=row.pk, page_id=page.pk if page else None, page_url=page_url,
                        fetched=fetched, hashes=file_hashes(data))


def bank(name: str = "known", **kwargs: Any) -> HashBank:
    return bank_create(actor=None, name=name, **kwargs)


def bank_add(target: HashBank, data: bytes, *, exact: bool = True, pdq: bool = True) -> None:
    """Put `data`'s SHA-256 and/or PDQ in the bank."""
    h = file_hashes(data)
    bank_entries_add(actor=None, bank=target, entries=[ParsedEntry(
        sha256=h.sha256 if exact else "", md5=h.md5 if exact else "",
        pdq=pdq_bytes(data).hash if pdq else "", category="1")])


def _place(city: str, sub: tuple[str, str], lat: float, lon: float) -> dict[str, Any]:
    return {"country": {"iso_code": "IN", "names": {"en": "India"}},
            "subdivisions": [{"iso_code": sub[0], "names": {"en": sub[1]}}],
            "city": {"names": {"en": city}},
            "location": {"latitude": lat, "longitude": lon, "accuracy_radius": 20}}


def city_db(path: Path) -> Path:
    """A small City database: Mumbai's and Pune's test networks, and one abroad."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City",
                        languages=["en"], description="Tipline trawler test City database")
    writer.insert_network(IPSet(["49.36.0.0/16"]),
                          _place("Mumbai", ("MH", "Maharashtra"), 18.975, 72.8258))
    writer.insert_network(IPSet(["1.39.5.0/28"]),
                          _place("Pune", ("MH", "Maharashtra"), 18.52, 73.85))
    writer.insert_network(IPSet(["8.8.0.0/16"]), {
        "country": {"iso_code": "US", "names": {"en": "United States"}},
        "location": {"latitude": 37.386, "longitude": -122.0838, "accuracy_radius": 100}})
    writer.to_db_file(str(path))
    return path


def asn_db(path: Path) -> Path:
    """A small GeoLite2-ASN database: the Indian test networks and the one abroad."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-ASN",
                        languages=["en"], description="Tipline trawler test ASN database")
    writer.insert_network(IPSet(["49.36.0.0/16"]), {
        "autonomous_system_number": 64500,
        "autonomous_system_organization": "Example Hosting India Pvt Ltd"})
    writer.insert_network(IPSet(["1.39.5.0/24"]), {
        "autonomous_system_number": 64501, "autonomous_system_organization": "Pune Cloud"})
    writer.insert_network(IPSet(["8.8.0.0/16"]), {
        "autonomous_system_number": 64502, "autonomous_system_organization": "Abroad Net"})
    writer.to_db_file(str(path))
    return path


def candidate_finding(seed: int = 1, *, score: float = 0.8, url: str = "",
                      data: bytes | None = None) -> Any:
    """A classifier candidate as the judge leaves one, written directly (for page tests):
    a generated image's (or `data`'s) MediaSeen row, its encrypted copy and the finding."""
    from tipline.core.blobs import blob_put_bytes
    from tipline.trawler.models import Finding, MediaSeen

    data = data if data is not None else encode(picture(seed))
    item = fetched_media(url or f"http://img.example.in/c/{seed}.jpg", data,
                         page_url="http://img.example.in/c/index.html")
    h = item.hashes
    seen = MediaSeen.objects.create(
        url_id=item.url_id, page_id=item.page_id, fetched_at=item.fetched.fetched_at,
        size=h.size, media=h.media, md5=h.md5, sha1=h.sha1, sha256=h.sha256,
        pdq=h.pdq[0].hash, outcome=MediaSeen.Outcome.CANDIDATE)
    blob_put_bytes(data)
    return Finding.objects.create(
        seen=seen, host=host(), kind=Finding.Kind.CLASSIFIER, state=Finding.State.CANDIDATE,
        page_url=item.page_url, media_url=item.fetched.url, fetched_at=item.fetched.fetched_at,
        http_status=200, http_headers=dict(item.fetched.headers), ip=MUMBAI_IP,
        sha256=h.sha256, blob=h.sha256, score=score)
