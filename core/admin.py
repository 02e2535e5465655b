"""Admin bases every app's entry screens use: audit history, edit-conflict protection, and
spreadsheet import and export, all or nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.tmp_storages import TempFolderStorage
from simple_history.admin import SimpleHistoryAdmin

from core import history
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
    newer change.

    The History page only reads. django-simple-history's revert saves an old version from a
    form of its own, open to anyone who may view the record, and so past the permission and
    edit-conflict checks of the change form; a record is put back by editing it.
    """

    object_history_list_template = "components/history_admin_list.html"

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The rows with who wrote them; set_history_delta_changes names related records itself.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # Values as the pages show them (choice labels, names, 1 April 2012, "(blank)"), read
        # in a few queries for the whole page rather than a few per row.
        rows = list(historical_records)
        for row, changes in zip(rows, history.row_changes(self.model, rows), strict=True):
            if changes is not None:
                row.history_delta_changes = [
                    {"field": change.field, "old": change.before, "new": change.after}
                    for change in changes
                ]

    def save_model(self, request, obj, form, change):
        # Saving a form unchanged is no change to the record, so no entry in its history.
        if change and not form.has_changed():
            obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            obj.__dict__.pop("skip_history_when_saving", None)


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
