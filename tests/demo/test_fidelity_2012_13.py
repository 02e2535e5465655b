"""The demo data holds Business Plan 2012-13 (Office of the Children's Commissioner) as printed.

Every expected value below is read from the source document (seeds/001_*.txt), not from
demo/2012-13.yaml: "OUR STRATEGIC AIMS", the BUDGETED PROJECTS table under "WHAT WE WILL DELIVER
IN 2012-13" and "OUR PROJECT GOALS AND PERFORMANCE MEASUREMENT". Curly apostrophes are written
straight.
"""

import datetime
from decimal import Decimal

import pytest

from budgets.models import Budget, BudgetLine, GrantInAid
from kpis.models import Indicator
from plans.models import (
    Milestone,
    PlanYear,
    Project,
    Role,
    StrategicAim,
    StrategicObjective,
    Theme,
)

YEAR = "2012-13"

PRIORITIES = [
    (
        "SP1",
        "Tackling inequality and child poverty through promoting and realising children's rights",
    ),
    ("SP2", "Protecting children and young people from exploitation and abuse"),
    (
        "SP3",
        "Running a highly efficient and effective organisation that maximises the resources we "
        "have to help children and young people",
    ),
]

# Aim ref -> UNCRC articles as printed after it, without the word "Article(s)"; "" where the aim
# cites none.
AIMS = {
    "SP1": {
        "1.1": "28",
        "1.2": "3, 4 & 12",
        "1.3": "12",
        "1.4": "26 & 27",
        "1.5": "24",
        "1.6": "",
        "1.7": "4 and 42",
    },
    "SP2": {
        "2.1": "34",
        "2.2": "19, 39, 37 & 40",
        "2.3": "2, 24, 37, 39 & 40",
        "2.4": "22 & 25",
        "2.5": "19, 7 & 33",
        "2.6": "19 & 24",
        "2.7": "19 & 24",
    },
    "SP3": {"3.1": "", "3.2": "", "3.3": "4 and 42", "3.4": ""},
}

# The "*Owner" key of the BUDGETED PROJECTS table.
OWNER_KEY = {
    "CC": "Children's Commissioner",
    "DCC": "Deputy Children's Commissioner",
    "CE": "Chief Executive",
    "DoCS": "Director of Corporate Services",
    "DoP": "Director of Policy",
}

# BUDGETED PROJECTS: UNCRC Cluster/Programme, project (aim refs), owner, Budget (excluding the
# cost of staff working on the projects, footnote 3). "NHS Complaints" prints no aim ref.
BUDGETED_PROJECTS = [
    ("Education", "School Exclusions Inquiry", {"1.1"}, {"CC"}, 100_000),
    ("UNCRC implementation", "Child Rights Impact Assessments", {"1.2"}, {"DoP"}, 25_000),
    (
        "General Principles",
        "Developing and Sustaining Participation Networks",
        {"1.3"},
        {"DoP"},
        18_000,
    ),
    (
        "General Principles",
        "Children's Commissioner's Takeover Day 2012-13",
        {"1.3"},
        {"DoP"},
        20_000,
    ),
    ("Health and well-being", "Child Poverty", {"1.4"}, {"DCC"}, 45_000),
    ("Health and well-being", "Health", {"1.5"}, {"CC"}, 26_000),
    # Printed "Promoting UNCRC (SP1.7)"; the goals section gives it "SP1.6 & SP1.7".
    ("UNCRC implementation", "Promoting UNCRC", {"1.6", "1.7"}, {"CC"}, 16_500),
    ("Health and well-being", "NHS Complaints", set(), {"DoP"}, 2_000),
    (
        "Special protection measures",
        "Child Sexual Exploitation in Gangs and Groups Inquiry (CSEGG)",
        {"2.1"},
        {"DCC"},
        110_000,
    ),
    (
        "Special protection measures",
        "Mental Health and Well-being in Youth Justice",
        {"2.2", "2.3"},
        {"DCC"},
        4_000,
    ),
    (
        "Special protection measures",
        "Immigration, Asylum and Trafficking",
        {"2.4"},
        {"DoP"},
        6_000,
    ),
    (
        "Family environment and Alternative care",
        "Impact of Parental Alcohol Misuse",
        {"2.5"},
        {"DCC"},
        25_000,
    ),
    (
        "Family environment and Alternative care",
        "Recognition and Telling:(Child Protection)",
        {"2.6"},
        {"DCC"},
        20_000,
    ),
    (
        "Family environment and Alternative care",
        "Child Protection in School Settings",
        {"2.7"},
        {"DCC"},
        35_000,
    ),
    ("UNCRC implementation", "Safeguarding Policy", {"3.4"}, {"DCC"}, 7_518),
]
# The SP3 rows of the same table that are costs, not work: held as budget lines, not projects.
# "Staff costs (SP3.2) CE/DoCS 1.629m" is split by the programme delivery paragraph's "direct
# staffing costs £1,275M" (read as £1.275M); the admin share is what is left.
BUDGET_ROWS = {
    "Direct staffing costs": ("programme delivery", 1_275_000),
    "Staff costs": ("admin", 1_629_000 - 1_275_000),
    "Premises costs": ("admin", 185_908),
    "Support costs": ("admin", 108_550),
    "Capital expenditure": ("admin", 21_251),
}
# Projects described only in the goals section (SP3, not budgeted).
UNBUDGETED_PROJECTS = {
    "Financial, Audit and Risk Management",
    "Procurement, HR & Performance",
    "Public Sector Equality Duty",
    "Governance and Administration",
    "Transition",
}
SP1_SP2_PROJECTS = [row[1] for row in BUDGETED_PROJECTS[:14]]

ALL_TOLERANCES = {"time", "cost", "risk", "benefit", "quality", "scope"}


@pytest.fixture
def plan_year(demo):
    return PlanYear.objects.get(year=YEAR)


def abbreviations(item) -> set[str]:
    return set(item.owners.values_list("abbreviation", flat=True))


def test_plan_year(plan_year):
    assert plan_year.title == "Business Plan 2012-13"
    assert plan_year.status == "closed"
    assert plan_year.organisation_name == "Office of the Children's Commissioner"


def test_three_strategic_priorities_and_their_aims(plan_year):
    priorities = StrategicObjective.objects.filter(plan_year=plan_year).order_by("position")
    assert [(p.ref, p.title) for p in priorities] == PRIORITIES
    assert {p.label for p in priorities} == {"strategic priority"}
    for priority in priorities:
        aims = StrategicAim.objects.filter(objective=priority).order_by("position")
        assert {a.ref: a.uncrc_articles for a in aims} == AIMS[priority.ref], priority.ref
        assert [a.ref for a in aims] == list(AIMS[priority.ref]), priority.ref
        assert all(a.summary for a in aims)
    assert StrategicAim.objects.filter(objective__plan_year=plan_year).count() == 7 + 7 + 4


@pytest.mark.usefixtures("demo")
def test_owner_key():
    for abbreviation, title in OWNER_KEY.items():
        assert Role.objects.get(abbreviation=abbreviation).title == title


def test_uncrc_clusters(plan_year):
    clusters = Theme.objects.filter(plan_year=plan_year)
    assert {t.kind for t in clusters} == {"UNCRC cluster"}
    assert set(clusters.values_list("name", flat=True)) == {row[0] for row in BUDGETED_PROJECTS}
    assert clusters.count() == 6
    # The introduction's six clusters and their "[UNCRC Articles ...]", as printed, under the
    # BUDGETED PROJECTS table's names for them (the pairing is noted in the data file).
    assert {t.name: t.uncrc_articles for t in clusters} == {
        "UNCRC implementation": "4 and 42",
        "General Principles": "2, 3, 6 & 12",
        "Family environment and Alternative care": "9,19, 20, 25 and 37",  # Safeguarding ...
        "Health and well-being": "6, 24, 26 and 27",  # Health, well-being and poverty
        "Education": "2, 28 and 29",
        "Special protection measures": "22, 34,37 and 40",  # Protection vulnerable groups
    }


def test_budgeted_projects_as_the_table_prints_them(plan_year):
    projects = Project.objects.filter(plan_year=plan_year)
    for cluster, title, aims, owners, amount in BUDGETED_PROJECTS:
        project = projects.get(title=title)
        assert project.budget_excluding_staff == amount, title
        assert abbreviations(project) == owners, title
        assert set(project.aims.values_list("ref", flat=True)) == aims, title
        assert set(project.themes.values_list("name", flat=True)) == {cluster}, title
    for title in UNBUDGETED_PROJECTS:
        project = projects.get(title=title)
        assert project.budget_excluding_staff is None, title
        assert not project.owners.exists(), title  # no owner printed
    assert projects.count() == len(BUDGETED_PROJECTS) + len(UNBUDGETED_PROJECTS) == 20
    # The cost rows of the table are not projects.
    assert not projects.filter(title__in=["Staff costs", *BUDGET_ROWS]).exists()

    # "budgeted project costs £460K": the SP1/SP2 rows plus Safeguarding Policy.
    budgeted = sum(
        projects.get(title=title).budget_excluding_staff
        for title in [*SP1_SP2_PROJECTS, "Safeguarding Policy"]
    )
    assert budgeted == 460_018
    assert abs(budgeted - 460_000) < 500


def test_performance_themes_and_tolerances(plan_year):
    projects = Project.objects.filter(plan_year=plan_year)

    def check(title, theme, tolerances):
        project = projects.get(title=title)
        assert project.performance_theme == theme, title
        assert set(project.tolerances.values_list("dimension", flat=True)) == tolerances, title

    check("School Exclusions Inquiry", "inquiries", ALL_TOLERANCES)
    check(
        "Child Sexual Exploitation in Gangs and Groups Inquiry (CSEGG)",
        "inquiries",
        ALL_TOLERANCES,
    )
    check("Child Rights Impact Assessments", "advice and influence", ALL_TOLERANCES)
    check("Child Poverty", "advice and influence", ALL_TOLERANCES)
    check(
        "Children's Commissioner's Takeover Day 2012-13",
        "public outreach and engagement",
        ALL_TOLERANCES,
    )
    # SP3: "ORGANISATIONAL EFFICIENCY AND EFFECTIVENESS", tolerances "time and quality".
    check(
        "Financial, Audit and Risk Management",
        "organisational efficiency and effectiveness",
        {"time", "quality"},
    )
    check("Transition", "organisational efficiency and effectiveness", {"time", "quality"})
    # Every SP1/SP2 project described in the goals section prints all six tolerances.
    for title in SP1_SP2_PROJECTS:
        if title != "NHS Complaints":  # not described in the goals section
            assert set(
                projects.get(title=title).tolerances.values_list("dimension", flat=True)
            ) == (ALL_TOLERANCES), title


def test_impact_indicators(plan_year):
    indicators = Indicator.objects.filter(plan_year=plan_year)
    # IMPACT (outcome) INDICATORS: 15 for the SP1/SP2 projects (a recommendations count for
    # each, and two engagement measures each for Participation Networks and Takeover Day) and
    # 13 organisational ones for SP3.
    assert indicators.filter(tier="project").count() == 15
    assert indicators.filter(tier="enabling").count() == 13
    assert indicators.count() == 28
    recommendations = indicators.filter(title__startswith="Number of recommendations")
    assert recommendations.count() == 11
    # "Number of recommendations that have been: - accepted - implemented - under
    # consideration": the printed words, counted from each project's recommendations.
    assert set(recommendations.values_list("title", "source")) == {
        (
            "Number of recommendations that have been: accepted, implemented, under consideration",
            "recommendations by status",
        )
    }
    assert not indicators.exclude(pk__in=recommendations).exclude(source="entered").exists()
    assert set(recommendations.values_list("project__title", flat=True)) == {*SP1_SP2_PROJECTS} - {
        "NHS Complaints",
        "Developing and Sustaining Participation Networks",
        "Children's Commissioner's Takeover Day 2012-13",
    }
    assert indicators.filter(
        title="All staff understand and can follow the child protection process",
        project__title="Safeguarding Policy",
    ).exists()
    # No indicator owner is printed: an indicator's owners are its project's, as the BUDGETED
    # PROJECTS table prints them (none for the unbudgeted SP3 projects).
    for indicator in indicators.select_related("project"):
        assert abbreviations(indicator) == abbreviations(indicator.project), indicator.ref
    # No numeric target or baseline is printed for any 2012-13 indicator.
    assert not indicators.filter(baseline__isnull=False).exists()
    assert not indicators.filter(annual_target__gt=0).exists()


def test_budget(plan_year):
    budget = Budget.objects.get(plan_year=plan_year)
    assert budget.presentation_unit == "pounds"

    grant = GrantInAid.objects.get(plan_year=plan_year)
    assert grant.sponsor == "Department for Education (DfE)"
    assert grant.amount == 2_500_000  # "The confirmed remit for 2012-13 is £2.5M"

    lines = BudgetLine.objects.filter(budget=budget).select_related("category", "project")
    # One line per budgeted project, each with the table's amount, and the cost rows without a
    # project.
    assert lines.count() == len(BUDGETED_PROJECTS) + len(BUDGET_ROWS) == 20
    assert {line.project.title: line.amount for line in lines if line.project} == {
        row[1]: Decimal(row[4]) for row in BUDGETED_PROJECTS
    }
    assert {
        line.category.name: (line.category.kind, line.amount) for line in lines if not line.project
    } == BUDGET_ROWS
    # "Programme delivery £1.735M": direct staffing £1.275M and budgeted project costs £460K.
    programme = lines.filter(category__kind="programme delivery")
    assert sum(line.amount for line in programme) == 1_735_018
    # "Admin - running costs £765K": the admin lines and the £95,273 the table does not itemise.
    admin = sum(line.amount for line in lines.filter(category__kind="admin"))
    assert admin == 669_709
    assert sum(line.amount for line in lines) == 2_404_727
    assert abs(admin + (2_500_000 - 2_404_727) - 765_000) < 500
    # The judgements are kept beside the budget, where its total is checked.
    assert "95,273" in budget.notes
    assert "Derived, not printed" in lines.get(category__name="Staff costs").notes
    nhs = lines.get(project__title="NHS Complaints")
    # Footnote 4.
    assert nhs.description == (
        "This budget allocation refers to the completion of a project in the 2011/12 Business Plan."
    )


def test_indicators_are_measured_as_often_as_the_outputs_print(plan_year):
    frequency = dict(Indicator.objects.filter(plan_year=plan_year).values_list("ref", "frequency"))
    # "Quarterly Performance Reports", "HR quarterly updates", "Quarterly transition meeting".
    assert {ref for ref, often in frequency.items() if often == "quarterly"} == {
        "EI7",
        "EI8",
        "EI12",
    }
    # "Production of annual accounts and audit file for NAO": once a year, not twelve zeros.
    assert frequency["EI3"] == "annual"
    assert Indicator.objects.get(plan_year=plan_year, ref="EI3").periods() == [
        datetime.date(2012, 4, 1)
    ]


def test_printed_milestones_are_held_as_real_milestones(plan_year):
    milestones = Milestone.objects.filter(project__plan_year=plan_year, is_illustrative=False)
    # "interim findings due in early May 2012), final findings due August."
    inquiry = {
        m.title: m
        for m in milestones.filter(project__title="Mental Health and Well-being in Youth Justice")
    }
    interim = inquiry["Interim findings of the knowledge and evidence review"]
    assert interim.due_on == datetime.date(2012, 5, 1)
    assert "early May" in interim.notes
    assert inquiry["Final findings of the knowledge and evidence review"].due_on.month == 8
    # OUTPUTS/MILESTONES 12/13 of the SP3 projects, e.g. the NAO accounts and quarterly reports.
    outputs = set(milestones.values_list("project__title", "title"))
    assert (
        "Financial, Audit and Risk Management",
        "Production of annual accounts and audit file for NAO",
    ) in outputs
    assert (
        "Procurement, HR & Performance",
        "Quarterly Performance Reports submitted to Leadership Team to highlight organisational "
        "achievement to date against intended performance to date",
    ) in outputs
    assert ("Safeguarding Policy", "Training programme delivered by NSPCC") in outputs
    # Governance and Administration prints seven outputs, the last two "Signposting referral of
    # callers to appropriate organisations for advice and support." and "Freedom of
    # information requests dealt with on a timely basis".
    assert (
        "Governance and Administration",
        "Signposting referral of callers to appropriate organisations for advice and support",
    ) in outputs
    assert (
        "Governance and Administration",
        "Freedom of information requests dealt with on a timely basis",
    ) in outputs
    assert milestones.filter(project__title="Governance and Administration").count() == 7
    assert milestones.count() == 2 + 6 + 3 + 2 + 7 + 1 + 2
    # Projects with printed milestones get no illustrative ones; the others still do.
    for title in {title for title, _ in outputs}:
        assert not Milestone.objects.filter(
            project__plan_year=plan_year, project__title=title, is_illustrative=True
        ).exists(), title
    assert Milestone.objects.filter(
        project__title="School Exclusions Inquiry", is_illustrative=True
    ).exists()
