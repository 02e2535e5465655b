"""The resource base of every app's spreadsheet import and export (django-import-export):
exports that carry no runnable formula, headers in words that read back to their columns,
imports that report every problem against its row and column, validate in bulk without a
write lock, and never silently undo someone else's change, and the preview's side-by-side
values."""

import copy
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import DecimalField, OuterRef, Subquery
from django.utils import timezone
from import_export import exceptions, fields, resources, widgets

from core import history
from core.bulk_import import (
    WRITE_BATCH,
    RecordGone,
    SheetInstanceLoader,
    SheetUniqueness,
    full_clean_in_python,
    write_records,
)
from core.edit_conflicts import EditConflictError, describe_conflict, insert_or_conflict
from core.exports import MONEY_MARK
from core.history import history_model
from core.numbers import MONEY_HINT, format_number
from core.services import in_printed_order, links_set_in_order
from core.spreadsheets.columns import can_read_by_lookups, column_reader, export_rows
from core.spreadsheets.formulas import escape_formula, unescape_formula
from core.spreadsheets.reading import column_letter, sheet_row_numbers
from core.spreadsheets.widgets import DecimalWidget, IntegerWidget

VERSION_COLUMN = "version"
VERSION_ATTRIBUTE = "record_version"


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
class PendingWrite:
    """A confirmed row's record, validated and waiting to be written with the others: whether
    it adds the record, and the row (by its number in the sheet) that names it if it is
    refused."""

    instance: object
    adding: bool
    number: int
    row: dict


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


def values_unchanged(instance, original) -> bool:
    """Whether `instance` holds the stored values `original` (the record as the row found it,
    or None for none) held, field by field."""
    return original is not None and all(
        field.value_from_object(instance) == field.value_from_object(original)
        for field in instance._meta.concrete_fields
    )


class OrderedLinksField(fields.Field):
    """A many-to-many column whose links keep the order the sheet lists them in (an indicator's
    owners as the plan prints them), set by core.services.links_set_in_order, the rule every
    route sets such links by. Exported in the links' order, given a prefetch in that order."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.readonly:
            return
        cleaned = self.clean(row, **kwargs)
        if cleaned is not None:
            links_set_in_order(getattr(instance, self.attribute), cleaned)

    def in_order_of(self, instance, row) -> bool:
        """Whether the record's links are those of the row, in its order."""
        if self.column_name not in row:
            return True
        stored = in_printed_order(getattr(instance, self.attribute).all(), link=self.link)
        stored = [obj.pk for obj in stored]
        return stored == [obj.pk for obj in self.clean(row)]

    def __init__(self, *args, link: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.link = link


class FormulaSafeResource(resources.ModelResource):
    """A resource whose exports never carry a runnable formula in a text cell, and whose
    imports never silently undo someone else's change.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only a leading "="
    and turns every cell into text; this escapes every formula trigger in text cells and leaves
    numeric cells (including negative numbers) as numbers.

    An export reads its rows as values, with one query for all of them (and one more for each
    many-to-many column), where every column is a path of fields its widget renders
    (core.spreadsheets.columns); otherwise from each record, with the relations it reads loaded
    with the rows (see export_select_related). On import, every problem with a cell is
    reported against its column and line.

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
        #: A confirmed import's validated rows, written once every row is read (None outside
        #: a confirmation written in bulk).
        self.pending_writes = None
        #: A copy of the record a confirmed row is read into, before the row (after_init_instance).
        self.row_original = None
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
        if not dry_run and not self.writes_in_bulk():
            return super().import_data(
                dataset,
                dry_run=False,
                raise_errors=raise_errors,
                use_transactions=use_transactions,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=rollback_on_validation_errors,
                **kwargs,
            )
        if not dry_run:
            return self.import_data_in_bulk(
                dataset,
                raise_errors=raise_errors,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=rollback_on_validation_errors,
                **kwargs,
            )
        return self.import_data_inner(
            dataset, True, raise_errors, False, collect_failed_rows, **kwargs
        )

    def writes_in_bulk(self):
        """Whether a confirmed import is written in bulk (import_data_in_bulk): not for a model
        whose history keeps many-to-many links, or a sheet that sets them (an indicator's
        owners), which are set only once the record is saved; those are saved a row at a time.
        """
        versions = history_model(self._meta.model)
        if versions is not None and getattr(versions, "_history_m2m_fields", None):
            return False
        return not any(
            isinstance(field.widget, widgets.ManyToManyWidget) for field in self.get_import_fields()
        )

    def import_data_in_bulk(
        self, dataset, *, raise_errors, collect_failed_rows, rollback_on_validation_errors, **kwargs
    ):
        """Import a confirmed sheet in one transaction, all or nothing: every row is read and
        validated as the preview did (its rules, its rights, its edit conflicts), against the
        records as they are now, and only then are the rows written, in bulk.

        django-import-export saved each row as it was read, inside a savepoint of its own, with
        a query or two per row: 20,000 rows took longer than a server's worker may run. The rows
        read here open no savepoint (reading writes nothing), and the writes are a few
        statements per WRITE_BATCH rows (write_pending)."""
        using = self.get_db_connection_name()
        # No page shows a confirmed row's diff (the preview showed it): the deep copy of each
        # record it is worked out from, with its project and plan year, and the reading of
        # every column twice, took two fifths of a 20,000-row confirmation. skip_row compares
        # the row with a shallow copy instead (after_init_instance).
        with transaction.atomic(using=using):
            self.pending_writes = []
            self._meta = copy.copy(type(self)._meta)
            self._meta.skip_diff = True
            try:
                result = self.import_data_inner(
                    dataset, False, raise_errors, False, collect_failed_rows, **kwargs
                )
                refused = self.refused(result, rollback_on_validation_errors) or not (
                    self.write_pending(result, user=kwargs.get("user"), raise_errors=raise_errors)
                )
            finally:
                self.pending_writes = self.row_original = None
                del self._meta
            if refused:
                # A row the database refused rolls back the rows written before it, as a
                # row's error did when each was saved as it was read.
                transaction.set_rollback(True, using=using)
        return result

    @staticmethod
    def refused(result, rollback_on_validation_errors):
        """Whether an import's result is rolled back, as django-import-export decides it."""
        return result.has_errors() or (
            rollback_on_validation_errors and result.has_validation_errors()
        )

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self.row_original = copy.copy(instance)

    def unchanged(self, instance, original):
        """Whether a row leaves its record as `original` (the record before the row) has it:
        django-import-export's skip_unchanged, for a confirmation written in bulk, which sets no
        many-to-many links (see writes_in_bulk)."""
        return all(
            field.get_value(instance) == field.get_value(original)
            for field in self.get_import_fields()
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        if self.pending_writes is None:
            return super().save_instance(instance, is_create, row, **kwargs)
        self.before_save_instance(instance, row, **kwargs)
        self.pending_writes.append(PendingWrite(instance, is_create, self.current_row, row))
        self.after_save_instance(instance, row, **kwargs)
        return None

    def write_pending(self, result, *, user, raise_errors=False):
        """Write a confirmed import's rows in batches, each with its audit history by `user`.
        A batch the database refuses (a record someone else entered or deleted while the
        import ran, say) is rolled back and written again a row at a time, so that the first
        row refused is named, as a refusal naming its row, and nothing more is written.

        Changes are written before additions: a row that gives a record a new value of a unique
        field frees the old one for another row's new record, as it did written row by row.
        Returns False if a row was refused (and added to `result`), True once all are written."""
        user = user if user is not None and user.is_authenticated else None
        for adding in (False, True):
            writes = [write for write in self.pending_writes if write.adding is adding]
            for start in range(0, len(writes), WRITE_BATCH):
                batch = writes[start : start + WRITE_BATCH]
                if self.write_batch(batch, adding=adding, user=user):
                    continue
                refused = self.first_refused_row(batch, adding=adding, user=user)
                if refused is not None:
                    write, error = refused
                    result.append_invalid_row(write.number, write.row, error)
                    if raise_errors:
                        raise exceptions.ImportError(error, number=write.number, row=write.row)
                    return False
        for row_result in result.rows:
            # Added records have their ids only now (the admin's log of the import needs them).
            instance = getattr(row_result, "instance", None)
            if row_result.object_id is None and instance is not None:
                row_result.object_id = instance.pk
        return True

    def write_batch(self, batch, *, adding, user):
        """Write a batch of rows in a savepoint; False, with nothing written, if the database
        refuses it."""
        instances = [write.instance for write in batch]
        ids = [instance.pk for instance in instances]
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                write_records(
                    self._meta.model,
                    instances,
                    adding=adding,
                    user=user,
                    using=self.get_db_connection_name(),
                )
        except (IntegrityError, DataError, RecordGone):
            for instance, pk in zip(instances, ids, strict=True):
                instance.pk = pk
                instance._state.adding = adding
            return False
        return True

    def first_refused_row(self, batch, *, adding, user):
        """Write a refused batch a row at a time, in the sheet's order, up to the first row the
        database refuses: (that row's PendingWrite, a ValidationError saying why), or None if
        every row was written."""
        model, using = self._meta.model, self.get_db_connection_name()
        for write in batch:
            instance = write.instance
            try:
                with transaction.atomic(using=using):
                    if adding:
                        insert_or_conflict(
                            instance,
                            fields=self.conflict_fields(),
                            save=functools.partial(
                                write_records,
                                model,
                                [instance],
                                adding=True,
                                user=user,
                                using=using,
                            ),
                        )
                    else:
                        write_records(model, [instance], adding=False, user=user, using=using)
            except EditConflictError as error:
                return write, self.entered_meanwhile_error(error)
            except RecordGone:
                return write, ValidationError(
                    f"The {model._meta.verbose_name} {instance} was deleted while this sheet "
                    "was being imported, so it was not saved again.",
                    code="deleted_meanwhile",
                )
            except (IntegrityError, DataError) as error:
                return write, ValidationError(
                    f"The database refused this row: {error}", code="refused"
                )
        return None

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

    def export(self, queryset=None, **kwargs):
        """The export's dataset, as django-import-export's export makes it, its rows read as
        values with one query (and one more per many-to-many column) where every column can be
        (core.spreadsheets.columns), else from each record."""
        self.before_export(queryset, **kwargs)
        if queryset is None:
            queryset = self.get_queryset()
        queryset = self.filter_export(queryset, **kwargs)
        export_fields = kwargs.get("export_fields")
        dataset = tablib.Dataset(headers=self.get_export_headers(selected_fields=export_fields))
        readers = self.column_readers(queryset, export_fields, kwargs)
        if readers is None:
            for instance in self.iter_queryset(queryset):
                dataset.append(self.export_resource(instance, export_fields, **kwargs))
        else:
            ordered = queryset
            if queryset._prefetch_related_lookups and not queryset.query.order_by:
                # The order django-import-export's iter_queryset gives such a queryset.
                ordered = queryset.order_by("pk")
            for row in export_rows(ordered, readers, self.get_chunk_size()):
                dataset.append(row)
        self.after_export(queryset, dataset, **kwargs)
        return dataset

    def column_readers(self, queryset, selected_fields, kwargs):
        """How each exported column is read without its records (ColumnReaders), or None if one
        of them can only be read from a record (a dehydrate_ method, a property)."""
        resource = type(self)
        if (
            resource.export_field is not FormulaSafeResource.export_field
            or resource.export_resource is not resources.Resource.export_resource
            or resource.iter_queryset is not resources.Resource.iter_queryset
            or not can_read_by_lookups(queryset)
        ):
            return None
        readers = []
        for field in self.get_export_fields(selected_fields):
            dehydrate = field.get_dehydrate_method(self.get_field_name(field))
            if callable(dehydrate) or getattr(self, dehydrate, None) is not None:
                return None
            reader = column_reader(field, queryset, kwargs, escape_formula)
            if reader is None:
                return None
            readers.append(reader)
        return readers

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
        #: When the sheet being confirmed was previewed (None outside a confirmation).
        self.previewed_at = kwargs.get("previewed_at")
        self.entered_since_preview = None
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
        if self.pending_writes is not None:
            skip = (
                self._meta.skip_unchanged
                and not import_validation_errors
                and self.unchanged(instance, self.row_original)
            )
        else:
            skip = super().skip_row(instance, original, row, import_validation_errors)
            # django-import-export compares many-to-many links as sets; an ordered link whose
            # order alone changed is a change.
            skip = skip and all(
                field.in_order_of(instance, row)
                for field in self.get_import_fields()
                if isinstance(field, OrderedLinksField) and instance.pk is not None
            )
        if skip:
            # Leaves the record as it now is, so overwrites no one's change.
            return True
        stale = self.stale_version_error(instance, row) or self.entered_since_preview_error(
            instance
        )
        if stale is not None:
            errors = stale.update_error_dict(dict(import_validation_errors or {}))
            raise ValidationError(errors)
        return False

    def entered_since_preview_error(self, instance):
        """A message if the record a confirmed row would change was entered or changed after
        the sheet's preview, which showed the person something else (a new record, or its
        earlier values): the row would overwrite it unseen. None otherwise. The history is read
        once per confirmation, for the changes made since the preview."""
        versions = history_model(self._meta.model)
        if self.previewed_at is None or versions is None or instance._state.adding:
            return None
        if self.entered_since_preview is None:
            self.entered_since_preview = {}
            for pk, kind in versions.objects.filter(history_date__gt=self.previewed_at).values_list(
                "id", "history_type"
            ):
                if self.entered_since_preview.get(pk) != "+":
                    self.entered_since_preview[pk] = kind
        kind = self.entered_since_preview.get(instance.pk)
        if kind is None:
            return None
        stored = type(instance)._default_manager.get(pk=instance.pk)
        conflict = describe_conflict(stored, self.conflict_fields())
        return ValidationError(
            f"The {self._meta.model._meta.verbose_name} {stored} was "
            f"{'entered' if kind == '+' else 'changed'} after this sheet's preview, which did "
            f"not show it, so nothing was saved over it. {conflict.describe()}",
            code="entered_since_preview",
        )

    def conflict_fields(self):
        """The model's fields the sheet imports, named when a conflict says what a record now
        holds."""
        names = {field.name for field in self._meta.model._meta.concrete_fields}
        return [
            field.attribute
            for field in self.get_import_fields()
            if field.attribute in names and field.attribute not in self.get_import_id_fields()
        ]

    def do_instance_save(self, instance, is_create):
        # A row at a time: a confirmation not written in bulk (see writes_in_bulk).
        if not is_create:
            # A row that changes only the record's links (an indicator's owners reordered)
            # leaves the record's own values as they were: its save adds no version, as an
            # entry screen's unchanged form adds none (RecordAdmin.save_model); the links'
            # change adds the one version (core.services.links_set_in_order).
            if values_unchanged(instance, self.row_original):
                instance.skip_history_when_saving = True
            try:
                return super().do_instance_save(instance, is_create)
            finally:
                instance.__dict__.pop("skip_history_when_saving", None)
        # A record the sheet adds that someone else entered at the very same moment (after
        # this row was read, before it was written) is their record, not a server error.
        try:
            insert_or_conflict(
                instance,
                fields=self.conflict_fields(),
                save=lambda: super(FormulaSafeResource, self).do_instance_save(instance, is_create),
            )
        except EditConflictError as error:
            raise self.entered_meanwhile_error(error) from None

    def entered_meanwhile_error(self, error):
        """What a row adding a record is told when someone else entered that record while the
        sheet was being imported (an EditConflictError from insert_or_conflict)."""
        return ValidationError(
            f"Someone else entered the {self._meta.model._meta.verbose_name} "
            f"{error.current} while this sheet was being imported, so nothing was saved "
            f"over it. {error.conflict.describe()}",
            code="entered_meanwhile",
        )

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
