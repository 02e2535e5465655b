"""The risk register, its heat map and strategic view, a risk's page and its review: what people
see and may do, and the queries each page runs."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans import choices as plan_choices
from risks import choices, rules
from risks import selectors as risk_selectors
from risks.models import MitigatingAction, Risk
from tests.plans.factories import (
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
    UserFactory,
)
from tests.risks.factories import MitigatingActionFactory, RiskFactory
from tests.test_admin_exports import change_form_data

pytestmark = pytest.mark.django_db

REGISTER = "/plans/2016-17/risks/"


@pytest.fixture
def plan_year():
    return PlanYearFactory(year="2016-17", status=plan_choices.PlanStatus.PUBLISHED)


def project_risk(plan_year, **kwargs):
    project = kwargs.pop("project", None) or ProjectFactory(plan_year=plan_year)
    return RiskFactory(
        plan_year=plan_year, tier=choices.RiskTier.PROJECT, project=project, **kwargs
    )


def titles_in_order(content):
    return re.findall(
        r'<a class="govuk-link" href="/plans/2016-17/risks/\d+/">([^<]+)</a>', content
    )


def test_the_register_lists_risks_highest_residual_score_first(signed_in_client, plan_year):
    RiskFactory(plan_year=plan_year, title="Middling", residual_likelihood=3, residual_impact=3)
    RiskFactory(plan_year=plan_year, title="Highest", residual_likelihood=4, residual_impact=4)
    RiskFactory(plan_year=plan_year, title="Lowest", residual_likelihood=1, residual_impact=2)
    content = signed_in_client.get(REGISTER).content.decode()
    assert titles_in_order(content) == ["Highest", "Middling", "Lowest"]


def test_the_register_filters_by_tier_owner_project_status_and_band(signed_in_client, plan_year):
    owner = RoleFactory(title="Director of Policy")
    project = ProjectFactory(plan_year=plan_year, title="Takeover Day")
    RiskFactory(plan_year=plan_year, title="Strategic one", owner=owner)
    project_risk(plan_year, title="Project one", project=project)
    RiskFactory(
        plan_year=plan_year,
        title="Closed one",
        tier=choices.RiskTier.OPERATIONAL,
        status=choices.RiskStatus.CLOSED,
        residual_likelihood=1,
        residual_impact=1,
    )

    def listed(**query):
        return titles_in_order(signed_in_client.get(REGISTER, query).content.decode())

    assert listed(tier="project") == ["Project one"]
    assert listed(owner=owner.pk) == ["Strategic one"]
    assert listed(project=project.pk) == ["Project one"]
    assert listed(status="closed") == ["Closed one"]
    assert listed(band="low") == ["Closed one"]
    assert sorted(listed(band="high")) == ["Project one", "Strategic one"]
    assert listed(band="low", position="inherent") == []


def test_a_filter_that_is_not_offered_is_an_error_on_the_form(signed_in_client, plan_year):
    RiskFactory(plan_year=plan_year)
    response = signed_in_client.get(REGISTER, {"tier": "galactic"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Risk register" in content
    assert "There is a problem" in content
    assert 'href="#id_tier"' in content


def test_overdue_reviews_and_actions_stand_out_in_words(signed_in_client, plan_year):
    today = timezone.localdate()
    risk = RiskFactory(plan_year=plan_year, review_on=today - datetime.timedelta(days=3))
    MitigatingActionFactory(risk=risk, due_on=today - datetime.timedelta(days=1))
    MitigatingActionFactory(risk=risk, due_on=today - datetime.timedelta(days=9), is_done=True)
    content = signed_in_client.get(REGISTER).content.decode()
    assert "Review overdue" in content
    assert "1 review overdue." in content
    assert "1 mitigating action overdue." in content
    assert "1 overdue" in content


def test_inconsistent_scores_are_flagged_on_the_register(signed_in_client, plan_year):
    RiskFactory(
        plan_year=plan_year,
        inherent_likelihood=2,
        inherent_impact=2,
        residual_likelihood=3,
        residual_impact=3,
        target_score=12,
    )
    content = signed_in_client.get(REGISTER).content.decode()
    assert "Residual score is above the inherent score" in content
    assert "Target score is above the residual score" in content


def test_risks_at_or_above_the_appetite_are_escalated_to_the_strategic_view(
    signed_in_client, plan_year
):
    plan_year.risk_appetite = 12
    plan_year.save()
    RiskFactory(plan_year=plan_year, title="A strategic risk", residual_likelihood=1)
    project_risk(plan_year, title="At the appetite", residual_likelihood=3, residual_impact=4)
    project_risk(plan_year, title="Below the appetite", residual_likelihood=2, residual_impact=4)
    RiskFactory(
        plan_year=plan_year,
        tier=choices.RiskTier.OPERATIONAL,
        title="Closed above the appetite",
        status=choices.RiskStatus.CLOSED,
        residual_likelihood=5,
        residual_impact=5,
    )
    content = signed_in_client.get(f"{REGISTER}strategic/").content.decode()
    assert titles_in_order(content) == ["A strategic risk", "At the appetite"]
    assert "Escalated to the Leadership Team" in content
    assert "at or above the risk appetite for 2016-17: 12" in content


def test_the_heat_map_counts_risks_per_cell_and_links_each_cell_to_its_risks(
    signed_in_client, plan_year
):
    for _ in range(2):
        RiskFactory(plan_year=plan_year, residual_likelihood=4, residual_impact=3)
    RiskFactory(
        plan_year=plan_year,
        title="Elsewhere",
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=2,
        residual_impact=2,
    )
    content = signed_in_client.get(f"{REGISTER}heat-map/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", content, re.S)
    assert len(svgs) == 2
    assert not any("style=" in svg or "<script" in svg for svg in svgs)
    assert 'aria-label="Residual likelihood 4, impact 3, score 12 (high): 2 risks"' in content
    # Inherent and residual positions are both shown.
    assert 'aria-label="Inherent likelihood 5, impact 5, score 25 (very high): 1 risk"' in content
    assert 'aria-label="Inherent likelihood 4, impact 4, score 16 (very high): 2 risks"' in content
    link = re.search(
        r'href="(/plans/2016-17/risks/\?position=residual&amp;likelihood=4&amp;impact=3)"', content
    )
    cell = signed_in_client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert titles_in_order(cell) == ["Loss of key staff", "Loss of key staff"]
    inherent = re.search(
        r'href="(/plans/2016-17/risks/\?position=inherent&amp;likelihood=5&amp;impact=5)"', content
    )
    cell = signed_in_client.get(inherent.group(1).replace("&amp;", "&")).content.decode()
    assert titles_in_order(cell) == ["Elsewhere"]
    # The tables say the same.
    assert "Risks by residual likelihood and impact" in content
    assert "Risks by inherent likelihood and impact" in content


def test_the_heat_map_cells_keep_the_filters_of_the_map(signed_in_client, plan_year):
    RiskFactory(plan_year=plan_year, residual_likelihood=4, residual_impact=3)
    project_risk(plan_year, title="Project", residual_likelihood=4, residual_impact=3)
    content = signed_in_client.get(f"{REGISTER}heat-map/", {"tier": "project"}).content.decode()
    assert "Residual likelihood 4, impact 3, score 12 (high): 1 risk" in content
    link = re.search(
        r'href="(/plans/2016-17/risks/\?tier=project&amp;position=residual[^"]*)"', content
    )
    cell = signed_in_client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert titles_in_order(cell) == ["Project"]


def queries_of(client, url):
    """How many queries the page takes to build (afresh, not kept: core.kept_pages)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_register_query_count_does_not_grow_with_risks_and_actions(
    client, user_in_group, plan_year
):
    client.force_login(user_in_group("Staff"))
    MitigatingActionFactory(risk=project_risk(plan_year, residual_likelihood=5))
    urls = [REGISTER, f"{REGISTER}heat-map/", f"{REGISTER}strategic/"]
    queries_of(client, REGISTER)  # The session and permissions are read once.
    few = [queries_of(client, url) for url in urls]
    for _ in range(10):
        risk = project_risk(plan_year, owner=RoleFactory(), residual_likelihood=5)
        MitigatingActionFactory(risk=risk, owner=RoleFactory())
        MitigatingActionFactory(risk=risk)
    many = [queries_of(client, url) for url in urls]
    assert many == few


def test_a_risk_page_shows_its_scores_actions_and_history(signed_in_client, plan_year):
    risk = RiskFactory(plan_year=plan_year, cause="Small team", target_score=6)
    MitigatingActionFactory(risk=risk, description="Document each process")
    content = signed_in_client.get(risk.get_absolute_url()).content.decode()
    assert "Small team" in content
    assert "16: likelihood 4 times impact 4" in content
    assert "12: likelihood 3 times impact 4" in content
    assert "Document each process" in content
    assert "History of this risk and its actions" in content


# --- Review -------------------------------------------------------------------------------------


def review_data(risk, **changes):
    data = {
        "inherent_likelihood": risk.inherent_likelihood,
        "inherent_impact": risk.inherent_impact,
        "current_controls": risk.current_controls,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "target_score": risk.target_score or "",
        "review_on_day": "30",
        "review_on_month": "6",
        "review_on_year": "2017",
        "status": risk.status,
        "note": "",
    }
    data.update(changes)
    return data


def open_form(client, risk):
    content = client.get(f"{risk.get_absolute_url()}review/").content.decode()
    return re.search(r'name="record_version" value="([0-9a-f]+)"', content).group(1)


@pytest.fixture
def member(plan_year, user_in_group):
    user = user_in_group("Staff", first_name="Sam", last_name="Staff")
    return user


def test_a_project_member_reviews_a_risk_and_the_history_shows_who_and_what(
    client, member, plan_year
):
    risk = project_risk(plan_year)
    risk.project.members.add(member)
    action = MitigatingActionFactory(risk=risk)
    client.force_login(member)
    version = open_form(client, risk)
    response = client.post(
        f"{risk.get_absolute_url()}review/",
        review_data(
            risk,
            residual_likelihood=2,
            note="Deputy trained",
            record_version=version,
            actions_done=[action.pk],
        ),
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.residual_likelihood, risk.review_note) == (2, "Deputy trained")
    assert risk.last_reviewed_by == member
    assert risk.review_on == datetime.date(2017, 6, 30)
    assert MitigatingAction.objects.get(pk=action.pk).is_done
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Your review of" in page
    assert "Sam Staff" in page
    assert "Residual likelihood" in page
    assert "Deputy trained" in page


def test_a_review_that_changes_a_score_needs_a_note(client, member, plan_year):
    risk = project_risk(plan_year)
    risk.project.members.add(member)
    client.force_login(member)
    version = open_form(client, risk)
    response = client.post(
        f"{risk.get_absolute_url()}review/",
        review_data(risk, residual_impact=2, record_version=version),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Review" in content
    assert "a note is required when they do" in content
    assert 'href="#id_note"' in content
    assert Risk.objects.get(pk=risk.pk).residual_impact == 4


def test_the_review_date_is_asked_as_day_month_and_year_under_one_legend(client, member, plan_year):
    risk = project_risk(plan_year, review_on=datetime.date(2017, 3, 31))
    risk.project.members.add(member)
    client.force_login(member)
    content = client.get(f"{risk.get_absolute_url()}review/").content.decode()
    legend = '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
    assert content.count(f"{legend}Next review date</legend>") == 1
    for part, value in [("day", "31"), ("month", "3"), ("year", "2017")]:
        box = f'id="id_review_on_{part}" name="review_on_{part}" type="text" inputmode="numeric"'
        assert f'{box} value="{value}"' in content
    assert 'name="review_on"' not in content


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("30", "", "2017", "Next review date must include a month."),
        ("", "", "2017", "Next review date must include a day and month."),
        ("31", "6", "2017", "Next review date must be a real date."),
        ("30", "6", "17", "The year of next review date must include 4 numbers."),
    ],
)
def test_a_review_date_that_is_not_a_real_date_is_refused_as_gov_uk_says(
    client, member, plan_year, day, month, year, message
):
    risk = project_risk(plan_year)
    risk.project.members.add(member)
    client.force_login(member)
    version = open_form(client, risk)
    data = review_data(risk, record_version=version)
    data |= {"review_on_day": day, "review_on_month": month, "review_on_year": year}
    response = client.post(f"{risk.get_absolute_url()}review/", data)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_review_on_day">{message}</a>' in content
    hidden = '<span class="govuk-visually-hidden">Error:</span>'
    assert (
        f'<p id="id_review_on-error" class="govuk-error-message">{hidden} {message}</p>' in content
    )
    assert 'class="govuk-form-group govuk-form-group--error"' in content
    assert f'name="review_on_year" type="text" inputmode="numeric" value="{year}"' in content
    assert Risk.objects.get(pk=risk.pk).last_reviewed_by is None


def test_a_review_left_without_a_next_review_date_gets_one_from_the_registers_interval(
    client, member, plan_year
):
    """It was left blank, and the risk dropped out of "reviews overdue" for good."""
    plan_year.risk_review_months = 3
    plan_year.save()
    risk = project_risk(plan_year, review_on=datetime.date(2017, 3, 31))
    risk.project.members.add(member)
    client.force_login(member)
    version = open_form(client, risk)
    data = review_data(risk, record_version=version)
    data |= {"review_on_day": "", "review_on_month": "", "review_on_year": ""}

    response = client.post(f"{risk.get_absolute_url()}review/", data, follow=True)

    next_review = rules.next_review_on(reviewed_on=timezone.localdate(), interval_months=3)
    assert Risk.objects.get(pk=risk.pk).review_on == next_review
    assert (
        f"Its next review is due on {next_review.day} {next_review:%B %Y}, 3 months on, as the "
        "register reviews its risks." in response.content.decode()
    )


def test_the_review_form_says_what_an_empty_next_review_date_becomes(client, member, plan_year):
    risk = project_risk(plan_year)
    risk.project.members.add(member)
    client.force_login(member)
    content = client.get(f"{risk.get_absolute_url()}review/").content.decode()
    next_review = rules.next_review_on(reviewed_on=timezone.localdate(), interval_months=1)
    assert (
        f"Leave it empty to review again in 1 month, on {next_review.day} {next_review:%B %Y}."
        in content
    )


def test_a_reviewed_risk_keeps_its_next_review_date_on_every_route(plan_year):
    """The entry screens and imports validate with full_clean(), which refuses to blank it."""
    risk = project_risk(plan_year, review_on=datetime.date(2017, 3, 31))
    risk.last_reviewed_at = timezone.now()
    risk.review_on = None
    with pytest.raises(ValidationError) as raised:
        risk.full_clean()
    assert raised.value.message_dict == {
        "review_on": ["Enter the next review date: a reviewed risk always has one."]
    }


def test_a_risk_reviewed_without_a_date_comes_back_as_overdue_once_its_interval_has_passed(
    client, member, plan_year
):
    risk = project_risk(plan_year, review_on=datetime.date(2017, 3, 31))
    risk.project.members.add(member)
    client.force_login(member)
    today = timezone.localdate()

    def reviews_overdue(as_at):
        return risk_selectors.risk_register(
            plan_year=plan_year, filters=risk_selectors.RiskFilters(), user=member, as_at=as_at
        ).reviews_overdue

    assert reviews_overdue(today) == 1
    version = open_form(client, risk)
    data = review_data(risk, record_version=version)
    data |= {"review_on_day": "", "review_on_month": "", "review_on_year": ""}
    client.post(f"{risk.get_absolute_url()}review/", data)

    next_review = rules.next_review_on(reviewed_on=today, interval_months=1)
    assert reviews_overdue(today) == 0  # just reviewed
    assert reviews_overdue(next_review) == 0
    assert reviews_overdue(next_review + datetime.timedelta(days=1)) == 1


def test_a_review_without_score_changes_needs_no_note(client, member, plan_year):
    risk = project_risk(plan_year)
    risk.project.members.add(member)
    client.force_login(member)
    version = open_form(client, risk)
    response = client.post(
        f"{risk.get_absolute_url()}review/", review_data(risk, record_version=version)
    )
    assert response.status_code == 302
    assert Risk.objects.get(pk=risk.pk).last_reviewed_by == member


def test_a_review_does_not_overwrite_a_change_made_since_the_form_was_opened(
    client, member, plan_year
):
    risk = project_risk(plan_year)
    risk.project.members.add(member)
    client.force_login(member)
    version = open_form(client, risk)
    Risk.objects.filter(pk=risk.pk).update(current_controls="Changed meanwhile")
    response = client.post(
        f"{risk.get_absolute_url()}review/", review_data(risk, record_version=version)
    )
    assert response.status_code == 200
    assert "Someone else saved changes to this record" in response.content.decode()
    assert Risk.objects.get(pk=risk.pk).last_reviewed_by is None


# --- Who may edit: the matrix ---------------------------------------------------------------


@pytest.fixture
def people(user_in_group, plan_year):
    """One person for each way of relating to a risk, and the risks they relate to."""
    owner_role = RoleFactory(title="Director of Participation")
    project_owner_role = RoleFactory(title="Director of Communications")
    project = ProjectFactory(plan_year=plan_year)
    project.owners.add(project_owner_role)
    users = {
        "administrator": user_in_group("Administrators"),
        "director": user_in_group("Directors"),
        "project owner": user_in_group("Directors"),
        "project member": user_in_group("Staff"),
        "risk owner": user_in_group("Staff"),
        "other staff": user_in_group("Staff"),
        "corporate services": user_in_group("Corporate services"),
    }
    project_owner_role.holders.add(users["project owner"])
    owner_role.holders.add(users["risk owner"])
    project.members.add(users["project member"])
    risks = {
        "strategic": RiskFactory(plan_year=plan_year),
        "operational, owned": RiskFactory(
            plan_year=plan_year, tier=choices.RiskTier.OPERATIONAL, owner=owner_role
        ),
        "project": project_risk(plan_year, project=project),
        "other project": project_risk(plan_year),
    }
    return users, risks


MATRIX = {
    # person: which risks they may review
    "administrator": {"strategic", "operational, owned", "project", "other project"},
    "director": {"strategic"},
    "project owner": {"strategic", "project"},
    "project member": {"project"},
    "risk owner": {"operational, owned"},
    "other staff": set(),
    "corporate services": set(),
}


@pytest.mark.parametrize("person", MATRIX)
def test_who_may_review_which_risk(client, people, person):
    users, risks = people
    client.force_login(users[person])
    for name, risk in risks.items():
        review = client.get(f"{risk.get_absolute_url()}review/")
        page = client.get(risk.get_absolute_url())
        may = name in MATRIX[person]
        assert review.status_code == (200 if may else 403), (person, name)
        assert page.status_code == 200
        assert ("Record a review" in page.content.decode()) is may, (person, name)


# Who may add risks in the entry screens at all (the model permission "add risk").
ADDS_RISKS = {"administrator", "director", "project owner"}
RISK_ADMIN = "/admin/risks/risk/"


def shaped_like(data, risk):
    """Admin form data given the tier, plan year, project and owner of `risk`."""
    risk.refresh_from_db()
    return {
        **data,
        "plan_year": risk.plan_year_id,
        "tier": risk.tier,
        "project": risk.project_id or "",
        "owner": risk.owner_id or "",
    }


def risk_shape(risk):
    risk.refresh_from_db()
    return (risk.plan_year_id, risk.tier, risk.project_id, risk.owner_id)


@pytest.mark.parametrize("person", MATRIX)
def test_who_may_add_which_risk_in_the_entry_screens(client, people, person):
    users, risks = people
    client.force_login(users[person])
    form = client.get(f"{RISK_ADMIN}add/")
    if person not in ADDS_RISKS:
        assert form.status_code == 403
        return
    blank = change_form_data(form)
    for name, risk in risks.items():
        data = shaped_like(blank, risk) | {
            "title": f"New like {name}",
            "inherent_likelihood": 3,
            "inherent_impact": 3,
            "residual_likelihood": 2,
            "residual_impact": 2,
            "status": "open",
        }
        response = client.post(f"{RISK_ADMIN}add/", data)
        added = Risk.objects.filter(title=f"New like {name}").exists()
        assert added is (name in MATRIX[person]), (person, name)
        if not added:
            assert response.status_code == 200


@pytest.mark.parametrize("person", MATRIX)
def test_who_may_change_a_risk_into_which_risk_in_the_entry_screens(client, people, person):
    """A risk the person may edit is saved as another risk's tier, project and owner only if
    they may edit that other risk too: nobody moves a risk to where they could not edit it."""
    users, risks = people
    client.force_login(users[person])
    for name, risk in risks.items():
        url = f"{RISK_ADMIN}{risk.pk}/change/"
        if name not in MATRIX[person]:
            assert client.post(url, {}).status_code == 403, (person, name)
            continue
        original = risk_shape(risk)
        for target_name, target in risks.items():
            data = shaped_like(change_form_data(client.get(url)), target)
            client.post(url, data)
            moved = risk_shape(risk) == risk_shape(target)
            assert moved is (target_name in MATRIX[person]), (person, name, target_name)
            _plan_year_id, tier, project_id, owner_id = original
            Risk.objects.filter(pk=risk.pk).update(
                tier=tier, project_id=project_id, owner_id=owner_id
            )


def test_the_entry_screen_names_the_rule_when_it_refuses_a_risk(client, people):
    users, risks = people
    client.force_login(users["risk owner"])
    risk = risks["operational, owned"]
    url = f"{RISK_ADMIN}{risk.pk}/change/"
    data = change_form_data(client.get(url)) | {"owner": ""}
    response = client.post(url, data)
    content = response.content.decode()
    assert "This risk, as entered, is not one you may edit, so it was not saved." in content
    assert "the holders of a risk&#x27;s owner role, the people working on its project" in content
    assert Risk.objects.get(pk=risk.pk).owner_id is not None


def test_a_risk_owner_saves_their_project_risk_though_not_working_on_its_project(client, people):
    users, risks = people
    risk = risks["other project"]
    Risk.objects.filter(pk=risk.pk).update(owner=risks["operational, owned"].owner)
    client.force_login(users["risk owner"])
    url = f"{RISK_ADMIN}{risk.pk}/change/"
    data = change_form_data(client.get(url)) | {"title": "Renamed by its owner"}
    assert client.post(url, data).status_code == 302
    assert Risk.objects.get(pk=risk.pk).title == "Renamed by its owner"


def test_the_entry_screen_offers_only_the_tiers_and_projects_the_person_could_edit(
    client, people, plan_year
):
    users, risks = people
    client.force_login(users["director"])
    form = client.get(f"{RISK_ADMIN}add/").context["adminform"].form
    assert [value for value, _ in form.fields["tier"].choices if value] == ["strategic"]
    assert not form.fields["project"].queryset.exists()
    client.force_login(users["project owner"])
    form = client.get(f"{RISK_ADMIN}add/").context["adminform"].form
    assert list(form.fields["project"].queryset) == [risks["project"].project]


@pytest.mark.parametrize("person", ["director", "project member", "risk owner"])
def test_nobody_but_an_administrator_reviews_a_risk_of_a_closed_year(client, people, person):
    users, risks = people
    PlanYearFactory(year="2016-17").__class__.objects.filter(year="2016-17").update(
        status=plan_choices.PlanStatus.CLOSED
    )
    client.force_login(users[person])
    for risk in risks.values():
        refused = client.get(f"{risk.get_absolute_url()}review/")
        assert refused.status_code == 403
        assert "2016-17 is closed: its risks can no longer be changed." in refused.content.decode()
        assert client.post(f"{risk.get_absolute_url()}review/", {}).status_code == 403
        assert client.get(risk.get_absolute_url()).status_code == 200
    client.force_login(users["administrator"])
    assert client.get(f"{risks['strategic'].get_absolute_url()}review/").status_code == 200


def test_a_person_who_may_not_review_cannot_post_a_review_either(client, people):
    users, risks = people
    client.force_login(users["other staff"])
    risk = risks["project"]
    response = client.post(f"{risk.get_absolute_url()}review/", review_data(risk))
    assert response.status_code == 403
    assert "the people working on its project" in response.content.decode()
    assert Risk.objects.get(pk=risk.pk).last_reviewed_by is None


def test_signing_in_is_needed_to_read_the_register(client, plan_year):
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert UserFactory  # the factory module is the one the matrix uses


def test_the_header_and_the_plan_overview_link_to_the_register(signed_in_client, plan_year):
    ProjectFactory(plan_year=plan_year)
    home = signed_in_client.get("/").content.decode()
    assert 'href="/plans/2016-17/risks/">Risks</a>' in home
    overview = signed_in_client.get("/plans/2016-17/").content.decode()
    assert 'href="/plans/2016-17/risks/">risk register</a>' in overview
    assert 'href="/plans/2016-17/milestones/">every milestone</a>' in overview
    assert 'href="/plans/2016-17/recommendations/">recommendations</a>' in overview


def test_the_register_offers_a_review_only_of_the_risks_the_reader_may_edit(
    client, member, plan_year
):
    mine = project_risk(plan_year, title="Mine")
    mine.project.members.add(member)
    theirs = project_risk(plan_year, title="Theirs")
    client.force_login(member)
    content = client.get(REGISTER).content.decode()
    assert f'href="/plans/2016-17/risks/{mine.pk}/review/"' in content
    assert f'href="/plans/2016-17/risks/{theirs.pk}/review/"' not in content


def test_a_risk_page_query_count_does_not_grow_with_its_actions_and_reviews(
    client, member, plan_year
):
    risk = project_risk(plan_year)
    risk.project.members.add(member)
    client.force_login(member)
    MitigatingActionFactory(risk=risk)
    queries_of(client, risk.get_absolute_url())
    few = queries_of(client, risk.get_absolute_url())
    for number in range(8):
        action = MitigatingActionFactory(risk=risk, owner=RoleFactory())
        action.is_done = True
        action.save()
        risk.review_note = f"Review {number}"
        risk.save()
    assert queries_of(client, risk.get_absolute_url()) == few
