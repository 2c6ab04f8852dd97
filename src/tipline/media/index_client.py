"""The client of the shared PDQ index service (`tipline pdq-index serve`): one batch query,
sent to every shard at once, the answers merged. What it returns is what the in-process index
returns; the matcher checks every candidate against the database either way."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from tipline.core.errors import TiplineError

TIMEOUT_SECONDS = 60.0


class IndexUnavailable(TiplineError):
    """An index shard did not answer: the scan fails (and is retried) rather than miss
    matches."""


class RemoteIndex:
    def __init__(self, urls: Sequence[str]) -> None:
        if not urls:
            raise ValueError("name at least one index service")
        self.urls = [u.rstrip("/") for u in urls]
        self._pool = ThreadPoolExecutor(max_workers=len(self.urls),
                                        thread_name_prefix="pdq-index")

    def candidates(self, hashes: Sequence[str], distance: int) -> list[list[tuple[int, int]]]:
        """For each hash: [(entry id, distance)] within `distance`, from every shard."""
        if not hashes:
            return []
        body = json.dumps({"hashes": list(hashes), "distance": distance}).encode()
        answers = list(self._pool.map(lambda url: self._ask(url, body), self.urls))
        merged: list[list[tuple[int, int]]] = [[] for _ in hashes]
        for answer in answers:
            for found, more in zip(merged, answer, strict=True):
                found.extend((int(entry), int(d)) for entry, d in more)
        return merged

    def _ask(self, url: str, body: bytes) -> list[list[list[int]]]:
        request = urllib.request.Request(  # noqa: S310 - the operator's own service URL
            f"{url}/search", data=body, method="POST",
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                results: list[list[list[int]]] = json.loads(response.read())["results"]
        except (OSError, ValueError, KeyError) as exc:
            raise IndexUnavailable(f"the PDQ index at {url} did not answer: {exc}") from exc
        return results
