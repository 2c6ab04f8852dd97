"""Exact matching looks hashes up through their partial indexes, not by scanning a bank: the
trawler matches every fetched image, 150 a second, against banks of millions of entries."""

from __future__ import annotations

import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipline.media.banks import ParsedEntry
from tipline.media.matching import exact_matches, live_banks
from tipline.media.services import bank_create, bank_entries_add

pytestmark = pytest.mark.django_db


def test_exact_matches_use_the_hash_indexes() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the plan is SQLite's (PostgreSQL plans by its statistics)")
    bank = bank_create(actor=None, name="big")
    bank_entries_add(actor=None, bank=bank, entries=[
        ParsedEntry(md5=secrets.token_hex(16), sha1=secrets.token_hex(20),
                    sha256=secrets.token_hex(32)) for _ in range(300)])
    known = bank.entries.order_by("pk").first()
    assert known is not None
    banks = live_banks()
    with CaptureQueriesContext(connection) as queries:
        found = exact_matches([(1, "0" * 32, "0" * 40, known.sha256),
                               (2, known.md5, "", "")], banks)
    assert {(f.file_id, f.how) for f in found} == {(1, "sha256"), (2, "md5")}
    plans = []
    with connection.cursor() as cursor:
        for q in queries.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {q['sql']}")
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert len(plans) == 3
    for name, plan in zip(("md5", "sha1", "sha256"), plans, strict=True):
        assert f"USING INDEX bankentry_{name}" in plan, plan
