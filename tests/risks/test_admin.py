"""Risks in the entry screens: import and export with the same escaping and limits as every
other sheet, and changes only by the people the register lets edit a risk."""

import pytest
from import_export.formats.base_formats import CSV, XLSX

from plans import choices as plan_choices
from plans.models import PlanYear
from risks import choices
from risks.models import Risk
from tests.plans.factories import (
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
)
from tests.risks.factories import MitigatingActionFactory, RiskFactory
from tests.test_import_export import (
    FORMULAE,
    admin_url,
    assert_refused,
    confirm,
    csv_rows,
    export,
    problems,
    upload,
    xlsx_sheet,
)

pytestmark = pytest.mark.django_db

HEADERS = [
    "id",
    "plan_year",
    "tier",
    "project",
    "title",
    "owner",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "target_score",
    "review_on",
    "status",
]


@pytest.fixture
def signed_in(client, user_in_group):
    def sign_in(group_name):
        user = user_in_group(group_name)
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def plan_year():
    year = PlanYearFactory(year="2016-17")
    ProjectFactory(plan_year=year, title="Takeover Day")
    RoleFactory(title="Director of Policy")
    return year


def test_risks_are_previewed_then_imported(signed_in, plan_year):
    client = signed_in("Administrators")
    rows = [
        HEADERS,
        [
            "",
            "2016-17",
            "project",
            "Takeover Day",
            "Hosts withdraw",
            "Director of Policy",
            4,
            4,
            3,
            3,
            4,
            "2017-01-31",
            "open",
        ],
        ["", "2016-17", "strategic", "", "Funding cut", "", 4, 5, 3, 5, "", "2017-02-28", "open"],
    ]
    preview = upload(client, Risk, rows)
    assert problems(preview) == []
    assert not Risk.objects.exists()
    confirm(client, Risk, preview)
    imported = Risk.objects.get(title="Hosts withdraw")
    assert (imported.project.title, imported.owner.title) == ("Takeover Day", "Director of Policy")
    assert (imported.inherent_score, imported.residual_score, imported.target_score) == (16, 9, 4)
    assert Risk.objects.get(title="Funding cut").target_score is None


def test_a_score_out_of_range_is_refused_naming_the_line_and_column(signed_in, plan_year):
    client = signed_in("Administrators")
    rows = [
        HEADERS,
        ["", "2016-17", "strategic", "", "Funding cut", "", 6, 5, 3, 5, "", "", "open"],
    ]
    response = upload(client, Risk, rows)
    assert_refused(response)
    # Row 2 of the sheet: the header is row 1.
    assert any(
        line == 2 and field == "inherent_likelihood" for line, field, _message in problems(response)
    )


def test_a_project_risk_without_its_project_is_refused(signed_in, plan_year):
    client = signed_in("Administrators")
    rows = [HEADERS, ["", "2016-17", "project", "", "Orphan", "", 3, 3, 3, 3, "", "", "open"]]
    response = upload(client, Risk, rows)
    assert_refused(response)
    assert any(
        "A project risk names its project" in message for _, _, message in problems(response)
    )


def test_the_row_limit_applies_to_risks_too(signed_in, plan_year, settings):
    settings.IMPORT_MAX_ROWS = 2
    client = signed_in("Administrators")
    row = ["", "2016-17", "strategic", "", "Risk", "", 3, 3, 3, 3, "", "", "open"]
    response = upload(client, Risk, [HEADERS, row, row, row])
    assert "at most 2 can be imported at once" in response.content.decode()
    assert not Risk.objects.exists()


@pytest.mark.parametrize("format_class", [CSV, XLSX])
def test_an_export_escapes_formula_text_and_keeps_scores_numeric(
    signed_in, plan_year, format_class
):
    for index, formula in enumerate(FORMULAE):
        RiskFactory(plan_year=plan_year, title=f"{formula} {index}", cause=formula)
    client = signed_in("Directors")
    response = export(client, Risk, format_class)
    if format_class is CSV:
        rows = csv_rows(response)
        assert {row["title"][0] for row in rows} == {"'"}
        assert {row["inherent_likelihood"] for row in rows} == {"4"}
    else:
        _headers, rows = xlsx_sheet(response)
        assert all(row["title"].value.startswith("'") for row in rows)
        assert {row["residual_impact"].value for row in rows} == {4}


def test_directors_export_risks_but_only_administrators_import_them(signed_in, plan_year):
    client = signed_in("Directors")
    assert client.get(admin_url(Risk, "export")).status_code == 200
    assert client.get(admin_url(Risk, "import")).status_code == 403


def test_a_staff_member_opens_other_risks_read_only_and_their_project_risks_to_change(
    signed_in, plan_year
):
    client = signed_in("Staff")
    mine = ProjectFactory(plan_year=plan_year)
    mine.members.add(client.user)
    theirs = RiskFactory(plan_year=plan_year)
    ours = RiskFactory(plan_year=plan_year, tier=choices.RiskTier.PROJECT, project=mine)
    MitigatingActionFactory(risk=ours)
    read_only = client.get(f"/admin/risks/risk/{theirs.pk}/change/")
    assert read_only.status_code == 200
    assert 'name="_save"' not in read_only.content.decode()
    editable = client.get(f"/admin/risks/risk/{ours.pk}/change/")
    assert 'name="_save"' in editable.content.decode()
    assert 'name="actions-0-is_done"' in editable.content.decode()
    PlanYear.objects.filter(pk=plan_year.pk).update(status=plan_choices.PlanStatus.CLOSED)
    closed = client.get(f"/admin/risks/risk/{ours.pk}/change/")
    assert 'name="_save"' not in closed.content.decode()


def test_an_old_link_to_a_risks_entry_screen_arrives_at_its_new_address(signed_in, plan_year):
    """The entry screens moved with the register from plans to risks; a bookmark still works."""
    client = signed_in("Administrators")
    risk = RiskFactory(plan_year=plan_year)
    response = client.get(f"/admin/plans/risk/{risk.pk}/change/?_changelist_filters=tier")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/risks/risk/{risk.pk}/change/?_changelist_filters=tier"
    assert client.get(response["Location"]).status_code == 200
