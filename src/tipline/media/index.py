"""An in-memory PDQ index: multi-index hashing, searched a whole batch of queries at once.

The 256 bits are cut into 16 words of 16 bits. Two hashes within distance d differ in at
most d // 16 bits of at least one word (pigeonhole), so looking up each query word and its
variants with up to d // 16 bits flipped in that word's table finds every hash within d
(d <= 31: the word itself and its 16 one-bit neighbours). Candidates are then checked at
full length with a vectorised popcount and kept when within d.

Each word's table is a sorted array of positions with offsets by word value (CSR), so a
lookup is two array reads and every step runs in numpy over the whole batch (no per-query
Python, no hash maps). Each table also keeps the first 128 bits of its hashes in bucket
order, so a bucket's candidates are read in one sweep and strangers (a random hash is within
31 of a query on 128 bits about once in 10^8) are dropped before the scattered full check.
Memory: per hash 32 bytes of code, 16 x (4-byte position + 16-byte half) and an 8-byte id.

Hashes are added incrementally: new ones wait in a small pending block that every search
also checks by brute force, and are folded into the tables once it grows past
`MERGE_AT` (or on the next search after a bulk add), so a new hash matches at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

BITS = 256
WORDS = 16
WORD_VALUES = 1 << (BITS // WORDS)
#: pending hashes beyond this are folded into the tables before the next search
MERGE_AT = 4096
#: queries searched together (bounds the temporary candidate arrays to a few tens of MB)
QUERY_BLOCK = 1024


def pdq_matrix(hashes: Sequence[str]) -> np.ndarray:
    """Hex PDQ hashes as an (n, 32) uint8 array."""
    if not hashes:
        return np.zeros((0, BITS // 8), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(hashes)), dtype=np.uint8).reshape(-1, BITS // 8)


def _as64(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.uint8).view(np.uint64).reshape(-1, 4)


def _flip_masks(flips: int) -> np.ndarray:
    masks = [0]
    for k in range(1, flips + 1):
        masks += [sum(1 << b for b in bits) for bits in combinations(range(BITS // WORDS), k)]
    return np.array(masks, dtype=np.uint16)


class PdqIndex:
    """PDQ hashes with int64 ids; `search` returns every hash within a distance."""

    def __init__(self) -> None:
        self._codes = np.zeros((0, 4), dtype=np.uint64)  # indexed hashes, as 4 x 64 bits
        self._ids = np.zeros(0, dtype=np.int64)
        #: per word: offsets by word value, positions in bucket order, and the first 128 bits
        #: of each hash in that order
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
        """Fold the pending hashes into the word tables (a rebuild: O(n log n))."""
        self._codes = np.concatenate([self._codes, *self._pending_codes])
        self._ids = np.concatenate([self._ids, *self._pending_ids])
        self._pending_codes, self._pending_ids, self._pending = [], [], 0
        words = self._codes.view(np.uint16)  # (n, 16)
        self._tables = []
        for w in range(WORDS):
            column = words[:, w]
            positions = np.argsort(column, kind="stable").astype(np.int32)
            offsets = np.zeros(WORD_VALUES + 1, dtype=np.int64)
            np.cumsum(np.bincount(column, minlength=WORD_VALUES), out=offsets[1:])
            # half of each hash, in bucket order: a bucket's candidates are read in one
            # sweep and nearly all strangers are dropped before any scattered read
            halves = np.ascontiguousarray(self._codes[positions, :2])
            self._tables.append((offsets, positions, halves))

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
        hits_q, hits_pos, hits_d = [], [], []
        for start in range(0, n, QUERY_BLOCK):
            block = queries[start: start + QUERY_BLOCK]
            q, pos, d = self._search_tables(block, distance)
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

    def _search_tables(self, queries: np.ndarray, distance: int
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query row, position, distance) of every indexed hash within `distance`, once."""
        if not len(self._ids):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.int64)
        masks = _flip_masks(distance // WORDS)
        words = queries.view(np.uint16)  # (m, 16)
        m = len(queries)
        found_q, found_pos, found_d = [], [], []
        for w, (offsets, positions, halves) in enumerate(self._tables):
            keys = (words[:, w][:, None] ^ masks[None, :]).ravel().astype(np.int64)
            starts, ends = offsets[keys], offsets[keys + 1]
            lengths = ends - starts
            total = int(lengths.sum())
            if total == 0:
                continue
            # concatenate the ranges [start, end) of every looked-up bucket
            first = np.cumsum(lengths) - lengths
            gather = np.arange(total, dtype=np.int64) + np.repeat(starts - first, lengths)
            qrow = np.repeat(np.repeat(np.arange(m), len(masks)), lengths)
            # within `distance` overall means within it on the first half too
            half = np.bitwise_count(halves[gather] ^ queries[qrow, :2]).sum(axis=1,
                                                                           dtype=np.int64)
            near = half <= distance
            pos, qrow = positions[gather[near]], qrow[near]
            d = np.bitwise_count(self._codes[pos] ^ queries[qrow]).sum(axis=1, dtype=np.int64)
            keep = d <= distance
            found_q.append(qrow[keep])
            found_pos.append(pos[keep])
            found_d.append(d[keep])
        if not found_q:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        q = np.concatenate(found_q)
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
        """Roughly what the index holds: the codes, the 16 word tables, the id map."""
        return len(self) * (BITS // 8 + WORDS * (4 + 16) + 8) + WORDS * (WORD_VALUES + 1) * 8
