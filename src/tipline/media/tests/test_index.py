"""The PDQ index finds exactly what a brute-force scan finds: every hash within the distance,
once, with its distance, whether it sits in the word tables or is still pending."""

from __future__ import annotations

import numpy as np
import pytest

from tipline.media import index as index_module
from tipline.media.index import PdqIndex, pdq_matrix


def brute(bank: np.ndarray, ids: np.ndarray, queries: np.ndarray, distance: int
          ) -> list[set[tuple[int, int]]]:
    bits = np.unpackbits(bank, axis=1).astype(np.int16)
    out = []
    for q in np.unpackbits(queries, axis=1).astype(np.int16):
        d = np.abs(bits - q).sum(axis=1)
        out.append({(int(ids[i]), int(d[i])) for i in np.nonzero(d <= distance)[0]})
    return out


def planted(bank: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    rows = rng.choice(len(bank), size=count, replace=False)
    bits = np.unpackbits(bank[rows], axis=1)
    for i in range(count):
        bits[i, rng.choice(256, size=i % 40, replace=False)] ^= 1
    return np.packbits(bits, axis=1)


def answers(index: PdqIndex, queries: np.ndarray, distance: int) -> list[set[tuple[int, int]]]:
    lims, dist, ids = index.search(queries, distance)
    return [set(zip(ids[lims[i]: lims[i + 1]].tolist(), dist[lims[i]: lims[i + 1]].tolist(),
                    strict=True)) for i in range(len(queries))]


@pytest.mark.parametrize("distance", [0, 8, 31, 40])
def test_index_matches_brute_force(distance: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "QUERY_BLOCK", 37)  # several blocks
    rng = np.random.default_rng(distance)
    bank = rng.integers(0, 256, size=(3000, 32), dtype=np.uint8)
    # near-duplicates inside the bank too, so some queries have several answers
    bank[1000:1100] = planted(bank[:1000], rng, 100)
    ids = np.arange(10_000, 13_000)
    queries = np.concatenate([planted(bank, rng, 200),
                              rng.integers(0, 256, size=(20, 32), dtype=np.uint8)])
    index = PdqIndex()
    index.add(ids[:2000], bank[:2000])
    index.flush()
    index.add(ids[2000:], bank[2000:])  # still pending: found by the brute-force block
    assert len(index) == 3000
    expected = brute(bank, ids, queries, distance)
    assert answers(index, queries, distance) == expected
    found = sum(map(len, expected))  # the test has something to find
    assert found >= (len(queries) // 2 if distance >= 31 else distance + 1)


def test_pending_hashes_are_folded_in_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "MERGE_AT", 10)
    rng = np.random.default_rng(1)
    bank = rng.integers(0, 256, size=(50, 32), dtype=np.uint8)
    index = PdqIndex()
    index.add(range(50), bank)
    assert answers(index, bank[:3], 0) == [{(0, 0)}, {(1, 0)}, {(2, 0)}]
    assert index.id_at(49) == 49


def test_empty_index_and_hex_rows() -> None:
    index = PdqIndex()
    lims, dist, ids = index.search(pdq_matrix(["00" * 32]), 31)
    assert lims.tolist() == [0, 0] and len(dist) == len(ids) == 0
    assert pdq_matrix(["ff" * 32]).shape == (1, 32)


@pytest.mark.parametrize("bits", [8, 16, 23])
def test_every_word_width_finds_what_brute_force_finds(bits: int) -> None:
    # the width follows the bank's size (23 bits from about a million hashes): each width,
    # forced on a small bank, still finds every hash within 31 and nothing else
    rng = np.random.default_rng(bits)
    bank = rng.integers(0, 256, size=(2000, 32), dtype=np.uint8)
    bank[1000:1200] = planted(bank[:1000], rng, 200)
    ids = np.arange(2000)
    queries = planted(bank, rng, 300)
    index = PdqIndex(bits=bits)
    index.add(ids, bank)
    index.flush()
    expected = brute(bank, ids, queries, 31)
    assert answers(index, queries, 31) == expected
    assert sum(map(len, expected)) >= 250


def test_words_are_disjoint_bit_ranges_after_the_leading_bits() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 256, size=(50, 32), dtype=np.uint8)
    for bits in (8, 16, 21, 23):
        words = index_module._words(index_module._as64(codes), index_module.WORDS, bits)
        skip = 256 - index_module.WORDS * bits
        for row, hash_bits in zip(words, np.unpackbits(codes, axis=1), strict=True):
            text = "".join(map(str, hash_bits))  # the hash's bits in hex order
            assert [int(text[skip + w * bits: skip + (w + 1) * bits], 2)
                    for w in range(index_module.WORDS)] == row.tolist()


def test_word_width_follows_the_bank() -> None:
    assert index_module.word_bits(0) == index_module.MIN_WORD_BITS
    assert index_module.word_bits(3000) == 14
    assert index_module.word_bits(1_000_000) == 22
    assert index_module.word_bits(2_000_000) == index_module.word_bits(10**9) == 23
    index = PdqIndex()
    rng = np.random.default_rng(4)
    index.add(range(3000), rng.integers(0, 256, size=(3000, 32), dtype=np.uint8))
    index.flush()
    assert index._bits == 14
    assert index.memory_bytes() > 3000 * (32 + 8 + index_module.WORDS * 4)


def test_widest_distance_on_the_widest_words() -> None:
    # a bank may match at up to 64 bits: 5 flips of 23-bit words are 44,552 keys a word, so
    # the queries go in small blocks; still exactly what brute force finds
    rng = np.random.default_rng(64)
    bank = rng.integers(0, 256, size=(500, 32), dtype=np.uint8)
    queries = np.concatenate([planted(bank, rng, 40)[::4], planted(bank, rng, 80)[60:70]])
    index = PdqIndex(bits=23)
    index.add(range(500), bank)
    index.flush()
    expected = brute(bank, np.arange(500), queries, 64)
    assert answers(index, queries, 64) == expected
    assert sum(map(len, expected)) >= 15
