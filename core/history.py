"""The audit history read by people: who changed a record, when, and each field's value before
and after, as a person reads it.

django-simple-history keeps a historical row for every save of a record, and another for every
change of a tracked many-to-many link, each holding every tracked value. An entry is one such row
compared with the row before it of the same record. Rows that one person wrote moments apart (the
admin saves a project, then its owners, in two steps) read as one entry.

Reads are batched: one query for the historical rows of a set of records (with who made them),
one per tracked many-to-many field, and one per related model to name the foreign keys and links
that changed, never one per record or per row. `latest` bounds how many rows are read per record,
so a page stays as cheap when the history is long.

A record's page shows only the latest change of the record and of each of its parts (a project's
milestones), read by `latest_changes` from a few rows per record whatever the history's length,
with how many earlier changes there are and a link to the full history page, which lists them all
(`full_history`, paged). Each app names a record's parts once (`register_parts`), for both.
"""

import datetime
import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
ACTIONS = {"+": CREATED, "~": CHANGED, "-": DELETED}
BLANK = "(blank)"
SYSTEM = "system"
# How many entries a page's history shows; the rest are on the full history page.
HISTORY_SHOWN = 10
# How many entries one page of the full history lists.
FULL_HISTORY_PAGE = 50
# Rows read per record for its latest change: the latest row, the rows of its links a form saves
# moments later, and the row before them, to compare with.
LATEST_ROWS = 4
# Rows by one person this close together are one change (a form and its links, saved in turn).
SAME_CHANGE_WITHIN = datetime.timedelta(seconds=10)


@dataclass(frozen=True)
class FieldChange:
    """One field of a change: its name and its value before and after, as a person reads them."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change of one record: when, who, what happened and, for a change, which fields."""

    record_pk: Any
    when: datetime.datetime
    who: str
    action: str
    changes: tuple[FieldChange, ...] = ()
    record: str = ""


@dataclass
class RecordHistory:
    """A record's entries, newest first, and how many older historical rows were not read."""

    entries: list[HistoryEntry] = field(default_factory=list)
    older: int = 0


@dataclass
class History:
    """What a page shows of its records' history: the latest entries, newest first, how many
    older ones it leaves out and, when there is one, the address of the full history page."""

    entries: list[HistoryEntry]
    more: int = 0
    url: str = ""


@dataclass(frozen=True)
class LatestChange:
    """A record's latest change, and how many changes the full history lists before it."""

    entry: HistoryEntry
    earlier: int = 0


@dataclass(frozen=True)
class Part:
    """Records whose changes a record's history includes: `model`'s records whose historical
    rows match `link` (a lookup, "project_id") to the record's primary key, each named in the
    list by `name` from its values; `words` name them all as the pages do ("actuals"), else
    the model's plural name."""

    model: Any
    link: str
    name: Callable[[Mapping], str]
    words: str = ""


_PARTS: dict[Any, tuple[Part, ...]] = {}


def register_parts(model, *parts: Part) -> None:
    """Declare the parts of `model`'s records (a project's milestones), whose changes its page
    and its full history list with its own. Called from an app's ready()."""
    _PARTS[model] = parts


def parts_of(model) -> tuple[Part, ...]:
    return _PARTS.get(model, ())


def whole_of(model) -> tuple[Any, Part] | None:
    """The model whose records `model`'s records are parts of, and how, if any."""
    for whole, parts in _PARTS.items():
        for part in parts:
            if part.model is model:
                return whole, part
    return None


def has_history(model) -> bool:
    """Whether django-simple-history keeps the history of `model`."""
    return getattr(model._meta, "simple_history_manager_attribute", None) == "history"


def history_url(model, pk) -> str:
    """The address of the full history page of one record."""
    return reverse(
        "history",
        kwargs={"app_label": model._meta.app_label, "model_name": model._meta.model_name, "pk": pk},
    )


# Pure parts: snapshots, differences and values as people read them.


@dataclass(frozen=True)
class Snapshot:
    """A record's values as one historical row holds them: attname to value for fields, and
    field name to a frozenset of primary keys for many-to-many links."""

    record_pk: Any
    when: datetime.datetime
    who: str
    kind: str
    values: Mapping[str, Any]
    user_pk: Any = None


@functools.cache
def history_model(model):
    """The audit history model of a model (django-simple-history), or None if it has none.
    Remembered: django-simple-history builds a new manager class each time `history` is read,
    which cost a millisecond a row in an import and two on each read of a page's history."""
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


@functools.cache
def tracked_fields(model) -> tuple[models.Field, ...]:
    """The fields of `model` its history records, in the model's order, links last."""
    versions = history_model(model)
    fields = [field for field in versions.tracked_fields if field.editable]
    return (*fields, *versions._history_m2m_fields)


def _key(field) -> str:
    return field.name if field.many_to_many else field.attname


def changed_fields(before: Snapshot, after: Snapshot, fields: Iterable) -> list:
    """The fields whose values differ between two snapshots of a record."""
    return [f for f in fields if before.values.get(_key(f)) != after.values.get(_key(f))]


def group_snapshots(
    snapshots: list[Snapshot], links: Iterable[str] = (), within=SAME_CHANGE_WITHIN
) -> list[list[Snapshot]]:
    """Oldest-first snapshots of one record in groups that read as one change: a row, then the
    rows the same person wrote moments later that changed only the many-to-many `links` (the
    admin saves a form's links just after the form)."""
    links = set(links)
    groups = []
    for snapshot in snapshots:
        previous = groups[-1][-1] if groups else None
        if (
            previous is not None
            and snapshot.kind == "~"
            and previous.kind != "-"
            and snapshot.user_pk == previous.user_pk
            and snapshot.when - previous.when <= within
            and _differing_keys(previous, snapshot) <= links
        ):
            groups[-1].append(snapshot)
        else:
            groups.append([snapshot])
    return groups


def _differing_keys(before: Snapshot, after: Snapshot) -> set[str]:
    keys = set(before.values) | set(after.values)
    return {key for key in keys if before.values.get(key) != after.values.get(key)}


def readable_value(model_field, value, labels: Mapping | None = None) -> str:
    """A stored value as a person reads it: choice labels, related records by name, dates as
    1 April 2012, blanks as "(blank)"."""
    labels = labels or {}
    if value is None or value == "" or value == frozenset():
        return BLANK
    if model_field.many_to_many:
        model = model_field.related_model
        return ", ".join(sorted(labels.get((model, pk)) or _missing(model, pk) for pk in value))
    if model_field.is_relation:
        model = model_field.related_model
        return labels.get((model, value)) or _missing(model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{moment.day} {moment:%B %Y, %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, Decimal):
        return _number(value)
    return str(value)


def _missing(model, pk) -> str:
    return f"{model._meta.verbose_name} {pk} (since deleted)"


def _number(value: Decimal) -> str:
    """4100.0000 as 4,100 and 0.5000 as 0.5: the places stored, not the places meant."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def describe_changes(
    model, before: Snapshot, after: Snapshot, labels: Mapping | None = None
) -> tuple[FieldChange, ...]:
    """Each field that differs between two snapshots, by its verbose name, with its values
    before and after as a person reads them."""
    return tuple(
        FieldChange(
            field=capfirst(str(model_field.verbose_name)),
            before=readable_value(model_field, before.values.get(_key(model_field)), labels),
            after=readable_value(model_field, after.values.get(_key(model_field)), labels),
        )
        for model_field in changed_fields(before, after, tracked_fields(model))
    )


def entries_from_snapshots(
    model,
    snapshots: list[Snapshot],
    labels: Mapping | None = None,
    name: Callable[[Mapping], str] | None = None,
    previous: Snapshot | None = None,
) -> list[HistoryEntry]:
    """One record's entries, newest first, from its snapshots oldest first. `previous` is the
    snapshot before the first, if there is one. A save that changed nothing is no entry; but
    the first change of a record kept from before its history began is one, though what it
    changed from is unknown."""
    entries = []
    links = [field.name for field in history_model(model)._history_m2m_fields]
    for group in group_snapshots(snapshots, links):
        first, last = group[0], group[-1]
        action = ACTIONS[first.kind]
        changes = ()
        if action == CHANGED:
            changes = describe_changes(model, previous or first, last, labels)
            if not changes and previous is not None:
                previous = last
                continue
        entries.append(
            HistoryEntry(
                record_pk=first.record_pk,
                when=first.when,
                who=first.who,
                action=action,
                changes=changes,
                record=name(last.values) if name else "",
            )
        )
        previous = last
    entries.reverse()
    return entries


def needed_labels(model, pairs: Iterable[tuple[Snapshot, Snapshot]]) -> dict:
    """The related records to name, by model: the foreign keys and links that changed."""
    wanted = defaultdict(set)
    fields = tracked_fields(model)
    for before, after in pairs:
        for model_field in changed_fields(before, after, fields):
            if not model_field.is_relation:
                continue
            for snapshot in (before, after):
                value = snapshot.values.get(_key(model_field))
                if model_field.many_to_many:
                    wanted[model_field.related_model].update(value or ())
                elif value is not None:
                    wanted[model_field.related_model].add(value)
    return wanted


def person_name(user) -> str:
    """A person as the pages name them: full name, else user name."""
    return user.get_full_name() or user.get_username()


# Reads.


def record_histories(
    model,
    *,
    pks: Iterable | None = None,
    where: Mapping | None = None,
    latest: int | None = None,
    name: Callable[[Mapping], str] | None = None,
) -> dict[Any, RecordHistory]:
    """The history of a set of records of one model, by primary key, each newest first.

    The records are those whose primary key is in `pks`, or whose historical rows match the
    lookups in `where` (the milestones of a project, including any since deleted). With
    `latest`, only about that many of each record's newest entries are read. `name` names a
    record from its values, for a list that mixes records ("Milestone: Draft report").
    """
    versions = history_model(model)
    pk_name = model._meta.pk.attname
    rows = versions.objects.select_related("history_user")
    if pks is not None:
        rows = rows.filter(**{f"{pk_name}__in": list(pks)})
    if where:
        rows = rows.filter(**where)
    if latest is not None:
        # Room for rows that merge into one entry, and for the row before the oldest shown.
        rows = rows.annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F(pk_name)],
                order_by=[F("history_date").desc(), F("history_id").desc()],
            ),
            rows_of_record=Window(Count("history_id"), partition_by=[F(pk_name)]),
        ).filter(recency__lte=2 * latest + 1)
    rows = list(rows.order_by(pk_name, "history_date", "history_id"))
    by_record, labels = _rows_by_record(model, rows)

    histories = {}
    for record_pk, record_rows in by_record.items():
        record_snapshots = [snapshot for _, snapshot in record_rows]
        older = 0
        previous = None
        total = getattr(record_rows[0][0], "rows_of_record", len(record_rows))
        if total > len(record_rows):
            # The oldest row read is only the "before" of the next one.
            previous, record_snapshots = record_snapshots[0], record_snapshots[1:]
            older = total - len(record_snapshots)
        histories[record_pk] = RecordHistory(
            entries=entries_from_snapshots(model, record_snapshots, labels, name, previous),
            older=older,
        )
    return histories


def _rows_by_record(model, rows) -> tuple[dict[Any, list], Mapping]:
    """Historical rows (oldest first within a record) grouped by record as (row, snapshot)
    pairs, with the labels of the related records their changes name."""
    snapshots = _snapshots(model, rows)
    by_record = defaultdict(list)
    for row, snapshot in zip(rows, snapshots, strict=True):
        by_record[snapshot.record_pk].append((row, snapshot))
    pairs = [
        (before, after)
        for record_rows in by_record.values()
        for (_, before), (_, after) in itertools.pairwise(record_rows)
    ]
    return by_record, _labels(needed_labels(model, pairs))


def latest_history(*histories: Mapping[Any, RecordHistory], limit: int) -> History:
    """The newest `limit` entries across records (of one model or several), newest first."""
    records = [history for group in histories for history in group.values()]
    entries = sorted(
        (entry for history in records for entry in history.entries),
        key=lambda entry: entry.when,
        reverse=True,
    )
    more = len(entries) - limit if len(entries) > limit else 0
    return History(entries=entries[:limit], more=more + sum(history.older for history in records))


def latest_changes(
    model,
    *,
    pks: Iterable | None = None,
    where: Mapping | None = None,
    name: Callable[[Mapping], str] | None = None,
) -> dict[Any, LatestChange]:
    """The latest change of each of a set of records of one model, by primary key, with how
    many earlier changes its full history lists. The records are those whose primary key is in
    `pks`, or whose historical rows have the values of `where` ({"project_id": 3} or
    {"project_id__in": [3, 4]}; including records since deleted).

    One query on the model's history table whatever the number of records or of changes: the
    few latest rows of each record and the counts, by window functions in SQL written once
    per model (the ORM took longer to write it than the database to run it). Then one for
    who made them, one per tracked link and one per related model to name, as
    record_histories. A row one person wrote moments after another counts as no change of
    its own, as the entries merge them (a form's links saved just after the form)."""
    versions = history_model(model)
    conditions = {f"{model._meta.pk.attname}__in": list(pks)} if pks is not None else {}
    conditions.update(where or {})
    sql, params = _latest_rows_sql(model, conditions)
    rows = list(versions.objects.raw(sql, params))
    if not rows:
        return {}
    _name_users(versions, rows)
    by_record, labels = _rows_by_record(model, rows)

    latest = {}
    for record_pk, record_rows in by_record.items():
        first_row = record_rows[0][0]
        shots = [snapshot for _, snapshot in record_rows]
        previous = None
        if first_row.rows_of_record > len(shots):
            # The oldest row read is only the "before" of the next one.
            previous, shots = shots[0], shots[1:]
        entries = entries_from_snapshots(model, shots, labels, name, previous)
        if entries:
            earlier = max(0, first_row.changes_of_record - 1)
            latest[record_pk] = LatestChange(entry=entries[0], earlier=earlier)
    return latest


def _latest_rows_sql(model, conditions: Mapping) -> tuple[str, list]:
    """The SQL of latest_changes and its parameters: each chosen record's LATEST_ROWS newest
    historical rows, oldest first, each with how many rows the record has (rows_of_record)
    and how many of them begin a change (changes_of_record)."""
    versions = history_model(model)
    quote = connection.ops.quote_name
    where, params = [], []
    for lookup, value in conditions.items():
        attname, _, operator = lookup.partition("__")
        column = quote(versions._meta.get_field(attname).column)
        if operator == "in":
            values = list(value)
            if not values:
                return "SELECT * FROM (SELECT 1) nothing WHERE 1 = 0", []
            where.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
        elif not operator:
            where.append(f"{column} = %s")
            params.append(value)
        else:
            raise ValueError(f"latest_changes takes = and __in only, not {lookup}")
    return _latest_rows_template(model).format(where=" AND ".join(where) or "1 = 1"), params


@functools.cache
def _latest_rows_template(model) -> str:
    """The SQL of _latest_rows_sql with {where} to fill in, written once per model."""
    versions = history_model(model)
    quote = connection.ops.quote_name
    table, record = quote(versions._meta.db_table), quote(model._meta.pk.column)
    oldest_first = f"PARTITION BY {record} ORDER BY history_date, history_id"
    before = f"LAG(history_date) OVER ({oldest_first})"
    if connection.vendor == "postgresql":
        moments = (
            f"history_date - {before} <= INTERVAL '{SAME_CHANGE_WITHIN.total_seconds()} seconds'"
        )
    else:  # SQLite keeps the moments as text julianday() reads.
        moments = (
            f"(julianday(history_date) - julianday({before})) * 86400"
            f" <= {SAME_CHANGE_WITHIN.total_seconds()}"
        )
    # For a model with links, a row is part of the change before it when the same person (or
    # the system) wrote it moments later, and the row before it is no deletion.
    follows = "0 = 1"
    if versions._history_m2m_fields:
        follows = (
            f"history_type = '~' AND LAG(history_type) OVER ({oldest_first}) <> '-'"
            f" AND COALESCE(LAG(history_user_id) OVER ({oldest_first}), 0)"
            f" = COALESCE(history_user_id, 0) AND {moments}"
        )
    return (
        "SELECT * FROM ("
        f" SELECT counted.*,"
        f" ROW_NUMBER() OVER (PARTITION BY {record}"
        " ORDER BY history_date DESC, history_id DESC) AS recency,"
        f" COUNT(*) OVER (PARTITION BY {record}) AS rows_of_record,"
        f" SUM(starts) OVER (PARTITION BY {record}) AS changes_of_record"
        " FROM ("
        f" SELECT {table}.*, CASE WHEN {follows} THEN 0 ELSE 1 END AS starts"
        f" FROM {table} WHERE {{where}}"
        " ) counted"
        f") latest WHERE recency <= {LATEST_ROWS} ORDER BY {record}, history_date, history_id"
    )


def _name_users(versions, rows) -> None:
    """Fetch who made the rows in one query, as select_related would."""
    user_ids = {row.history_user_id for row in rows if row.history_user_id is not None}
    users = {}
    if user_ids:
        users = {
            user.pk: user for user in get_user_model()._default_manager.filter(pk__in=user_ids)
        }
    cache = versions._meta.get_field("history_user")
    for row in rows:
        if row.history_user_id is not None:
            cache.set_cached_value(row, users.get(row.history_user_id))


def record_history(model, pk, *, limit: int = HISTORY_SHOWN, known: Mapping | None = None):
    """What a record's page shows of its history: the latest change of the record and of each
    of its parts (parts_of), newest first, at most `limit` of them, with how many earlier
    changes the full history lists and its address. `known` holds latest_changes already read
    for a part's model (the project page's milestones), by model, so as not to read them
    twice."""
    known = known or {}
    groups = [latest_changes(model, pks=[pk])]
    for part in parts_of(model):
        if part.model in known:
            groups.append(known[part.model])
        else:
            groups.append(latest_changes(part.model, where={part.link: pk}, name=part.name))
    changes = sorted(
        (change for group in groups for change in group.values()),
        key=lambda change: change.entry.when,
        reverse=True,
    )
    shown = changes[:limit]
    return History(
        entries=[change.entry for change in shown],
        more=len(changes) - len(shown) + sum(change.earlier for change in changes),
        url=history_url(model, pk),
    )


def full_history(model, pk, *, parts: Iterable[Part] = ()) -> list[HistoryEntry]:
    """Every change of a record and of its `parts`, newest first (the full history page)."""
    histories = [record_histories(model, pks=[pk])]
    histories += [record_histories(p.model, where={p.link: pk}, name=p.name) for p in parts]
    return sorted(
        (entry for group in histories for record in group.values() for entry in record.entries),
        key=lambda entry: entry.when,
        reverse=True,
    )


def row_changes(model, rows: list) -> list[tuple[FieldChange, ...] | None]:
    """For historical rows of one record, newest first (a page of the admin's History), each
    row's changes against the next row, the one before it; None for the last row."""
    if not rows:
        return []
    snapshots = _snapshots(model, rows)
    pairs = [(before, after) for after, before in itertools.pairwise(snapshots)]
    labels = _labels(needed_labels(model, pairs))
    return [*(describe_changes(model, before, after, labels) for before, after in pairs), None]


def _snapshots(model, rows) -> list[Snapshot]:
    versions = history_model(model)
    fields = [field for field in versions.tracked_fields if field.editable]
    links = {}
    for m2m_field in versions._history_m2m_fields:
        links[m2m_field.name] = _link_sets(versions, m2m_field, rows)
    return [
        Snapshot(
            record_pk=getattr(row, model._meta.pk.attname),
            when=row.history_date,
            who=who_made(row),
            kind=row.history_type,
            user_pk=row.history_user_id,
            values={
                **{f.attname: getattr(row, f.attname) for f in fields},
                **{name: sets.get(row.history_id, frozenset()) for name, sets in links.items()},
            },
        )
        for row in rows
    ]


def _link_sets(versions, m2m_field, rows) -> dict:
    """For each historical row, the primary keys its many-to-many field linked to."""
    link_model = getattr(versions, m2m_field.name).model
    target = m2m_field.m2m_reverse_field_name()
    links = defaultdict(set)
    for history_id, pk in link_model.objects.filter(
        history_id__in=[row.history_id for row in rows]
    ).values_list("history_id", f"{target}_id"):
        links[history_id].add(pk)
    return {history_id: frozenset(pks) for history_id, pks in links.items()}


def who_made(row) -> str:
    """Who made the change a historical row records, as the pages name them."""
    if row.history_user_id is None:
        return SYSTEM
    if row.history_user is None:
        return "a former user"
    return person_name(row.history_user)


def _labels(wanted: Mapping) -> dict:
    """Names of related records, one query per model. FETCH_PEERS keeps a name that crosses a
    relation (a project named with its year) to one more query, not one per record."""
    labels = {}
    user_model = get_user_model()
    for model, pks in wanted.items():
        if not pks:
            continue
        for obj in model._default_manager.fetch_mode(models.FETCH_PEERS).filter(pk__in=pks):
            labels[(model, obj.pk)] = person_name(obj) if model is user_model else str(obj)
    return labels
