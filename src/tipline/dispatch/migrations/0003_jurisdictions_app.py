"""The jurisdiction tree moved from geo to the jurisdictions app (same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0002_sop_first_version'),
        ('jurisdictions', '0001_initial'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AlterField(
            model_name='packet',
            name='target',
            field=models.ForeignKey(help_text='the unit/district the packet is for, or a state for its nodal officer', on_delete=django.db.models.deletion.PROTECT, related_name='packets', to='jurisdictions.jurisdiction'),
        ),
    ])]
