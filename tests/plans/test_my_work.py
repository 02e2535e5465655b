"""My work: the projects a person owns through a role they hold or is a member of, in one plan
year, with their milestones, slippage, deadlines in words and who updated them last."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from plans import periods, selectors
from plans.choices import MilestoneStatus, PlanStatus
from plans.models import Milestone
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory, RoleFactory

pytestmark = pytest.mark.django_db


def staff_member(username="sam", **names):
    user = get_user_model().objects.create(username=username, **names)
    user.groups.add(Group.objects.get(name="Staff"))
    return user


def test_it_lists_the_projects_owned_through_a_role_and_those_worked_on_as_a_member():
    sam = staff_member()
    plan_year = PlanYearFactory(year="2016-17")
    role = RoleFactory(title="Director of Participation")
    role.holders.add(sam)
    owned = ProjectFactory(plan_year=plan_year, title="Takeover Day")
    owned.owners.add(role)
    member_of = ProjectFactory(plan_year=plan_year, title="Growing Up Digital")
    member_of.members.add(sam)
    ProjectFactory(plan_year=plan_year, title="Someone else's project")

    work = selectors.my_work(user=sam, as_at=datetime.date(2016, 11, 15), year="2016-17")

    assert [each.project.title for each in work.projects] == ["Growing Up Digital", "Takeover Day"]
    rights = {each.project.title: each.rights for each in work.projects}
    assert rights["Takeover Day"].may_change_plan
    assert not rights["Growing Up Digital"].may_change_plan
    assert rights["Growing Up Digital"].may_update
    assert [each.is_owner for each in work.projects] == [False, True]


def test_it_opens_on_the_plan_year_covering_today_else_the_latest_with_projects(client):
    sam = staff_member()
    ProjectFactory(plan_year=PlanYearFactory(year="2012-13")).members.add(sam)
    ProjectFactory(plan_year=PlanYearFactory(year="2016-17")).members.add(sam)
    client.force_login(sam)

    content = client.get("/my-work/").content.decode()
    assert '<option value="2016-17" selected>' in content

    this_year = periods.financial_year_label(periods.financial_year_of(timezone.localdate()))
    ProjectFactory(plan_year=PlanYearFactory(year=this_year)).members.add(sam)
    content = client.get("/my-work/").content.decode()
    assert f'<option value="{this_year}" selected>' in content

    content = client.get("/my-work/?year=2012-13").content.decode()
    assert '<option value="2012-13" selected>' in content
    assert client.get("/my-work/?year=1999-00").status_code == 404


def test_without_projects_this_year_it_links_the_years_with_some(client):
    sam = staff_member()
    ProjectFactory(plan_year=PlanYearFactory(year="2012-13")).members.add(sam)
    ProjectFactory(plan_year=PlanYearFactory(year="2016-17"))
    client.force_login(sam)
    content = client.get("/my-work/?year=2016-17").content.decode()
    assert "You have no projects in 2016-17" in content
    assert 'You have projects in <a class="govuk-link" href="/my-work/?year=2012-13">' in content


def test_without_projects_it_says_so_and_what_to_do(client):
    PlanYearFactory(year="2016-17")
    ProjectFactory(plan_year=PlanYearFactory(year="2016-17"))
    client.force_login(staff_member())
    content = client.get("/my-work/").content.decode()
    assert "You have no projects in 2016-17" in content
    assert "ask an administrator to add you to it as a member" in content
    assert 'href="/plans/2016-17/"' in content


def test_each_milestone_shows_its_dates_status_slippage_and_last_update(client):
    sam = staff_member(first_name="Sam", last_name="Jones")
    project = ProjectFactory(plan_year=PlanYearFactory(year="2016-17"), title="Growing Up Digital")
    project.members.add(sam)
    milestone = MilestoneFactory(
        project=project,
        title="Report published",
        due_on=datetime.date(2016, 9, 30),
        status=MilestoneStatus.DONE,
        completed_on=datetime.date(2016, 10, 14),
    )
    MilestoneFactory(
        project=project,
        title="Launch event",
        due_on=datetime.date(2016, 11, 30),
        revised_due_on=datetime.date(2017, 1, 31),
        revision_reason="Venue moved",
        status=MilestoneStatus.SLIPPED,
        commentary="Venue unavailable",
    )
    milestone.commentary = "Published"
    milestone._history_user = sam
    milestone.save()
    client.force_login(sam)

    content = client.get("/my-work/?year=2016-17").content.decode()

    assert "Report published" in content
    assert "30 Sep 2016" in content
    assert "31 Jan 2017" in content  # the revised due date beside the original
    assert ">Slipped</strong>" in content
    assert "14 days late" in content
    assert f"{timezone.localdate():%-d %b %Y} by Sam Jones" in content
    assert "2 milestones slipped; the largest slip is" in content
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in content


def test_a_milestone_due_this_quarter_stands_out_in_words(client):
    sam = staff_member()
    today = timezone.localdate()
    this_year = periods.financial_year_label(periods.financial_year_of(today))
    project = ProjectFactory(plan_year=PlanYearFactory(year=this_year))
    project.members.add(sam)
    MilestoneFactory(project=project, due_on=today, status=MilestoneStatus.ON_TRACK)
    client.force_login(sam)
    content = client.get("/my-work/").content.decode()
    assert "Due this quarter</strong>" in content
    assert "1 milestone due this quarter" in content
    assert "0 milestones overdue" in content


def test_a_closed_years_work_is_shown_read_only_and_says_why(client):
    sam = staff_member()
    project = ProjectFactory(plan_year=PlanYearFactory(year="2010-11", status=PlanStatus.CLOSED))
    project.members.add(sam)
    MilestoneFactory(project=project)
    client.force_login(sam)
    content = client.get("/my-work/?year=2010-11").content.decode()
    assert "2010-11 is closed" in content
    assert "/update/" not in content
    assert "Add a milestone" not in content


def test_my_work_is_linked_from_the_header_and_the_home_page(client):
    client.force_login(staff_member())
    content = client.get("/").content.decode()
    assert content.count('href="/my-work/"') == 2


def _world(projects: int, milestones: int, changes: int):
    """A member of `projects` projects of 2016-17 with `milestones` milestones each, each
    changed `changes` times by two people in turn."""
    sam = staff_member(f"sam{projects}{milestones}{changes}")
    other = staff_member(f"kit{projects}{milestones}{changes}")
    plan_year = PlanYearFactory(year="2016-17")
    role = RoleFactory()
    role.holders.add(sam)
    for _ in range(projects):
        project = ProjectFactory(plan_year=plan_year)
        project.members.add(sam)
        project.owners.add(role)
        for _ in range(milestones):
            milestone = MilestoneFactory(project=project)
            for change in range(changes):
                milestone.commentary = f"Update {change}"
                milestone._history_user = sam if change % 2 else other
                milestone.save()
    return sam


@pytest.mark.parametrize("url", ["/my-work/", "/my-work/?year=2016-17"])
def test_my_work_runs_as_many_queries_for_many_projects_milestones_and_changes_as_for_one(
    client, django_assert_num_queries, django_assert_max_num_queries, url
):
    one = _world(1, 1, 1)
    client.force_login(one)
    client.get(url)  # sessions and permissions settle
    # 14: the header asks once whether the person reads the quarterly report. Sam holds a role,
    # so My work also lists what the quarterly report still needs of them in each of the four
    # ended quarters of 2016-17, none signed off (reports.preparation): about 22 queries each,
    # and 4 to know that Sam owns something and which quarters are open.
    with django_assert_max_num_queries(14 + 4 + 4 * 22) as few:
        client.get(url)
    expected = len(few.captured_queries)
    Milestone.objects.all().delete()

    many = _world(6, 5, 4)
    client.force_login(many)
    client.get(url)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.content.decode().count("/update/") == 30
