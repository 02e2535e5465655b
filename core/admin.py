"""Admin bases every app's entry screens use: audit history, edit-conflict protection, and
spreadsheet import and export, all or nothing."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.tmp_storages import TempFolderStorage
from simple_history.admin import SimpleHistoryAdmin

from core.edit_conflicts import EditConflictAdmin


def describe_import_problems(result, limit=10):
    """The problems of an import result, one "Line N: field: message" per problem."""
    lines = []
    for row in result.invalid_rows:
        for field, messages_ in row.error_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            lines.extend(f"Line {row.number}: {label}{message}" for message in messages_)
    for number, errors in result.row_errors():
        lines.extend(f"Line {number}: {error.error}" for error in errors)
    lines.extend(str(error.error) for error in result.base_errors)
    if len(lines) > limit:
        lines = [*lines[:limit], f"and {len(lines) - limit} more."]
    return lines


class ExactTextTempFolderStorage(TempFolderStorage):
    """Holds an uploaded sheet between its preview and its confirmation, reading a csv back
    without newline translation. django-import-export reads it in universal-newline mode, so a
    carriage return inside a cell came back as a line feed: the text changed on import, and a
    cell escaped as an apostrophe and a carriage return kept its apostrophe."""

    def _open(self, mode="r"):
        if self.name and "b" not in mode:
            return open(self.get_full_path(), mode, encoding=self.encoding, newline="")
        return super()._open(mode)


class RecordAdmin(SimpleHistoryAdmin, EditConflictAdmin):
    """The entry screen of a business record: its History page lists every change with who made
    it, when, and the values before and after; its form refuses to save over someone else's
    newer change."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history lets anyone who may read a record revert it to an old version;
        # reverting is a change, so it needs the permission to change this record.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class SpreadsheetAdmin(ImportExportModelAdmin, RecordAdmin):
    """Import and export through django-import-export, all or nothing.

    The preview (a dry run) refuses a sheet with any bad row. But the confirmation re-reads the
    file and imports it again, and django-import-export then rolls back only on errors, not on
    validation errors: a row that had become invalid since the preview (its project renamed,
    say) was skipped while the others were saved, under "Import finished". Here any problem
    rolls the whole sheet back and is reported.
    """

    tmp_storage_class = ExactTextTempFolderStorage

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: the sheet no longer matches the data. "
                + " ".join(describe_import_problems(result))
                + " Upload it again to see a new preview.",
            )
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)
