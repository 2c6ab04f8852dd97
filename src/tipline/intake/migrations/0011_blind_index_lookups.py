"""The lookups linking and search make, on the blind indexes 0010 filled."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0010_seal_values"),
    ]

    operations = [
        migrations.AddIndex(
            model_name='identifier',
            index=models.Index(fields=['kind', 'value_index', 'service', 'report'], name='identifier_lookup'),
        ),
        migrations.AddIndex(
            model_name='ipevent',
            index=models.Index(fields=['ip_index', 'occurred_at'], name='ipevent_ip_time'),
        ),
    ]
