"""The jurisdiction tree moved from geo to the jurisdictions app (same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_checklist_case_index'),
        ('jurisdictions', '0001_initial'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AlterField(
            model_name='case',
            name='unit',
            field=models.ForeignKey(help_text="the unit (or district) that holds the case; follows the report's transfers", on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='jurisdictions.jurisdiction'),
        ),
    ])]
