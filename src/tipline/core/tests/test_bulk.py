"""The bulk writer: rows inserted and updated by hand-prepared statements read back as the ORM
would have written them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from tipline.core.bulk import allocate_ids, insert_rows, update_rows
from tipline.intake.models import ImportBatch

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
COUNTS = ("imported", "duplicates", "versions", "rejected", "error")


def test_rows_inserted_in_several_batches_then_updated_read_back_as_written() -> None:
    with transaction.atomic():
        ids = allocate_ids(ImportBatch, 5)
        insert_rows(
            ImportBatch, ("id", "label", "status", "paths", "created_at", *COUNTS),
            [(pk, f"batch {pk}", "queued", [{"name": f"{pk}.xml"}], WHEN, 0, 0, 0, 0, "")
             for pk in ids],
            batch=2,
        )
        update_rows(ImportBatch, ("status", "total", "finished_at"),
                    [("done", 7, WHEN, ids[0]), ("failed", None, None, ids[4])])
    rows = {b.pk: b for b in ImportBatch.objects.filter(pk__in=ids)}
    assert sorted(rows) == ids
    assert rows[ids[1]].label == f"batch {ids[1]}"
    assert rows[ids[1]].paths == [{"name": f"{ids[1]}.xml"}]
    assert rows[ids[1]].created_at == WHEN
    assert (rows[ids[0]].status, rows[ids[0]].total, rows[ids[0]].finished_at) == ("done", 7, WHEN)
    assert (rows[ids[4]].status, rows[ids[4]].total) == ("failed", None)
    assert rows[ids[2]].status == "queued"

