"""Benchmark: platforms reporting through the CyberTipline API (/ispws/) over loopback.

    .venv/bin/python bench/api.py --n 500

Makes a fresh home with a platform account, starts `tipline serve` with its defaults (web
and worker) on a free loopback port, then sends N reports, each with one 100 KB generated
image (a noise pattern, nothing else), the way a platform's client does: submit, upload,
fileinfo, finish, from `--clients` threads (4), each over its own keep-alive connection.
Every answer must be code 0. Prints the time and the rate; last line
`api_reports_per_s=<value>` (the target on the 2-core machine is at least 50).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import random
import re
import shutil
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home, served, server_cpu  # noqa: E402

PASSWORD = "bench-platform-9"  # noqa: S105 - a throwaway account in a throwaway home
CP = "Child Pornography (possession, manufacture, and distribution)"


def image(seed: int) -> bytes:
    """A 100 KB PNG of coloured noise (generated: no person, no photograph)."""
    from PIL import Image

    rng = random.Random(seed)  # noqa: S311 - test data
    side = 190
    data = bytes(rng.getrandbits(8) for _ in range(side * side * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), data).save(buffer, format="PNG")
    return buffer.getvalue()


def report_xml(n: int) -> bytes:
    return (f"<report><incidentSummary><incidentType>{CP}</incidentType>"
            "<incidentDateTime>2024-03-01T10:00:00Z</incidentDateTime></incidentSummary>"
            "<reporter><reportingPerson><email>safety@example.com</email></reportingPerson>"
            "</reporter><personOrUserReported><personOrUserReportedPerson>"
            f'<phone countryCallingCode="+91">98{n:08d}</phone>'
            "<address><city>Pune</city><nonUsaState>Maharashtra</nonUsaState>"
            "<country>IN</country></address></personOrUserReportedPerson>"
            f"<screenName>user_{n}</screenName></personOrUserReported></report>").encode()


#: seconds each call took, by call (printed as medians)
TIMES: dict[str, list[float]] = {}
TIMES_LOCK = threading.Lock()


class Platform:
    """One client thread of a platform: its own keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        token = base64.b64encode(f"bench-platform:{PASSWORD}".encode()).decode()
        self.auth = {"Authorization": f"Basic {token}"}

    def call(self, path: str, body: bytes, content_type: str) -> str:
        started = time.perf_counter()
        try:
            return self._call(path, body, content_type)
        finally:
            with TIMES_LOCK:
                TIMES.setdefault(path, []).append(time.perf_counter() - started)

    def _call(self, path: str, body: bytes, content_type: str) -> str:
        self.conn.request("POST", f"/ispws/{path}", body=body,
                          headers={**self.auth, "Content-Type": content_type})
        response = self.conn.getresponse()
        text = response.read().decode()
        code = re.search(r"<responseCode>(\d+)</responseCode>", text)
        if response.status != 200 or code is None or code.group(1) != "0":
            raise SystemExit(f"{path}: HTTP {response.status}: {text[:500]}")
        return text

    def send(self, n: int, picture: bytes) -> None:
        answer = self.call("submit", report_xml(n), "application/xml")
        report_id = re.search(r"<reportId>(\d+)</reportId>", answer).group(1)  # type: ignore
        boundary = uuid.uuid4().hex
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n"
                f"{report_id}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\";"
                f" filename=\"noise_{n}.png\"\r\nContent-Type: image/png\r\n\r\n").encode() \
            + picture + f"\r\n--{boundary}--\r\n".encode()
        answer = self.call("upload", form, f"multipart/form-data; boundary={boundary}")
        file_id = re.search(r"<fileId>(\d+)</fileId>", answer).group(1)  # type: ignore
        details = (f"<fileDetails><reportId>{report_id}</reportId><fileId>{file_id}</fileId>"
                   f"<fileName>noise_{n}.png</fileName><fileViewedByEsp>true</fileViewedByEsp>"
                   "</fileDetails>").encode()
        self.call("fileinfo", details, "application/xml")
        self.call("finish", f"id={report_id}".encode(), "application/x-www-form-urlencoded")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="reports to send")
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    parser.add_argument("--serve", default="",
                        help="options for `tipline serve`, e.g. '--workers 3' (the target is "
                             "measured with its defaults)")
    database_option(parser)
    args = parser.parse_args()
    home = fresh_home("tipline-api-", args.database_url)
    from tipline.accounts.services import grant_add, user_create

    user = user_create(actor=None, username="bench-platform", password=PASSWORD)
    grant_add(actor=None, user=user, role_code="platform", jurisdiction_code="IN")
    pictures = [image(seed) for seed in range(min(args.n, 20))]
    print(f"image size {len(pictures[0]) // 1024} KB", flush=True)
    with served(home, *args.serve.split()) as port:
        Platform(port).send(0, pictures[0])  # warm up: the first request loads the code
        local = threading.local()

        def send(n: int) -> None:
            if not hasattr(local, "client"):  # one connection per client thread
                local.client = Platform(port)
            local.client.send(n, pictures[n % len(pictures)])

        cpu_before, client_before = server_cpu(), time.process_time()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            futures = [pool.submit(send, n + 1) for n in range(args.n)]
            for future in futures:
                future.result()
        elapsed = time.perf_counter() - started
        cpu_after, client = server_cpu(), time.process_time() - client_before
    used = {kind: cpu_after.get(kind, 0.0) - cpu_before.get(kind, 0.0) for kind in cpu_after}
    print("CPU ms per report: " + ", ".join(
        f"{kind} {seconds * 1000 / args.n:.1f}" for kind, seconds in sorted(used.items()))
        + f", this client {client * 1000 / args.n:.1f}")
    print("median (95th percentile) ms per call: " + ", ".join(
        f"{path} {statistics.median(times) * 1000:.0f} "
        f"({statistics.quantiles(times, n=20)[-1] * 1000:.0f})" for path, times in TIMES.items()))
    print(f"sent {args.n} reports with one {len(pictures[0]) // 1024} KB image each in "
          f"{elapsed:.1f} s from {args.clients} clients, every answer code 0")
    shutil.rmtree(home, ignore_errors=True)
    print(f"api_reports_per_s={args.n / elapsed:.1f}")


if __name__ == "__main__":
    main()
