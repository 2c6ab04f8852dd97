"""Jurisdiction and Coverage now belong to the jurisdictions app; their tables stay: state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_jurisdictions_app'),
        ('cases', '0003_jurisdictions_app'),
        ('dispatch', '0003_jurisdictions_app'),
        ('geo', '0003_units_and_coverage'),
        ('intake', '0002_jurisdictions_app'),
        ('jurisdictions', '0001_initial'),
        ('routing', '0003_jurisdictions_app'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.RemoveField(
            model_name='jurisdiction',
            name='parent',
        ),
        migrations.AlterField(
            model_name='reportlocation',
            name='unit',
            field=models.ForeignKey(blank=True, help_text='the node resolution points at (routing may still hold the report back)', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='jurisdictions.jurisdiction'),
        ),
        migrations.DeleteModel(
            name='Coverage',
        ),
        migrations.DeleteModel(
            name='Jurisdiction',
        ),
    ])]
