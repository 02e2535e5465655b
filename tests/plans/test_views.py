"""The project page shows a project's owners, links, tolerances and milestones."""

import datetime

import pytest

from plans.choices import MilestoneStatus
from plans.models import ProjectTolerance
from tests.plans.factories import MilestoneFactory, ProjectFactory, RoleFactory, StrategicAimFactory

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


def test_the_project_page_query_count_does_not_grow_with_its_milestones(
    signed_in_client, django_assert_max_num_queries
):
    few = ProjectFactory()
    MilestoneFactory(project=few)
    many = ProjectFactory()
    for _ in range(25):
        MilestoneFactory(project=many)
    # 17: the header's link to the current plan year's budget reads the current plan year.
    with django_assert_max_num_queries(17) as few_queries:
        signed_in_client.get(few.get_absolute_url())
    with django_assert_max_num_queries(17) as many_queries:
        signed_in_client.get(many.get_absolute_url())
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)
