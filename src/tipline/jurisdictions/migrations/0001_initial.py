"""The tree's tables move from geo to this app under their old names: state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('geo', '0003_units_and_coverage'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='Jurisdiction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='e.g. IN, IN-MH, IN-MH-BEED', max_length=64, unique=True)),
                ('name', models.CharField(max_length=200)),
                ('kind', models.CharField(choices=[('country', 'Country'), ('state', 'State / UT'), ('district', 'District'), ('unit', 'Police unit'), ('station', 'Police station')], max_length=16)),
                ('path', models.CharField(max_length=255, unique=True)),
                ('aliases', models.JSONField(blank=True, default=list)),
                ('officer', models.CharField(blank=True, help_text='name and rank', max_length=200)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('phone', models.CharField(blank=True, max_length=40)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='jurisdictions.jurisdiction')),
            ],
            options={
                'db_table': 'geo_jurisdiction',
                'ordering': ['path'],
            },
        ),
        migrations.CreateModel(
            name='Coverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('state', 'Whole state (override only)'), ('district', 'District'), ('pin', 'PIN code or prefix (4110*)'), ('city', 'City or town')], max_length=10)),
                ('value', models.CharField(max_length=100)),
                ('state', models.CharField(max_length=2)),
                ('override', models.BooleanField(default=False, help_text="a hub override, not the state's")),
                ('reason', models.CharField(blank=True, max_length=500)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coverage', to='jurisdictions.jurisdiction')),
            ],
            options={
                'db_table': 'geo_coverage',
                'constraints': [models.UniqueConstraint(fields=('state', 'kind', 'value', 'override'), name='coverage_unique')],
            },
        ),
    ])]
