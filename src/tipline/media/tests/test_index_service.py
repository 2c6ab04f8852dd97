"""The shared PDQ index service over real HTTP on loopback: it answers as the in-process index
does, whole or in shards that a client fans out to, catches up with new bank entries, refuses
bad searches, and a scan pointed at it finds the same matches."""

from __future__ import annotations

import json
import random
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import ImageFilter

from tipline.media.banks import ParsedEntry
from tipline.media.hashing import pdq_bytes
from tipline.media.index_client import IndexUnavailable, RemoteIndex
from tipline.media.index_service import IndexServer, shard_prefixes
from tipline.media.matching import BankIndex
from tipline.media.models import HashBank, Match
from tipline.media.services import bank_create, bank_entries_add, files_scan
from tipline.media.tests.media_helpers import encode, pattern, report_file

pytestmark = pytest.mark.django_db(transaction=True)  # the server's threads read the rows


def _random_hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def _near(hex_hash: str, rng: random.Random, flips: int) -> str:
    value = int(hex_hash, 16)
    for bit in rng.sample(range(256), flips):
        value ^= 1 << bit
    return f"{value:064x}"


@pytest.fixture
def bank(db: Any) -> HashBank:
    return bank_create(actor=None, name="known")


def _add(bank: HashBank, hashes: list[str]) -> None:
    bank_entries_add(actor=None, bank=bank, entries=[ParsedEntry(pdq=h) for h in hashes])


@pytest.fixture
def serve() -> Iterator[Callable[[str], str]]:
    """Start index shards on free loopback ports; returns their URL."""
    servers: list[IndexServer] = []

    def start(shard: str = "0/1") -> str:
        server = IndexServer(("127.0.0.1", 0), shard=shard)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _sorted(found: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    return [sorted(hits) for hits in found]


def test_the_service_and_its_shards_answer_as_the_in_process_index(
        bank: HashBank, serve: Callable[[str], str]) -> None:
    rng = random.Random(3)
    stored = [_random_hash(rng) for _ in range(300)]
    _add(bank, stored)
    queries = [_near(h, rng, rng.randrange(0, 40)) for h in stored[:60]]
    queries += [_random_hash(rng) for _ in range(20)]
    expected = _sorted(BankIndex().candidates(queries, 31))
    assert sum(map(len, expected)) >= 40  # the near copies within 31 are found
    whole = RemoteIndex([serve("0/1")])
    shards = RemoteIndex([serve("0/3"), serve("1/3"), serve("2/3")])
    assert _sorted(whole.candidates(queries, 31)) == expected
    assert _sorted(shards.candidates(queries, 31)) == expected


def test_a_new_entry_is_found_at_the_next_search(bank: HashBank,
                                                 serve: Callable[[str], str]) -> None:
    rng = random.Random(4)
    _add(bank, [_random_hash(rng) for _ in range(10)])
    remote = RemoteIndex([serve("0/1")])
    fresh = _random_hash(rng)
    assert remote.candidates([fresh], 0) == [[]]
    _add(bank, [fresh])
    [[(entry, distance)]] = remote.candidates([fresh], 0)
    assert distance == 0 and bank.entries.get(pk=entry).pdq == fresh


def test_bad_searches_are_refused_with_a_reason(bank: HashBank,
                                                serve: Callable[[str], str]) -> None:
    url = serve("0/1")
    for body, reason in ((b"not json", "bad search"),
                         (json.dumps({"hashes": ["abc"], "distance": 3}).encode(), "PDQ hex"),
                         (json.dumps({"hashes": ["0" * 64], "distance": 99}).encode(),
                          "distance 0-64")):
        request = urllib.request.Request(f"{url}/search", data=body,  # noqa: S310 - loopback
                                         method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback test server
        assert refused.value.code == 400
        assert reason in json.loads(refused.value.read())["error"]
    with urllib.request.urlopen(f"{url}/health", timeout=10) as answer:  # noqa: S310
        assert json.loads(answer.read()) == {"entries": 0, "shard": "0/1",
                                             "prefixes": "0123456789abcdef"}


def test_a_shard_that_does_not_answer_fails_the_search() -> None:
    with pytest.raises(IndexUnavailable, match="did not answer"):
        RemoteIndex(["http://127.0.0.1:9"]).candidates(["0" * 64], 31)


def test_shards_split_the_sixteen_first_digits() -> None:
    assert [shard_prefixes(f"{k}/3") for k in range(3)] == ["01234", "56789", "abcdef"]
    assert shard_prefixes("0/1") == "0123456789abcdef"
    with pytest.raises(ValueError, match="K/N"):
        shard_prefixes("half")
    with pytest.raises(ValueError, match="N is 1 to 16"):
        shard_prefixes("3/3")


def test_a_scan_pointed_at_the_service_finds_the_match(
        make_report: Any, bank: HashBank, serve: Callable[[str], str], settings: Any) -> None:
    original = pattern(11)
    _add(bank, [pdq_bytes(encode(original)).hash])
    settings.PDQ_INDEX_URL = ",".join([serve("0/2"), serve("1/2")])
    f = report_file(make_report(), encode(original.filter(ImageFilter.GaussianBlur(1))))
    files_scan(actor=None, file_ids=[f.pk])
    assert Match.objects.get(file=f).how == "pdq"
