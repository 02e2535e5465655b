"""Writes shared by the apps: validated, idempotent creation and update of records."""

from dataclasses import dataclass, field

from django.db import models


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
    relations in `many`, validate with full_clean() and save only what changed.

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
        instance.full_clean()
        instance.save()
    for name, related in (many or {}).items():
        manager = getattr(instance, name)
        wanted = {obj.pk for obj in related}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(related)
            outcome = "updated" if outcome == "unchanged" else outcome
    if changes is not None:
        changes.add(model, outcome)
    return instance
