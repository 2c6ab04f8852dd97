"""Why a report was placed by hand is sealed (core.fields): the column becomes sealed text, and
existing values are sealed in batches (resumable: not atomic)."""

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import sealing

SEALED = {'manualassignment': ['reason']}


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
        sealing("routing", SEALED),
    ]
