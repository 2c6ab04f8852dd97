"""Benchmark: the web pages at N reports (default 1,000,000) on PostgreSQL, through the real
server over loopback.

    .venv/bin/python bench/scale.py --database-url postgres://postgres@127.0.0.1:5432/postgres

1. Loads N reports into a fresh database made on that server (dropped afterwards): the first
   `--real` of them (default 50,000, at most N) through the real pipeline, timed: the demo
   generator's NCMEC export (`generate_export`), `ingest_paths` (prints ingest_reports_per_s)
   and `routing_run` (resolve, place, link, open cases; prints route_reports_per_s). The rest
   are copies of those made in SQL (reports with a new report number, their identifiers, IP
   events, cases and SOP checklists), so that the pages are measured over N reports and N
   cases in the same proportions without generating, importing and routing each one (on this
   shared 2-core machine that is about 1,000 generated and 200 imported reports a second,
   so hours for a million); the case tally is then recounted and the tables analysed, as
   autovacuum would.
2. Starts `tipline serve --no-worker` (gunicorn) on a free loopback port, logs in through the
   login form as a hub user (hub_admin on IN) and as a district user (unit_officer on the
   district with the most cases), and times `--requests` GETs of each page per user, one at a
   time over one keep-alive connection: the report list, the list filtered by the
   district's state and by the state with the fewest reports, a search (an email a report
   in the district carries), report pages (a different one each time, from the district),
   the cases funnel (/cases/) and the district's case list.
3. Prints each page's p50 and p95 in ms per user, and last the worst p95 of all pages and
   users: `scale_list_p95_ms=<value>` (the target is under 300 at 1,000,000 reports).
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import secrets
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home, served  # noqa: E402

PASSWORD = "scale-bench-Pa55"  # noqa: S105 - a throwaway user in a throwaway database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="reports in the database")
    parser.add_argument("--real", type=int, default=50_000,
                        help="of which generated, imported and routed by the real pipeline")
    parser.add_argument("--requests", type=int, default=60, help="timed GETs per page per user")
    parser.add_argument("--seed", type=int, default=7)
    database_option(parser)
    args = parser.parse_args()
    args.database_url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/scale.py measures PostgreSQL: give --database-url postgres://... "
                 "(or set DATABASE_URL): it makes a fresh database on that server")
    real = min(args.real, args.n)
    home = fresh_home("tipline-scale-", args.database_url)
    try:
        load(home, n=args.n, real=real, seed=args.seed)
        worst = serve_and_measure(home, requests=args.requests)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"scale_list_p95_ms={worst:.0f}")


# --- loading ---------------------------------------------------------------------------------


def load(home: Path, *, n: int, real: int, seed: int) -> None:
    from tipline.accounts.services import system_user
    from tipline.demo.generator import generate_export
    from tipline.intake.ingest import ingest_paths
    from tipline.routing.services import routing_run

    actor = system_user("bench")
    export = home / "export.zip"
    started = time.perf_counter()
    generate_export(out_zip=export, ground_truth_csv=home / "truth.csv", reports=real,
                    seed=seed)
    print(f"generated {real} reports in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    batch = ingest_paths(paths=[export], actor=actor)
    took = time.perf_counter() - started
    print(f"ingest: {batch.imported} reports in {took:.1f} s: "
          f"ingest_reports_per_s={batch.imported / took:.0f}", flush=True)
    started = time.perf_counter()
    run = routing_run(actor=actor)
    took = time.perf_counter() - started
    print(f"route: {run.routed} reports in {took:.1f} s (with linking and {run.cases} cases "
          f"opened): route_reports_per_s={run.routed / took:.0f}", flush=True)
    if n > batch.imported:
        started = time.perf_counter()
        copy_reports(n - batch.imported)
        print(f"copied {n - batch.imported} reports in SQL in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    from tipline.cases.services import cases_tally_rebuild

    cases_tally_rebuild()
    analyse()
    from tipline.cases.models import Case
    from tipline.intake.models import Report

    print(f"database: {Report.objects.count()} reports, {Case.objects.count()} cases "
          f"(tally recounted, tables analysed in {time.perf_counter() - started:.1f} s)",
          flush=True)


def copy_reports(wanted: int) -> None:
    """Copy the reports there are (and their identifiers, IP events, cases and checklists)
    in SQL until `wanted` more exist; each copy gets a new report number (`-c<k>`)."""
    from django.db import connection, transaction

    from tipline.cases.models import Case, ChecklistItem
    from tipline.intake.models import Identifier, IpEvent, Report

    quote = connection.ops.quote_name
    base = Report.objects.count()
    report_step = Report.objects.order_by("-id").values_list("id", flat=True)[0]
    case_step = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    copies = math.ceil(wanted / base)

    def columns(model: type, replace: dict[str, str | None]) -> tuple[str, str]:
        names, values = [], []
        for field in model._meta.concrete_fields:
            if replace.get(field.column, "") is None:
                continue  # left to the column's default (a fresh id)
            names.append(quote(field.column))
            values.append(replace.get(field.column, quote(field.column)))
        return ", ".join(names), ", ".join(values)

    def insert(model: type, replace: dict[str, str | None], where: str, params: list[int]) -> None:
        names, values = columns(model, replace)
        table = quote(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {values} "  # noqa: S608
                           f"FROM {table} WHERE {where}", params)

    for k in range(1, copies + 1):
        take = min(base, wanted - (k - 1) * base)
        top = Report.objects.order_by("id").values_list("id", flat=True)[take - 1]
        r, c = k * report_step, k * case_step
        with transaction.atomic():
            insert(Report, {"id": f"id + {r}", "external_id": f"external_id || '-c{k}'",
                            "supersedes_id": "NULL"}, "id <= %s", [top])
            insert(Identifier, {"id": None, "report_id": f"report_id + {r}"},
                   "report_id <= %s", [top])
            insert(IpEvent, {"id": None, "report_id": f"report_id + {r}",
                             "subject_id": "NULL", "file_id": "NULL"}, "report_id <= %s", [top])
            insert(Case, {"id": f"id + {c}", "report_id": f"report_id + {r}",
                          "duplicate_of_id": "NULL"}, "id <= %s AND report_id <= %s",
                   [case_step, top])
            insert(ChecklistItem, {"id": None, "case_id": f"case_id + {c}"},
                   "case_id <= %s AND case_id IN (SELECT id FROM cases_case "
                   "WHERE report_id <= %s)", [case_step, top])
        print(f"  copy {k}/{copies}: {take} reports", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Report, Identifier, IpEvent, Case, ChecklistItem):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                               f"(SELECT MAX(id) FROM {quote(table)}))", [table])


def analyse() -> None:
    """VACUUM ANALYZE on PostgreSQL (autovacuum's job on a running hub), ANALYZE on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- the server and the pages ----------------------------------------------------------------


#: each user's authenticator key (hex), made with the user: the bench logs in as a person
#: does, password then code
AUTHENTICATOR_KEYS: dict[str, str] = {}


class Browser:
    """One logged-in user on one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, text, dict(response.getheaders())

    def login(self, username: str) -> None:
        status, page, _ = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"no login form ({status})")
        body = urlencode({"csrfmiddlewaretoken": token.group(1), "username": username,
                          "password": PASSWORD, "next": "/reports/"})
        status, _, headers = self.request(
            "POST", "/login/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/login/"})
        if status != 302:
            raise SystemExit(f"{username} could not log in ({status})")
        # the second factor: the code the user's authenticator shows now, from its key
        from django_otp.oath import totp

        status, page, _ = self.request("GET", "/2fa/?next=/reports/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"no second-factor form ({status})")
        body = urlencode({"csrfmiddlewaretoken": token.group(1), "next": "/reports/",
                          "code": f"{totp(bytes.fromhex(AUTHENTICATOR_KEYS[username])):06d}"})
        status, _, _ = self.request(
            "POST", "/2fa/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/2fa/"})
        if status != 302:
            raise SystemExit(f"{username} did not pass the second factor ({status})")

    def timed_get(self, path: str) -> float:
        started = time.perf_counter()
        status, _, _ = self.request("GET", path)
        took = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        return took


def _users_and_pages() -> tuple[dict[str, dict[str, list[str]]], str]:
    """The two users (made here) and, per user, each page's paths to cycle through."""
    from django.db.models import Count

    from tipline.accounts.second_factor import authenticator_set
    from tipline.accounts.services import grant_add, user_create
    from tipline.cases.models import Case
    from tipline.intake.models import Identifier, Report
    from tipline.jurisdictions.selectors import jurisdiction_tree

    tree = jurisdiction_tree()
    top = (Case.objects.values("unit_id").annotate(n=Count("id")).order_by("-n").first())
    if top is None:
        raise SystemExit("no cases were opened: nothing routed to a unit")
    district = tree.by_id[top["unit_id"]]
    state = tree.by_code[f"IN-{district.path.strip('/').split('/')[1]}"]
    for name, role, code in (("scale-hub", "hub_admin", "IN"),
                             ("scale-district", "unit_officer", district.code)):
        user = user_create(actor=None, username=name, password=PASSWORD)
        grant_add(actor=None, user=user, role_code=role, jurisdiction_code=code)
        AUTHENTICATOR_KEYS[name] = secrets.token_hex(20)
        authenticator_set(actor=None, user=user, key_hex=AUTHENTICATOR_KEYS[name])
    inside = sorted(tree.descendants(district.id))
    report_ids = list(Report.objects.filter(jurisdiction_id__in=inside)
                      .order_by("-id").values_list("id", flat=True)[:200])
    email = (Identifier.objects.filter(report_id__in=report_ids, kind="email")
             .values_list("value", flat=True).first())
    if email is None:
        email = Report.objects.get(pk=report_ids[0]).external_id
    per_place = Report.objects.values("jurisdiction_id").annotate(n=Count("id")).order_by()
    per_state: dict[int, int] = {}
    for row in per_place:
        parts = tree.by_id[row["jurisdiction_id"]].path.strip("/").split("/")
        if len(parts) > 1:
            code = tree.by_code[f"IN-{parts[1]}"].id
            per_state[code] = per_state.get(code, 0) + row["n"]
    small = min(per_state, key=lambda k: (per_state[k], k))
    pages = {
        "report list": ["/reports/"],
        "state filter": [f"/reports/?state={state.id}"],
        "small state": [f"/reports/?state={small}"],
        "search": [f"/reports/?{urlencode({'q': email})}"],
        "report page": [f"/reports/{pk}/" for pk in report_ids],
        "cases funnel": ["/cases/"],
        "unit case list": [f"/cases/unit/{district.code}/"],
    }
    print(f"district user: unit_officer on {district.code} ({top['n']} cases), "
          f"state filter {state.code}, small state {tree.by_id[small].code} "
          f"({per_state[small]} reports), search {email!r}", flush=True)
    return {"scale-hub": pages, "scale-district": pages}, district.code


def serve_and_measure(home: Path, *, requests: int, only: tuple[str, ...] = ()) -> float:
    """The worst p95 in ms over the pages (those named in `only`, if given) and users."""
    users, _ = _users_and_pages()
    if only:
        users = {u: {p: paths for p, paths in pages.items() if p in only}
                 for u, pages in users.items()}
    with served(home, "--no-worker") as port:
        worst = 0.0
        print(f"{'page':<16} {'user':<15} {'p50 ms':>7} {'p95 ms':>7}", flush=True)
        for username, pages in users.items():
            browser = Browser(port)
            browser.login(username)
            for page, paths in pages.items():
                for i in range(3):  # warm up: the first request of a worker loads its code
                    browser.timed_get(paths[i % len(paths)])
                times = sorted(browser.timed_get(paths[(i + 3) % len(paths)])
                               for i in range(requests))
                p50 = statistics.median(times)
                p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
                worst = max(worst, p95)
                print(f"{page:<16} {username:<15} {p50:7.0f} {p95:7.0f}", flush=True)
            browser.conn.close()
        return worst


if __name__ == "__main__":
    main()
