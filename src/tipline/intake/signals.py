"""What the intake step tells the steps after it. Intake imports none of them: each later
step connects its receiver in its own `AppConfig.ready()` (docs/architecture.md, "The flow").

Every source of reports (the command line, a web upload, the platform API, the public form,
the trawler) goes through `ingest_paths` or the writer, so every report follows the same
continuation: its files are scanned as each chunk commits, and the batch is routed when it is
done. Both are sent after the transaction commits, so receivers see the rows.
"""

from __future__ import annotations

from django.dispatch import Signal

#: a chunk of new reports (or new versions) is committed (not sent when the importer's caller
#: drives the next steps itself). kwargs: report_ids (list[int]), with_files (bool)
reports_stored = Signal()

#: an import batch has finished (done, or failed after storing some reports).
#: kwargs: batch_id (int), continue_flow (bool: False when the caller drives the next steps
#: itself, as the demo does)
batch_finished = Signal()
