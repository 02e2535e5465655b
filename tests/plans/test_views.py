"""The project page shows a project's owners, links, tolerances, milestones and risks."""

import datetime
import re

import pytest
from django.utils import timezone

from plans.choices import MilestoneStatus
from plans.models import ProjectTolerance
from risks.choices import RiskStatus, RiskTier
from tests.plans.factories import (
    MilestoneFactory,
    ProjectFactory,
    RoleFactory,
    StrategicAimFactory,
)
from tests.risks.factories import MitigatingActionFactory, RiskFactory

pytestmark = pytest.mark.django_db


def test_the_project_page_shows_owners_aims_and_milestones_with_their_status(signed_in_client):
    project = ProjectFactory(title="School Exclusions Inquiry", budget_excluding_staff=100000)
    project.owners.add(RoleFactory(title="Children's Commissioner", abbreviation="CC"))
    project.aims.add(StrategicAimFactory(objective__plan_year=project.plan_year, ref="1.1"))
    for dimension in ["scope", "time", "quality", "cost"]:
        ProjectTolerance.objects.create(project=project, dimension=dimension)
    MilestoneFactory(project=project, title="Report published", status=MilestoneStatus.SLIPPED)
    MilestoneFactory(
        project=project,
        title="Evidence gathered",
        status=MilestoneStatus.DONE,
        completed_on=datetime.date(2010, 9, 28),
    )
    content = signed_in_client.get(project.get_absolute_url()).content.decode()
    assert "School Exclusions Inquiry" in content
    assert "Children&#x27;s Commissioner (CC)" in content
    assert "aim 1.1" in content
    assert "Time, Cost, Quality, Scope" in content
    assert "£100,000" in content
    assert "Slipped" in content
    assert "28 Sep 2010" in content
    assert "Illustrative" not in content


def test_illustrative_milestones_are_labelled_as_such(signed_in_client):
    milestone = MilestoneFactory(is_illustrative=True)
    content = signed_in_client.get(milestone.project.get_absolute_url()).content.decode()
    assert "Illustrative" in content
    assert "generated demo data, not from the published plan" in content


def test_a_project_of_another_year_is_not_found_at_this_year(signed_in_client):
    project = ProjectFactory()
    assert signed_in_client.get(f"/plans/2012-13/projects/{project.pk}/").status_code == 404


def project_risk(project, **kwargs):
    return RiskFactory(
        plan_year=project.plan_year, tier=RiskTier.PROJECT, project=project, **kwargs
    )


def test_the_project_page_lists_its_risks_highest_residual_score_first(client, user_in_group):
    project = ProjectFactory()
    today = timezone.localdate()
    overdue = project_risk(
        project,
        title="Hosts withdraw",
        residual_likelihood=4,
        residual_impact=4,
        review_on=today - datetime.timedelta(days=1),
    )
    project_risk(
        project,
        title="Venue unavailable",
        residual_likelihood=1,
        residual_impact=3,
        review_on=today + datetime.timedelta(days=30),
        status=RiskStatus.CLOSED,
    )
    RiskFactory(plan_year=project.plan_year, title="Someone else's risk")
    client.force_login(user_in_group("Staff"))
    content = client.get(project.get_absolute_url()).content.decode()
    year = project.plan_year.year
    titles = re.findall(
        rf'<a class="govuk-link" href="/plans/{year}/risks/\d+/">([^<]+)</a>', content
    )
    assert titles == ["Hosts withdraw", "Venue unavailable"]
    row = content[content.index("Hosts withdraw") : content.index("Venue unavailable")]
    assert '16 <strong class="govuk-tag govuk-tag--red">Very high</strong>' in row
    assert "Open" in row
    assert "Overdue for review" in row
    rest = content[content.index("Venue unavailable") :]
    assert '3 <strong class="govuk-tag govuk-tag--green">Low</strong>' in rest
    assert "Closed" in rest
    assert "Overdue for review" not in rest
    assert f'href="/plans/{year}/risks/{overdue.pk}/review/"' not in content


def test_the_project_page_offers_a_review_to_those_who_may_edit_its_risks(client, user_in_group):
    project = ProjectFactory()
    risk = project_risk(project)
    member = user_in_group("Staff")
    project.members.add(member)
    review = f'href="/plans/{project.plan_year.year}/risks/{risk.pk}/review/"'
    client.force_login(member)
    assert review in client.get(project.get_absolute_url()).content.decode()
    client.force_login(user_in_group("Staff"))
    assert review not in client.get(project.get_absolute_url()).content.decode()


def test_a_project_without_risks_says_so(signed_in_client):
    content = signed_in_client.get(ProjectFactory().get_absolute_url()).content.decode()
    assert "No risks are recorded for this project." in content


def test_the_project_page_query_count_does_not_grow_with_its_milestones_and_risks(
    signed_in_client, django_assert_max_num_queries
):
    few = ProjectFactory()
    MilestoneFactory(project=few)
    project_risk(few)
    many = ProjectFactory()
    for _ in range(25):
        MilestoneFactory(project=many)
        MitigatingActionFactory(risk=project_risk(many, owner=RoleFactory()))
    # 26: the header's year-scoped links read the current plan year (one query); the risks are
    # one query, and who may review them three (the Directors group, the roles the reader
    # holds, the projects they work on), as on the register.
    with django_assert_max_num_queries(26) as few_queries:
        signed_in_client.get(few.get_absolute_url())
    with django_assert_max_num_queries(26) as many_queries:
        signed_in_client.get(many.get_absolute_url())
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)
