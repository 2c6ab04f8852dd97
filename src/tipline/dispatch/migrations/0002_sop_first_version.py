"""The SOP's first version, from the text shipped with the app (sop_default.txt)."""

from pathlib import Path
from typing import Any

from django.db import migrations
from django.utils import timezone


def seed(apps: Any, schema_editor: Any) -> None:
    SopTemplate = apps.get_model("dispatch", "SopTemplate")
    if SopTemplate.objects.exists():
        return
    text = (Path(__file__).resolve().parent.parent / "sop_default.txt").read_text("utf-8")
    first, _, body = text.partition("\n")
    SopTemplate.objects.create(version=1, title=first.lstrip("# ").strip(), body=body.strip(),
                               created_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
