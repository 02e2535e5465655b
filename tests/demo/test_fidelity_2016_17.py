"""The demo data holds Business Plan 2016-17 (Children's Commissioner) as the document prints it.

Every expected value below is read from the source document (seeds/002_*.txt), not from
demo/2016-17.yaml: the five "Strategic Objective" sections with their "Objective(s) | Outcomes"
tables, the introduction, and the resource allocation. Curly apostrophes are written straight.
The document prints no indicator refs; the refs OC1... are the data file's (noted) assignment, so
each indicator is also identified by its printed target wording.
"""

from decimal import Decimal

import pytest

from budgets.models import Budget, BudgetLine, GrantInAid
from demo.illustrative_journeys import INDICATOR_OWNERS, PROJECT_OWNERS
from kpis.models import Indicator, IndicatorOwner
from plans.models import Milestone, PlanYear, Project, StrategicObjective

YEAR = "2016-17"

OBJECTIVES = [
    ("Strategic Objective 1", "Growing up and positive childhoods"),
    ("Strategic Objective 2", "Being ambitious for every child in care"),
    ("Strategic Objective 3", "See a major reduction in children being harmed"),
    (
        "Strategic Objective 4",
        "Reduce inequalities for children and breaking the cycle of disadvantage",
    ),
    (
        "Strategic Objective 5",
        "Committed to children \u2013 children at the heart of everyday life",
    ),
]
# Rows of each objective's "Objective(s) | Outcomes" table.
ROWS_PER_OBJECTIVE = {
    "Strategic Objective 1": 6,
    "Strategic Objective 2": 7,
    "Strategic Objective 3": 6,
    "Strategic Objective 4": 7,
    "Strategic Objective 5": 3,
}
# Short names printed at the start of table rows.
PRINTED_PROJECT_NAMES = {
    "My Childhood",
    "Takeover Challenge",
    "Growing Up North",
    "Children in Care Monitor",
    "Stability Index",
    "Children's Pledge",
    "Apprenticeships for Children in Care",
    "Children in Care Councils",
    "See Me Hear Me",
    "Barnahus",
    "FGM Support",
    "Lightning review of CAMHS",
    "School nurses",
    "Life Chances",
    "Young carers",
    "Children of prisoners",
    "Custody",
    "Child Friendly Cities",
    "Children Create",
}

# (ref, objective, target wording as printed, annual target, change %, later target, its year).
INDICATORS = [
    (
        "OC1",  # introduction to Strategic Objective 1, My Childhood
        "Strategic Objective 1",
        "5,000 young people to make and upload their own video content",
        "5000",
        None,
        None,
        "",
    ),
    (
        "OC2",
        "Strategic Objective 1",
        "1,000 children will take part in 50 Challenge Hosts in 2016/17.",
        "1000",
        None,
        None,
        "",
    ),
    (
        "OC3",
        "Strategic Objective 1",
        "1,000 children will take part in 50 Challenge Hosts in 2016/17.",
        "50",
        None,
        None,
        "",
    ),
    (
        "OC4",
        "Strategic Objective 1",
        "50,000 children will take part in the Takeover Challenge.",
        "50000",
        None,
        None,
        "",
    ),
    (
        "OC5",
        "Strategic Objective 1",
        "a 50% increase in traffic to my website",
        None,
        "50",
        None,
        "",
    ),
    (
        "OC6",
        "Strategic Objective 1",
        "a 20% increase in the number of children and young people who know about the "
        "Children's Commissioner.",
        None,
        "20",
        None,
        "",
    ),
    (
        "OC7",
        "Strategic Objective 1",
        "25% of children in care knowing about the Children's Commissioner by the end of the "
        "year, rising to 100% by 2018.",
        "25",
        None,
        "100",
        "2018",
    ),
    (
        "OC8",
        "Strategic Objective 1",
        "95% of children in custody knowing about the Children's Commissioner by year end.",
        "95",
        None,
        None,
        "",
    ),
    (
        "OC9",
        "Strategic Objective 1",
        "200,000 children and young people engaged with the Children's Commissioner by 2018.",
        None,
        None,
        "200000",
        "2018",
    ),
    (
        "OC10",
        "Strategic Objective 1",
        "a 95% increase in social media followers across all social media platform.",
        None,
        "95",
        None,
        "",
    ),
    (
        "OC11",
        "Strategic Objective 1",
        "a 25%-30% increase in positive media coverage.",
        None,
        "25",
        None,
        "",
    ),
    (
        "OC12",
        "Strategic Objective 2",
        "25% of children in care will know about the advice and support on offer by year end.",
        "25",
        None,
        None,
        "",
    ),
    (
        "OC13",
        "Strategic Objective 2",
        "75% of CIC Councils signed up.",
        "75",
        None,
        None,
        "",
    ),
]

# Resource allocation: "£2.79 million", pie chart "Total: £2,790,450".
ALLOCATION = 2_790_450
BUDGET_LINES = [
    ("Programme Delivery", 2_300_000),  # "£2.3m"
    ("Governance", 45_000),  # "£45,000"
    ("Support Costs", 420_000),  # "£0.42m"
    ("Depreciation", 26_052),  # "£26,052"
]


def number(value):
    return None if value is None else Decimal(value)


@pytest.fixture
def plan_year(demo):
    return PlanYear.objects.get(year=YEAR)


def test_plan_year_delivers_ambitious_for_children(plan_year):
    assert plan_year.title == "Business Plan 2016-17"
    # Left open in the demo so that its users can try their updates (a judgement, noted).
    assert plan_year.status == "published"
    # "This will be the first full business year of activity to deliver on the priorities in
    # Ambitious for Children" (a five-year plan published July 2015).
    assert plan_year.strategy.title == "Ambitious for Children"
    assert plan_year.strategy.start_year == "2015-16"


def test_five_strategic_objectives(plan_year):
    objectives = StrategicObjective.objects.filter(plan_year=plan_year).order_by("position")
    assert [(o.ref, o.title) for o in objectives] == OBJECTIVES
    assert {o.label for o in objectives} == {"strategic objective"}


def test_projects_are_the_rows_of_the_outcomes_tables(plan_year):
    projects = Project.objects.filter(plan_year=plan_year)
    assert projects.count() == sum(ROWS_PER_OBJECTIVE.values()) == 29
    for ref, rows in ROWS_PER_OBJECTIVE.items():
        assert projects.filter(strategic_objectives__ref=ref).count() == rows, ref
    assert set(projects.values_list("title", flat=True)) >= PRINTED_PROJECT_NAMES
    # The document names no owners and prints no per-project budget. The demo gives two
    # projects an owner (demo.illustrative_journeys), and their notes say it is not printed.
    owned = projects.filter(owners__isnull=False)
    assert set(owned.values_list("title", flat=True)) == set(PROJECT_OWNERS)
    for project in owned:
        assert "Owner: none printed. The demo gives it an illustrative owner" in project.notes
    assert not projects.filter(budget_excluding_staff__isnull=False).exists()


def test_indicators_carry_the_printed_numbers(plan_year):
    indicators = Indicator.objects.filter(plan_year=plan_year).select_related("strategic_objective")
    assert indicators.count() == len(INDICATORS) + 1  # and See Me Hear Me's
    for ref, objective, wording, target, change, later, later_year in INDICATORS:
        indicator = indicators.get(ref=ref)
        assert indicator.target_wording == wording, ref
        assert indicator.strategic_objective.ref == objective, ref
        assert indicator.annual_target == number(target), ref
        assert indicator.target_change_percent == number(change), ref
        assert indicator.later_target == number(later), ref
        assert indicator.later_target_year == later_year, ref
        assert indicator.tier == "key", ref
    # No baseline is printed for the relative targets, nor for OC9's 2018 target: none is
    # invented, so none of them has a target to date.
    for ref in ["OC5", "OC6", "OC9", "OC10", "OC11"]:
        indicator = indicators.get(ref=ref)
        assert indicator.baseline is None, ref
        assert indicator.target is None, ref
    # "My high profile Takeover Day engaged 40,000 children and young people": OC4's baseline.
    takeover = indicators.get(ref="OC4")
    assert (takeover.baseline, takeover.annual_target) == (40_000, 50_000)
    assert "40,000" in takeover.notes
    # No owner is printed: each the demo gives is marked illustrative and noted as such.
    links = IndicatorOwner.objects.filter(indicator__plan_year=plan_year)
    assert not links.filter(is_illustrative=False).exists()
    assert {(link.indicator.ref, link.role.title) for link in links} == set(
        INDICATOR_OWNERS.items()
    )
    for link in links:
        assert (
            f"Owner: none printed. The demo gives it an illustrative owner, the "
            f"{link.role.title}," in link.indicator.notes
        ), link.indicator.ref


def test_contradictions_are_kept_in_the_notes(plan_year):
    indicators = Indicator.objects.filter(plan_year=plan_year)
    # Outcomes table "a 95% increase in social media followers"; introduction "achieve a 100%
    # increase in social media followers".
    social = indicators.get(target_wording__contains="social media followers")
    assert social.target_change_percent == 95
    assert "100%" in social.notes
    # Outcomes table "25% ... by the end of the year, rising to 100% by 2018"; introduction
    # "25% of children in care knowing about our work, rising to 95% by 2018".
    in_care = indicators.get(target_wording__startswith="25% of children in care knowing")
    assert in_care.annual_target == 25
    assert (in_care.later_target, in_care.later_target_year) == (100, "2018")
    assert "95%" in in_care.notes
    # Outcomes table "a 25%-30% increase"; introduction "increase positive media by 30%".
    media = indicators.get(target_wording__contains="positive media coverage")
    assert media.target_change_percent == 25
    assert "30%" in media.notes


def test_budget(plan_year):
    budget = Budget.objects.get(plan_year=plan_year)
    assert budget.presentation_unit == "pounds"

    grant = GrantInAid.objects.get(plan_year=plan_year)
    assert grant.sponsor == "Department for Education (DfE)"
    assert grant.amount == ALLOCATION

    lines = BudgetLine.objects.filter(budget=budget).select_related("category").order_by("position")
    assert [(line.category.name, line.amount) for line in lines] == BUDGET_LINES
    assert lines.get(category__name="Programme Delivery").category.kind == "programme delivery"
    # The printed parts sum to £602 more than the allocation, and the notes say so.
    total = sum(line.amount for line in lines)
    assert total == 2_791_052
    assert total - ALLOCATION == 602
    assert "602" in grant.notes
    assert "2,791,052" in grant.notes


def test_printed_dates_are_held_as_real_milestones(plan_year):
    milestones = Milestone.objects.filter(project__plan_year=plan_year, is_illustrative=False)
    # "Reporting in January 2017, our Growing Up Digital taskforce ..."
    report = milestones.get(project__title="Growing up Digital taskforce")
    assert (report.due_on.year, report.due_on.month) == (2017, 1)
    # "Kicking off in the autumn, the exciting My Childhood project ..."
    kick_off = milestones.get(project__title="My Childhood")
    assert kick_off.due_on.month in {9, 10, 11}
    assert "autumn" in kick_off.notes


def test_see_me_hear_me_is_to_reach_10_local_areas_from_3_pilots(plan_year):
    # "We will evaluate and extend our model of child-centered prevention and protection to 10
    # local areas"; "being piloted in three areas, Oxfordshire, Sandwell and Brighton & Hove".
    indicator = Indicator.objects.get(plan_year=plan_year, project__title="See Me Hear Me")
    assert (indicator.annual_target, indicator.baseline) == (10, 3)
    assert indicator.strategic_objective.ref == "Strategic Objective 3"
    assert "1386-1390" in indicator.notes
    assert "851" in indicator.notes


def test_summaries_keep_the_printed_meaning(plan_year):
    in_care = StrategicObjective.objects.get(plan_year=plan_year, ref="Strategic Objective 2")
    # "Making real the Commissioner's proposals for extending support ... to the age of 25".
    assert "proposes extending support" in in_care.summary
    custody = Project.objects.get(plan_year=plan_year, title="Custody")
    assert "educational, mental health rehabilitation and offending rates" in custody.outcome
    assert "reoffending" not in custody.outcome
    assert "not indicator titles" in plan_year.notes
