"""Why a report was placed by hand is sealed (core.fields): the column becomes sealed text, and
existing values are sealed in batches (resumable: not atomic)."""

from typing import Any

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import columns_seal, columns_unseal

SEALED = {'manualassignment': ['reason']}


def seal(apps: Any, schema_editor: Any) -> None:
    for model, names in SEALED.items():
        columns_seal(apps.get_model("routing", model), names)


def unseal(apps: Any, schema_editor: Any) -> None:
    for model, names in SEALED.items():
        columns_unseal(apps.get_model("routing", model), names)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('routing', '0003_jurisdictions_app'),
    ]

    operations = [
        migrations.AlterField(
            model_name='manualassignment',
            name='reason',
            field=tipline.core.fields.EncryptedTextField(),
        ),
        migrations.RunPython(seal, unseal),
    ]
