"""What is still missing for a quarter's report, by owner: the lists the preparation page shows
directors and administrators, each owner sees at the top of My work, and the reminders send.

Six kinds of item are missing:
- **actuals**: a period of an entered indicator (not one the application counts) that ends in
  the quarter, with no actual; an annual indicator's one period ends in quarter 4, a quarterly
  one's with its quarter, a monthly one's with each month;
- **milestone updates**: an open milestone (not done as at the quarter's end, plans.slippage)
  due by the quarter's end, as planned or as revised, that nobody has updated since the quarter
  began;
- **corrective actions**: an exception of the quarter (reports.exceptions decides which) with
  neither explanation nor corrective action;
- **risk reviews**: an open risk whose review was overdue at the quarter's end (the register's
  rule, risks.rules.review_is_overdue, through its selector);
- **budget actuals**: a month of the quarter in which no line of the year's budget has an
  actual;
- **returned for revision**: a corrective action or an actual's commentary that a director
  returned with a note, until its owner resubmits it (reports.revisions).

Who owns what: the holders of an indicator's owner roles, of a milestone's project's owner roles,
and of a risk's owner role (for a project risk with none, its project's); the budget has no
owner of its own, so its months and its lines' exceptions go to corporate services (the members
of the group), who keep the budget and alone may enter its figures and explain its lines
(reports.explaining). An item whose owner role nobody holds is listed as unowned.

A fixed number of queries per quarter, whatever the size of the plan.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from budgets.models import Budget, MonthlyFigure
from core import permissions
from kpis.choices import MONTHS_PER_PERIOD, Source
from kpis.models import Indicator, Measurement
from kpis.selectors import period_label
from plans import periods, slippage
from plans.locks import quarter_locks
from plans.models import Milestone, PlanYear, Project, Role
from plans.periods import Quarter
from reports import caching, report, revisions, selectors
from risks.choices import RiskStatus, RiskTier

#: The group whose members keep the budget (budgets.rights gives them its permissions).
CORPORATE_SERVICES = "Corporate services"

ACTUAL, MILESTONE, EXPLANATION, RISK_REVIEW, BUDGET_MONTH = (
    "actual",
    "milestone",
    "explanation",
    "risk",
    "budget",
)
RETURNED = "returned"
#: Each kind's name in a count, one and many, in the order the lists give them.
KIND_NAMES = {
    ACTUAL: ("actual", "actuals"),
    MILESTONE: ("milestone update", "milestone updates"),
    EXPLANATION: ("corrective action", "corrective actions"),
    RISK_REVIEW: ("risk review", "risk reviews"),
    BUDGET_MONTH: ("month of budget actuals", "months of budget actuals"),
    RETURNED: ("returned for revision", "returned for revision"),
}
KINDS = tuple(KIND_NAMES)
#: The explanation page's name of each kind of exception (reports.explaining.KINDS).
EXPLAIN_KINDS = {
    report.INDICATOR: "indicator",
    report.MILESTONE: "milestone",
    report.BUDGET_LINE: "budget-line",
    report.RISK: "risk",
}


def count_text(kind: str, count: int) -> str:
    """ "1 actual", "3 corrective actions"."""
    one, many = KIND_NAMES[kind]
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class MissingItem:
    """One thing an owner still has to enter for the quarter, and the page on which they enter
    it."""

    kind: str
    label: str
    url: str
    #: Why it is missing, in a few words ("due 1 September 2010, not updated since 3 March").
    detail: str = ""

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind][0]

    @property
    def action(self) -> str:
        """What the owner does at the link, for a screen reader: "enter the actual"."""
        if self.kind == RETURNED:
            return "revise and resubmit it"
        return f"enter the {self.kind_name}"


def _counts(items) -> dict[str, int]:
    counted = Counter(item.kind for item in items)
    return {kind: counted[kind] for kind in KINDS if counted[kind]}


def _summary(items) -> str:
    return ", ".join(count_text(kind, count) for kind, count in _counts(items).items())


@dataclass
class OwnerList:
    """One owner's missing items for a quarter, in KINDS' order."""

    owner: object
    items: list[MissingItem]

    @property
    def counts(self) -> dict[str, int]:
        """The number of items of each kind there are any of, in KINDS' order."""
        return _counts(self.items)

    def summary(self) -> str:
        """ "3 actuals, 1 corrective action"."""
        return _summary(self.items)

    @property
    def owner_name(self) -> str:
        return _name(self.owner)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Progress:
    """How much of one kind is in: `entered` of `expected`."""

    kind: str
    label: str
    entered: int
    expected: int

    @property
    def missing(self) -> int:
        return self.expected - self.entered


PROGRESS_LABELS = {
    ACTUAL: "Actuals entered",
    MILESTONE: "Milestones due updated this quarter",
    EXPLANATION: "Exceptions explained",
    RISK_REVIEW: "Open risks reviewed on time",
    BUDGET_MONTH: "Months with budget actuals",
    RETURNED: "Returned for revision and resubmitted",
}


@dataclass
class QuarterPreparation:
    """What is in and what is missing for one quarter's report, by owner."""

    plan_year: PlanYear
    quarter: Quarter
    deadline: datetime.date
    owners: list[OwnerList]
    progress: list[Progress]
    #: Items whose owner role nobody holds (and budget items when corporate services has no
    #: member): listed, so that an administrator can give the role to someone.
    unowned: list[MissingItem] = field(default_factory=list)
    is_signed_off: bool = False
    #: The quarter's returns for revision, oldest first, open and resubmitted
    #: (reports.revisions.quarter_returns).
    returns: list = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(row.missing for row in self.progress)

    def for_owner(self, user) -> OwnerList | None:
        return next((row for row in self.owners if row.owner.pk == user.pk), None)


@dataclass
class OwnerQuarter:
    """One open quarter on an owner's My work: its deadline and what they still have to enter."""

    plan_year: PlanYear
    quarter: Quarter
    deadline: datetime.date
    items: list[MissingItem]

    def summary(self) -> str:
        return _summary(self.items)


# --- The items of each kind, with the roles (or group) that own them ----------------------------


def _ends_in(period: datetime.date, months: int, quarter: Quarter) -> bool:
    """Whether a period starting on `period`, `months` long, ends within `quarter`."""
    index = period.year * 12 + period.month - 1 + months - 1
    last_month = datetime.date(index // 12, index % 12 + 1, 1)
    return last_month in quarter.months


def _entered_indicators(plan_year):
    """The year's indicators whose actuals are entered, and their owner roles: two queries."""
    indicators = list(
        Indicator.objects.filter(plan_year=plan_year, source=Source.ENTERED).only(
            "pk", "ref", "title", "frequency", "plan_year_id"
        )
    )
    for indicator in indicators:
        # period_label names an annual indicator's period by its year.
        indicator.plan_year = plan_year
    return indicators, _role_ids(
        Indicator.owners.through, "indicator_id", [i.pk for i in indicators]
    )


def _actuals(plan_year, quarter, shared):
    """(item, owner role ids) for each missing actual, and the progress count: three queries."""
    indicators, owners = _once(shared, "indicators", lambda: _entered_indicators(plan_year))
    # Every period that ends in the quarter, of whatever length: an annual indicator's actual
    # is entered against April, its period's first month.
    ending = {
        period
        for months in set(MONTHS_PER_PERIOD.values())
        for period in periods.period_starts(plan_year.start, months)
        if _ends_in(period, months, quarter)
    }
    entered = set(
        Measurement.objects.filter(indicator__in=indicators, period__in=ending)
        .filter(Q(value__isnull=False) | Q(numerator__isnull=False))
        .values_list("indicator_id", "period")
    )
    found, expected = [], 0
    for indicator in indicators:
        months = MONTHS_PER_PERIOD[indicator.frequency]
        entry = reverse("kpis:actual-entry", args=[plan_year.year, indicator.ref])
        for period in periods.period_starts(plan_year.start, months):
            if not _ends_in(period, months, quarter):
                continue
            expected += 1
            if (indicator.pk, period) in entered:
                continue
            item = MissingItem(
                ACTUAL,
                f"{indicator.ref}: {indicator.title}",
                f"{entry}?{urlencode({'period': period.isoformat()})}",
                detail=f"No actual for {period_label(indicator, period)}",
            )
            found.append((item, owners.get(indicator.pk, set())))
    return found, Progress(ACTUAL, PROGRESS_LABELS[ACTUAL], expected - len(found), expected)


def _role_ids(through, field_name, pks) -> dict[int, set[int]]:
    """The owner roles of each record of `pks`, through a many-to-many table: one query."""
    found = defaultdict(set)
    for pk, role_id in through.objects.filter(**{f"{field_name}__in": pks}).values_list(
        field_name, "role_id"
    ):
        found[pk].add(role_id)
    return found


def _project_owners(plan_year) -> dict[int, set[int]]:
    return _role_ids(
        Project.owners.through,
        "project_id",
        Project.objects.filter(plan_year=plan_year).values("pk"),
    )


def _milestones(plan_year, quarter, project_owners):
    """(item, owner role ids) for each open milestone due by the quarter's end and not updated
    since it began, and the progress count: one query."""
    _, year_ends_on = periods.financial_year_bounds(plan_year.start)
    # Midnight in the organisation's time zone, where the quarter begins.
    began = timezone.make_aware(datetime.datetime.combine(quarter.first_day, datetime.time.min))
    ends = quarter.last_day
    prefix = reverse("plans:project", kwargs={"year": plan_year.year, "pk": 0})[: -len("0/")]
    found, expected = [], 0
    rows = (
        Milestone.objects.filter(project__plan_year=plan_year)
        .filter(Q(revised_due_on__lte=ends) | Q(revised_due_on=None, due_on__lte=ends))
        .order_by("due_on", "pk")
        .values_list(
            "pk",
            "title",
            "due_on",
            "revised_due_on",
            "status",
            "completed_on",
            "updated_at",
            "project_id",
            "project__title",
        )
    )
    for pk, title, due_on, revised, status, completed_on, updated_at, project, name in rows:
        position = slippage.milestone_position(
            due_on=due_on,
            revised_due_on=revised,
            status=status,
            completed_on=completed_on,
            year_ends_on=year_ends_on,
            as_at=ends,
        )
        if position.done:
            continue
        expected += 1
        if updated_at >= began:
            continue
        item = MissingItem(
            MILESTONE,
            f"{title} ({name})",
            f"{prefix}{project}/milestones/{pk}/update/",
            detail=f"Due {revised or due_on:%-d %B %Y}; not updated since "
            f"{timezone.localtime(updated_at):%-d %B %Y}",
        )
        found.append((item, project_owners.get(project, set())))
    return found, Progress(MILESTONE, PROGRESS_LABELS[MILESTONE], expected - len(found), expected)


def _risk_owner(risk, project_owners) -> set[int]:
    if risk.owner_id is not None:
        return {risk.owner_id}
    if risk.tier == RiskTier.PROJECT and risk.project_id is not None:
        return project_owners.get(risk.project_id, set())
    return set()


def _risk_reviews(plan_year, quarter, project_owners):
    """(item, owner role ids) for each open risk whose review was overdue at the quarter's end,
    and the progress count (of the open risks): the register's queries."""
    register = selectors.quarter_risk_register(plan_year=plan_year, as_at=quarter.last_day)
    found, expected = [], 0
    for row in register.rows:
        risk = row.risk
        if risk.status != RiskStatus.OPEN:
            continue
        expected += 1
        if not row.review_overdue:
            continue
        item = MissingItem(
            RISK_REVIEW,
            risk.title,
            reverse("risks:review", args=[plan_year.year, risk.pk]),
            detail=f"Review due {risk.review_on:%-d %B %Y}",
        )
        found.append((item, _risk_owner(risk, project_owners)))
    return (
        found,
        register,
        Progress(RISK_REVIEW, PROGRESS_LABELS[RISK_REVIEW], expected - len(found), expected),
    )


def _budget_months(plan_year, quarter, shared):
    """The items for the months of the quarter in which no budget line has an actual (for
    corporate services), and the progress count; none for a year without a budget. Two
    queries."""
    budget = _once(
        shared,
        "budget",
        lambda: Budget.objects.filter(plan_year=plan_year).values_list("pk", flat=True).first(),
    )
    if budget is None:
        return [], Progress(BUDGET_MONTH, PROGRESS_LABELS[BUDGET_MONTH], 0, 0)
    with_actuals = set(
        MonthlyFigure.objects.filter(
            line__budget_id=budget, month__in=quarter.months, actual__isnull=False
        )
        .order_by("month")
        .values_list("month", flat=True)
        .distinct()
    )
    url = reverse("budgets:import", args=[plan_year.year])
    found = [
        MissingItem(BUDGET_MONTH, f"Budget actuals for {month:%B %Y}", url)
        for month in quarter.months
        if month not in with_actuals
    ]
    expected = len(quarter.months)
    return found, Progress(
        BUDGET_MONTH, PROGRESS_LABELS[BUDGET_MONTH], expected - len(found), expected
    )


def _explanations(plan_year, quarter, project_owners, register, shared):
    """(item, owner role ids or CORPORATE_SERVICES) for each exception of the quarter with no
    explanation, and the progress count: the report's queries for its exceptions, and two."""
    found_exceptions = selectors.quarter_exceptions(
        plan_year=plan_year,
        quarter=quarter,
        register=register,
        projects=_once(shared, "projects", lambda: selectors.plan_year_projects(plan_year)),
    )
    indicator_owners = _role_ids(
        Indicator.owners.through,
        "indicator_id",
        [e.item_id for e in found_exceptions if e.kind == report.INDICATOR],
    )
    milestone_projects = dict(
        Milestone.objects.filter(
            pk__in=[e.item_id for e in found_exceptions if e.kind == report.MILESTONE]
        ).values_list("pk", "project_id")
    )
    risks = {row.risk.pk: row.risk for row in register.rows}
    found = []
    for exception in found_exceptions:
        if not exception.missing:
            continue
        if exception.kind == report.INDICATOR:
            owners = indicator_owners.get(exception.item_id, set())
        elif exception.kind == report.MILESTONE:
            owners = project_owners.get(milestone_projects.get(exception.item_id), set())
        elif exception.kind == report.RISK:
            risk = risks.get(exception.item_id)
            owners = _risk_owner(risk, project_owners) if risk else set()
        else:
            owners = CORPORATE_SERVICES
        url = reverse(
            "reports:explain",
            kwargs={
                "year": plan_year.year,
                "quarter": quarter.number,
                "kind": EXPLAIN_KINDS[exception.kind],
                "pk": exception.item_id,
            },
        )
        item = MissingItem(EXPLANATION, exception.title, url, detail=exception.why)
        found.append((item, owners))
    expected = len(found_exceptions)
    return found, Progress(
        EXPLANATION, PROGRESS_LABELS[EXPLANATION], expected - len(found), expected
    )


def _returned(plan_year, quarter, project_owners):
    """(item, owner role ids or CORPORATE_SERVICES) for each return of the quarter still
    awaiting resubmission, the quarter's returns, and the progress count (None when nothing was
    returned): one query, and one more for the owners of the indicators returned, if any."""
    returns = revisions.quarter_returns(plan_year=plan_year, quarter=quarter.number)
    awaiting = [made for made in returns if made.resubmitted_at is None]
    indicator_ids = {
        made.returned.indicator_id
        for made in awaiting
        if getattr(made.returned, "indicator_id", None) is not None
    }
    indicator_owners = (
        _role_ids(Indicator.owners.through, "indicator_id", indicator_ids) if indicator_ids else {}
    )
    found = []
    for made in awaiting:
        returned = made.returned
        if made.measurement_id or returned.indicator_id:
            owners = indicator_owners.get(returned.indicator_id, set())
        elif returned.milestone_id:
            owners = project_owners.get(returned.milestone.project_id, set())
        elif returned.risk_id:
            owners = _risk_owner(returned.risk, project_owners)
        else:
            owners = CORPORATE_SERVICES
        by = f" by {_name(made.returned_by)}" if made.returned_by else ""
        item = MissingItem(
            RETURNED,
            f"{made.title} ({made.kind_name})",
            made.entry_url,
            detail=f"Returned{by} on {timezone.localtime(made.returned_at):%-d %B %Y}: {made.note}",
        )
        found.append((item, owners))
    progress = (
        Progress(RETURNED, PROGRESS_LABELS[RETURNED], len(returns) - len(awaiting), len(returns))
        if returns
        else None
    )
    return found, returns, progress


def _holders(role_ids) -> dict[int, list]:
    """The active holders of each role: one query (with their users)."""
    found = defaultdict(list)
    for link in (
        Role.holders.through.objects.filter(role_id__in=role_ids, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ):
        found[link.role_id].append(link.user)
    return found


def _corporate_services() -> list:
    return list(
        get_user_model().objects.filter(groups__name=CORPORATE_SERVICES, is_active=True).distinct()
    )


def _once(shared: dict | None, name: str, work):
    """`work()`, kept in `shared` under `name` for the other quarters of the same plan year
    (owner_preparation reads a year's quarters one after another)."""
    if shared is None:
        return work()
    if name not in shared:
        shared[name] = work()
    return shared[name]


def quarter_preparation(
    *,
    plan_year: PlanYear,
    quarter: Quarter | int,
    shared: dict | None = None,
    fingerprint: str | None = None,
) -> QuarterPreparation:
    """What is in and what is missing for `quarter` (a Quarter or its number) of `plan_year`,
    by owner (sorted by name), with the quarter's deadline and progress counts. A fixed number
    of queries, whatever the size of the plan. `shared`, an empty dict to begin with, keeps
    what does not change from one quarter of the year to the next, for the next.

    Given the records' `fingerprint` (reports.caching.fingerprint(), read before), the lists
    are kept, as the report's sections are, until a record they read changes: the pages ask
    for them on every request (My work for each open quarter), the reminders build them
    afresh."""
    if not isinstance(quarter, Quarter):
        quarter = Quarter(plan_year.start, int(quarter))
    if quarter.start != plan_year.start:
        raise ValueError(f"{quarter.label} is not a quarter of {plan_year.year}.")
    if fingerprint is not None:
        return caching.kept(
            "preparation",
            plan_year.pk,
            quarter.number,
            fingerprint,
            build=lambda: _quarter_preparation(plan_year, quarter, shared),
        )
    return _quarter_preparation(plan_year, quarter, shared)


def _quarter_preparation(plan_year, quarter, shared) -> QuarterPreparation:
    project_owners = _once(shared, "project_owners", lambda: _project_owners(plan_year))
    actuals, actual_progress = _actuals(plan_year, quarter, shared)
    milestones, milestone_progress = _milestones(plan_year, quarter, project_owners)
    reviews, register, review_progress = _risk_reviews(plan_year, quarter, project_owners)
    explanations, explanation_progress = _explanations(
        plan_year, quarter, project_owners, register, shared
    )
    months, month_progress = _budget_months(plan_year, quarter, shared)
    returned, returns, returned_progress = _returned(plan_year, quarter, project_owners)
    # In KINDS' order: actuals, milestones, explanations, risk reviews, budget months.
    owned = [
        *actuals,
        *milestones,
        *explanations,
        *reviews,
        *((item, CORPORATE_SERVICES) for item in months),
        *returned,
    ]
    holders = _holders(
        {role for _, owners in owned if owners != CORPORATE_SERVICES for role in owners}
    )
    keepers = _corporate_services() if any(o == CORPORATE_SERVICES for _, o in owned) else []
    by_user, users, unowned = defaultdict(list), {}, []
    for item, owners in owned:
        people = (
            keepers
            if owners == CORPORATE_SERVICES
            else [user for role in sorted(owners) for user in holders.get(role, [])]
        )
        seen = set()
        for user in people:
            if user.pk not in seen:
                seen.add(user.pk)
                users[user.pk] = user
                by_user[user.pk].append(item)
        if not seen:
            unowned.append(item)
    owners = sorted(
        (OwnerList(users[pk], items) for pk, items in by_user.items()),
        key=lambda row: (row.owner_name.lower(), row.owner.pk),
    )
    return QuarterPreparation(
        plan_year=plan_year,
        quarter=quarter,
        deadline=selectors.quarter_deadline(plan_year=plan_year, quarter=quarter),
        owners=owners,
        progress=[
            actual_progress,
            milestone_progress,
            explanation_progress,
            review_progress,
            month_progress,
            # Only once something was returned: nothing else changes for a quarter without.
            *([returned_progress] if returned_progress else []),
        ],
        unowned=unowned,
        is_signed_off=_once(
            shared, "locks", lambda: quarter_locks(plan_year=plan_year)
        ).quarter_is_locked(plan_year, quarter.number),
        returns=returns,
    )


def open_quarters(*, today: datetime.date) -> list[tuple[PlanYear, Quarter]]:
    """The quarters whose figures are still being gathered: ended by `today`, not signed off,
    in a plan year that is not closed (nothing of a closed year changes but by an
    administrator). Two queries."""
    locks = quarter_locks()
    found = []
    for plan_year in PlanYear.objects.order_by("year"):
        if permissions.is_closed(plan_year):
            continue
        for number in (1, 2, 3, 4):
            quarter = Quarter(plan_year.start, number)
            if quarter.last_day < today and not locks.quarter_is_locked(plan_year, number):
                found.append((plan_year, quarter))
    return found


def owner_preparation(*, user, today: datetime.date) -> list[OwnerQuarter]:
    """For My work: each open quarter (open_quarters) in which `user` has something missing,
    with its deadline and their items. Nothing when nothing is missing."""
    if not user.is_authenticated or not user.is_active:
        return []
    # Only the holders of a role and corporate services own anything: the others are spared
    # working out every open quarter (two queries).
    if not (user.roles.exists() or user.groups.filter(name=CORPORATE_SERVICES).exists()):
        return []
    quarters = open_quarters(today=today)
    found, shared = [], defaultdict(dict)
    fingerprint = caching.fingerprint() if quarters else None
    for plan_year, quarter in quarters:
        preparation = quarter_preparation(
            plan_year=plan_year,
            quarter=quarter,
            shared=shared[plan_year.pk],
            fingerprint=fingerprint,
        )
        mine = preparation.for_owner(user)
        if mine is not None and mine.items:
            found.append(OwnerQuarter(plan_year, quarter, preparation.deadline, mine.items))
    return found
