"""Delete uploaded sheets whose import preview was never confirmed."""

from django.core.management.base import BaseCommand

from core.models import ImportPreview


class Command(BaseCommand):
    help = (
        "Delete uploaded sheets whose import preview is older than "
        "IMPORT_PREVIEW_MAX_AGE_HOURS (they can no longer be confirmed)."
    )

    def handle(self, *args, **options):
        deleted, _ = ImportPreview.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired import preview(s).")
