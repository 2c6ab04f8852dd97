"""An import batch's records processed are derived from its counts (ImportBatch.done)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0002_jurisdictions_app'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='importbatch',
            name='done',
        ),
    ]
