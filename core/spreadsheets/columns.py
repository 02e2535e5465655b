"""An export's columns read straight from the database: each column's value fetched with one
query for all the rows (values_list), a many-to-many column's with one more, and each value
rendered by its column's widget, as django-import-export renders it from a record.

django-import-export builds a model instance per row (with its related records) and walks each
column's attribute path on it; for thousands of rows that took twice as long as writing the
workbook. An attribute path such as `indicator__plan_year__year` is also a lookup the
database follows, so the rows' values are read as plain tuples instead. A column read some
other way (a dehydrate_ method, a property, a callable, a reverse relation, a widget or field
of its own) is not read here: the whole export then takes django-import-export's path.
"""

import datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.encoding import smart_str
from import_export import fields, widgets


def lookup_target(model, path):
    """The model field that a lookup path (`indicator__plan_year__year`) ends at, when the
    path crosses only relations to one record (foreign keys, forward one-to-ones); None for
    any other path (a property, a callable, a many-to-many or reverse relation on the way)."""
    names = path.split("__")
    for position, name in enumerate(names):
        if name == "pk":
            field = model._meta.pk
        else:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                return None
        if not field.concrete or field.many_to_many:
            return None
        if position == len(names) - 1:
            return field
        if not field.is_relation or name == field.attname != field.name:
            return None
        model = field.related_model
    return None


def holds_related_record(field, name):
    """Whether an attribute named `name` of a record holds a related record (a foreign key's
    object) rather than a value (a foreign key's id, named by its attname)."""
    return field.is_relation and name != field.attname


def plain_field(field):
    """Whether a resource field exports as django-import-export's Field does: its value at its
    attribute path, rendered by its widget."""
    kind = type(field)
    return kind.export is fields.Field.export and kind.get_value is fields.Field.get_value


class ColumnReader:
    """How one exported column is read: the lookups it needs of each row, and how its cell is
    made of their values (`cell(*values)`); for a many-to-many column, also `many()`, its one
    extra query, run before the rows are read."""

    def __init__(self, lookups, cell, many=None):
        self.lookups = lookups
        self.cell = cell
        self.many = many


def value_renderer(widget, render_kwargs):
    """`widget.render` of one value, as django-import-export's Field.export calls it. A number
    or a date and time of django-import-export's own widgets in a workbook (native values) is
    rendered here without the call, as the widget renders it: a number as it is, a date and
    time in the person's time zone, which is read once, not once a cell (reading it through
    Django's thread-local took more than half of such a cell's time)."""
    render = widget.render
    native = widget.coerce_to_string is False or render_kwargs.get("force_native_type")
    if type(widget).render is widgets.NumberWidget.render and native:
        return lambda value: value
    if type(widget).render is widgets.DateTimeWidget.render and native:
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        strip = bool(render_kwargs.get("force_native_type"))

        def render_datetime(value):
            if not value or not isinstance(value, datetime.datetime):
                return ""
            if zone is not None:
                if timezone.is_naive(value):
                    return render(value, **render_kwargs)
                value = value.astimezone(zone)
            # A workbook's cells hold no time zone.
            return value.replace(tzinfo=None) if strip else value

        return render_datetime
    return lambda value: render(value, **render_kwargs)


def column_reader(field, queryset, render_kwargs, escape):
    """How `field` of a resource is read for an export of `queryset` without its records; None
    if it can only be read from a record. `escape(value)` is applied to every cell but a
    number widget's (FormulaSafeResource's formula escaping)."""
    if not plain_field(field):
        return None
    widget = field.widget
    render = value_renderer(widget, render_kwargs)
    if isinstance(widget, widgets.NumberWidget):
        cell = render
    else:

        def cell(value):
            return escape(render(value))

    if field.attribute is None:
        value = cell(None)
        return ColumnReader([], lambda: value)
    model = queryset.model
    path = field.attribute
    if "__" not in path and path in queryset.query.annotations:
        return ColumnReader([path], cell)
    target = lookup_target(model, path)
    if target is None:
        return many_to_many_reader(field, queryset, escape)
    if not holds_related_record(target, path.rsplit("__", 1)[-1]):
        return ColumnReader([path], cell)
    # A related record, which a foreign key widget names by one of its fields.
    if (
        type(widget).render is not widgets.ForeignKeyWidget.render
        or widget.use_natural_foreign_keys
        or widget.key_is_id
    ):
        return None
    named = f"{path}__{widget.field}"
    final = lookup_target(model, named)
    if final is None or holds_related_record(final, named.rsplit("__", 1)[-1]):
        return None
    # As ForeignKeyWidget.render: "" for no related record, else the field's value as it is.
    return ColumnReader([path, named], lambda pk, value: escape("" if pk is None else value))


def many_to_many_reader(field, queryset, escape):
    """How a many-to-many column (an indicator's owners) is read: its links for every exported
    record with one query, in the order the record's own `.all()` gives them (the export's
    prefetch's, if it has one for the column), named as ManyToManyWidget names them."""
    widget = field.widget
    if (
        type(widget).render is not widgets.ManyToManyWidget.render
        or "__" in field.attribute
        or queryset.query.is_sliced
    ):
        return None
    try:
        relation = queryset.model._meta.get_field(field.attribute)
    except FieldDoesNotExist:
        return None
    if not relation.many_to_many or relation.auto_created:
        return None
    related = relation.related_model
    final = lookup_target(related, widget.field)
    if final is None or holds_related_record(final, widget.field.rsplit("__", 1)[-1]):
        return None
    links = related._default_manager.all()
    for lookup in queryset._prefetch_related_lookups:
        if (
            isinstance(lookup, Prefetch)
            and lookup.prefetch_to == field.attribute
            and lookup.queryset is not None
        ):
            links = lookup.queryset
    reverse = relation.related_query_name()
    # As Django's own prefetch of a many-to-many relation: the filter's join to the link table
    # is the one the ordering and the record's id are read through.
    links = links._next_is_sticky().filter(**{f"{reverse}__in": queryset.order_by().values("pk")})
    links = links.values_list(reverse, widget.field)
    separator = widget.separator

    names = {}

    def read():
        for owner, name in links.iterator():
            names.setdefault(owner, []).append(smart_str(name))

    def cell(pk):
        return escape(separator.join(names.get(pk, ())))

    return ColumnReader(["pk"], cell, many=read)


def export_rows(queryset, readers, chunk_size):
    """The exported rows of `queryset`, each a list of its columns' cells, read by `readers`
    (ColumnReaders) with one query, and one more for each many-to-many column."""
    lookups = ["pk"]
    # Each column's cell of its one value, at its place in the row; or (place None) of the
    # whole row, for a column of several values or none.
    plan = []
    for reader in readers:
        start = len(lookups)
        lookups.extend(reader.lookups)
        cell = reader.cell
        if reader.many is not None:
            reader.many()
        if len(reader.lookups) == 1:
            plan.append((cell, start))
        else:
            end = len(lookups)
            plan.append((lambda row, cell=cell, start=start, end=end: cell(*row[start:end]), None))
    rows = queryset.prefetch_related(None).values_list(*lookups)
    for row in rows.iterator(chunk_size=chunk_size):
        yield [cell(row) if place is None else cell(row[place]) for cell, place in plan]


def can_read_by_lookups(queryset):
    """Whether an export of `queryset` may be read as values (a QuerySet, not a list of records,
    and not a raw or a values queryset already)."""
    return isinstance(queryset, QuerySet) and issubclass(queryset._iterable_class, ModelIterable)
