from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tipline.core"
    label = "core"

    def ready(self) -> None:
        from tipline.core import deployment  # noqa: F401 - registers its doctor checks

        # the blob store is re-encrypted by `tipline keys rotate` (the apps add their own)
        from tipline.core.keys import rotation_register
        from tipline.core.rotation import blobs_census, blobs_rotate

        rotation_register("blobs", blobs_rotate, census=blobs_census)
        # every app's sealed columns (core.fields), in one step
        from tipline.core.fields import fields_census, fields_rotate

        rotation_register("sealed columns", fields_rotate, census=fields_census)
