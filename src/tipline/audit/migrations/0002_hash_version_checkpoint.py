"""Events written so far keep hash version 1 (without `actor_id`); new ones are version 2.
Signed checkpoints get their table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("seq", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("count", models.BigIntegerField()),
                ("at", models.DateTimeField()),
                ("key_fingerprint", models.CharField(max_length=64)),
                ("body", models.TextField(help_text="the signed checkpoint file's JSON, exactly")),
            ],
            options={"ordering": ["-id"]},
        ),
    ]
