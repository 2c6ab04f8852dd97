"""A held file's PDQ hash is sealed (core.fields): the column becomes sealed text, and
existing values are sealed in batches (resumable: not atomic)."""

from django.db import migrations

import tipline.core.fields
from tipline.core.fields import sealing

SEALED = {'filesignal': ['pdq']}


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
        sealing("media", SEALED),
    ]
