"""The resource base of every app's spreadsheet import and export (django-import-export):
exports that carry no runnable formula, headers in words that read back to their columns,
imports that report every problem against its row and column, validate in bulk without a
write lock, and never silently undo someone else's change, and the preview's side-by-side
values."""

import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DecimalField, OuterRef, Subquery
from django.utils import timezone
from import_export import fields, resources, widgets

from core import history
from core.bulk_import import SheetInstanceLoader, SheetUniqueness, full_clean_in_python
from core.exports import MONEY_MARK
from core.numbers import MONEY_HINT, format_number
from core.spreadsheets.formulas import escape_formula, unescape_formula
from core.spreadsheets.reading import column_letter, sheet_row_numbers
from core.spreadsheets.widgets import DecimalWidget, IntegerWidget

VERSION_COLUMN = "version"
VERSION_ATTRIBUTE = "record_version"


@functools.cache
def history_model(model):
    """The audit history model of a model (django-simple-history), or None if it has none.
    Remembered: django-simple-history builds a new manager class each time `history` is read,
    which cost a millisecond a row in an import."""
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def describe_change(record):
    """Who made a change recorded in audit history, and when: "Jane Smith on 3 May 2026 at
    14:02"."""
    when = timezone.localtime(record.history_date)
    return f"{history.who_made(record)} on {when.day} {when:%B %Y at %H:%M}"


def describe_value(value):
    """A cell's value as the import preview shows it: numbers as people write them
    ("1473000.00" is 1,473,000), dates as on the pages, "(blank)" for nothing."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return format_number(Decimal(str(value)))
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {value:%B %Y at %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    text = str(value)
    if _PLAIN_DECIMAL.match(text):
        return format_number(Decimal(text))
    return text


_PLAIN_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class PreviewValue:
    """One column of an imported row: its value before the import and after."""

    column: str
    before: object
    after: object

    @property
    def changed(self):
        return describe_value(self.before) != describe_value(self.after)

    @property
    def before_text(self):
        return describe_value(self.before)

    @property
    def after_text(self):
        return describe_value(self.after)


class SideBySideDiff(resources.Diff):
    """What an imported row changes, column by column, as values before and after.
    django-import-export's own diff marked up characters ("1473000.00" to "1500000.00" came out
    as struck-through and underlined digit fragments, and an unchanged ".00" struck through);
    the preview page shows old and new values side by side instead."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        headers = getattr(resource, "import_column_headers", None)
        if headers is not None:
            self.columns = headers()
        else:
            self.columns = [field.column_name for field in resource.get_import_fields()]

    @classmethod
    def _read_field_values(cls, resource, instance):
        # A preview saves nothing, so a row's many-to-many values (an indicator's owners) are
        # read from the row (see FormulaSafeResource.import_instance), not the record.
        from_row = getattr(instance, "_import_many_to_many", {})
        values = []
        for field in resource.get_import_fields():
            if field.attribute in from_row:
                widget = field.widget
                names = [str(getattr(obj, widget.field)) for obj in from_row[field.attribute]]
                values.append(escape_formula(widget.separator.join(names)))
            else:
                values.append(field.export(instance))
        return values

    def as_html(self):
        # The name is django-import-export's, which sets what this returns as RowResult.diff.
        return [
            PreviewValue(column, None if self.new else before, after)
            for column, before, after in zip(self.columns, self.left, self.right, strict=False)
        ]


class FormulaSafeResource(resources.ModelResource):
    """A resource whose exports never carry a runnable formula in a text cell, and whose
    imports never silently undo someone else's change.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only a leading "="
    and turns every cell into text; this escapes every formula trigger in text cells and leaves
    numeric cells (including negative numbers) as numbers.

    On import, every problem with a cell is reported against its column and line, and the
    relations an export reads are loaded with its rows (see export_select_related).

    A model with audit history gains a `version` column: the id of the record's latest history
    entry when it was exported. Importing a row whose record has changed since (a newer
    history entry) is refused, naming who changed it and when, unless the row leaves the
    record exactly as it now is. Rows with no version (a sheet made by hand) are not checked.
    The same record twice in one sheet is refused too: which of the two should win is not
    for the import to guess.
    """

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DecimalField": DecimalWidget,
        "IntegerField": IntegerWidget,
        "PositiveIntegerField": IntegerWidget,
        "BigIntegerField": IntegerWidget,
        "PositiveBigIntegerField": IntegerWidget,
        "PositiveSmallIntegerField": IntegerWidget,
        "SmallIntegerField": IntegerWidget,
        "SmallAutoField": IntegerWidget,
        "AutoField": IntegerWidget,
        "BigAutoField": IntegerWidget,
        # An empty xlsx cell arrives as None, not "": without this a blank TextField (notes,
        # commentary) was set to None and the row failed with "NOT NULL constraint failed".
        "TextField": widgets.CharWidget,
    }

    class Meta:
        instance_loader_class = SheetInstanceLoader

    #: Relations the export reads. The admin exports its changelist queryset, not
    #: get_queryset(), so these are applied to whatever queryset is exported: without them each
    #: exported row ran its own queries.
    export_select_related = ()
    export_prefetch_related = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rows_by_record = {}
        if history_model(self._meta.model) is not None:
            self.fields[VERSION_COLUMN] = fields.Field(
                attribute=VERSION_ATTRIBUTE,
                column_name=VERSION_COLUMN,
                readonly=True,
                widget=IntegerWidget(),
            )

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        # A money column's bad cell says to type pounds ("like £1,473,000").
        if (
            isinstance(django_field, DecimalField)
            and django_field.decimal_places == 2
            and not field_name.endswith("percent")
        ):
            kwargs.setdefault("hint", MONEY_HINT)
        return kwargs

    # -- Rows and columns as the person's spreadsheet program shows them ----------------------

    def sheet_row(self, position):
        """The sheet row of the dataset's `position`-th data row (1-based), past blank rows."""
        rows = getattr(self, "sheet_rows", None) or []
        return rows[position - 1] if 0 < position <= len(rows) else position + 1

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Import a sheet; a dry run (the preview) validates every row and writes nothing.

        django-import-export's dry run saved each row inside a transaction and rolled it back.
        On SQLite a transaction takes the write lock when it begins (transaction_mode
        IMMEDIATE), so everyone else's saves waited for the whole preview. Here a dry run opens
        no transaction: rows are validated in Python (core.bulk_import), and with no
        transaction django-import-export saves nothing of a dry run."""
        if not dry_run:
            return super().import_data(
                dataset,
                dry_run=False,
                raise_errors=raise_errors,
                use_transactions=use_transactions,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=rollback_on_validation_errors,
                **kwargs,
            )
        return self.import_data_inner(
            dataset, True, raise_errors, False, collect_failed_rows, **kwargs
        )

    def import_data_inner(self, dataset, *args, **kwargs):
        # django-import-export numbers rows 1, 2, ... from the first data row, and read_sheet
        # leaves out blank rows: every number in the result is made the sheet's row instead
        # (the header row is row 1), and each column is named by its letter and header.
        self.sheet_rows = sheet_row_numbers(dataset)
        self.sheet_headers = list(dataset.headers or [])
        result = super().import_data_inner(dataset, *args, **kwargs)
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number = self.sheet_row(row.number)
        result.sheet_rows = self.sheet_rows
        result.column_places = self.column_places(dataset.headers or [])
        return result

    def import_row(self, row, instance_loader, **kwargs):
        if kwargs.get("row_number") is not None:
            kwargs["row_number"] = self.sheet_row(kwargs["row_number"])
        self.current_row = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # As django-import-export's, with full_clean's per-row queries (uniqueness, check
        # constraints, related records' existence) answered from what was fetched once.
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            identity = instance.pk if instance.pk is not None else ("row", self.current_row)
            try:
                full_clean_in_python(
                    instance, exclude=errors.keys(), uniqueness=self.uniqueness, identity=identity
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def column_places(self, headers):
        """Where each imported field's column is, by its attribute and its column name:
        'column D ("Amount (£)")', as the sheet's own header row names it."""
        places = {}
        for field in self.fields.values():
            if field.column_name not in headers:
                continue
            index = headers.index(field.column_name)
            shown = self.sheet_headers[index] if index < len(self.sheet_headers) else None
            named = f' ("{shown}")' if shown not in (None, "") else ""
            place = f"column {column_letter(index + 1)}{named}"
            places.setdefault(str(field.column_name), place)
            if field.attribute:
                places.setdefault(field.attribute, place)
        return places

    def with_export_relations(self, queryset):
        queryset = queryset.select_related(*self.export_select_related).prefetch_related(
            *self.export_prefetch_related
        )
        versions = history_model(queryset.model)
        if versions is None:
            return queryset
        # One subquery in the export's own query, however many rows.
        latest = versions.objects.filter(id=OuterRef("pk")).order_by("-history_id")
        return queryset.annotate(**{VERSION_ATTRIBUTE: Subquery(latest.values("history_id")[:1])})

    def get_queryset(self):
        return self.with_export_relations(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.with_export_relations(super().filter_export(queryset, **kwargs))

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value
        return escape_formula(value)

    def get_diff_class(self):
        return SideBySideDiff

    def get_import_fields(self):
        # Asked several times a row; the same for the whole import (before_import resets it).
        if getattr(self, "import_fields", None) is None:
            self.import_fields = super().get_import_fields()
        return self.import_fields

    def import_column_headers(self):
        """The header in words of each imported column, as the preview shows them."""
        if getattr(self, "import_headers", None) is None:
            self.import_headers = [self.column_header(f) for f in self.get_import_fields()]
        return self.import_headers

    # -- Headers in words: "Plan year", "Amount (£)"; read back to the columns they name ----

    def column_header(self, field):
        """A column's header in words: plan_year is "Plan year", a money field's amount is
        "Amount (£)", target_change_percent is "Target change (%)"."""
        name = str(field.column_name)
        if name == "id":
            return "ID"
        words = name.replace("_", " ").strip()
        if words.endswith(" percent"):
            words = words.removesuffix(" percent") + " (%)"
        words = words[:1].upper() + words[1:]
        if self.holds_money(field):
            words += f" {MONEY_MARK}"
        return words

    def holds_money(self, field):
        try:
            model_field = self._meta.model._meta.get_field(field.attribute or "")
        except FieldDoesNotExist:
            return False
        return isinstance(model_field, DecimalField) and model_field.decimal_places == 2

    def get_export_headers(self, selected_fields=None):
        return [
            self.column_header(field) for field in self.get_export_fields(selected_fields) if field
        ]

    def columns_by_header(self):
        """Each column's name by the forms its header may take (its name, its words), in
        lower case."""
        columns = {}
        for field in self.fields.values():
            name = str(field.column_name)
            columns[name.lower()] = name
            columns[self.column_header(field).lower()] = name
        return columns

    def read_headers(self, dataset):
        """Rename headers in words ("Amount (£)") to the columns they name ("amount"), so a
        sheet exported from here imports back; a header by its column name is kept."""
        if not dataset.headers:
            return
        columns = self.columns_by_header()
        dataset.headers = [
            columns.get(str(header).strip().lower(), header) if header is not None else header
            for header in dataset.headers
        ]

    def before_import(self, dataset, **kwargs):
        self.read_headers(dataset)
        super().before_import(dataset, **kwargs)
        self.rows_by_record = {}
        self.current_row = None
        self.import_fields = self.import_headers = None
        self.uniqueness = SheetUniqueness(self._meta.model)
        for field in self.fields.values():
            if hasattr(field.widget, "forget"):
                field.widget.forget()

    def before_import_row(self, row, **kwargs):
        for key in list(row.keys()):
            row[key] = unescape_formula(row[key])

    def record_key(self, instance):
        """What identifies the record a row imports: its import id fields (a milestone's id,
        an indicator's plan year and ref); None for a new record without them (a new
        milestone, which has no id yet)."""
        values = tuple(
            self.fields[name].get_value(instance) for name in self.get_import_id_fields()
        )
        if any(value in (None, "") for value in values):
            return None
        return values

    def check_not_repeated(self, instance, row_number):
        key = self.record_key(instance)
        if key is None or row_number is None:
            return
        first = self.rows_by_record.setdefault(key, row_number)
        if first != row_number:
            raise ValidationError(
                f"Rows {first} and {row_number} are the same "
                f"{self._meta.model._meta.verbose_name}. Keep one of them.",
                code="repeated_row",
            )

    def stale_version_error(self, instance, row):
        """A message if the row was exported before the record's latest change, else None."""
        versions = history_model(self._meta.model)
        exported = row.get(VERSION_COLUMN)
        if versions is None or instance._state.adding or exported in (None, ""):
            return None
        try:
            exported = int(str(exported).strip().split(".")[0])
        except ValueError:
            return ValidationError(
                {VERSION_COLUMN: "Leave the version as exported, or blank it to skip the check."}
            )
        current = getattr(instance, VERSION_ATTRIBUTE, None)
        if current is None or current == exported:
            return None
        latest = (
            versions.objects.filter(id=instance.pk, history_id__gt=exported)
            .select_related("history_user")
            .order_by("-history_id")
            .first()
        )
        if latest is None:
            return None
        return ValidationError(
            f"This {self._meta.model._meta.verbose_name} was changed by "
            f"{describe_change(latest)}, after this sheet was exported. Export it again to see "
            "that change, then make yours.",
            code="changed_since_export",
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if super().skip_row(instance, original, row, import_validation_errors):
            # Leaves the record as it now is, so overwrites no one's change.
            return True
        stale = self.stale_version_error(instance, row)
        if stale is not None:
            errors = stale.update_error_dict(dict(import_validation_errors or {}))
            raise ValidationError(errors)
        return False

    def get_instance(self, instance_loader, row):
        # The import id fields (an indicator's plan year and ref, a measurement's indicator and
        # period) are cleaned while finding the existing row, outside import_instance, so
        # django-import-export reports their errors with no column. Report them by field.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as error:
            errors = {}
            for name in self.get_import_id_fields():
                field = self.fields[name]
                try:
                    field.clean(row)
                except ValueError as field_error:
                    errors[field.attribute] = [ValidationError(str(field_error), code="invalid")]
            raise ValidationError(errors or str(error)) from error

    def import_instance(self, instance, row, **kwargs):
        # django-import-export sets many-to-many fields only after saving, where a bad value is
        # a bare row error; check them here so they are reported against their column.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.check_not_repeated(instance, kwargs.get("row_number"))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    many = list(field.clean(row))
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
                else:
                    # What the preview shows as the row's values (see SideBySideDiff).
                    instance.__dict__.setdefault("_import_many_to_many", {})[field.attribute] = many
        if errors:
            raise ValidationError(errors)
