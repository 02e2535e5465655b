"""Shared records: an uploaded spreadsheet waiting for its preview to be confirmed."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_preview_key():
    return secrets.token_urlsafe(32)


class ImportPreviewQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Previews older than IMPORT_PREVIEW_MAX_AGE_HOURS: abandoned, or confirmed too late."""
        now = now or timezone.now()
        age = datetime.timedelta(hours=settings.IMPORT_PREVIEW_MAX_AGE_HOURS)
        return self.filter(created_at__lt=now - age)


class ImportPreview(models.Model):
    """An uploaded sheet held in the database between its preview and its confirmation.

    The confirmation finds it by its random key, the signed-in user and the kind of record it
    imports, and nothing else: the confirm form names no file, so it cannot point the import at
    another one, and every app server reads the same database. A preview is deleted when it is
    confirmed, so a second confirmation finds nothing, and abandoned ones are deleted once they
    are older than IMPORT_PREVIEW_MAX_AGE_HOURS (on each new upload, and by the
    `delete_expired_import_previews` command).
    """

    key = models.CharField(max_length=64, unique=True, default=new_preview_key, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    #: The records the sheet imports, as "app_label.model_name" (e.g. "plans.milestone").
    model = models.CharField(max_length=100)
    file_name = models.CharField(max_length=255)
    #: The import format's name ("csv" or "xlsx").
    file_format = models.CharField(max_length=10)
    #: The index of the resource chosen on the import form.
    resource = models.CharField(max_length=10, blank=True)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ImportPreviewQuerySet.as_manager()

    class Meta:
        verbose_name = "import preview"

    def __str__(self):
        return f"{self.file_name} ({self.model}, {self.created_at:%Y-%m-%d %H:%M})"

    def is_expired(self, now=None):
        now = now or timezone.now()
        age = datetime.timedelta(hours=settings.IMPORT_PREVIEW_MAX_AGE_HOURS)
        return self.created_at < now - age


class DataVersion(models.Model):
    """How many writes a database process has made to the records (core.data_version, whose
    triggers keep these rows: the application never writes them)."""

    #: The PostgreSQL server process (pg_backend_pid) that counted, 0 on SQLite, or -1 for the
    #: row written by the last migrate.
    backend = models.BigIntegerField(primary_key=True)
    #: Chosen at random when the row is made, so that a version never comes back.
    generation = models.BigIntegerField()
    changes = models.BigIntegerField()

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"{self.backend}.{self.generation}.{self.changes}"
