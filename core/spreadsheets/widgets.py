"""The widgets of every app's import resources: numbers read as people write them, and related
records found by a natural field (a category by its name, a project by its title within a plan
year, owners by name), fetched once per import, with a message against the row and column for
a value that matches nothing."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from import_export import widgets

from core.numbers import MONEY_HINT, NUMBER_HINT, UnreadableNumber, parse_number


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


class DecimalWidget(widgets.DecimalWidget):
    """A decimal column read as people write amounts in a spreadsheet (core.numbers):
    "£1,473,000", "1,473,000" and "1473000" are the same amount, "(£93,000)" is income, -93000.
    Anything else is a ValueError saying what to type, which the import reports against its
    row and column. A number cell (an exported sheet's) is read exactly as before."""

    def __init__(self, *args, hint=NUMBER_HINT, **kwargs):
        super().__init__(*args, **kwargs)
        self.hint = hint

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number. {self.hint}.")
        if isinstance(value, int | float | Decimal):
            try:
                return Decimal(str(value))
            except ArithmeticError as error:
                raise ValueError(f"{value!r} is not a number. {self.hint}.") from error
        text = str(value).strip()
        # A percent sign is a measure's ("70.9%"), never an amount of money's.
        if self.hint == MONEY_HINT and "%" in text:
            raise ValueError(f"{text!r} is not an amount. {self.hint}.")
        try:
            return parse_number(text, hint=self.hint)
        except UnreadableNumber as error:
            raise ValueError(str(error)) from error


IntegerWidget = _reporting_bad_numbers(widgets.IntegerWidget)


def _lookup_target(model, path):
    """The model field a lookup path ends at ("plan_year__year" of a budget: PlanYear.year)."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


class LookupWidget(widgets.ForeignKeyWidget):
    """Finds a related object by a natural field (a category by its name); a value that matches
    nothing is a ValueError naming it, reported against its column, not a bare DoesNotExist.

    The objects are fetched once per import (once per plan year, for PlanYearScopedWidget),
    with the relations the import reads of them, and each row's value is found among them:
    a query per row made a preview of thousands of rows take minutes."""

    def __init__(self, model, field, not_found=None, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.not_found = not_found or "No {verbose_name} called {value!r}."
        self.forget()

    def forget(self):
        """Drop the fetched objects, so the next import fetches them as they are then."""
        self.tables = {}

    def describe_missing(self, value, row):
        return self.not_found.format(verbose_name=self.model._meta.verbose_name, value=value)

    def scope(self, row):
        """Which fetched table a row's value is looked up in (all objects, here)."""
        return None

    def related_to_fetch(self):
        """The relations fetched with the objects: those the lookup path crosses."""
        *relations, _name = self.field.split("__")
        return ["__".join(relations)] if relations else []

    def table(self, value, row):
        """The objects of the row's scope by their lookup value, fetched once."""
        scope = self.scope(row)
        if scope not in self.tables:
            table = {}
            objects = self.get_queryset(value, row).annotate(_import_lookup=F(self.field))
            if related := self.related_to_fetch():
                objects = objects.select_related(*related)
            for obj in objects:
                table.setdefault(obj._import_lookup, []).append(obj)
            self.tables[scope] = table
        return self.tables[scope]

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        try:
            key = _lookup_target(self.model, self.field).get_prep_value(value)
        except (TypeError, ValueError, ValidationError):
            key = None
        found = self.table(value, row).get(key, []) if key is not None else []
        if not found:
            raise ValueError(self.describe_missing(value, row))
        if len(found) > 1:
            raise ValueError(f"More than one {self.model._meta.verbose_name} is called {value!r}.")
        return found[0]


class PlanYearScopedWidget(LookupWidget):
    """Finds a related object by a field that is unique only within a plan year, using the row's
    plan_year column (e.g. a project by its title)."""

    def __init__(self, model, field, plan_year_lookup, **kwargs):
        super().__init__(model, field, **kwargs)
        self.plan_year_lookup = plan_year_lookup

    def scope(self, row):
        return row.get("plan_year")

    def related_to_fetch(self):
        # The plan year, which the import's year checks and the record's clean() read.
        *relations, _name = self.plan_year_lookup.split("__")
        return [*super().related_to_fetch(), *(["__".join(relations)] if relations else [])]

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(**{self.plan_year_lookup: row.get("plan_year")})

    def describe_missing(self, value, row):
        return (
            f"No {self.model._meta.verbose_name} called {value!r} in plan year "
            f"{row.get('plan_year')!r}."
        )


class NamesWidget(widgets.ManyToManyWidget):
    """Many related objects by name, separated by semicolons. A name that matches nothing is
    refused: django-import-export's own widget silently dropped it, losing e.g. an owner.

    The objects are fetched once per import, not once per row."""

    def __init__(self, model, field, separator=";", **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)
        self.forget()

    def forget(self):
        """Drop the fetched objects, so the next import fetches them as they are then."""
        self.objects = None

    def clean(self, value, row=None, **kwargs):
        if not value:
            return []
        if isinstance(value, float | int):
            names = [str(int(value))]
        else:
            names = [name.strip() for name in str(value).split(self.separator) if name.strip()]
        if self.objects is None:
            self.objects = list(self.model.objects.all())
        by_name = {str(getattr(obj, self.field)): obj for obj in self.objects}
        missing = [name for name in names if name not in by_name]
        if missing:
            raise ValueError(
                "; ".join(
                    f"No {self.model._meta.verbose_name} called {name!r}." for name in missing
                )
            )
        # In the sheet's order, which an ordered link (an indicator's owners) keeps.
        return list(dict.fromkeys(by_name[name] for name in names))
