"""The demo data holds Business Plan 2010-11 ("11 MILLION") as the document prints it.

Every expected value below is read from the source document (seeds/000_*.txt), not from
demo/2010-11.yaml. Curly apostrophes are written straight, as the data file's notes say.
"""

from decimal import Decimal

import pytest

from budgets.models import Budget, BudgetLine, GrantInAid
from kpis.models import Indicator
from plans.models import CorporateObjective, PlanYear, Project, StrategicObjective, Theme

YEAR = "2010-11"

DIR_POLICY = "Director of Policy"
DIR_PARTICIPATION = "Director of Participation"
DIR_COMMUNICATIONS = "Director of Communications"
DIR_CORPORATE = "Director of Corporate Services"

# "Key themes": Theme 1 - Safeguarding ... Theme 6 - Asylum.
KEY_THEMES = [
    ("Theme 1", "Safeguarding"),
    ("Theme 2", "Education"),
    ("Theme 3", "Health"),
    ("Theme 4", "Youth Justice"),
    ("Theme 5", "Positive Contribution"),
    ("Theme 6", "Asylum"),
]
# "Core Business Activity" section headings.
CORE_ACTIVITIES = [
    "Children and young people's participation",
    "Stakeholder engagement",
    "Organisational support",
]
# "the Children Act 2004 points us toward considering Every Child Matters, complaints mechanisms
# and the UNCRC ...; and this year we have added 'families' as a further cross-cutting issue".
CROSS_CUTTING = ["Every Child Matters", "complaints mechanisms", "UNCRC", "families"]

# Corporate Objectives / Enabling objectives tables: ref -> (kind, linked theme or activity,
# owners).
OBJECTIVES = {
    # Owner printed "Director of Communication / Director of Participation".
    "CO1": ("corporate", "Positive Contribution", {DIR_COMMUNICATIONS, DIR_PARTICIPATION}),
    "CO2": ("corporate", "Positive Contribution", {DIR_COMMUNICATIONS, DIR_PARTICIPATION}),
    "CO3": ("corporate", "Youth Justice", {DIR_POLICY}),
    "CO4": ("corporate", "Safeguarding", {DIR_POLICY}),
    "CO5": ("corporate", "Education", {DIR_POLICY}),
    "CO6": ("corporate", "Health", {DIR_POLICY}),
    "CO7": ("corporate", "Asylum", {DIR_POLICY}),
    # Linked activity printed "Participation"; owner "Director of Participation and Director of
    # Communications".
    "EO1": (
        "enabling",
        "Children and young people's participation",
        {DIR_PARTICIPATION, DIR_COMMUNICATIONS},
    ),
    # Linked activity printed "Stakeholder Engagement".
    "EO2": ("enabling", "Stakeholder engagement", {DIR_COMMUNICATIONS}),
    "EO3": ("enabling", "Organisational support", {DIR_CORPORATE}),
    "EO4": ("enabling", "Organisational support", {DIR_CORPORATE}),
}

# Appendix 1: Key Performance Indicators (title, owner(s), PI ref, Target 10-11).
KPIS = [
    (
        "KPI1",
        "Total number of children and young people who engage in activities",
        {DIR_PARTICIPATION, DIR_COMMUNICATIONS},
        "50000",
        "50,000",
    ),
    (
        "KPI2",
        "% of children and young people who believe that their active engagement has been "
        "worthwhile",
        {DIR_PARTICIPATION},
        "80",
        "80%",
    ),
    (
        "KPI3",
        "% of children and young people who we have engaged with, that value the work that has "
        "been done on their behalf",
        {DIR_PARTICIPATION},
        "80",
        "80%",
    ),
    (
        "KPI4",
        "The % of children and young people who proactively engage in policy research "
        "activities who do not have other adequate means by which they can make their views "
        "known",
        {DIR_POLICY},
        "66",
        "66%",
    ),
    (
        "KPI5",
        "Total number of publications produced making policy change recommendations around the "
        "six key themes.",
        {DIR_POLICY},
        "12",
        "12",
    ),
    (
        "KPI6",
        'Total number of adults and Children and Young People that are "Friends of 11 MILLION"',
        {DIR_PARTICIPATION, DIR_COMMUNICATIONS},
        "1000",
        "1000",
    ),
    (
        "KPI7",
        "% of overall press coverage relating to the Children's Commissioner that is positive "
        "or neutral",
        {DIR_COMMUNICATIONS},
        "75",
        "75%",
    ),
    (
        "KPI8",
        "% of publications produced that incorporate the views of Children and Young People",
        {DIR_COMMUNICATIONS},
        "100",
        "100%",
    ),
    (
        "KPI9",
        "Number of visits to the 11 MILLION web site",
        {DIR_COMMUNICATIONS},
        "120000",
        "120,000",
    ),
    (
        "KPI10",
        "% of overall budget spent directly on the delivery of projects or activities to promote "
        "or improve the lives of children and young people.",
        {DIR_CORPORATE},
        "75",
        "75%",
    ),
]

# "How we will spend our money": Budget £'000, in printed order; Income printed "(93)".
BUDGET_LINES = [
    ("Pay", 1_473_000),
    ("Corporate communications", 97_000),
    ("Project and themes costs", 488_000),
    ("Premises and support costs", 549_000),
    ("Governance", 65_000),
    ("Non-pay staff costs", 89_000),
    ("Depreciation and cost of capital", 332_000),
    ("Income", -93_000),
]
TOTAL_BUDGET = 3_000_000  # "Total budget 3,000"


def owners_of(item) -> set[str]:
    return set(item.owners.values_list("title", flat=True))


@pytest.fixture
def plan_year(demo):
    return PlanYear.objects.get(year=YEAR)


def test_plan_year(plan_year):
    assert plan_year.title == "Business Plan 2010-11"
    assert plan_year.status == "closed"
    assert plan_year.organisation_name == "11 MILLION"
    # "our three-year corporate strategy"; grant agreed "over the period 2008/09 to 2010/11".
    assert plan_year.strategy.title.lower() == "three-year corporate strategy"
    assert (plan_year.strategy.start_year, plan_year.strategy.end_year) == ("2008-09", "2010-11")


def test_four_strategic_objectives(plan_year):
    objectives = StrategicObjective.objects.filter(plan_year=plan_year).order_by("position")
    assert [o.ref for o in objectives] == ["SO1", "SO2", "SO3", "SO4"]
    assert {o.label for o in objectives} == {"strategic objective"}
    assert all(o.title for o in objectives)


def test_themes_activities_and_cross_cutting_issues(plan_year):
    themes = Theme.objects.filter(plan_year=plan_year).order_by("position")
    by_kind = {}
    for theme in themes:
        by_kind.setdefault(theme.kind, []).append(theme)
    assert [(t.ref, t.name) for t in by_kind["key theme"]] == KEY_THEMES
    assert [t.name for t in by_kind["core business activity"]] == CORE_ACTIVITIES
    assert [t.name for t in by_kind["cross-cutting issue"]] == CROSS_CUTTING
    assert set(by_kind) == {"key theme", "core business activity", "cross-cutting issue"}
    assert themes.count() == 6 + 3 + 4


def test_corporate_and_enabling_objectives(plan_year):
    objectives = CorporateObjective.objects.filter(plan_year=plan_year).select_related("theme")
    found = {o.ref: (o.kind, o.theme.name if o.theme else None, owners_of(o)) for o in objectives}
    assert found == OBJECTIVES
    assert len(found) == 11
    assert all(o.aim for o in objectives)

    def projects(ref):
        return set(objectives.get(ref=ref).projects.values_list("title", flat=True))

    # Projects cells, as printed (one spelling per project; see the data file's notes).
    assert projects("CO1") == {
        "Children and young people network",
        "Children and Young People Advisory Group",
        "Developing an e-newsletter",
        "Takeover Day",
    }
    assert projects("CO7") == {
        "Promoting the interests and ending detention of asylum seeking children and young people"
    }
    assert projects("EO3") == {
        "Publication of revised staff handbook",
        "Staff training on updated human resources policies and practices",
        "Development and implementation of a new equalities strategy",
        "Revised staff survey questionnaire",
        "Developing and implementing the apprentice scheme for young people",
    }
    assert projects("EO4") == {
        "Periodical audit reviews",
        "Risk management training for all staff",
        "Procurement training for all staff",
        "Implementation of a new performance framework and monitoring procedures",
        "Day to day financial management",
    }
    assert len(projects("EO1")) == 8
    assert len(projects("EO2")) == 5


def test_projects(plan_year):
    projects = Project.objects.filter(plan_year=plan_year)
    # The distinct items of the Projects columns of CO1-CO7 and EO1-EO4.
    assert projects.count() == 27
    titles = set(projects.values_list("title", flat=True))
    assert {
        "Takeover Day",
        "Building Safer Communities",
        "Children and Young Peoples Media Centre",
        "Web and social media development",
        "Achieving Hear by Right standard",
    } <= titles
    # Listed in the Projects cells of CO1-CO6, EO1 and EO2 (not CO7, EO3 or EO4).
    network = projects.get(title="Children and young people network")
    assert set(network.corporate_objectives.values_list("ref", flat=True)) == {
        "CO1",
        "CO2",
        "CO3",
        "CO4",
        "CO5",
        "CO6",
        "EO1",
        "EO2",
    }
    # Owners follow the objective the project is listed under (no project owner is printed).
    assert owners_of(projects.get(title="Building Safer Communities")) == {DIR_POLICY}
    assert owners_of(projects.get(title="Day to day financial management")) == {DIR_CORPORATE}
    # No per-project budget is printed in 2010-11.
    assert not projects.filter(budget_excluding_staff__isnull=False).exists()


def test_key_performance_indicators(plan_year):
    indicators = Indicator.objects.filter(plan_year=plan_year).order_by("position")
    assert [i.ref for i in indicators] == [f"KPI{n}" for n in range(1, 11)]
    for ref, title, owners, target, wording in KPIS:
        indicator = indicators.get(ref=ref)
        assert indicator.title == title, ref
        assert owners_of(indicator) == owners, ref
        assert indicator.annual_target == Decimal(target), ref
        assert indicator.target_wording == wording, ref
        assert indicator.tier == "key", ref
    assert [int(i.annual_target) for i in indicators] == [
        50000,
        80,
        80,
        66,
        12,
        1000,
        75,
        100,
        120000,
        75,
    ]
    # "A monthly target of 10,000 hits" (KPI9): a monthly profile of 12 x 10,000.
    kpi9 = indicators.get(ref="KPI9")
    assert kpi9.frequency == "monthly"
    assert list(kpi9.targets.values_list("target", flat=True)) == [Decimal("10000")] * 12
    assert not indicators.exclude(ref="KPI9").filter(targets__isnull=False).exists()
    percentages = {i.ref for i in indicators if i.unit == "percentage"}
    assert percentages == {"KPI2", "KPI3", "KPI4", "KPI7", "KPI8", "KPI10"}


def test_budget(plan_year):
    budget = Budget.objects.get(plan_year=plan_year)
    assert budget.presentation_unit == "thousands"

    grant = GrantInAid.objects.get(plan_year=plan_year)
    assert grant.sponsor == "Department for Children, Schools and Families (DCSF)"
    assert grant.amount == 3_000_000  # "an annual level of £3million"

    lines = BudgetLine.objects.filter(budget=budget).select_related("category").order_by("position")
    assert [(line.category.name, line.amount) for line in lines] == BUDGET_LINES
    assert all(line.project_id is None for line in lines)
    assert sum(line.amount for line in lines) == TOTAL_BUDGET
    income = lines.get(category__name="Income")
    assert income.category.is_income
    assert not any(line.category.is_income for line in lines if line.category.name != "Income")


# "Our strategic objectives for 2010-11 are:", word for word.
PRINTED_OBJECTIVES = {
    "SO1": "To safeguard the interests of children and young people by enabling them to enjoy "
    "their rights under the United Nations Convention on the Rights of a Child (UNCRC)",
    "SO2": "To safeguard the interests and significantly improve the wellbeing of children and "
    "young people by effectively promoting their views",
    "SO3": "To ensure that children and young people are more highly valued by adult society",
    "SO4": "To ensure 11 MILLION is an efficient and effectively managed organisation",
}


def test_strategic_objectives_are_held_word_for_word(plan_year):
    objectives = StrategicObjective.objects.filter(plan_year=plan_year)
    assert dict(objectives.values_list("ref", "printed_wording")) == PRINTED_OBJECTIVES
    # The short title keeps the printed meaning: interests safeguarded by enjoying rights.
    assert "interests" in objectives.get(ref="SO1").title


def test_the_strategy_says_what_is_not_printed(plan_year):
    strategy = plan_year.strategy
    assert strategy.mission == ""  # no strategy mission is printed
    assert "not printed" in strategy.notes
    assert "2009-2012" in strategy.notes


def test_budget_footnotes_are_the_line_descriptions(plan_year):
    descriptions = dict(
        BudgetLine.objects.filter(budget__plan_year=plan_year)
        .exclude(description="")
        .values_list("category__name", "description")
    )
    assert descriptions == {
        "Premises and support costs": "Including the rent and maintenance of our offices and the "
        "costs of running the office e.g. printers, phones etc.",
        "Governance": "These costs support our statutory responsibilities for internal and "
        "external audit and our Audit and Risk Committee.",
        "Non-pay staff costs": "This budget covers the costs of training and recruitment, and of "
        "any temporary staff that we may need.",
    }


# As the plan prints them, in its order: the Owner column of the objectives' tables and of
# Appendix 1, and the bullets of each Projects cell (a project printed twice in one cell, CO3's,
# is listed once; spellings as the file's notes settle them).
PRINTED_OWNERS = {
    "CO1": [DIR_COMMUNICATIONS, DIR_PARTICIPATION],  # "Director of Communication / ..."
    "CO2": [DIR_COMMUNICATIONS, DIR_PARTICIPATION],
    "EO1": [DIR_PARTICIPATION, DIR_COMMUNICATIONS],  # "Director of Participation and ..."
    "EO2": [DIR_COMMUNICATIONS],
    "KPI1": [DIR_PARTICIPATION, DIR_COMMUNICATIONS],
    "KPI6": [DIR_PARTICIPATION, DIR_COMMUNICATIONS],
}
NETWORK = "Children and young people network"
ADVISORY_GROUP = "Children and Young People Advisory Group"
MEDIA_CENTRE = "Children and Young Peoples Media Centre"
POSITIVE_CITIZENS = "Promoting children and young people as positive citizens"
PRINTED_PROJECTS = {
    "CO2": [POSITIVE_CITIZENS, NETWORK, ADVISORY_GROUP, "Achieving Hear by Right standard"],
    "EO1": [
        NETWORK,
        ADVISORY_GROUP,
        MEDIA_CENTRE,
        "Developing an e-newsletter",
        "Education and learning",
        "Takeover Day",
        "Participation in schools",
        "Web and social media development",
    ],
    "EO2": [
        MEDIA_CENTRE,
        NETWORK,
        ADVISORY_GROUP,
        "Ensuring stakeholders understand the Commissioner's work through use of a broad mix of "
        "communications channels including, publications, the media, and via electronic "
        "communication including, the web and an e-newsletter.",
        POSITIVE_CITIZENS,
    ],
    "CO3": [
        "Building Safer Communities",
        NETWORK,
        ADVISORY_GROUP,
        "Mental health and emotional wellbeing of children in contact with the criminal "
        "justice system",
    ],
}


def test_owners_and_projects_are_listed_in_printed_order(plan_year):
    """What the overview and the indicator pages read (their selectors), in the printed order,
    not alphabetically: EO1, KPI1 and KPI6 print the Director of Participation first."""
    from kpis.selectors import indicators_for_plan_year
    from plans.selectors import plan_overview

    overview = plan_overview(year=YEAR)
    objectives = {objective.ref: objective for objective in overview.corporate_objectives}
    indicators = {i.ref: i for i in indicators_for_plan_year(plan_year=plan_year)}
    for ref, owners in PRINTED_OWNERS.items():
        item = objectives.get(ref) or indicators[ref]
        assert [role.title for role in item.owners.all()] == owners, ref
    for ref, projects in PRINTED_PROJECTS.items():
        assert [project.title for project in objectives[ref].projects.all()] == projects, ref
