"""An in-memory PDQ index: multi-index hashing over a faiss binary index.

The 256 bits are cut into 16 words of 16 bits (faiss IndexBinaryMultiHash). Two hashes within
distance d differ by at most d // 16 bits in at least one word (pigeonhole), so probing each
word's bucket and its neighbours at d // 16 flips finds every hash within d; candidates are
then checked at full length. Hashes are added incrementally; positions map to caller ids.
"""

from __future__ import annotations

from collections.abc import Sequence

import faiss
import numpy as np

BITS = 256
WORDS = 16


def pdq_matrix(hashes: Sequence[str]) -> np.ndarray:
    """Hex PDQ hashes as an (n, 32) uint8 array."""
    if not hashes:
        return np.zeros((0, BITS // 8), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(hashes)), dtype=np.uint8).reshape(-1, BITS // 8)


class PdqIndex:
    """PDQ hashes with int64 ids; `search` returns every hash within a distance."""

    def __init__(self) -> None:
        self.index = faiss.IndexBinaryMultiHash(BITS, WORDS, BITS // WORDS)
        self._ids = np.zeros(1024, dtype=np.int64)
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def add(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        n = len(vectors)
        if n == 0:
            return
        need = self.size + n
        if need > len(self._ids):
            grown = np.zeros(max(need, 2 * len(self._ids)), dtype=np.int64)
            grown[: self.size] = self._ids[: self.size]
            self._ids = grown
        self._ids[self.size: need] = np.asarray(ids, dtype=np.int64)
        self.index.add(np.ascontiguousarray(vectors, dtype=np.uint8))
        self.size = need

    def search(self, vectors: np.ndarray, distance: int) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
        """For each query row: (lims, distances, ids) as faiss gives them; query i's hits are
        distances[lims[i]:lims[i+1]] and ids[lims[i]:lims[i+1]], all <= `distance`."""
        n = len(vectors)
        if n == 0 or self.size == 0:
            return np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.int32), np.zeros(0, np.int64)
        self.index.nflip = distance // WORDS
        lims, dist, pos = self.index.range_search(
            np.ascontiguousarray(vectors, dtype=np.uint8), distance + 1)
        return lims, dist, self._ids[pos]

    def id_at(self, position: int) -> int:
        return int(self._ids[position])

    def memory_bytes(self) -> int:
        """Roughly what the index holds: the codes, the 16 hash tables' ids, our id map."""
        return self.size * (BITS // 8 + WORDS * 8 + 8)
