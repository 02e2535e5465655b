"""What the demo holds from the documents is shown on its pages: printed wording as printed,
the product's own summaries marked as such, baselines and later targets with their units, and
every judgement made in reading a document beside the record it concerns.

Expected words and figures are read from the source documents (seeds/*.txt)."""

import html

import pytest
from django.contrib.auth import get_user_model

from kpis.models import Indicator
from plans.models import (
    CorporateObjective,
    Milestone,
    PlanYear,
    Project,
    StrategicAim,
    StrategicObjective,
    Strategy,
    Theme,
)

SUMMARY = "Summary in our words, not the document's:"
BASELINE = (
    '<dt class="govuk-summary-list__key">Baseline</dt>\n    <dd class="govuk-summary-list__value">'
)


@pytest.fixture
def read(client, demo):
    client.force_login(get_user_model().objects.get(username="staff"))

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return html.unescape(response.content.decode())

    return page


def test_the_2010_11_overview_shows_each_strategic_objective_as_printed(read):
    # "Our strategic objectives 2010-11", each sentence as printed (no full stops).
    content = read("/plans/2010-11/")
    for sentence in [
        "To safeguard the interests of children and young people by enabling them to enjoy "
        "their rights under the United Nations Convention on the Rights of a Child (UNCRC)",
        "To safeguard the interests and significantly improve the wellbeing of children and "
        "young people by effectively promoting their views",
        "To ensure that children and young people are more highly valued by adult society",
        "To ensure 11 MILLION is an efficient and effectively managed organisation",
    ]:
        assert f'<p class="govuk-body">{sentence}</p>' in content


def test_the_2010_11_overview_has_the_objectives_column_of_the_co_and_eo_tables(read):
    content = read("/plans/2010-11/")
    table = content[content.index('id="corporate-objectives"') :]
    table = table[: table.index("</table>")]
    assert '<th scope="col" class="govuk-table__header">Objective(s)</th>' in table
    # Ref, theme, aim, objective(s), projects, owner: the printed columns, one row each.
    assert table.count("<tr") == 1 + 11  # CO1-CO7 and EO1-EO4
    assert "not the document's" in content[content.index('id="corporate-objectives"') :][:600]
    for objective in CorporateObjective.objects.filter(plan_year__year="2010-11"):
        assert objective.objectives in table


def test_the_2012_13_overview_shows_each_clusters_summary_and_uncrc_articles(read):
    content = read("/plans/2012-13/")
    themes = content[content.index('id="themes"') :]
    # Printed "[UNCRC Articles 2, 3, 6 & 12]", "[UNCRC Articles 9,19, 20, 25 and 37]",
    # "[UNCRC Articles 6, 24, 26 and 27]", "[UNCRC 22, 34,37 and 40]".
    for articles in ["2, 3, 6 & 12", "9,19, 20, 25 and 37", "6, 24, 26 and 27", "22, 34,37 and 40"]:
        assert f"(UNCRC articles: {articles})" in themes
    assert themes.count(SUMMARY) >= 6


def test_the_2012_13_aims_keep_their_uncrc_articles_and_are_marked_as_summaries(read):
    content = read("/plans/2012-13/")
    # Aim 2.2 prints "19, 39, 37 & 40"; aim 1.1 prints 28.
    assert "(UNCRC articles: 19, 39, 37 & 40)" in content
    assert "(UNCRC articles: 28)" in content
    aims = content[content.index("Aim 1.1") :]
    assert aims.index(SUMMARY) < aims.index("(UNCRC articles: 28)")


def test_the_plan_statements_held_in_our_words_say_so(read):
    content = read("/plans/2010-11/")
    mission = content[content.index(">Mission</dt>") :]
    assert mission.index(SUMMARY) < mission.index("</dd>")


@pytest.mark.parametrize(
    ("ref", "shown"),
    [
        # "My high profile Takeover Day engaged 40,000 children and young people".
        (
            "OC4",
            BASELINE + "40,000</dd>",
        ),
        # "currently being piloted in three local authorities".
        (
            "OC14",
            BASELINE + "3</dd>",
        ),
        # "... by the end of the year, rising to 100% by 2018".
        ("OC7", "Later target: 100% by 2018"),
    ],
)
def test_2016_17_indicator_pages_show_baselines_and_later_targets_with_their_units(
    read, ref, shown
):
    assert shown in read(f"/plans/2016-17/indicators/{ref}/")


def test_an_indicators_purpose_is_marked_as_our_summary(read):
    content = read("/plans/2016-17/indicators/OC4/")
    purpose = content[content.index(">Purpose</dt>") :]
    assert purpose.index(SUMMARY) < purpose.index("</dd>")


def note_lines(notes):
    return [line for line in notes.splitlines() if line.strip()]


def assert_notes_shown(content, notes, what):
    assert "judgements made in reading the document" in content, what
    for line in note_lines(notes):
        assert line in content, (what, line)


def test_every_record_with_notes_shows_them_on_its_page(read):
    checked = 0
    for strategy in Strategy.objects.exclude(notes=""):
        assert_notes_shown(read(strategy.get_absolute_url()), strategy.notes, strategy)
        checked += 1
    for plan_year in PlanYear.objects.all():
        overview = read(plan_year.get_absolute_url())
        records = [
            *StrategicObjective.objects.filter(plan_year=plan_year).exclude(notes=""),
            *StrategicAim.objects.filter(objective__plan_year=plan_year).exclude(notes=""),
            *Theme.objects.filter(plan_year=plan_year).exclude(notes=""),
            *CorporateObjective.objects.filter(plan_year=plan_year).exclude(notes=""),
        ]
        for record in records:
            assert_notes_shown(overview, record.notes, record)
            checked += 1
    for strategy in Strategy.objects.all():
        page = read(strategy.get_absolute_url())
        records = [
            *StrategicObjective.objects.filter(strategy=strategy).exclude(notes=""),
            *StrategicAim.objects.filter(objective__strategy=strategy).exclude(notes=""),
            *Theme.objects.filter(strategy=strategy).exclude(notes=""),
        ]
        for record in records:
            assert_notes_shown(page, record.notes, record)
            checked += 1
    projects = Project.objects.select_related("plan_year")
    noted_milestones = set(Milestone.objects.exclude(notes="").values_list("project_id", flat=True))
    for project in projects:
        if not project.notes and project.pk not in noted_milestones:
            continue
        page = read(project.get_absolute_url())
        if project.notes:
            assert_notes_shown(page, project.notes, project)
            checked += 1
        for milestone in project.milestones.exclude(notes=""):
            assert_notes_shown(page, milestone.notes, milestone)
            checked += 1
    for indicator in Indicator.objects.exclude(notes="").select_related("plan_year"):
        page = read(f"/plans/{indicator.plan_year.year}/indicators/{indicator.ref}/")
        assert_notes_shown(page, indicator.notes, indicator)
        checked += 1
    assert checked > 50


def test_co2s_aim_keeps_the_printed_alternative_images(read):
    # Printed: "... and actively find ways to present alternative images".
    content = read("/plans/2010-11/")
    row = content[content.index('<th scope="row" class="govuk-table__header">CO2</th>') :]
    row = row[: row.index("</tr>")]
    assert "alternative images" in row
    assert "positive images" not in row


def test_the_2012_13_clusters_keep_the_printed_case_of_uncrc(read):
    content = read("/plans/2012-13/")
    themes = content[content.index('id="themes"') :]
    assert "(UNCRC cluster / programme)" in themes
    assert "uncrc cluster" not in themes


def test_the_2012_13_governance_outputs_are_on_the_project_page(read):
    project = Project.objects.get(plan_year__year="2012-13", title="Governance and Administration")
    content = read(project.get_absolute_url())
    assert (
        "Signposting referral of callers to appropriate organisations for advice and support"
        in (content)
    )
    assert "Freedom of information requests dealt with on a timely basis" in content


def test_the_2012_13_running_cost_lines_keep_their_printed_cluster(read):
    # BUDGETED PROJECTS: "UNCRC implementation" is printed in the cluster column of the Staff
    # costs (SP3.2), Premises costs (SP3.2), Support costs (SP3.1) and Capital expenditure
    # (SP3.2) rows, each owned by CE/DoCS.
    content = read("/plans/2012-13/")
    budget = content[content.index('id="budget"') :]
    for row in [
        "Premises costs (SP3.2), CE/DoCS, UNCRC implementation",
        "Support costs (SP3.1), CE/DoCS, UNCRC implementation",
        "Capital expenditure (SP3.2), CE/DoCS, UNCRC implementation",
    ]:
        assert row in budget
    assert budget.count("Staff costs (SP3.2), CE/DoCS, UNCRC implementation") == 2
