"""A held file's PDQ hash is sealed (core.fields): the column becomes sealed text, and
existing values are sealed in batches (resumable: not atomic)."""

from typing import Any

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import columns_seal, columns_unseal

SEALED = {'filesignal': ['pdq']}


def seal(apps: Any, schema_editor: Any) -> None:
    for model, names in SEALED.items():
        columns_seal(apps.get_model("media", model), names)


def unseal(apps: Any, schema_editor: Any) -> None:
    for model, names in SEALED.items():
        columns_unseal(apps.get_model("media", model), names)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('media', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='filesignal',
            name='pdq',
            field=tipline.core.fields.EncryptedTextField(max_length=64),
        ),
        migrations.RunPython(seal, unseal),
    ]
