"""An in-memory PDQ index: multi-index hashing, searched a whole batch of queries at once.

The 256 bits are cut into 11 words of b bits, b chosen from the bank's size when the tables
are built (about log2(n) + 2, at most 23: 11 x 23 = 253; the leading bits left out are the
first hex digit, which a shard of the index service holds fixed). Two hashes within distance
d differ in at most d // 11 bits of at least one word (pigeonhole), so looking up each query
word and its variants with up to d // 11 bits flipped in that word's table finds every hash
within d (d = 31: the word itself, its b one-bit and b(b-1)/2 two-bit neighbours, 277 keys
per word at b = 23). Candidates are then checked at full length with a vectorised popcount
and kept when within d. With words of about log2(n) bits a bucket holds about one hash, so
a query reads about 3,000 keys and 3,600 candidates at 10 million hashes where 16 words of
16 bits read 272 keys but 41,000 candidates.

Each word's table is a sorted array of positions with offsets by word value (CSR) and a
bitmap of the word values that have a bucket (1 MB at 23 bits): most keys hit an empty
bucket and cost one cached bit read, the rest two offset reads. Every step runs in numpy
over the whole batch (no per-query Python, no hash maps); row gathers use np.take, several
times faster than fancy indexing on large arrays.
Memory: per hash 32 bytes of code, 11 x 4-byte positions and an 8-byte id (84 bytes), plus
11 x 2^b x 4 bytes of offsets (352 MB at b = 23, from about 2 million hashes).

Hashes are added incrementally: new ones wait in a small pending block that every search
also checks by brute force, and are folded into the tables once it grows past
`MERGE_AT` (or on the next search after a bulk add), so a new hash matches at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import combinations

import numpy as np

BITS = 256
#: pending hashes beyond this are folded into the tables before the next search
MERGE_AT = 4096
#: queries searched together (bounds the temporary candidate arrays to a few tens of MB)
QUERY_BLOCK = 1024
#: ... and fewer when a wide distance makes many keys a query (up to 64: 44,552 a word)
KEYS_PER_BLOCK = 1 << 18
#: words per hash: 31 // 11 = 2, so a query's word and its variants with up to 2 bits
#: flipped find every hash within the PDQ match threshold
WORDS = 11
#: the widest word: 11 x 23 = 253 bits; a table's offsets take 2^23 x 4 bytes
MAX_WORD_BITS = 23
MIN_WORD_BITS = 8


def word_bits(n: int) -> int:
    """Word width for a bank of n hashes: about log2(n) + 2, so buckets hold at most a
    quarter of a hash on average (most lookups find nothing), up to 23 bits from 2 million
    hashes on (a bucket then holds n / 2^23: 1.2 at 10 million)."""
    return max(MIN_WORD_BITS, min(MAX_WORD_BITS, int(n).bit_length() + 2))


def pdq_matrix(hashes: Sequence[str]) -> np.ndarray:
    """Hex PDQ hashes as an (n, 32) uint8 array."""
    if not hashes:
        return np.zeros((0, BITS // 8), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(hashes)), dtype=np.uint8).reshape(-1, BITS // 8)


def _as64(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.uint8).view(np.uint64).reshape(-1, 4)


def _words(codes: np.ndarray, words: int, bits: int) -> np.ndarray:
    """(n, words) uint32: word w is bits [skip + w*bits, skip + (w+1)*bits) of the hash read
    as one 256-bit number in hex order, where skip = 256 - words*bits leaves out the leading
    bits (the first hex digit, which a shard of the index service holds fixed)."""
    # big-endian limbs: bit 0 is the first hex digit's top bit
    limbs = np.ascontiguousarray(codes).view(np.uint8).view(">u8").astype(np.uint64)
    out = np.empty((len(codes), words), dtype=np.uint32)
    skip = BITS - words * bits
    mask = np.uint64((1 << bits) - 1)
    for w in range(words):
        first = skip + w * bits
        last = first + bits  # exclusive
        limb, end_limb = first // 64, (last - 1) // 64
        if limb == end_limb:
            value = limbs[:, limb] >> np.uint64(64 * (limb + 1) - last)
        else:  # across two limbs
            low_bits = last - 64 * end_limb
            value = (limbs[:, limb] << np.uint64(low_bits)) | (
                limbs[:, end_limb] >> np.uint64(64 - low_bits))
        out[:, w] = value & mask
    return out


@cache
def _flip_masks(flips: int, bits: int) -> np.ndarray:
    """Every mask of up to `flips` of a word's `bits` bits (277 for 2 of 23)."""
    masks = [0]
    for k in range(1, flips + 1):
        masks += [sum(1 << b for b in chosen) for chosen in combinations(range(bits), k)]
    out = np.array(masks, dtype=np.uint32)
    out.flags.writeable = False
    return out


class PdqIndex:
    """PDQ hashes with int64 ids; `search` returns every hash within a distance."""

    def __init__(self, *, bits: int | None = None) -> None:
        """`bits` fixes the word width (tests); by default it follows the bank's size."""
        self._fixed_bits = bits
        self._bits = bits or MIN_WORD_BITS
        self._codes = np.zeros((0, 4), dtype=np.uint64)  # indexed hashes, as 4 x 64 bits
        self._ids = np.zeros(0, dtype=np.int64)
        #: per word: offsets by word value (CSR), positions in bucket order, and a bitmap
        #: of the word values that have a bucket
        self._tables: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._pending_codes: list[np.ndarray] = []
        self._pending_ids: list[np.ndarray] = []
        self._pending = 0

    def __len__(self) -> int:
        return len(self._ids) + self._pending

    @property
    def size(self) -> int:
        return len(self)

    def add(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        if len(vectors) == 0:
            return
        self._pending_codes.append(_as64(vectors).copy())
        self._pending_ids.append(np.asarray(ids, dtype=np.int64).copy())
        self._pending += len(vectors)

    def flush(self) -> None:
        """Fold every pending hash into the tables now (after a bulk load)."""
        if self._pending:
            self._merge()

    def _merge(self) -> None:
        """Fold the pending hashes into the word tables (a rebuild: O(n log n)); the word
        width is chosen here, from the bank's new size."""
        self._codes = np.concatenate([self._codes, *self._pending_codes])
        self._ids = np.concatenate([self._ids, *self._pending_ids])
        self._pending_codes, self._pending_ids, self._pending = [], [], 0
        n = len(self._codes)
        self._bits = self._fixed_bits or word_bits(n)
        index_type = np.int32 if n < 2**31 else np.int64
        words = _words(self._codes, WORDS, self._bits)
        self._tables = []
        for w in range(WORDS):
            column = words[:, w]
            positions = np.argsort(column).astype(index_type)
            counts = np.bincount(column, minlength=1 << self._bits)
            filled = np.packbits(counts > 0, bitorder="little")
            offsets = np.zeros((1 << self._bits) + 1, dtype=index_type)
            np.cumsum(counts, out=offsets[1:])
            self._tables.append((offsets, positions, filled))

    def search(self, vectors: np.ndarray, distance: int) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
        """For each query row: (lims, distances, ids); query i's hits are
        distances[lims[i]:lims[i+1]] and ids[lims[i]:lims[i+1]], all <= `distance`."""
        n = len(vectors)
        if n == 0 or len(self) == 0:
            return np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.int32), np.zeros(0, np.int64)
        if self._pending > MERGE_AT or (self._pending and not len(self._ids)):
            self._merge()
        queries = _as64(vectors)
        masks = _flip_masks(distance // WORDS, self._bits)
        step = max(1, min(QUERY_BLOCK, KEYS_PER_BLOCK // len(masks)))
        hits_q, hits_pos, hits_d = [], [], []
        for start in range(0, n, step):
            block = queries[start: start + step]
            q, pos, d = self._search_tables(block, masks, distance)
            hits_q.append(q + start)
            hits_pos.append(pos)
            hits_d.append(d)
        q = np.concatenate(hits_q)
        ids = self._ids[np.concatenate(hits_pos)]
        d = np.concatenate(hits_d)
        if self._pending:  # not yet in the tables: checked one by one, in numpy
            pq, pids, pd = self._search_pending(queries, distance)
            q, ids, d = np.concatenate([q, pq]), np.concatenate([ids, pids]), np.concatenate(
                [d, pd])
        order = np.argsort(q, kind="stable")
        q, ids, d = q[order], ids[order], d[order]
        lims = np.searchsorted(q, np.arange(n + 1)).astype(np.int64)
        return lims, d.astype(np.int32), ids

    def _search_tables(self, queries: np.ndarray, masks: np.ndarray, distance: int
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query row, position, distance) of every indexed hash within `distance`, once;
        `masks` are the variants of a word to look up (every flip of up to distance // WORDS
        of its bits)."""
        if not len(self._ids):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.int64)
        words = _words(queries, WORDS, self._bits)  # (queries, WORDS)
        found_q, found_pos, found_d = [], [], []
        for w, (offsets, positions, filled) in enumerate(self._tables):
            keys = (words[:, w][:, None] ^ masks[None, :]).ravel()
            # most buckets hold nothing: a bitmap (1 MB for 23-bit words) says which do
            hit = np.flatnonzero((filled[keys >> 3] >> (keys & 7).astype(np.uint8)) & 1)
            if not len(hit):
                continue
            keys = keys[hit]
            starts = np.take(offsets, keys)
            lengths = np.take(offsets, keys + 1) - starts
            total = int(lengths.sum())
            # concatenate the ranges [start, end) of every bucket that holds something
            first = np.cumsum(lengths) - lengths
            gather = np.arange(total, dtype=np.int64) + np.repeat(starts - first, lengths)
            qrow = np.repeat(hit // len(masks), lengths)
            pos = np.take(positions, gather)
            # np.take, not [], for rows: several times faster on a large array
            diff = np.bitwise_count(np.take(self._codes, pos, axis=0)
                                    ^ np.take(queries, qrow, axis=0))
            d = diff[:, 0].astype(np.int64) + diff[:, 1] + diff[:, 2] + diff[:, 3]
            keep = d <= distance
            found_q.append(qrow[keep])
            found_pos.append(pos[keep])
            found_d.append(d[keep])
        if not found_q:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        q = np.concatenate(found_q).astype(np.int64)
        pos = np.concatenate(found_pos).astype(np.int64)
        d = np.concatenate(found_d)
        # a hash close in several words is found several times: keep it once
        _, first_seen = np.unique(q * len(self._ids) + pos, return_index=True)
        return q[first_seen], pos[first_seen], d[first_seen]

    def _search_pending(self, queries: np.ndarray, distance: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        codes = np.concatenate(self._pending_codes)
        ids = np.concatenate(self._pending_ids)
        step = max(1, (1 << 22) // max(1, len(codes)))  # about 128 MB of temporaries at most
        out_q, out_ids, out_d = [], [], []
        for start in range(0, len(queries), step):
            block = queries[start: start + step]
            d = np.bitwise_count(block[:, None, :] ^ codes[None, :, :]).sum(axis=2,
                                                                            dtype=np.int64)
            q, p = np.nonzero(d <= distance)
            out_q.append(q.astype(np.int64) + start)
            out_ids.append(ids[p])
            out_d.append(d[q, p])
        return np.concatenate(out_q), np.concatenate(out_ids), np.concatenate(out_d)

    def id_at(self, position: int) -> int:
        if self._pending:
            self._merge()
        return int(self._ids[position])

    def memory_bytes(self) -> int:
        """What the index holds: the codes, the word tables, the id map and the pending."""
        tables = sum(sum(a.nbytes for a in table) for table in self._tables)
        return self._codes.nbytes + self._ids.nbytes + tables + self._pending * (BITS // 8 + 8)
