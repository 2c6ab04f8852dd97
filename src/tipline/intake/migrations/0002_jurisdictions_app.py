"""The jurisdiction tree moved from geo to the jurisdictions app (same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
        ('jurisdictions', '0001_initial'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AlterField(
            model_name='report',
            name='jurisdiction',
            field=models.ForeignKey(db_index=False, help_text='the node the report currently belongs to (the country while unresolved)', on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='jurisdictions.jurisdiction'),
        ),
    ])]
