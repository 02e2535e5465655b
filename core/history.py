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
"""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.text import capfirst

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
ACTIONS = {"+": CREATED, "~": CHANGED, "-": DELETED}
BLANK = "(blank)"
SYSTEM = "system"
# How many entries a page's history shows; the rest are on the entry screens' History pages.
HISTORY_SHOWN = 10
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
    """What a page shows of its records' history: the latest entries, newest first, and how
    many older ones it leaves out."""

    entries: list[HistoryEntry]
    more: int = 0


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


def tracked_fields(model) -> list[models.Field]:
    """The fields of `model` its history records, in the model's order, links last."""
    history_model = model.history.model
    fields = [field for field in history_model.tracked_fields if field.editable]
    return [*fields, *history_model._history_m2m_fields]


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
    links = [field.name for field in model.history.model._history_m2m_fields]
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
    history_model = model.history.model
    pk_name = model._meta.pk.attname
    rows = history_model.objects.select_related("history_user")
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
    snapshots = _snapshots(model, rows)

    by_record = defaultdict(list)
    for row, snapshot in zip(rows, snapshots, strict=True):
        by_record[snapshot.record_pk].append((row, snapshot))
    pairs = [
        (before, after)
        for record_rows in by_record.values()
        for (_, before), (_, after) in itertools.pairwise(record_rows)
    ]
    labels = _labels(needed_labels(model, pairs))

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
    history_model = model.history.model
    fields = [field for field in history_model.tracked_fields if field.editable]
    links = {}
    for m2m_field in history_model._history_m2m_fields:
        links[m2m_field.name] = _link_sets(history_model, m2m_field, rows)
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


def _link_sets(history_model, m2m_field, rows) -> dict:
    """For each historical row, the primary keys its many-to-many field linked to."""
    link_model = getattr(history_model, m2m_field.name).model
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
