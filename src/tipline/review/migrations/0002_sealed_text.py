"""A reviewer's note is sealed (core.fields): the column becomes sealed text, and
existing values are sealed in batches (resumable: not atomic)."""

from typing import Any

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import columns_seal, columns_unseal

SEALED = {'decision': ['note']}


def seal(apps: Any, schema_editor: Any) -> None:
    for model, names in SEALED.items():
        columns_seal(apps.get_model("review", model), names)


def unseal(apps: Any, schema_editor: Any) -> None:
    for model, names in SEALED.items():
        columns_unseal(apps.get_model("review", model), names)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('review', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='decision',
            name='note',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(seal, unseal),
    ]
