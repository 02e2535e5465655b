"""Validating an imported sheet in bulk and without writing, and writing a confirmed one in bulk.

A preview used to be django-import-export's dry run: every row looked up, validated and saved
inside one transaction that was then rolled back. That cost a few queries per row (2,000 rows
took 25 s on SQLite; on PostgreSQL 1,000 reached the worker timeout), and on SQLite the
transaction held the write lock for the whole preview, so everyone else's saves waited.

Here the records a sheet names are fetched once (SheetInstanceLoader), each row's record is
validated in Python (full_clean_in_python: the model's own field checks and clean(), its check
constraints evaluated on the values, its uniqueness against the stored records fetched once and
the rows before it), and nothing is written until the import is confirmed. The database's
constraints still guard the confirmed import, which runs in one transaction.

A confirmed import validates every row the same way, against the records as they are when it is
confirmed, and then writes the rows in batches (write_records): an INSERT or UPDATE of up to
WRITE_BATCH records at a time, and one INSERT of their audit history entries, rather than a
save() and a history entry per row, each in its own savepoint (20,000 rows took 97.6 s on
PostgreSQL and 150.8 s on SQLite, past gunicorn's 30 s worker timeout). A batch the database
refuses is written again a row at a time, so that the refusal names its row.
"""

import operator

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from import_export.instance_loaders import ModelInstanceLoader
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

#: Values per query when records are fetched by a list of keys.
FETCH_CHUNK = 5000
#: Records per statement when a confirmed import is written.
WRITE_BATCH = 500


class UnsupportedCondition(Exception):
    """A constraint's condition the Python evaluation does not know; the database checks it."""


class ExcludedField(Exception):
    """A condition names a field left out of validation (it already has an error)."""


# -- Which stored records the rows of a sheet name --------------------------------------------


def _key_part(value):
    """A comparable form of one import id value: a related record by its primary key."""
    if isinstance(value, models.Model):
        return value.pk
    return value


class SheetInstanceLoader(ModelInstanceLoader):
    """Finds each row's stored record among those fetched once for the whole sheet, by the
    resource's import id fields (a milestone's id; an indicator's plan year and ref), rather
    than with a query per row. A record named twice is fetched again for its second row (the
    first row changes the fetched one), which the resource then refuses as repeated."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.id_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.records = None
        self.served = set()

    def model_field(self, field):
        try:
            return self.resource._meta.model._meta.get_field(field.attribute)
        except FieldDoesNotExist:
            return None

    def row_key(self, row):
        """The row's import id values, comparable with stored_key; None if any is blank."""
        values = []
        for field in self.id_fields:
            value = field.clean(row)
            if value in (None, ""):
                return None
            model_field = self.model_field(field)
            value = _key_part(value)
            if model_field is not None and not model_field.is_relation:
                value = model_field.to_python(value)
            values.append(value)
        return tuple(values)

    def stored_key(self, record):
        return tuple(getattr(record, self.model_field(field).attname) for field in self.id_fields)

    def fetch(self):
        """Every stored record a row of the sheet names, by its key, in a few queries."""
        from core.spreadsheets.formulas import unescape_formula

        keys = set()
        columns = {field.column_name for field in self.id_fields}
        if self.dataset is not None and columns <= set(self.dataset.headers or ()):
            for values in self.dataset:
                row = {
                    header: unescape_formula(value)
                    for header, value in zip(self.dataset.headers, values, strict=False)
                }
                try:
                    key = self.row_key(row)
                except (ValueError, ValidationError):
                    continue  # reported against its row by the import
                if key is not None:
                    keys.add(key)
        first = sorted({key[0] for key in keys}, key=repr)
        records = {}
        lookup = f"{self.model_field(self.id_fields[0]).attname}__in"
        for start in range(0, len(first), FETCH_CHUNK):
            chunk = first[start : start + FETCH_CHUNK]
            for record in self.get_queryset().filter(**{lookup: chunk}):
                key = self.stored_key(record)
                if key in keys:
                    records[key] = record
        return records

    def get_instance(self, row):
        if any(self.model_field(field) is None for field in self.id_fields):
            return super().get_instance(row)
        if self.records is None:
            self.records = self.fetch()
        key = self.row_key(row)
        if key is None:
            return None
        record = self.records.pop(key, None)
        if record is None and key in self.served:
            return super().get_instance(row)
        self.served.add(key)
        return record


# -- Check constraints, evaluated on the values -------------------------------------------------

COMPARISONS = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _all(results):
    """SQL's AND: false if any is false, else unknown (None) if any is unknown."""
    if any(result is False for result in results):
        return False
    return None if any(result is None for result in results) else True


def _any(results):
    """SQL's OR: true if any is true, else unknown (None) if any is unknown."""
    if any(result is True for result in results):
        return True
    return None if any(result is None for result in results) else False


def _field_value(instance, name, exclude):
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist as error:
        raise UnsupportedCondition(name) from error
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise UnsupportedCondition(name)
    if field.name in exclude:
        raise ExcludedField(name)
    return getattr(instance, field.attname)


def condition_holds(condition, instance, exclude=()):
    """Whether `instance` meets a check constraint's condition: True, False, or None when SQL
    would find it unknown (a comparison with NULL), which a CHECK constraint lets pass. Knows
    exact, isnull, in and the comparisons, of a model field with a value or another field
    (F); anything else is an UnsupportedCondition."""
    if isinstance(condition, Q):
        results = [condition_holds(child, instance, exclude) for child in condition.children]
        if condition.connector == Q.AND:
            result = _all(results)
        elif condition.connector == Q.OR:
            result = _any(results)
        else:
            raise UnsupportedCondition(condition.connector)
        if condition.negated and result is not None:
            result = not result
        return result
    if not isinstance(condition, tuple):
        raise UnsupportedCondition(condition)
    path, expected = condition
    name, _, lookup = path.partition("__")
    lookup = lookup or "exact"
    value = _field_value(instance, name, exclude)
    if isinstance(expected, F):
        expected = _field_value(instance, expected.name, exclude)
    elif hasattr(expected, "resolve_expression"):
        raise UnsupportedCondition(expected)
    if lookup == "isnull":
        return (value is None) == bool(expected)
    if lookup == "exact":
        if expected is None:
            return value is None
        return None if value is None else value == expected
    if lookup == "in":
        return None if value is None else value in expected
    if lookup in COMPARISONS:
        if value is None or expected is None:
            return None
        try:
            return COMPARISONS[lookup](value, expected)
        except TypeError as error:
            raise UnsupportedCondition(path) from error
    raise UnsupportedCondition(path)


# -- Uniqueness, against the stored records and the rows before -----------------------------------


class SheetUniqueness:
    """The values each unique field, unique_together and UniqueConstraint of a model holds,
    fetched once per import (one query each, when first needed) and kept up to date as each
    row is accepted, so a row is checked against the stored records and the rows before it,
    as saving the rows one by one would check it."""

    def __init__(self, model):
        self.model = model
        self.holders = {}  # check name: {values: who holds them}
        self.held = {}  # check name: {who: values}

    def index(self, name, fields, condition=None):
        if name not in self.holders:
            queryset = self.model._default_manager.all()
            if condition is not None:
                queryset = queryset.filter(condition)
            attnames = [self.model._meta.get_field(field).attname for field in fields]
            holders, held = {}, {}
            for pk, *values in queryset.values_list("pk", *attnames).order_by():
                holders[tuple(values)] = pk
                held[pk] = tuple(values)
            self.holders[name], self.held[name] = holders, held
        return self.holders[name], self.held[name]

    @staticmethod
    def values(instance, fields):
        values = tuple(getattr(instance, instance._meta.get_field(f).attname) for f in fields)
        return None if any(value is None for value in values) else values

    def taken(self, name, fields, instance, identity, condition=None):
        """Whether a record other than `identity` holds the instance's values of `fields`."""
        values = self.values(instance, fields)
        if values is None:
            return False
        holders, _held = self.index(name, fields, condition)
        holder = holders.get(values)
        return holder is not None and holder != identity

    def claim(self, name, fields, instance, identity, condition=None, applies=True):
        """Record that `identity` now holds the instance's values (and no longer its old)."""
        holders, held = self.index(name, fields, condition)
        old = held.pop(identity, None)
        if old is not None and holders.get(old) == identity:
            del holders[old]
        values = self.values(instance, fields)
        if applies and values is not None:
            holders[values] = identity
            held[identity] = values


def _unique_checks(instance, exclude):
    """The unique fields and unique_together of an instance's model, as (name, fields), and
    its unique_for_date checks (which Django runs with a query each)."""
    model = type(instance)
    unique_checks, date_checks = instance._get_unique_checks(exclude=exclude)
    checks = []
    for _model_class, fields in unique_checks:
        if fields == (model._meta.pk.name,) and instance.pk is None:
            continue
        checks.append((f"unique:{','.join(fields)}", tuple(fields)))
    return checks, date_checks


def _merge(errors, error, constraint=None):
    """Add a constraint's error as Django's validate_constraints does."""
    if (
        constraint is not None
        and getattr(error, "code", None) == "unique"
        and len(constraint.fields) == 1
    ):
        errors.setdefault(constraint.fields[0], []).append(error)
        return errors
    return error.update_error_dict(errors)


def _without_queries_clean_fields(instance, exclude):
    """clean_fields, but a relation is checked for blank and null without the query that
    asks whether the related record exists: its value came from a record just fetched (a
    lookup of the row's value, or the stored record), and the database's foreign key guards
    the confirmed import."""
    errors = {}
    relations = [
        field
        for field in instance._meta.concrete_fields
        if field.is_relation and field.name not in exclude
    ]
    try:
        instance.clean_fields(exclude={*exclude, *(field.name for field in relations)})
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for field in relations:
        raw = getattr(instance, field.attname)
        if field.blank and raw in field.empty_values:
            continue
        try:
            models.Field.validate(field, raw, instance)
            field.run_validators(raw)
        except ValidationError as error:
            errors[field.name] = error.error_list
    return errors


def full_clean_in_python(instance, *, exclude=(), uniqueness, identity):
    """Model.full_clean without per-row queries: the fields and clean() as Django runs them;
    uniqueness against `uniqueness` (a SheetUniqueness); check constraints evaluated on the
    values (a condition the evaluation does not know is left to the database's check, one
    query). `identity` is who the instance is in `uniqueness`: its primary key, or its row for
    a new record. Raises ValidationError as full_clean does; claims the instance's unique
    values when it is valid."""
    exclude = set(exclude)
    errors = _without_queries_clean_fields(instance, exclude)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    exclude |= {name for name in errors if name != NON_FIELD_ERRORS}

    unique_claims = []
    unique_checks, date_checks = _unique_checks(instance, exclude)
    for name, fields in unique_checks:
        if uniqueness.taken(name, fields, instance, identity):
            key = fields[0] if len(fields) == 1 else NON_FIELD_ERRORS
            errors.setdefault(key, []).append(instance.unique_error_message(type(instance), fields))
        unique_claims.append((name, fields, None, True))
    for key, messages in instance._perform_date_checks(date_checks).items():
        errors.setdefault(key, []).extend(messages)

    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                claim = _validate_constraint(
                    constraint, model_class, instance, exclude, uniqueness, identity
                )
            except ValidationError as error:
                errors = _merge(errors, error, constraint)
            else:
                if claim is not None:
                    unique_claims.append(claim)

    if errors:
        raise ValidationError(errors)
    for name, fields, condition, applies in unique_claims:
        uniqueness.claim(name, fields, instance, identity, condition, applies)


def _validate_constraint(constraint, model_class, instance, exclude, uniqueness, identity):
    """Validate one constraint in Python where it can be; return the uniqueness claim to make
    if the row is accepted (name, fields, condition, applies), or None."""
    try:
        if isinstance(constraint, CheckConstraint):
            if condition_holds(constraint.condition, instance, exclude) is False:
                raise ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
            return None
        if (
            isinstance(constraint, UniqueConstraint)
            and constraint.fields
            and not constraint.expressions
            and constraint.nulls_distinct is not False
            and not any(model_class._meta.get_field(f).generated for f in constraint.fields)
        ):
            if any(field in exclude for field in constraint.fields):
                return None
            applies = True
            if constraint.condition is not None:
                applies = condition_holds(constraint.condition, instance, exclude) is True
            name = f"constraint:{constraint.name}"
            fields = tuple(constraint.fields)
            if applies and uniqueness.taken(name, fields, instance, identity, constraint.condition):
                if constraint.violation_error_message == constraint.default_violation_error_message:
                    raise ValidationError(instance.unique_error_message(model_class, fields))
                raise ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
            return (name, fields, constraint.condition, applies)
    except (UnsupportedCondition, FieldDoesNotExist):
        pass
    except ExcludedField:
        return None
    # One query: the database checks what the evaluation above does not know.
    constraint.validate(model_class, instance, exclude=exclude)
    return None


# -- Writing the confirmed rows in bulk ---------------------------------------------------------


class RecordGone(Exception):
    """A record a confirmed row changes was deleted while the import was being written."""


def _has_history(model):
    return getattr(model._meta, "simple_history_manager_attribute", None) is not None


def _touch(instance):
    """Set the instance's auto_now fields (a milestone's updated_at) as save() would:
    bulk_update leaves them alone."""
    for field in instance._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            field.pre_save(instance, add=False)


def write_records(model, instances, *, adding, user, using=DEFAULT_DB_ALIAS):
    """Insert `instances` of `model` (`adding`) or update every field of each, in batches of
    WRITE_BATCH, with one audit history entry each, added or changed, by `user`. As save()
    writes a record, but not its many-to-many links, and without its signals (the models
    imported this way have none but the history's, which this writes). Raises the database's
    refusal (IntegrityError, DataError), or RecordGone when a record to update no longer
    exists: call it inside a savepoint, so that the transaction can go on after a refusal."""
    if not instances:
        return
    if adding:
        if _has_history(model):
            bulk_create_with_history(instances, model, batch_size=WRITE_BATCH, default_user=user)
        else:
            model._default_manager.db_manager(using).bulk_create(instances, batch_size=WRITE_BATCH)
        return
    for instance in instances:
        _touch(instance)
    if update_rows(model, instances, using=using) != len(instances):
        raise RecordGone
    if _has_history(model):
        get_history_manager_for_model(model).bulk_history_create(
            instances, batch_size=WRITE_BATCH, update=True, default_user=user
        )


def update_rows(model, instances, *, using=DEFAULT_DB_ALIAS):
    """Write every field of each of `instances` to its stored record, as save() would: one
    UPDATE by primary key, which the database driver runs for each record (executemany).
    Django's bulk_update writes a CASE over all the records for each field, which took 35 s to
    build for 20,000 milestones. Returns how many records were updated."""
    connection = connections[using]
    quote = connection.ops.quote_name
    opts = model._meta
    fields = [
        field
        for field in opts.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    ]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(opts.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(opts.pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields]
        + [opts.pk.get_db_prep_value(instance.pk, connection)]
        for instance in instances
    ]
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(params), WRITE_BATCH):
            cursor.executemany(sql, params[start : start + WRITE_BATCH])
            updated += cursor.rowcount
    return updated
