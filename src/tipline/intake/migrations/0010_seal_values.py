"""Fill the blind indexes from the plain values, then seal every personal column.

Not atomic: each batch of rows commits, and a run that stops (a full disk, a kill) resumes
where it stopped, because the rows done no longer match (their index is set, their value
sealed). The reverse opens the values again (the indexes are dropped by 0009's reverse).
"""

from typing import Any

from django.db import migrations

from tipline.core.fields import PREFIX, index_of, rows_rewrite, sealing

SEALED = {
    "report": ["urls", "escalation_note", "additional_info", "ncmec_notes", "reporter",
               "warnings", "details"],
    "artifact": ["name", "sha256"],
    "subject": ["first_name", "middle_name", "last_name", "date_of_birth", "esp_user_id",
                "screen_name", "display_names", "profile_urls", "emails", "phones",
                "device_ids", "notes"],
    "place": ["street", "latitude", "longitude", "ip"],
    "ipevent": ["ip"],
    "reportfile": ["filename", "original_filename", "location_url", "esp_metadata", "md5",
                   "sha1", "sha256", "declared_hashes"],
    "identifier": ["value"],
}


def _plain(column: str) -> str:
    return f"{column} <> '' AND {column} NOT LIKE '{PREFIX}%%'"


def _ip(value: Any) -> str:
    return str(value).split("/", 1)[0].strip().lower()  # PostgreSQL's inet as text: /32


def index(apps: Any, schema_editor: Any) -> None:
    rows_rewrite("intake_identifier", read=["kind", "value"], write=["value_index"],
                 where=f"value_index = '' AND {_plain('value')}", params=[],
                 change=lambda kind, value: (index_of(value, purpose=f"identifier.{kind}"),))
    rows_rewrite("intake_ipevent", read=["ip"], write=["ip_index"],
                 where=f"ip_index = '' AND {_plain('ip')}", params=[],
                 change=lambda ip: (index_of(_ip(ip), purpose="ip"),))
    for algorithm in ("md5", "sha1", "sha256"):
        rows_rewrite("intake_reportfile", read=[algorithm], write=[f"{algorithm}_index"],
                     where=f"{algorithm}_index = '' AND {_plain(algorithm)}", params=[],
                     change=lambda digest, a=algorithm: (
                         index_of(str(digest).strip().lower(), purpose=f"file.{a}"),))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("intake", "0009_sealed_fields"),
    ]

    operations = [
        migrations.RunPython(index, migrations.RunPython.noop),
        sealing("intake", SEALED),
    ]
