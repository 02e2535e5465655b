from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """Shared parts every app uses: spreadsheet import and export, edit-conflict protection,
    object permissions, audit history and validated writes. It holds no domain: the apps import
    it, it imports none of them."""

    name = "core"
    verbose_name = "Shared parts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from core.sessions import start_inactivity_period

        user_logged_in.connect(start_inactivity_period, dispatch_uid="start_inactivity_period")
        post_migrate.connect(count_writes, sender=self, dispatch_uid="count_writes")


def count_writes(sender, using, **kwargs):
    """After every migrate, every table counts its writes (core.data_version)."""
    from core.data_version import install_triggers

    install_triggers(using)


class EntryScreensAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the entry screens' own site (core.admin_site). Named in
    INSTALLED_APPS, not chosen for the core app (`default`)."""

    default = False

    default_site = "core.admin_site.EntryScreensSite"
