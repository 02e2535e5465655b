"""The milestone tracker, /plans/<year>/milestones/: every milestone of a plan year with its
project, owners, objective, dates, status and slippage as at a date, filtered by objective,
owner, status and the quarter it is due in, counted by status, one page at a time.

Most tests read a factory-built 2010-11 plan on 15 November 2010 (quarter 3), whose twelve
milestones are worked out by hand in `plan`'s docstring."""

import datetime
import html
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import resolve

from plans.choices import CorporateObjectiveKind, MilestoneStatus
from plans.models import Milestone
from tests.plans.factories import (
    CorporateObjectiveFactory,
    MilestoneFactory,
    PlanYearFactory,
    ProjectFactory,
    RoleFactory,
    StrategicAimFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2010, 11, 15)
URL = "/plans/2010-11/milestones/"


@pytest.fixture
def today(monkeypatch):
    """The pages read the date through timezone.localdate: it is 15 November 2010."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def plan(today):
    """A 2010-11 plan of four projects and twelve milestones. As at 15 November 2010:

    Project A, under SO1 directly, owned by the Director of Policy (DoP):
      A1 due 30 Jun, done 25 Jun                    done                          due in Q1
      A2 due 31 Jul, done 10 Aug                    done, 10 days late            Q2
      A3 due 31 Dec, on track                       on track                      Q3
      A4 due 30 Sep, revised 31 Jan, on track       slipped, 46 days late         Q4 (revised)
         (30 Sep to 15 Nov: 31 + 15 = 46; its original due date has passed)
    Project B, under SO2 through its aim 2.1, owned by DoP and the Director of Communications
    (DoC):
      B1 due 31 Aug, slipped                        slipped, 76 days late (30 + 31 + 15)   Q2
      B2 due 31 Oct, at risk                        slipped, 15 days late         Q3
      B3 due 28 Feb, at risk                        at risk                       Q4
      B4 due 15 Sep, done 5 Oct                     done, 20 days late (15 + 5)   Q2
    Project C, under the corporate objective CO1, owned by DoC:
      C1 due 31 Mar, on track                       on track                      Q4
      C2 due 15 Jul, done 1 Jul                     done                          Q2
      C3 due 30 Nov, not started                    not started                   Q3
    Project D, under no objective and no owner:
      D1 due 15 Dec, on track                       on track                      Q3

    A milestone not done whose original due date has passed is slipped, whatever is recorded.
    Today: 4 done (A1, A2, B4, C2), 3 on track (A3, C1, D1), 1 not started (C3), 1 at risk (B3),
    3 slipped (A4, B1, B2): 12. By quarter due: Q1 1, Q2 4, Q3 4, Q4 3.
    """
    plan_year = PlanYearFactory(year="2010-11")
    so1 = StrategicObjectiveFactory(plan_year=plan_year, ref="SO1", title="Safeguard", position=1)
    so2 = StrategicObjectiveFactory(plan_year=plan_year, ref="SO2", title="Participate", position=2)
    aim = StrategicAimFactory(objective=so2, ref="2.1")
    co1 = CorporateObjectiveFactory(
        plan_year=plan_year, ref="CO1", kind=CorporateObjectiveKind.CORPORATE, aim="Be heard."
    )
    dop = RoleFactory(title="Director of Policy", abbreviation="DoP")
    doc = RoleFactory(title="Director of Communications", abbreviation="DoC")
    a = ProjectFactory(plan_year=plan_year, title="Safeguarding review", position=1)
    b = ProjectFactory(plan_year=plan_year, title="Takeover Day", position=2)
    c = ProjectFactory(plan_year=plan_year, title="Annual report", position=3)
    d = ProjectFactory(plan_year=plan_year, title="Office move", position=4)
    a.strategic_objectives.add(so1)
    b.aims.add(aim)
    c.corporate_objectives.add(co1)
    a.owners.add(dop)
    b.owners.add(dop, doc)
    c.owners.add(doc)

    def milestone(project, title, due_on, status, completed_on=None, **more):
        if status in (MilestoneStatus.AT_RISK, MilestoneStatus.SLIPPED):
            more.setdefault("commentary", f"Commentary on {title}")
        return MilestoneFactory(
            project=project,
            title=title,
            due_on=due_on,
            status=status,
            completed_on=completed_on,
            **more,
        )

    done, on_track = MilestoneStatus.DONE, MilestoneStatus.ON_TRACK
    at_risk, slipped = MilestoneStatus.AT_RISK, MilestoneStatus.SLIPPED
    milestone(a, "A1", D(2010, 6, 30), done, D(2010, 6, 25))
    milestone(a, "A2", D(2010, 7, 31), done, D(2010, 8, 10))
    milestone(a, "A3", D(2010, 12, 31), on_track)
    milestone(
        a,
        "A4",
        D(2010, 9, 30),
        on_track,
        revised_due_on=D(2011, 1, 31),
        revision_reason="The venue moved the date.",
    )
    milestone(b, "B1", D(2010, 8, 31), slipped)
    milestone(b, "B2", D(2010, 10, 31), at_risk)
    milestone(b, "B3", D(2011, 2, 28), at_risk)
    milestone(b, "B4", D(2010, 9, 15), done, D(2010, 10, 5))
    milestone(c, "C1", D(2011, 3, 31), on_track)
    milestone(c, "C2", D(2010, 7, 15), done, D(2010, 7, 1))
    milestone(c, "C3", D(2010, 11, 30), MilestoneStatus.NOT_STARTED)
    milestone(d, "D1", D(2010, 12, 15), on_track)
    return SimpleNamespace(
        plan_year=plan_year, so1=so1, so2=so2, co1=co1, dop=dop, doc=doc, a=a, b=b, c=c, d=d
    )


def text(fragment: str) -> str:
    """What a fragment of a page says, without its tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def counts(page: str) -> str:
    return text(re.search(r'id="milestone-counts">(.*?)</h2>', page, re.S)[1])


def titles(page: str) -> list[str]:
    """The milestones listed, in order."""
    return re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+?)(?: <strong|</th>)', page
    )


def row(page: str, title: str) -> str:
    """What the row of a milestone says, cell by cell."""
    milestone = Milestone.objects.get(title=title)
    found = re.search(
        rf'<tr class="govuk-table__row" id="milestone-{milestone.pk}">(.*?)</tr>', page, re.S
    )
    return " | ".join(
        text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found[1], re.S)
    )


def get(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_it_counts_every_milestone_by_status_as_at_today(signed_in_client, plan):
    page = get(signed_in_client)
    assert counts(page) == "12 milestones: 4 done, 3 on track, 1 not started, 1 at risk, 3 slipped"
    assert "as at today, 15 November 2010" in text(page)


def test_it_lists_them_in_the_order_they_fall_due_by_the_revised_due_date(signed_in_client, plan):
    page = get(signed_in_client)
    # A4 was due on 30 September but is now due on 31 January.
    assert titles(page) == [
        "A1", "C2", "A2", "B1", "B4", "B2", "C3", "D1", "A3", "A4", "B3", "C1"
    ]  # fmt: skip


def test_each_row_shows_project_owners_objective_dates_status_slippage_and_commentary(
    signed_in_client, plan
):
    page = get(signed_in_client)
    assert row(page, "A4") == (
        "A4 | Safeguarding review Owner: DoP Objective: SO1 | "
        "Originally 30 Sep 2010 Revised to 31 Jan 2011 | Slipped | 46 days late | None"
    )
    assert row(page, "B1") == (
        "B1 | Takeover Day Owners: DoC, DoP Objective: SO2 | 31 Aug 2010 | Slipped | "
        "76 days late | Commentary on B1"
    )
    assert row(page, "B4") == (
        "B4 | Takeover Day Owners: DoC, DoP Objective: SO2 | 15 Sep 2010 | "
        "Done Completed 5 Oct 2010 | 20 days late | None"
    )
    assert row(page, "C3") == (
        "C3 | Annual report Owner: DoC Objective: CO1 | 30 Nov 2010 | Not started | None | None"
    )
    assert row(page, "D1") == (
        "D1 | Office move Owner: not named Objective: none | 15 Dec 2010 | On track | None | None"
    )
    assert '<strong class="govuk-tag govuk-tag--red">Slipped</strong>' in page


def test_each_project_links_to_its_page(signed_in_client, plan):
    page = get(signed_in_client)
    links = set(re.findall(r'<a class="govuk-link" href="(/plans/2010-11/projects/[^"]+)"', page))
    assert links == {project.get_absolute_url() for project in (plan.a, plan.b, plan.c, plan.d)}
    for link in links:
        assert resolve(link).url_name == "project"


@pytest.mark.parametrize(
    ("objective", "expected", "listed"),
    [
        # Project A: A1, A2 done; A3 on track; A4 slipped.
        ("so1", "4 milestones: 2 done, 1 on track, 0 at risk, 1 slipped", ["A1", "A2", "A3", "A4"]),
        # Project B, under SO2 through its aim: B4 done, B3 at risk, B1 and B2 slipped.
        ("so2", "4 milestones: 1 done, 0 on track, 1 at risk, 2 slipped", ["B1", "B4", "B2", "B3"]),
        # Project C: C2 done, C1 on track, C3 not started.
        (
            "co1",
            "3 milestones: 1 done, 1 on track, 1 not started, 0 at risk, 0 slipped",
            ["C2", "C3", "C1"],
        ),
        # Project D, under no objective.
        (None, "1 milestone: 0 done, 1 on track, 0 at risk, 0 slipped", ["D1"]),
    ],
)
def test_it_filters_by_objective_directly_through_an_aim_corporate_or_none(
    signed_in_client, plan, objective, expected, listed
):
    value = {
        "so1": f"objective-{plan.so1.pk}",
        "so2": f"objective-{plan.so2.pk}",
        "co1": f"corporate-{plan.co1.pk}",
        None: "none",
    }[objective]
    page = get(signed_in_client, f"?objective={value}")
    assert counts(page) == expected
    assert titles(page) == listed
    assert "Of the 12 milestones of 2010-11, those the filters keep." in text(page)


def test_the_filters_name_objectives_and_owners_in_full_where_the_rows_use_refs(
    signed_in_client, plan
):
    page = get(signed_in_client)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page)
    assert options[:6] == [
        ("", "All objectives"),
        (f"objective-{plan.so1.pk}", "SO1: Safeguard"),
        (f"objective-{plan.so2.pk}", "SO2: Participate"),
        (f"corporate-{plan.co1.pk}", "CO1: Be heard."),
        ("none", "Not under an objective"),
        ("", "All owners"),
    ]
    assert options[6:8] == [
        (str(plan.doc.pk), "Director of Communications (DoC)"),
        (str(plan.dop.pk), "Director of Policy (DoP)"),
    ]
    # Quarter 3 ends on 31 December 2010, after today: it is not offered.
    assert options[-3:] == [
        ("", "Today, 15 November 2010"),
        ("q1", "End of quarter 1, 30 June 2010"),
        ("q2", "End of quarter 2, 30 September 2010"),
    ]


def test_it_filters_by_owner_role(signed_in_client, plan):
    # DoP owns A and B: done A1, A2, B4; on track A3; at risk B3; slipped A4, B1, B2.
    page = get(signed_in_client, f"?owner={plan.dop.pk}")
    assert counts(page) == "8 milestones: 3 done, 1 on track, 1 at risk, 3 slipped"
    # DoC owns B and C: done B4, C2; on track C1; not started C3; at risk B3; slipped B1, B2.
    page = get(signed_in_client, f"?owner={plan.doc.pk}")
    assert counts(page) == "7 milestones: 2 done, 1 on track, 1 not started, 1 at risk, 2 slipped"
    assert titles(page) == ["C2", "B1", "B4", "B2", "C3", "B3", "C1"]


def test_it_filters_by_status_and_still_counts_every_status(signed_in_client, plan):
    page = get(signed_in_client, "?status=at+risk")
    assert titles(page) == ["B3"]
    assert counts(page) == "12 milestones: 4 done, 3 on track, 1 not started, 1 at risk, 3 slipped"
    assert "Showing the 1 at risk." in text(page)
    page = get(signed_in_client, "?status=slipped")
    assert titles(page) == ["B1", "B2", "A4"]


@pytest.mark.parametrize(
    ("quarter", "expected", "listed"),
    [
        ("1", "1 milestone: 1 done, 0 on track, 0 at risk, 0 slipped", ["A1"]),
        # A4's original due date, 30 September, is in quarter 2; it is now due in quarter 4.
        ("2", "4 milestones: 3 done, 0 on track, 0 at risk, 1 slipped", ["C2", "A2", "B1", "B4"]),
        (
            "3",
            "4 milestones: 0 done, 2 on track, 1 not started, 0 at risk, 1 slipped",
            ["B2", "C3", "D1", "A3"],
        ),
        ("4", "3 milestones: 0 done, 1 on track, 1 at risk, 1 slipped", ["A4", "B3", "C1"]),
    ],
)
def test_quarter_is_the_quarter_due_by_the_revised_due_date_where_there_is_one(
    signed_in_client, plan, quarter, expected, listed
):
    page = get(signed_in_client, f"?quarter={quarter}")
    assert counts(page) == expected
    assert titles(page) == listed


def test_the_filters_combine(signed_in_client, plan):
    # DoC's milestones due in quarter 3: B2 (slipped) and C3 (not started).
    page = get(signed_in_client, f"?owner={plan.doc.pk}&quarter=3")
    assert counts(page) == "2 milestones: 0 done, 0 on track, 1 not started, 0 at risk, 1 slipped"
    page = get(signed_in_client, f"?owner={plan.doc.pk}&quarter=3&status=not+started")
    assert titles(page) == ["C3"]


def test_as_at_the_end_of_quarter_2_a_milestone_completed_since_was_then_slipped(
    signed_in_client, plan
):
    """As at 30 September 2010, B4 (due 15 September, done 5 October) was not done and its due
    date had passed: slipped, 15 days late. A2 (done 10 August) was done; A4 and B2 were not yet
    late. So: done A1, A2, C2; on track A3, A4, C1, D1; not started C3; at risk B2, B3; slipped
    B1, B4."""
    page = get(signed_in_client, "?as_at=q2")
    assert counts(page) == "12 milestones: 3 done, 4 on track, 1 not started, 2 at risk, 2 slipped"
    assert row(page, "B4").split(" | ")[3:5] == [
        "Slipped Completed later, on 5 Oct 2010",
        "15 days late",
    ]
    # B1, due 31 August, slipped: 30 days late by 30 September.
    assert row(page, "B1").split(" | ")[4] == "30 days late"
    assert "as at the end of quarter 2, 30 September 2010" in text(page)
    # The report's link: the milestones due in quarter 2, as at its end.
    page = get(signed_in_client, "?quarter=2&as_at=q2")
    assert counts(page) == "4 milestones: 2 done, 0 on track, 0 at risk, 2 slipped"


def test_after_the_year_a_milestone_without_an_outcome_says_so(signed_in_client, plan, monkeypatch):
    """Read on 3 December 2026: B1, marked slipped, is 212 days late, counted to 31 March 2011
    (31 August to 31 March: 30 + 31 + 30 + 31 + 31 + 28 + 31 = 212). The seven not done and not
    marked slipped (A3, A4, B2, B3, C1, C3, D1) have no recorded outcome."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2026, 12, 3))
    page = get(signed_in_client)
    assert counts(page) == (
        "12 milestones: 4 done, 0 on track, 0 at risk, 1 slipped, 7 with no recorded outcome"
    )
    assert row(page, "B1").split(" | ")[4] == "212 days late"
    assert row(page, "C3").split(" | ")[3:5] == ["Outcome not recorded", "Not known"]
    assert "The plan year ended on 31 March 2011: slippage is counted to then." in text(page)
    page = get(signed_in_client, "?status=outcome+not+recorded")
    assert titles(page) == ["B2", "C3", "D1", "A3", "A4", "B3", "C1"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?quarter=5", "quarter", "Choose a quarter from the list, 1 to 4."),
        ("?quarter=Q2", "quarter", "Choose a quarter from the list, 1 to 4."),
        ("?status=late", "status", "Choose a status from the list."),
        ("?owner=abc", "owner", "Choose an owner from the list."),
        ("?owner=999999", "owner", "Choose an owner from the list."),
        ("?objective=objective-999999", "objective", "Choose an objective from the list."),
        ("?objective=objective-1%20OR%201=1", "objective", "Choose an objective from the list."),
        # Quarter 3 of 2010-11 ends on 31 December 2010, after today.
        ("?as_at=q3", "as_at", "Choose today or the end of a quarter that has ended."),
        ("?as_at=2", "as_at", "Choose today or the end of a quarter that has ended."),
    ],
)
def test_a_filter_value_not_offered_is_ignored_and_the_page_says_so(
    signed_in_client, plan, query, field, message
):
    page = get(signed_in_client, query)
    assert counts(page) == "12 milestones: 4 done, 3 on track, 1 not started, 1 at risk, 3 slipped"
    assert "There is a problem" in page
    assert f'<a href="#id_{field}">{message}' in page
    assert f'id="id_{field}-error"' in page
    assert "<title>Error: Milestones" in page


def test_a_bad_filter_leaves_the_good_ones_working(signed_in_client, plan):
    page = get(signed_in_client, "?quarter=2&owner=abc")
    assert counts(page) == "4 milestones: 3 done, 0 on track, 0 at risk, 1 slipped"
    assert "Choose an owner from the list." in page


def test_it_shows_a_page_at_a_time_with_links_that_keep_the_filters(
    signed_in_client, plan, monkeypatch
):
    monkeypatch.setattr("plans.selectors.TRACKER_PAGE_SIZE", 5)
    first = get(signed_in_client)
    assert titles(first) == ["A1", "C2", "A2", "B1", "B4"]
    assert "Milestones 1 to 5 of 12" in text(first)
    assert 'aria-label="Page 1" aria-current="page"' in first
    assert '<a class="govuk-link govuk-pagination__link" href="?page=2" rel="next">' in first
    assert 'href="?page=3" aria-label="Page 3"' in first
    assert 'rel="prev"' not in first
    # Counts are of every page, not only this one.
    assert counts(first) == "12 milestones: 4 done, 3 on track, 1 not started, 1 at risk, 3 slipped"

    last = get(signed_in_client, "?page=3")
    assert titles(last) == ["B3", "C1"]
    assert "Milestones 11 to 12 of 12" in text(last)
    assert 'href="?page=2" rel="prev"' in last
    assert 'rel="next"' not in last

    filtered = get(signed_in_client, f"?owner={plan.dop.pk}&page=2")
    # DoP's eight, in due order: A1, A2, B1, B4, B2 | A3, A4, B3.
    assert titles(filtered) == ["A3", "A4", "B3"]
    assert f'href="?owner={plan.dop.pk}" rel="prev"' in filtered


@pytest.mark.parametrize(
    ("query", "message", "listed"),
    [
        ("?page=9", "There is no page 9: showing page 3, the last.", ["B3", "C1"]),
        ("?page=0", "“0” is not a page number: showing page 1.", ["A1", "C2", "A2", "B1", "B4"]),
        (
            "?page=two",
            "“two” is not a page number: showing page 1.",
            ["A1", "C2", "A2", "B1", "B4"],
        ),
        (
            "?page=1_0",
            "“1_0” is not a page number: showing page 1.",
            ["A1", "C2", "A2", "B1", "B4"],
        ),
    ],
)
def test_a_page_that_does_not_exist_says_which_is_shown(
    signed_in_client, plan, monkeypatch, query, message, listed
):
    monkeypatch.setattr("plans.selectors.TRACKER_PAGE_SIZE", 5)
    page = get(signed_in_client, query)
    assert message in html.unescape(page)
    assert titles(page) == listed


def test_a_page_holds_a_hundred_milestones(signed_in_client, today):
    project = ProjectFactory(plan_year=PlanYearFactory(year="2010-11"))
    Milestone.objects.bulk_create(
        Milestone(project=project, title=f"Step {n:03}", due_on=D(2010, 9, 30)) for n in range(101)
    )
    first = get(signed_in_client)
    assert len(titles(first)) == 100
    assert "Milestones 1 to 100 of 101" in text(first)
    assert titles(get(signed_in_client, "?page=2")) == ["Step 100"]


def test_with_no_milestones_it_says_so(signed_in_client, today):
    PlanYearFactory(year="2010-11")
    page = get(signed_in_client)
    assert counts(page) == "0 milestones: 0 done, 0 on track, 0 at risk, 0 slipped"
    assert "No milestones are recorded for the projects of 2010-11." in page


def test_a_filter_that_keeps_nothing_says_so(signed_in_client, plan):
    page = get(signed_in_client, f"?owner={plan.dop.pk}&objective=corporate-{plan.co1.pk}")
    assert "No milestone matches these filters." in page


def test_everyone_signed_in_reads_it_and_nobody_else(client, plan, user_in_group):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    for group in ("Staff", "Corporate services", "Directors"):
        client.force_login(user_in_group(group))
        assert client.get(URL).status_code == 200


def test_a_plan_year_that_does_not_exist_is_not_found(signed_in_client):
    assert signed_in_client.get("/plans/2099-00/milestones/").status_code == 404


def test_it_is_linked_from_the_plan_overview_and_from_my_work(signed_in_client, plan):
    overview = signed_in_client.get("/plans/2010-11/").content.decode()
    assert 'href="/plans/2010-11/milestones/"' in overview
    my_work = signed_in_client.get("/my-work/?year=2010-11").content.decode()
    assert 'href="/plans/2010-11/milestones/"' in my_work


def _plan_of(size: int):
    """A 2010-11 plan of `size` projects, each under an objective and an aim and a corporate
    objective, with two owners and `size` milestones each of every status."""
    plan_year = PlanYearFactory(year="2010-11")
    objective = StrategicObjectiveFactory(plan_year=plan_year)
    aim = StrategicAimFactory(objective=objective)
    corporate = CorporateObjectiveFactory(plan_year=plan_year)
    owners = [RoleFactory(), RoleFactory()]
    milestones = []
    for _ in range(size):
        project = ProjectFactory(plan_year=plan_year)
        project.strategic_objectives.add(objective)
        project.aims.add(aim)
        project.corporate_objectives.add(corporate)
        project.owners.add(*owners)
        for n in range(size):
            for status in MilestoneStatus.values:
                done = status == MilestoneStatus.DONE
                milestones.append(
                    Milestone(
                        project=project,
                        title=f"{status} {n}",
                        due_on=D(2010, 4 + n % 9, 1),
                        revised_due_on=D(2011, 1, 31) if n % 2 else None,
                        revision_reason="Moved." if n % 2 else "",
                        status=status,
                        completed_on=D(2010, 10, 1) if done else None,
                        commentary="Why.",
                    )
                )
    Milestone.objects.bulk_create(milestones)
    return SimpleNamespace(objective=objective, owner=owners[0])


@pytest.mark.parametrize("filtered", [False, True])
def test_the_query_count_does_not_grow_with_the_milestones(
    signed_in_client, today, django_assert_num_queries, django_assert_max_num_queries, filtered
):
    def query(plan):
        if not filtered:
            return ""
        return f"?objective=objective-{plan.objective.pk}&owner={plan.owner.pk}&quarter=1"

    small = _plan_of(2)  # 2 projects x 2 x 5 statuses: 20 milestones
    get(signed_in_client, query(small))  # sessions and permissions settle
    cache.clear()  # the page built afresh, not kept (core.kept_pages)
    # At most 17, one of them the records' version.
    with django_assert_max_num_queries(17) as few:
        page = get(signed_in_client, query(small))
    assert titles(page)
    expected = len(few.captured_queries)
    Milestone.objects.all().delete()

    large = _plan_of(12)  # 12 projects x 12 x 5 statuses: 720 milestones, 8 pages unfiltered
    with django_assert_num_queries(expected):
        page = get(signed_in_client, query(large))
    assert len(titles(page)) == 100


@pytest.mark.parametrize("year", ["2010-11", "2012-13", "2016-17"])
def test_on_the_demo_every_milestone_of_the_year_is_listed_once_across_the_pages(
    client, demo, year
):
    client.force_login(get_user_model().objects.get(username="staff"))
    url = f"/plans/{year}/milestones/"
    first = client.get(url).content.decode()
    total = Milestone.objects.filter(project__plan_year__year=year).count()
    assert counts(first).startswith(f"{total} milestones: ")
    pages = -(-total // 100)
    listed = re.findall(r'id="milestone-(\d+)"', first)
    for number in range(2, pages + 1):
        listed += re.findall(
            r'id="milestone-(\d+)"', client.get(f"{url}?page={number}").content.decode()
        )
    expected = Milestone.objects.filter(project__plan_year__year=year).values_list("pk", flat=True)
    assert sorted(map(int, listed)) == sorted(expected)


def test_long_commentary_is_shortened_and_the_project_page_has_it_all(signed_in_client, plan):
    milestone = Milestone.objects.get(title="B1")
    milestone.commentary = "The printer went bust. " * 10  # 230 characters
    milestone.save()
    cell = row(get(signed_in_client), "B1").split(" | ")[-1]
    assert len(cell) == 120
    assert cell.endswith("…")
    assert milestone.commentary.strip() in text(
        signed_in_client.get(plan.b.get_absolute_url()).content.decode()
    )
