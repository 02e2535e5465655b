"""Returns for revision: which of a quarter's corrective actions and actuals' commentaries a
director returned to their owners, and which the owners have since resubmitted.

A return is open until its owner resubmits, and an owner resubmits by changing the returned
record again, by whichever route: the explanation or actual's page, the entry screens, or an
import. Every route saves through the model, so the record's audit history (django-simple-
history) has an entry dated after the return; that entry, not a flag written by each route, is
what resolves the return. kpis need not know about reports, and no route can forget.

A fixed number of queries, whatever the number of returns.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from kpis.choices import MONTHS_PER_PERIOD, Source
from kpis.models import Measurement
from kpis.selectors import period_label
from plans import periods
from plans.periods import Quarter
from reports.models import CorrectiveAction, ReturnForRevision

#: What a return is of, as the page's address names it.
CORRECTIVE_ACTION, COMMENTARY = "corrective-action", "commentary"
KIND_NAMES = {CORRECTIVE_ACTION: "corrective action", COMMENTARY: "commentary"}
#: The explanation page's name of each field of a corrective action's item.
#: A corrective action's item, loaded with it as a page names it.
ACTION_ITEMS = ("indicator", "milestone", "budget_line__category", "budget_line__project", "risk")
ITEM_KINDS = {
    "indicator": "indicator",
    "milestone": "milestone",
    "budget_line": "budget-line",
    "risk": "risk",
}


def _first_change_after(history_model, field_name):
    """The first audit-history entry of the returned record made after the return."""
    return history_model.objects.filter(
        id=OuterRef(field_name), history_date__gt=OuterRef("returned_at")
    ).order_by("history_date", "history_id")


def _with_resubmission(queryset):
    """`queryset` of returns, each annotated with when (`resubmitted_at`) and by whom
    (`resubmitted_by_id`) its record was first changed after it: both None while it is open."""
    actions = _first_change_after(CorrectiveAction.history.model, "corrective_action_id")
    actuals = _first_change_after(Measurement.history.model, "measurement_id")
    return queryset.annotate(
        resubmitted_at=Coalesce(
            Subquery(actions.values("history_date")[:1]),
            Subquery(actuals.values("history_date")[:1]),
        ),
        resubmitted_by_id=Coalesce(
            Subquery(actions.values("history_user_id")[:1]),
            Subquery(actuals.values("history_user_id")[:1]),
        ),
    )


def quarter_returns(*, plan_year, quarter: int) -> list[ReturnForRevision]:
    """The quarter's returns, oldest first, each with what was returned (its item, or its
    indicator), who returned it, and its resubmission (`resubmitted_at`, `resubmitted_by_id`):
    one query."""
    returns = list(
        _with_resubmission(
            ReturnForRevision.objects.filter(plan_year=plan_year, quarter=quarter)
        ).select_related(
            "returned_by",
            "corrective_action__indicator",
            "corrective_action__milestone__project",
            "corrective_action__budget_line__category",
            "corrective_action__budget_line__project",
            "corrective_action__risk",
            "measurement__indicator",
        )
    )
    for made in returns:
        if made.measurement_id:
            # period_label names an annual indicator's period by its plan year.
            made.measurement.indicator.plan_year = plan_year
        made.title = title_of(made.returned)
        made.kind_name = KIND_NAMES[kind_of(made.returned)]
        made.entry_url = entry_url(made.returned, plan_year=plan_year, quarter=quarter)
    return returns


def name_resubmitters(returns) -> None:
    """Give each of `returns` (quarter_returns) the person who resubmitted it, as
    `resubmitted_by` (None while it is open, or when the history knows nobody): one query, none
    when nothing was resubmitted."""
    wanted = {made.resubmitted_by_id for made in returns} - {None}
    people = get_user_model().objects.in_bulk(wanted) if wanted else {}
    for made in returns:
        made.resubmitted_by = people.get(made.resubmitted_by_id)


def open_return_of(record) -> ReturnForRevision | None:
    """The return of `record` (a corrective action or a measurement) still awaiting
    resubmission, or None: one query."""
    field_name = "corrective_action" if isinstance(record, CorrectiveAction) else "measurement"
    return (
        _with_resubmission(ReturnForRevision.objects.filter(**{field_name: record}))
        .filter(resubmitted_at=None)
        .select_related("returned_by")
        .order_by("-returned_at")
        .first()
    )


def kind_of(returned) -> str:
    return CORRECTIVE_ACTION if isinstance(returned, CorrectiveAction) else COMMENTARY


def item_field(action: CorrectiveAction) -> str:
    """The name of the field of `action`'s item: indicator, milestone, budget_line or risk."""
    return next(name for name in ITEM_KINDS if getattr(action, f"{name}_id"))


def title_of(returned) -> str:
    """What a returned record is about, as a page names it."""
    if isinstance(returned, CorrectiveAction):
        item = getattr(returned, item_field(returned))
        if hasattr(item, "ref"):
            return f"{item.ref}: {item.title}"
        return str(getattr(item, "title", item))
    indicator = returned.indicator
    return f"{indicator.ref}: {indicator.title}, {period_label(indicator, returned.period)}"


def entry_url(returned, *, plan_year, quarter: int) -> str:
    """The page on which the owner revises a returned record."""
    if isinstance(returned, CorrectiveAction):
        name = item_field(returned)
        return reverse(
            "reports:explain",
            kwargs={
                "year": plan_year.year,
                "quarter": quarter,
                "kind": ITEM_KINDS[name],
                "pk": getattr(returned, f"{name}_id"),
            },
        )
    entry = reverse("kpis:actual-entry", args=[plan_year.year, returned.indicator.ref])
    return f"{entry}?{urlencode({'period': returned.period.isoformat()})}"


def return_url(returned, *, plan_year, quarter: int) -> str:
    return reverse(
        "reports:return-for-revision",
        kwargs={
            "year": plan_year.year,
            "number": quarter,
            "kind": kind_of(returned),
            "pk": returned.pk,
        },
    )


def _ends_in(period: datetime.date, months: int, quarter: Quarter) -> bool:
    index = period.year * 12 + period.month - 1 + months - 1
    return datetime.date(index // 12, index % 12 + 1, 1) in quarter.months


def measurement_is_of_quarter(measurement, quarter: Quarter) -> bool:
    """Whether `measurement`'s period ends in `quarter`, the quarter whose report it is in."""
    months = MONTHS_PER_PERIOD[measurement.indicator.frequency]
    return _ends_in(measurement.period, months, quarter)


@dataclass
class Returnable:
    """A corrective action or an actual's commentary of the quarter, as the preparation page
    lists it for directors to return: its open return, if any, and its latest one."""

    record: object
    kind: str
    title: str
    text: str
    entry_url: str
    return_url: str
    latest_return: ReturnForRevision | None = None

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def is_awaiting(self) -> bool:
        latest = self.latest_return
        return latest is not None and latest.resubmitted_at is None


def quarter_returnables(*, plan_year, quarter: Quarter, returns) -> list[Returnable]:
    """The quarter's corrective actions, and the commentaries of the actuals whose periods end
    in it, each with its latest return among `returns` (quarter_returns): two queries."""
    latest = {}
    for made in returns:
        latest[(kind_of(made.returned), made.returned.pk)] = made
    found = []
    actions = CorrectiveAction.objects.filter(
        plan_year=plan_year, quarter=quarter.number
    ).select_related(*ACTION_ITEMS)
    for action in actions:
        found.append(
            Returnable(
                action,
                CORRECTIVE_ACTION,
                title_of(action),
                f"{action.explanation}\n{action.action}",
                entry_url(action, plan_year=plan_year, quarter=quarter.number),
                return_url(action, plan_year=plan_year, quarter=quarter.number),
                latest.get((CORRECTIVE_ACTION, action.pk)),
            )
        )
    starts = {
        period
        for months in set(MONTHS_PER_PERIOD.values())
        for period in periods.period_starts(plan_year.start, months)
        if _ends_in(period, months, quarter)
    }
    measurements = (
        Measurement.objects.filter(
            indicator__plan_year=plan_year,
            indicator__source=Source.ENTERED,
            period__in=starts,
        )
        .exclude(commentary="")
        .select_related("indicator")
        .order_by("indicator__position", "indicator__ref", "period")
    )
    for measurement in measurements:
        measurement.indicator.plan_year = plan_year
        if not measurement_is_of_quarter(measurement, quarter):
            continue
        found.append(
            Returnable(
                measurement,
                COMMENTARY,
                title_of(measurement),
                measurement.commentary,
                entry_url(measurement, plan_year=plan_year, quarter=quarter.number),
                return_url(measurement, plan_year=plan_year, quarter=quarter.number),
                latest.get((COMMENTARY, measurement.pk)),
            )
        )
    return found


def returned_record(*, plan_year, quarter: Quarter, kind: str, pk: int):
    """The corrective action or measurement (with its indicator) of `plan_year`'s `quarter`
    that the return page is for, or None."""
    if kind == CORRECTIVE_ACTION:
        return (
            CorrectiveAction.objects.select_related("plan_year", *ACTION_ITEMS)
            .filter(plan_year=plan_year, quarter=quarter.number, pk=pk)
            .first()
        )
    if kind == COMMENTARY:
        measurement = (
            Measurement.objects.select_related("indicator__plan_year")
            .filter(indicator__plan_year=plan_year, pk=pk)
            .first()
        )
        if measurement is not None and measurement_is_of_quarter(measurement, quarter):
            return measurement
    return None
