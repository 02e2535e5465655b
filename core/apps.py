from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared parts every app uses: spreadsheet import and export, edit-conflict protection,
    object permissions, audit history and validated writes. It holds no domain: the apps import
    it, it imports none of them."""

    name = "core"
    verbose_name = "Shared parts"
