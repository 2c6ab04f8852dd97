"""A packet's note and correction reason are sealed (core.fields): the column becomes sealed text, and
existing values are sealed in batches (resumable: not atomic)."""

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import sealing

SEALED = {'packet': ['note', 'correction_reason']}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('dispatch', '0003_jurisdictions_app'),
    ]

    operations = [
        migrations.AlterField(
            model_name='packet',
            name='correction_reason',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='packet',
            name='note',
            field=tipline.core.fields.EncryptedTextField(blank=True, help_text="the hub's note to the receiving unit"),
        ),
        sealing("dispatch", SEALED),
    ]
