"""The entry screens' admin site: Django's, without the list of every app and model on each
page, and with its pages kept until the records change (core.kept_pages)."""

from django.contrib import admin
from django.utils.functional import SimpleLazyObject

from core.kept_pages import kept_page


class EntryScreensSite(admin.AdminSite):
    """Django's AdminSite builds, for every admin page, the list of every app and model the
    person may use (four permission checks and two addresses per model, some of them asking the
    domain's rights) for the navigation sidebar, which is off here (core.admin). Only the index
    and an app's index show such a list, and they build their own (`app_list`). Here the
    sidebar's list is built only if a template reads it: half the time of a change list went
    on it."""

    def each_context(self, request):
        # As AdminSite.each_context (tests/test_admin.py checks it gives the same keys), with
        # `available_apps` built when first read.
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def admin_view(self, view, cacheable=False):
        # Every entry screen a person reads (a change list, a change form, an import or export
        # form) is answered from what was kept for them while no record has changed; a save,
        # which is a POST, always reaches the view.
        return super().admin_view(kept_page(view), cacheable)
