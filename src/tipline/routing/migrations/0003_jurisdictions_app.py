"""The jurisdiction tree moved from geo to the jurisdictions app (same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('jurisdictions', '0001_initial'),
        ('routing', '0002_cluster_lead_and_manual'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AlterField(
            model_name='clusternotice',
            name='lead',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='jurisdictions.jurisdiction'),
        ),
        migrations.AlterField(
            model_name='clusternotice',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cluster_notices', to='jurisdictions.jurisdiction'),
        ),
        migrations.AlterField(
            model_name='reportcluster',
            name='lead',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jurisdictions.jurisdiction'),
        ),
    ])]
