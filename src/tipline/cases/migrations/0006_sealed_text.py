"""The accused's name and the free-text notes of a case are sealed (core.fields): the
columns become sealed text, and existing values are sealed in batches (resumable: not
atomic)."""

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import sealing

SEALED = {"arrest": ["person", "note"], "seizure": ["items"], "case": ["closure_note"],
          "notice": ["reply"]}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0005_tally_source'),
    ]

    operations = [
        migrations.AlterField(
            model_name='arrest',
            name='note',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='arrest',
            name='person',
            field=tipline.core.fields.EncryptedTextField(help_text='name or description of the accused', max_length=200),
        ),
        migrations.AlterField(
            model_name='case',
            name='closure_note',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='notice',
            name='reply',
            field=tipline.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='seizure',
            name='items',
            field=tipline.core.fields.EncryptedTextField(help_text='what was seized: devices, media, documents'),
        ),
        sealing("cases", SEALED),
    ]
