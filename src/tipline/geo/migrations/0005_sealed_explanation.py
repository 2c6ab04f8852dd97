"""A resolution's explanation and candidates quote the clues (an IP, a street, a phone):
they become sealed text (core.fields), sealed in batches (resumable: not atomic)."""

from typing import Any

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import columns_seal, columns_unseal

SEALED = ["explanation", "candidates"]


def seal(apps: Any, schema_editor: Any) -> None:
    columns_seal(apps.get_model("geo", "reportlocation"), SEALED)


def unseal(apps: Any, schema_editor: Any) -> None:
    columns_unseal(apps.get_model("geo", "reportlocation"), SEALED)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('geo', '0004_jurisdictions_app'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reportlocation',
            name='candidates',
            field=tipline.core.fields.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name='reportlocation',
            name='explanation',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(seal, unseal),
    ]
