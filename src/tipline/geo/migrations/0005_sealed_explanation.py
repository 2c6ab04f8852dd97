"""A resolution's explanation and candidates quote the clues (an IP, a street, a phone):
they become sealed text (core.fields), sealed in batches (resumable: not atomic)."""

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import sealing

SEALED = {"reportlocation": ["explanation", "candidates"]}


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
        sealing("geo", SEALED),
    ]
