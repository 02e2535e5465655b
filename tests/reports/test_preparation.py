"""What is missing for quarter 2 of 2010-11 (July to September 2010), by owner, from a plan
built with the factories and worked out by hand:

Alice Adams holds the Director of Policy role, Bob Brown the Director of Participation, nobody
the Director of Communications; Fiona Finch is in corporate services.

- Actuals: K1 (monthly, Policy) has July and August, not September; K2 (quarterly,
  Participation) has nothing for quarter 2; K3 (monthly, Policy, red) has all three months;
  K4 (annual, Policy) is not due until quarter 4; K5 is counted from recommendations; K6
  (monthly, Communications) has nothing. Expected 3 + 1 + 3 + 3 = 10, entered 5.
- Milestones due by 30 September and open: Venues booked (project owned by Policy, last
  updated in June), Schools signed up (Policy, updated 20 August, slipped and explained), Report
  drafted (Participation, updated in March). Day held is done; Report published is due in
  November. Expected 3, updated 1.
- Exceptions: K3 (60 to date against 600, red, not explained), Schools signed up (slipped,
  explained), the Premises line (15,000 spent to August against 5,000, not explained) and the
  project risk Venue lost (residual 15, the appetite, not explained). Expected 4, explained 1.
- Risks: Grant cut (Policy) was due for review on 1 September; Venue lost (a project risk of
  Participation's project, no owner) on 15 October; Staff leave (Participation) has no review
  date; Data lost is closed. Expected 3 open risks, 2 on time.
- Budget: actuals in July and August, none in September. Expected 3 months, 2 in.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from budgets.choices import CategoryKind, PresentationUnit
from kpis.choices import Frequency, Source
from plans.choices import MilestoneStatus, PlanStatus
from plans.models import Milestone
from plans.periods import Quarter
from reports.models import CorrectiveAction, QuarterDeadline
from reports.preparation import owner_preparation, quarter_preparation
from risks.choices import RiskStatus, RiskTier
from tests.budgets.factories import (
    BudgetCategoryFactory,
    BudgetFactory,
    BudgetLineFactory,
    MonthlyFigureFactory,
)
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import (
    MilestoneFactory,
    PlanYearFactory,
    ProjectFactory,
    QuarterSignOffFactory,
    RoleFactory,
    UserFactory,
)
from tests.risks.factories import RiskFactory

D = datetime.date
Q2 = Quarter(2010, 2)


def _at(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def add_records(made, plan_year, tag=""):
    """The plan's indicators, milestones, risks and budget lines, once (tagged) per copy."""
    policy, participation, comms = made.policy, made.participation, made.comms

    def indicator(ref, owner, **fields):
        fields.setdefault("annual_target", None)
        made_indicator = IndicatorFactory(plan_year=plan_year, ref=f"{ref}{tag}", **fields)
        made_indicator.owners.add(owner)
        return made_indicator

    def actuals(made_indicator, months, value):
        for month in months:
            MeasurementFactory(indicator=made_indicator, period=month, value=Decimal(value))

    k1 = indicator("K1", policy)
    actuals(k1, [D(2010, 7, 1), D(2010, 8, 1)], 100)
    indicator("K2", participation, frequency=Frequency.QUARTERLY)
    k3 = indicator("K3", policy, annual_target=Decimal(1200))
    actuals(k3, [D(2010, m, 1) for m in range(4, 10)], 10)
    indicator("K4", policy, frequency=Frequency.ANNUAL)
    first = ProjectFactory(plan_year=plan_year, title=f"Takeover Day{tag}")
    first.owners.add(policy)
    indicator("K5", policy, source=Source.RECOMMENDATIONS, project=first)
    indicator("K6", comms)

    second = ProjectFactory(plan_year=plan_year, title=f"Young Voices{tag}")
    second.owners.add(participation)
    on_track, done = MilestoneStatus.ON_TRACK, MilestoneStatus.DONE
    for project, title, due, status, completed, updated in [
        (first, "Venues booked", D(2010, 9, 30), on_track, None, D(2010, 6, 1)),
        (first, "Schools signed up", D(2010, 8, 15), on_track, None, D(2010, 8, 20)),
        (second, "Report drafted", D(2010, 9, 30), on_track, None, D(2010, 3, 1)),
        (second, "Day held", D(2010, 7, 1), done, D(2010, 6, 28), D(2010, 3, 1)),
        (second, "Report published", D(2010, 11, 1), on_track, None, D(2010, 3, 1)),
    ]:
        milestone = MilestoneFactory(
            project=project, title=title, due_on=due, status=status, completed_on=completed
        )
        # Saving sets updated_at to now; an update leaves it as the owner left it.
        Milestone.objects.filter(pk=milestone.pk).update(updated_at=_at(updated))
        if title == "Schools signed up":
            CorrectiveAction.objects.create(
                plan_year=plan_year,
                quarter=2,
                milestone=milestone,
                explanation="Schools slow to reply",
                action="Head teachers called",
            )

    RiskFactory(
        plan_year=plan_year,
        title=f"Grant cut{tag}",
        owner=policy,
        review_on=D(2010, 9, 1),
    )
    RiskFactory(
        plan_year=plan_year,
        title=f"Venue lost{tag}",
        tier=RiskTier.PROJECT,
        project=second,
        residual_likelihood=3,
        residual_impact=5,
        review_on=D(2010, 10, 15),
    )
    RiskFactory(
        plan_year=plan_year,
        title=f"Staff leave{tag}",
        tier=RiskTier.OPERATIONAL,
        owner=participation,
    )
    RiskFactory(
        plan_year=plan_year,
        title=f"Data lost{tag}",
        tier=RiskTier.OPERATIONAL,
        owner=comms,
        review_on=D(2010, 7, 1),
        status=RiskStatus.CLOSED,
    )

    budget = BudgetFactory(plan_year=plan_year, presentation_unit=PresentationUnit.POUNDS)
    pay = BudgetLineFactory(
        budget=budget,
        category=BudgetCategoryFactory(name=f"Pay{tag}", kind=CategoryKind.ADMIN),
        amount=Decimal(120000),
    )
    premises = BudgetLineFactory(
        budget=budget,
        category=BudgetCategoryFactory(name=f"Premises{tag}", kind=CategoryKind.ADMIN),
        amount=Decimal(12000),
    )
    for month in [D(2010, m, 1) for m in range(4, 9)]:
        MonthlyFigureFactory(line=pay, month=month, actual=Decimal(10000))
        MonthlyFigureFactory(line=premises, month=month, actual=Decimal(3000))
    made.k1, made.k3, made.first, made.second, made.premises = k1, k3, first, second, premises


def build_plan(copies=1):
    plan_year = PlanYearFactory(year="2010-11")
    made = SimpleNamespace(plan_year=plan_year)
    made.policy = RoleFactory(title="Director of Policy")
    made.participation = RoleFactory(title="Director of Participation")
    made.comms = RoleFactory(title="Director of Communications")
    made.alice = UserFactory(username="alice", first_name="Alice", last_name="Adams")
    made.bob = UserFactory(username="bob", first_name="Bob", last_name="Brown")
    made.fiona = UserFactory(username="fiona", first_name="Fiona", last_name="Finch")
    made.fiona.groups.add(Group.objects.get(name="Corporate services"))
    made.policy.holders.add(made.alice)
    made.participation.holders.add(made.bob)
    for copy in range(copies):
        add_records(made, plan_year, tag=f"-{copy}" if copy else "")
    return made


@pytest.fixture
def plan(db):
    return build_plan()


def lines(owner_list):
    return [(item.kind, item.label, item.detail) for item in owner_list.items]


def test_the_missing_items_are_listed_by_owner_in_name_order(plan):
    preparation = quarter_preparation(plan_year=plan.plan_year, quarter=2)
    assert [row.owner for row in preparation.owners] == [plan.alice, plan.bob, plan.fiona]
    alice, bob, fiona = preparation.owners
    assert lines(alice) == [
        ("actual", "K1: " + plan.k1.title, "No actual for September 2010"),
        ("milestone", "Venues booked (Takeover Day)", "Due 30 September 2010; not updated "
         "since 1 June 2010"),
        ("explanation", "K3: " + plan.k3.title,
         "Red: 60 to date against a target to date of 600"),
        ("risk", "Grant cut", "Review due 1 September 2010"),
    ]  # fmt: skip
    assert alice.summary() == "1 actual, 1 milestone update, 1 corrective action, 1 risk review"
    assert [item.label for item in bob.items] == [
        "K2: " + plan.k1.title,
        "Report drafted (Young Voices)",
        "Venue lost",
    ]
    assert bob.counts == {"actual": 1, "milestone": 1, "explanation": 1}
    assert bob.items[0].detail == "No actual for Quarter 2 (July to September 2010)"
    assert fiona.summary() == "1 corrective action, 1 month of budget actuals"
    assert [item.label for item in fiona.items] == ["Premises", "Budget actuals for September 2010"]


def test_an_item_whose_owner_role_nobody_holds_is_listed_as_unowned(plan):
    preparation = quarter_preparation(plan_year=plan.plan_year, quarter=2)
    assert [item.detail for item in preparation.unowned] == [
        "No actual for July 2010",
        "No actual for August 2010",
        "No actual for September 2010",
    ]


def test_the_progress_counts_what_is_in_against_what_is_expected(plan):
    preparation = quarter_preparation(plan_year=plan.plan_year, quarter=2)
    assert [(p.kind, p.entered, p.expected) for p in preparation.progress] == [
        ("actual", 5, 10),
        ("milestone", 1, 3),
        ("explanation", 1, 4),
        ("risk", 2, 3),
        ("budget", 2, 3),
    ]
    # 5 actuals, 2 milestones, 3 explanations, 1 risk review and 1 month.
    assert preparation.missing == 12


def test_each_item_links_to_the_page_where_its_owner_enters_it(plan):
    preparation = quarter_preparation(plan_year=plan.plan_year, quarter=2)
    alice, _bob, fiona = preparation.owners
    milestone = Milestone.objects.get(title="Venues booked")
    assert [item.url for item in alice.items] == [
        "/plans/2010-11/indicators/K1/actuals/?period=2010-09-01",
        f"/plans/2010-11/projects/{plan.first.pk}/milestones/{milestone.pk}/update/",
        f"/reports/2010-11/q2/explain/indicator/{plan.k3.pk}/",
        f"/plans/2010-11/risks/{plan.plan_year.risks.get(title='Grant cut').pk}/review/",
    ]
    assert fiona.items[0].url == f"/reports/2010-11/q2/explain/budget-line/{plan.premises.pk}/"
    assert fiona.items[1].url == "/plans/2010-11/budget/import/"


def test_the_deadline_is_the_default_unless_an_administrator_set_one(plan):
    # Quarter 2 ends on Thursday 30 September 2010; the 15th working day after is 21 October.
    assert quarter_preparation(plan_year=plan.plan_year, quarter=2).deadline == D(2010, 10, 21)
    QuarterDeadline.objects.create(plan_year=plan.plan_year, quarter=2, due_on=D(2010, 10, 29))
    assert quarter_preparation(plan_year=plan.plan_year, quarter=2).deadline == D(2010, 10, 29)


def test_an_entered_actual_an_update_and_an_explanation_leave_the_list(plan):
    MeasurementFactory(indicator=plan.k1, period=D(2010, 9, 1), value=Decimal(100))
    Milestone.objects.filter(title="Venues booked").update(updated_at=_at(D(2010, 10, 2)))
    CorrectiveAction.objects.create(
        plan_year=plan.plan_year,
        quarter=2,
        indicator=plan.k3,
        explanation="Fewer visits",
        action="More visits",
    )
    alice = quarter_preparation(plan_year=plan.plan_year, quarter=2).owners[0]
    assert alice.summary() == "1 risk review"


#: The report's exceptions (the dashboard, the milestones as their history stood at the quarter's
#: end, the budget's variance, the risks) and a few queries of each kind (the returns for revision
#: one more): the same for a plan four
#: times the size.
QUERIES = 38


@pytest.mark.parametrize("copies", [1, 4])
def test_the_number_of_queries_does_not_grow_with_the_plan(db, copies, django_assert_num_queries):
    plan = build_plan(copies)
    with django_assert_num_queries(QUERIES):
        preparation = quarter_preparation(plan_year=plan.plan_year, quarter=2)
    assert [row.summary() for row in preparation.owners] == [
        f"{copies} actual{'s' if copies > 1 else ''}, {copies} milestone update"
        f"{'s' if copies > 1 else ''}, {copies} corrective action{'s' if copies > 1 else ''}, "
        f"{copies} risk review{'s' if copies > 1 else ''}",
        f"{copies} actual{'s' if copies > 1 else ''}, {copies} milestone update"
        f"{'s' if copies > 1 else ''}, {copies} corrective action{'s' if copies > 1 else ''}",
        # One month of the year's one budget, whatever the number of lines.
        f"{copies} corrective action{'s' if copies > 1 else ''}, 1 month of budget actuals",
    ]


def test_my_work_lists_each_open_quarter_with_what_the_owner_still_has_to_enter(plan):
    # On 30 December 2010 quarters 1 and 2 have ended. In quarter 1 (April to June) Alice has
    # none of K1's three actuals, and K3 (30 against 300) is red and not explained; quarter 1
    # ended on Wednesday 30 June 2010, and its 15th working day after is 21 July.
    found = owner_preparation(user=plan.alice, today=D(2010, 12, 30))
    assert [(q.quarter.number, q.deadline, q.summary()) for q in found] == [
        (1, D(2010, 7, 21), "3 actuals, 1 corrective action"),
        (2, D(2010, 10, 21), "1 actual, 1 milestone update, 1 corrective action, 1 risk review"),
    ]


def test_my_work_leaves_out_a_signed_off_quarter_and_one_not_ended(plan):
    QuarterSignOffFactory(plan_year=plan.plan_year, quarter=1)
    found = owner_preparation(user=plan.alice, today=D(2010, 12, 31))
    assert [q.quarter.number for q in found] == [2]


def test_my_work_lists_nothing_for_a_closed_year_or_a_person_with_nothing_missing(plan):
    assert owner_preparation(user=UserFactory(), today=D(2011, 6, 1)) == []
    plan.plan_year.status = PlanStatus.CLOSED
    plan.plan_year.save()
    assert owner_preparation(user=plan.alice, today=D(2011, 6, 1)) == []


def test_an_annual_indicators_actual_is_asked_for_in_quarter_4_and_entered_against_april(plan):
    def k4_items():
        preparation = quarter_preparation(plan_year=plan.plan_year, quarter=4)
        alice = preparation.for_owner(plan.alice)
        return [item.detail for item in alice.items if item.label.startswith("K4:")]

    assert k4_items() == ["No actual for 2010-11 (the whole year)"]
    k4 = plan.plan_year.indicators.get(ref="K4")
    MeasurementFactory(indicator=k4, period=D(2010, 4, 1), value=Decimal(12))
    assert k4_items() == []


def test_the_reminders_on_quarter_2s_deadline_list_what_the_page_lists_for_each_owner(
    plan, tasks_backend, mailoutbox
):
    """Quarter 2 ended on Thursday 30 September 2010 and is due 15 working days later, Thursday
    21 October; its reminders fall 5 working days before (14 October), on the day, and 3
    working days after (Tuesday 26 October). Quarter 1's fell in July."""
    from reports import reminders

    tasks_backend("immediate")
    for person in (plan.alice, plan.bob, plan.fiona):
        person.email = f"{person.username}@example.org"
        person.save()

    assert reminders.reminders_send(today=D(2010, 10, 13)) == []
    assert [r.stage for r in reminders.reminders_send(today=D(2010, 10, 14))] == ["before"] * 3
    mailoutbox.clear()
    queued = reminders.reminders_send(today=D(2010, 10, 21))

    assert [(r.owner.username, r.quarter, r.stage, r.deadline, r.summary) for r in queued] == [
        ("alice", 2, "due", D(2010, 10, 21),
         "1 actual, 1 milestone update, 1 corrective action, 1 risk review"),
        ("bob", 2, "due", D(2010, 10, 21), "1 actual, 1 milestone update, 1 corrective action"),
        ("fiona", 2, "due", D(2010, 10, 21), "1 corrective action, 1 month of budget actuals"),
    ]  # fmt: skip
    assert [item["label"] for item in queued[2].items] == [
        "Premises",
        "Budget actuals for September 2010",
    ]
    assert sorted(message.to[0] for message in mailoutbox) == [
        "alice@example.org",
        "bob@example.org",
        "fiona@example.org",
    ]
    assert [r.stage for r in reminders.reminders_send(today=D(2010, 10, 26))] == ["overdue"] * 3
