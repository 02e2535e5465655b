"""Writes shared by the apps: validated, idempotent creation and update of records, and the
uploaded sheets kept between an import's preview and its confirmation."""

from dataclasses import dataclass, field

from django.db import IntegrityError, models, router, transaction
from django.db.models.signals import m2m_changed
from django.utils import timezone

from core.models import ImportPreview

NO_PREVIEW = (
    "There is no import waiting to be confirmed: it has been confirmed already, or it has "
    "expired. Upload the file again to see a new preview."
)
EXPIRED_PREVIEW = (
    "This preview has expired, so nothing was imported. Upload the file again to see a new preview."
)


class PreviewUnavailable(Exception):
    """A confirmation whose preview cannot be applied, with the message that says why."""


def import_preview_keep(
    *,
    user,
    model: str,
    file_name: str,
    file_format: str,
    data: bytes,
    resource: str = "",
    created_at=None,
) -> ImportPreview:
    """Keep an uploaded sheet until its preview is confirmed, discarding abandoned ones.
    `model` names what it imports, and where it may be confirmed ("plans.milestone",
    "budgets.monthlyfigure:2010-11"). `created_at` is when the preview began reading the
    records (by default now): the confirmation refuses to overwrite a change made after it."""
    ImportPreview.objects.expired().delete()
    return ImportPreview.objects.create(
        created_at=created_at or timezone.now(),
        user=user,
        model=model,
        file_name=file_name[:255],
        file_format=file_format,
        resource=resource,
        data=data,
    )


def import_preview_claim(*, key: str | None, user, model: str) -> ImportPreview:
    """The kept preview of `key`, found only with the user who uploaded it and what it imports,
    and claimed by deleting it, so that it is applied once: of two confirmations at once, only
    one deletes the row. Raises PreviewUnavailable for a preview that is missing (confirmed
    already, or a key that never existed) or expired."""
    preview = None
    if key:
        preview = ImportPreview.objects.filter(key=key, user=user, model=model).first()
    if preview is None or not ImportPreview.objects.filter(pk=preview.pk).delete()[0]:
        raise PreviewUnavailable(NO_PREVIEW)
    if preview.is_expired():
        raise PreviewUnavailable(EXPIRED_PREVIEW)
    return preview


@dataclass
class ChangeCount:
    """How many records a load created, updated or left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_model: dict = field(default_factory=dict)

    def add(self, model, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        label = model._meta.verbose_name_plural
        self.by_model.setdefault(label, {"created": 0, "updated": 0, "unchanged": 0})
        self.by_model[label][outcome] += 1

    @property
    def changed(self) -> int:
        return self.created + self.updated


def record_upsert[M: models.Model](
    model: type[M],
    *,
    lookup: dict,
    values: dict | None = None,
    many: dict | None = None,
    changes: ChangeCount | None = None,
) -> M:
    """Find the record matching `lookup` or create it, set `values` and the many-to-many
    relations in `many`, validate as full_clean() does and save only what changed.

    The fields and clean() are checked before saving; uniqueness and the model's constraints
    are left to the database, which checks them in the save, and are validated (with their
    readable messages) only when it refuses: Django validates each constraint with a query of
    its own, which for a load of thousands of records was a third of its time.

    The caller runs it inside transaction.atomic so a failure leaves nothing half-written.
    """
    values = values or {}
    instance = model.objects.filter(**lookup).first()
    outcome = "unchanged"
    if instance is None:
        instance = model(**lookup, **values)
        outcome = "created"
    else:
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                outcome = "updated"
    if outcome != "unchanged":
        _save_validated(instance)
    for name, related in (many or {}).items():
        if links_set_in_order(getattr(instance, name), related):
            outcome = "updated" if outcome == "unchanged" else outcome
    if changes is not None:
        changes.add(model, outcome)
    return instance


def in_printed_order(queryset, *, link: str):
    """`queryset` (roles, projects) as read through an ordered link, in the link's order: the
    order the document prints them. `link` is the link model's related name on their side, e.g.
    Role's "indicator_links"; in a Prefetch, the ordering reuses the prefetch's own join."""
    return queryset.order_by(f"{link}__position", f"{link}__pk")


def is_ordered(manager) -> bool:
    """Whether a many-to-many relation keeps its links in an order (a link model with a
    `position`, such as an indicator's owners in the order the plan prints them)."""
    return any(field.name == "position" for field in manager.through._meta.fields)


def links_rewritten(*, instance, through, model) -> None:
    """Say that a record's many-to-many links changed when their link rows were written
    directly (positions moved, an inline of the link model saved) rather than through the
    many-to-many manager, which alone sends Django's m2m_changed: the audit history (a
    HistoricalRecords with m2m_fields) then records a version with the links as they now
    stand, as it does for an add or a remove. The entry screens and links_set_in_order both
    go through here."""
    m2m_changed.send(
        sender=through,
        instance=instance,
        action="post_add",
        reverse=False,
        model=model,
        pk_set=set(),
        using=router.db_for_write(through),
    )


def links_set_in_order(manager, related, *, defaults: dict | None = None) -> bool:
    """Link a record to `related` through its many-to-many `manager`, in the order given when
    the relation keeps one: the one rule every route (the demo loader, the entry screens' forms,
    the imports, rolling forward) sets such links by. Each kept link's `position` becomes its
    place in `related`, from 1; then links no longer wanted are removed and new ones added
    through the manager (a new link also takes `defaults`, its other fields). The audit history
    records a version for the removals and one for each link added, each with the positions
    already in place; links only reordered are announced through links_rewritten, so they give
    a version too. Returns whether anything changed."""
    related = list(dict.fromkeys(related))
    wanted = [obj.pk for obj in related]
    if not is_ordered(manager):
        if set(manager.values_list("pk", flat=True)) == set(wanted):
            return False
        manager.set(related)
        return True
    target = manager.through._meta.get_field(manager.target_field_name).attname
    links = {
        getattr(link, target): link
        for link in manager.through.objects.filter(**{manager.source_field_name: manager.instance})
    }
    moved = []
    for position, pk in enumerate(wanted, start=1):
        link = links.get(pk)
        if link is not None and link.position != position:
            link.position = position
            moved.append(link)
    if moved:
        manager.through.objects.bulk_update(moved, ["position"])
    gone = [pk for pk in links if pk not in wanted]
    if gone:
        manager.remove(*gone)
    added = [(position, pk) for position, pk in enumerate(wanted, start=1) if pk not in links]
    for position, pk in added:
        manager.add(pk, through_defaults={**(defaults or {}), "position": position})
    if moved and not (gone or added):
        links_rewritten(instance=manager.instance, through=manager.through, model=manager.model)
    return bool(gone or moved or added)


def _save_validated(instance: models.Model) -> None:
    """full_clean() and save(), with uniqueness and constraints checked by the save itself; a
    refusal raises the ValidationError full_clean() would have, or the IntegrityError itself for
    a rule only the database knows."""
    instance.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        instance.validate_unique()
        instance.validate_constraints()
        raise
