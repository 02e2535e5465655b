"""Milestones as at a date: the project page, My work and their selectors work out status,
slippage and deadlines as at the date the view passes (today for the live pages), count a closed
year's slippage at most to its end, and say when a milestone's outcome was never recorded."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from plans import selectors
from plans.choices import MilestoneStatus, PlanStatus
from plans.models import Project
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def sam(db):
    user = get_user_model().objects.create(username="sam", first_name="Sam")
    user.groups.add(Group.objects.get(name="Staff"))
    return user


@pytest.fixture
def project_2016_17(sam):
    """A 2016-17 project with a milestone left slipped and one left on track."""
    project = ProjectFactory(
        plan_year=PlanYearFactory(year="2016-17", status=PlanStatus.PUBLISHED),
        title="Growing Up Digital",
    )
    project.members.add(sam)
    MilestoneFactory(
        project=project,
        title="Report published",
        due_on=D(2016, 9, 1),
        status=MilestoneStatus.SLIPPED,
        commentary="Printer delayed",
    )
    MilestoneFactory(
        project=project, title="Launch event", due_on=D(2016, 9, 1), status=MilestoneStatus.ON_TRACK
    )
    return project


def milestones_as_at(project, user, as_at):
    project = selectors.project_detail(year=project.plan_year.year, pk=project.pk)
    return selectors.project_milestones(project=project, user=user, as_at=as_at)


def test_within_the_year_a_milestone_not_done_is_late_and_overdue_as_at_the_date(
    project_2016_17, sam
):
    work = milestones_as_at(project_2016_17, sam, D(2016, 11, 15))
    assert [(row.days_late, row.overdue) for row in work.rows] == [(75, True), (75, True)]
    assert work.slippage.largest == 75
    assert work.year_ended_on is None


def test_years_later_slippage_is_counted_to_the_years_end_and_on_track_is_no_outcome(
    project_2016_17, sam
):
    """Was "3,745 days late" for both, counted to the day the page was read."""
    work = milestones_as_at(project_2016_17, sam, D(2026, 12, 3))
    by_title = {row.milestone.title: row for row in work.rows}
    assert by_title["Report published"].days_late == 211  # 1 September 2016 to 31 March 2017
    assert by_title["Launch event"].outcome_not_recorded
    assert not by_title["Launch event"].overdue
    assert (work.slippage.count, work.slippage.largest, work.slippage.not_recorded) == (1, 211, 1)
    assert work.year_ended_on == D(2017, 3, 31)


def test_the_project_page_says_outcome_not_recorded_and_counts_to_the_years_end(
    client, project_2016_17, sam
):
    client.force_login(sam)
    page = client.get(project_2016_17.get_absolute_url()).content.decode()
    assert "211 days late" in page
    assert "3,7" not in page
    assert '<strong class="govuk-tag govuk-tag--grey">Outcome not recorded</strong>' in page
    assert "Not known" in page
    assert "the largest slip is 211 days. 1 milestone has no recorded outcome." in page
    assert "The plan year ended on 31 March 2017: slippage is counted to then." in page


def test_my_work_says_the_same(client, project_2016_17, sam):
    client.force_login(sam)
    page = client.get("/my-work/?year=2016-17").content.decode()
    assert (
        "1 milestone slipped; the largest slip is 211 days, counted to 31 March 2017, when the "
        "plan year ended" in page
    )
    assert "1 milestone with no recorded outcome" in page
    assert "1 milestone overdue" in page
    assert '<strong class="govuk-tag govuk-tag--grey">Outcome not recorded</strong>' in page


def test_a_2012_13_project_whose_documents_print_no_outcome_shows_no_slip_of_years(client, sam):
    """Was "the largest slip is 5,329 days"."""
    project = ProjectFactory(plan_year=PlanYearFactory(year="2012-13", status=PlanStatus.CLOSED))
    project.members.add(sam)
    MilestoneFactory(project=project, due_on=D(2012, 5, 1), status=MilestoneStatus.ON_TRACK)
    client.force_login(sam)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "No milestone has slipped. 1 milestone has no recorded outcome." in page
    assert "5,3" not in page


def test_my_work_opens_on_the_plan_year_current_at_the_date_it_is_given(sam):
    for year in ("2012-13", "2016-17"):
        ProjectFactory(plan_year=PlanYearFactory(year=year)).members.add(sam)
    assert selectors.my_work(user=sam, as_at=D(2012, 11, 1)).plan_year.year == "2012-13"
    assert selectors.my_work(user=sam, as_at=D(2026, 12, 3)).plan_year.year == "2016-17"


def test_on_the_demo_no_page_shows_a_slip_beyond_a_plan_years_end(demo):
    """Every project page's milestones as the pages show them today (3 December 2026 when this
    was written): each slip ends by its plan year's end, and the document milestones of 2012-13
    say their outcome was not recorded."""
    user = get_user_model().objects.get(username="admin")
    largest = {}
    for project in Project.objects.select_related("plan_year"):
        detail = selectors.project_detail(year=project.plan_year.year, pk=project.pk)
        work = selectors.project_milestones(project=detail, user=user, as_at=D(2026, 12, 3))
        year_end = D(project.plan_year.start + 1, 3, 31)
        for row in work.rows:
            if row.days_late is not None and not row.position.done:
                assert row.milestone.due_on + datetime.timedelta(days=row.days_late) <= year_end
        largest[project.pk] = work.slippage.largest
    assert max(largest.values()) < 366
    documents_2012_13 = [
        row
        for project in Project.objects.filter(plan_year__year="2012-13")
        for row in selectors.project_milestones(
            project=selectors.project_detail(year="2012-13", pk=project.pk),
            user=user,
            as_at=D(2026, 12, 3),
        ).rows
        if not row.milestone.is_illustrative and not row.milestone.is_done
    ]
    assert documents_2012_13
    assert all(row.outcome_not_recorded for row in documents_2012_13)
