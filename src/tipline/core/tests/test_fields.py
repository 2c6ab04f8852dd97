"""Encrypted model fields (core.fields): sealed in the column, plain to the model, bound to
their column, unsearchable by value, re-sealed by rotation, converted by the migrations."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tipline.core.bulk import insert_rows
from tipline.core.crypto import DecryptionError
from tipline.core.fields import (
    PREFIX,
    EncryptedLookup,
    columns_seal,
    columns_unseal,
    fields_census,
    fields_rotate,
    key_id_of,
    seal,
    unseal,
)
from tipline.core.keys import forget, key_dir, load_keyring, write_key_file
from tipline.intake.models import IpEvent, Place, Report, Subject

pytestmark = pytest.mark.django_db


def _report(tree: None) -> Report:
    from tipline.jurisdictions.selectors import jurisdiction_tree

    return Report.objects.create(
        source="batch", external_id="F1", content_sha256="0" * 64,
        imported_at=datetime.now(UTC), jurisdiction_id=jurisdiction_tree().root.id)


def _raw(table: str, column: str, pk: int) -> Any:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _subject(report: Report) -> Subject:
    return Subject.objects.create(
        report=report, role="suspect", first_name="Ramesh", last_name="Kulkarni",
        date_of_birth=date(1990, 4, 2), emails=["ramesh.k@example.in"],
        phones=["+919812345678"], notes="")


def test_values_are_sealed_in_the_column_and_plain_to_the_model(tree: None) -> None:
    subject = _subject(_report(tree))
    for column in ("first_name", "last_name", "date_of_birth", "emails", "phones"):
        raw = _raw("intake_subject", column, subject.pk)
        assert raw.startswith(PREFIX), column
        assert "Ramesh" not in raw and "Kulkarni" not in raw and "9812345678" not in raw
    read = Subject.objects.get(pk=subject.pk)
    assert (read.first_name, read.last_name) == ("Ramesh", "Kulkarni")
    assert read.date_of_birth == date(1990, 4, 2)
    assert read.emails == ["ramesh.k@example.in"] and read.phones == ["+919812345678"]
    # empty values stay empty (and read back as their type), None stays NULL
    assert _raw("intake_subject", "notes", subject.pk) == ""
    assert _raw("intake_subject", "display_names", subject.pk) == ""
    assert read.display_names == [] and read.notes == ""
    assert list(Subject.objects.filter(pk=subject.pk).values_list("emails", flat=True)) == [
        ["ramesh.k@example.in"]]


def test_two_seals_of_one_value_differ(tree: None) -> None:
    assert seal("Ramesh", b"t.c") != seal("Ramesh", b"t.c")


def test_a_value_moved_to_another_column_or_altered_does_not_open(tree: None) -> None:
    subject = _subject(_report(tree))
    first = _raw("intake_subject", "first_name", subject.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_subject SET last_name = %s WHERE id = %s",
                       [first, subject.pk])
    with pytest.raises(DecryptionError, match="intake_subject.last_name"):
        Subject.objects.get(pk=subject.pk)
    head, body = first.rsplit("$", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        unseal(head + "$" + base64.b64encode(bytes(raw)).decode(), b"intake_subject.first_name")
    with pytest.raises(DecryptionError, match="not sealed"):
        unseal("Ramesh", b"intake_subject.first_name")


def test_equality_on_a_sealed_column_is_refused(tree: None) -> None:
    subject = _subject(_report(tree))
    with pytest.raises(EncryptedLookup, match="blind index"):
        list(Subject.objects.filter(first_name="Ramesh"))
    with pytest.raises(EncryptedLookup):
        list(Subject.objects.filter(first_name__in=["Ramesh"]))
    with pytest.raises(EncryptedLookup):
        list(Subject.objects.filter(last_name__icontains="kul"))
    assert list(Subject.objects.filter(notes="").values_list("pk", flat=True)) == [subject.pk]
    assert not Subject.objects.filter(date_of_birth__isnull=True).exists()


def test_bulk_inserts_seal_like_the_orm(tree: None) -> None:
    report = _report(tree)
    with transaction.atomic():
        insert_rows(IpEvent, ("report", "ip", "port", "event", "ip_index"),
                    [(report.pk, "49.36.1.2", 4431, "Login", "x" * 32)])
        insert_rows(Place, ("report", "kind", "street", "city", "district", "state",
                            "postal_code", "country", "latitude", "longitude", "ip", "isp"),
                    [(report.pk, "gps", "12 MG Road", "", "", "", "", "", 18.52, 73.85,
                      None, "")])
    event = IpEvent.objects.get(report=report)
    place = Place.objects.get(report=report)
    assert event.ip == "49.36.1.2" and _raw("intake_ipevent", "ip", event.pk).startswith(PREFIX)
    assert (place.street, place.latitude, place.longitude, place.ip) == (
        "12 MG Road", 18.52, 73.85, None)
    assert "MG Road" not in _raw("intake_place", "street", place.pk)


def test_orm_saves_keep_the_blind_index_in_step(tree: None) -> None:
    from tipline.intake.blind import ip_index

    event = IpEvent.objects.create(report=_report(tree), ip="49.36.1.2", port=1)
    assert event.ip_index == ip_index("49.36.1.2") != ""
    assert IpEvent.objects.filter(ip_index=ip_index("49.36.1.2")).get() == event


def test_rotation_reseals_under_the_new_key_and_resumes(tree: None) -> None:
    subject = _subject(_report(tree))  # five values sealed: names, birth date, emails, phones
    assert key_id_of(_raw("intake_subject", "first_name", subject.pk)) == 1
    write_key_file(key_dir() / "data-2.key")
    forget()
    ring = load_keyring()
    assert fields_census() == {1: 5}
    first = fields_rotate(keyring=ring, limit=2)
    assert (first.done, first.stopped) == (2, True)
    rest = fields_rotate(keyring=ring)  # resumes: what is done no longer matches
    assert (rest.done, rest.current, rest.stopped, rest.failed) == (3, 2, False, [])
    assert fields_census() == {2: 5}
    assert key_id_of(_raw("intake_subject", "first_name", subject.pk)) == 2
    assert fields_rotate(keyring=ring).done == 0
    (key_dir() / "data-1.key").unlink()
    forget()
    assert Subject.objects.get(pk=subject.pk).first_name == "Ramesh"


def test_keys_rotate_reseals_the_columns(tree: None) -> None:
    subject = _subject(_report(tree))
    call_command("keys", "rotate", stdout=StringIO(), stderr=StringIO())
    forget()
    assert key_id_of(_raw("intake_subject", "last_name", subject.pk)) == 2
    assert Subject.objects.get(pk=subject.pk).last_name == "Kulkarni"


def test_a_missing_key_is_a_clear_error(tree: None) -> None:
    subject = _subject(_report(tree))
    write_key_file(key_dir() / "data-2.key")
    (key_dir() / "data-1.key").unlink()
    forget()
    with pytest.raises(DecryptionError, match="data key 1"):
        Subject.objects.get(pk=subject.pk)


def test_the_migration_helpers_open_and_seal_again(tree: None) -> None:
    subject = _subject(_report(tree))
    names = ["first_name", "date_of_birth", "emails", "display_names"]
    assert columns_unseal(Subject, names) == 3  # display_names is empty
    assert _raw("intake_subject", "first_name", subject.pk) == "Ramesh"
    assert _raw("intake_subject", "date_of_birth", subject.pk) == "1990-04-02"
    assert _raw("intake_subject", "emails", subject.pk) == '["ramesh.k@example.in"]'
    assert _raw("intake_subject", "display_names", subject.pk) == "[]"
    assert columns_seal(Subject, names) == 4  # "[]" is written back as ""
    assert columns_seal(Subject, names) == 0  # resumable: what is sealed is left alone
    read = Subject.objects.get(pk=subject.pk)
    assert (read.first_name, read.date_of_birth, read.emails, read.display_names) == (
        "Ramesh", date(1990, 4, 2), ["ramesh.k@example.in"], [])
