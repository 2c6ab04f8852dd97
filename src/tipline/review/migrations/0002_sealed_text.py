"""A reviewer's note is sealed (core.fields): the column becomes sealed text, and
existing values are sealed in batches (resumable: not atomic)."""

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import sealing

SEALED = {'decision': ['note']}


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
        sealing("review", SEALED),
    ]
