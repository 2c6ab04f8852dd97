"""The shared PDQ index service: one process loads the banks' PDQ hashes once and answers
batch queries over HTTP, so workers on many machines need no index of their own
(`tipline pdq-index serve`; workers point TIPLINE_PDQ_INDEX_URL at it).

    POST /search  {"hashes": [hex, ...], "distance": d}
                  ->  {"results": [[[entry id, distance], ...] per hash]}
    GET  /health  ->  {"entries": n, "shard": "0/1", "prefixes": "0123456789abcdef"}

Before each search it catches up with the bank entries added since the last one, so a new
hash is found at once; when the database went another way (a restore, deletions) it rebuilds
while the lock holds the queries back, so no query is ever answered from a half-built index.
A shard (`--shard K/N`) holds the hashes whose first hex digit falls in its share of the
sixteen; a client asks every shard and merges (media/index_client.py).
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.db import close_old_connections

from tipline.media.index import BITS
from tipline.media.matching import BankIndex

HEX = "0123456789abcdef"
MAX_QUERIES = 100_000
MAX_BODY = 80 * MAX_QUERIES


def shard_prefixes(shard: str) -> str:
    """The first hex digits shard "K/N" holds (K counted from 0)."""
    try:
        k, n = (int(part) for part in shard.split("/"))
    except ValueError as exc:
        raise ValueError(f"a shard is K/N, e.g. 0/4, not {shard!r}") from exc
    if not 1 <= n <= 16 or not 0 <= k < n:
        raise ValueError(f"shard {shard}: N is 1 to 16 and K is 0 to N-1")
    return HEX[k * 16 // n:(k + 1) * 16 // n]


class IndexServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, shard: str = "0/1") -> None:
        self.shard = shard
        self.index = BankIndex(prefixes=shard_prefixes(shard) if shard != "0/1" else "")
        self.searching = threading.Lock()  # one search at a time: the index folds as it goes
        super().__init__(address, _Handler)

    def search(self, hashes: list[str], distance: int) -> list[list[tuple[int, int]]]:
        with self.searching:
            return self.index.candidates(hashes, distance)

    def health(self) -> dict[str, Any]:
        with self.searching:
            self.index.refresh()
            return {"entries": len(self.index.pdq), "shard": self.shard,
                    "prefixes": self.index.prefixes or HEX}


class _Handler(BaseHTTPRequestHandler):
    server: IndexServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path != "/health":
            return self._reply(HTTPStatus.NOT_FOUND, {"error": "no such path"})
        self._guarded(self.server.health)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if self.path != "/search":
            return self._reply(HTTPStatus.NOT_FOUND, {"error": "no such path"})
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            return self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE
                               if length else HTTPStatus.BAD_REQUEST,
                               {"error": f"a search is 1 to {MAX_BODY} bytes of JSON"})
        try:
            query = json.loads(self.rfile.read(length))
            hashes, distance = query["hashes"], int(query["distance"])
            if not (isinstance(hashes, list) and len(hashes) <= MAX_QUERIES
                    and all(isinstance(h, str) and len(h) == BITS // 4
                            and not set(h.lower()) - set(HEX) for h in hashes)
                    and 0 <= distance <= 64):
                raise ValueError("hashes: up to 100,000 PDQ hex strings; distance 0-64")
        except (ValueError, KeyError, TypeError) as exc:
            return self._reply(HTTPStatus.BAD_REQUEST, {"error": f"bad search: {exc}"})
        self._guarded(lambda: {"results": self.server.search(
            [h.lower() for h in hashes], distance)})

    def _guarded(self, answer: Any) -> None:
        close_old_connections()
        try:
            self._reply(HTTPStatus.OK, answer())
        finally:
            close_old_connections()

    def _reply(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        return  # one line per query would drown the log
