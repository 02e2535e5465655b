"""Spreadsheet import and export (django-import-export): the formula-safe resource base and the
widgets every app's resources use."""

from django.core.exceptions import ValidationError
from import_export import resources, widgets

# A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix formula-like text with an apostrophe so no spreadsheet runs it; other values are
    returned unchanged, so numbers stay numbers.

    Text that already begins with apostrophes before a trigger ("'=x") gains one more, so that
    unescape_formula gives it back exactly rather than dropping its own apostrophe."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo escape_formula, so an exported sheet imports back to the same text."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value.lstrip("'").startswith(FORMULA_TRIGGERS)
    ):
        return value[1:]
    return value


def _reporting_bad_numbers(widget_class):
    """A number widget whose bad input ("about 2k") is a ValueError, which the import reports
    against its column. django-import-export's own widgets let decimal.InvalidOperation escape,
    which is no ValueError, so the preview showed "[<class 'decimal.ConversionSyntax'>]" with no
    column."""

    class Widget(widget_class):
        def clean(self, value, row=None, **kwargs):
            try:
                return super().clean(value, row=row, **kwargs)
            except (ArithmeticError, TypeError, ValueError) as error:
                raise ValueError("Enter a number.") from error

    Widget.__name__ = Widget.__qualname__ = widget_class.__name__
    return Widget


DecimalWidget = _reporting_bad_numbers(widgets.DecimalWidget)
IntegerWidget = _reporting_bad_numbers(widgets.IntegerWidget)


class FormulaSafeResource(resources.ModelResource):
    """A resource whose exports never carry a runnable formula in a text cell.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only a leading "="
    and turns every cell into text; this escapes every formula trigger in text cells and leaves
    numeric cells (including negative numbers) as numbers.

    On import, every problem with a cell is reported against its column and line, and the
    relations an export reads are loaded with its rows (see export_select_related).
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

    #: Relations the export reads. The admin exports its changelist queryset, not
    #: get_queryset(), so these are applied to whatever queryset is exported: without them each
    #: exported row ran its own queries.
    export_select_related = ()
    export_prefetch_related = ()

    def with_export_relations(self, queryset):
        return queryset.select_related(*self.export_select_related).prefetch_related(
            *self.export_prefetch_related
        )

    def get_queryset(self):
        return self.with_export_relations(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.with_export_relations(super().filter_export(queryset, **kwargs))

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value
        return escape_formula(value)

    def before_import_row(self, row, **kwargs):
        for key in list(row.keys()):
            row[key] = unescape_formula(row[key])

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
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)


class LookupWidget(widgets.ForeignKeyWidget):
    """Finds a related object by a natural field (a category by its name); a value that matches
    nothing is a ValueError naming it, reported against its column, not a bare DoesNotExist."""

    def __init__(self, model, field, not_found=None, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.not_found = not_found or "No {verbose_name} called {value!r}."

    def describe_missing(self, value, row):
        return self.not_found.format(verbose_name=self.model._meta.verbose_name, value=value)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist as error:
            raise ValueError(self.describe_missing(value, row)) from error
        except self.model.MultipleObjectsReturned as error:
            raise ValueError(
                f"More than one {self.model._meta.verbose_name} is called {value!r}."
            ) from error


class PlanYearScopedWidget(LookupWidget):
    """Finds a related object by a field that is unique only within a plan year, using the row's
    plan_year column (e.g. a project by its title)."""

    def __init__(self, model, field, plan_year_lookup, **kwargs):
        super().__init__(model, field, **kwargs)
        self.plan_year_lookup = plan_year_lookup

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(**{self.plan_year_lookup: row.get("plan_year")})

    def describe_missing(self, value, row):
        return (
            f"No {self.model._meta.verbose_name} called {value!r} in plan year "
            f"{row.get('plan_year')!r}."
        )


class NamesWidget(widgets.ManyToManyWidget):
    """Many related objects by name, separated by semicolons. A name that matches nothing is
    refused: django-import-export's own widget silently dropped it, losing e.g. an owner."""

    def __init__(self, model, field, separator=";", **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row=row, **kwargs)
        if not value:
            return found
        names = [name.strip() for name in str(value).split(self.separator) if name.strip()]
        known = {str(getattr(obj, self.field)) for obj in found}
        missing = [name for name in names if name not in known]
        if missing:
            raise ValueError(
                "; ".join(
                    f"No {self.model._meta.verbose_name} called {name!r}." for name in missing
                )
            )
        return found
