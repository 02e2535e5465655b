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

        from core.sessions import start_inactivity_period

        user_logged_in.connect(start_inactivity_period, dispatch_uid="start_inactivity_period")


class EntryScreensAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the entry screens' own site (core.admin_site). Named in
    INSTALLED_APPS, not chosen for the core app (`default`)."""

    default = False

    default_site = "core.admin_site.EntryScreensSite"
