"""Owners explain the exceptions of a quarter: why an indicator, milestone, budget line or risk
is off course, the corrective action and the date it should recover by. Who may (the item's own
app's rule), on the page and in the entry screens; what the form refuses; two people editing
at once; the history kept; and the links from each item's page."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from core.edit_conflicts import NEW_RECORD
from kpis.choices import Source
from kpis.models import Indicator
from plans.choices import PlanStatus
from plans.models import Milestone, PlanYear, QuarterSignOff
from plans.periods import Quarter
from reports import services
from reports.explaining import (
    CLOSED,
    NOT_A_BUDGET_KEEPER,
    ExplainingRights,
    explaining_rights,
    quarter_to_explain,
)
from reports.models import CorrectiveAction
from risks.choices import RiskTier
from tests.budgets.factories import BudgetLineFactory
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import MilestoneFactory, PlanYearFactory, ProjectFactory, RoleFactory
from tests.reports.factories import CorrectiveActionFactory
from tests.risks.factories import RiskFactory
from tests.test_admin import posted_form

# --- Which quarter an item's page links to: no database ---------------------------------------


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (datetime.date(2024, 4, 1), 1),  # the year's first day
        (datetime.date(2024, 6, 30), 1),
        (datetime.date(2024, 7, 1), 2),
        (datetime.date(2024, 12, 3), 3),
        (datetime.date(2025, 3, 31), 4),  # the year's last day
        (datetime.date(2026, 12, 3), 4),  # the year has ended: its last quarter
        (datetime.date(2023, 5, 1), 1),  # the year has not begun: its first quarter
    ],
)
def test_the_quarter_to_explain_is_todays_within_the_plan_year(today, quarter):
    assert quarter_to_explain(2024, today) == Quarter(2024, quarter)


# --- The rule, pure: facts about a person and the item ----------------------------------------


def test_nobody_but_an_administrator_explains_an_item_of_a_closed_year():
    closed = PlanYear(year="2023-24", status=PlanStatus.CLOSED)
    indicator = Indicator(pk=7, plan_year=closed, source=Source.ENTERED)
    from kpis.rights import IndicatorRights

    owner = ExplainingRights(
        indicators=IndicatorRights(is_signed_in=True, owned_indicator_ids=frozenset({7}))
    )

    assert owner.refusal(indicator) == CLOSED.format(year="2023-24")
    assert ExplainingRights(is_administrator=True).refusal(indicator) == ""


def test_an_indicator_counted_from_recommendations_is_explained_by_its_owners():
    """Nobody enters its actuals, but it can be red, and its owners account for it."""
    from kpis.rights import IndicatorRights

    open_year = PlanYear(year="2024-25", status=PlanStatus.PUBLISHED)
    counted = Indicator(pk=7, plan_year=open_year, source=Source.RECOMMENDATIONS)
    owner = IndicatorRights(is_signed_in=True, owned_indicator_ids=frozenset({7}))

    assert owner.actuals_refusal(counted)  # no actuals to enter
    assert ExplainingRights(indicators=owner).refusal(counted) == ""
    assert ExplainingRights(indicators=IndicatorRights(is_signed_in=True)).refusal(counted)


# --- The world the page and entry-screen tests share -------------------------------------------


def person(group, username):
    user = get_user_model().objects.create(
        username=username, first_name=username.title(), is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def world(db):
    """2024-25 (open, and ended, so every quarter has begun) with one item of each kind: an
    indicator owned by the Director of Policy (Dana), a milestone of a project Sam (staff)
    works on, a budget line corporate services (Fin) keep and a strategic risk, which directors
    review. 2023-24 is closed."""
    open_year = PlanYearFactory(year="2024-25", status=PlanStatus.PUBLISHED)
    closed_year = PlanYearFactory(year="2023-24", status=PlanStatus.CLOSED)
    policy = RoleFactory(title="Director of Policy")
    w = {
        "open_year": open_year,
        "closed_year": closed_year,
        "dana": person("Directors", "dana"),
        "sam": person("Staff", "sam"),
        "fin": person("Corporate services", "fin"),
        "ada": person("Administrators", "ada"),
    }
    policy.holders.add(w["dana"])
    project = ProjectFactory(plan_year=open_year, title="Growing Up Digital")
    project.owners.add(RoleFactory(title="Director of Participation"))
    project.members.add(w["sam"])
    closed_project = ProjectFactory(plan_year=closed_year, title="Takeover Day")
    closed_project.members.add(w["sam"])
    w["indicator"] = IndicatorFactory(plan_year=open_year, ref="KPI1", title="Children engaged")
    w["indicator"].owners.add(policy)
    w["milestone"] = MilestoneFactory(
        project=project, title="Report published", due_on=datetime.date(2024, 9, 30)
    )
    w["budget-line"] = BudgetLineFactory(budget__plan_year=open_year)
    w["risk"] = RiskFactory(plan_year=open_year, tier=RiskTier.STRATEGIC, title="Loss of key staff")
    w["closed milestone"] = MilestoneFactory(
        project=closed_project, title="Panel met", due_on=datetime.date(2023, 9, 30)
    )
    return w


#: For each kind: who may explain its item in the world, and someone who may not.
WHO = [
    ("indicator", "dana", "sam"),
    ("milestone", "sam", "dana"),
    ("budget-line", "fin", "dana"),
    ("risk", "dana", "sam"),
]


def explain_url(kind, item, *, year="2024-25", quarter=2):
    return f"/reports/{year}/q{quarter}/explain/{kind}/{item.pk}/"


def item_field(kind):
    return kind.replace("-", "_")


def entry(**values):
    """What a person types into the form: explanation, action and the recovery date's boxes."""
    day, month, year = values.pop("recover_by", ("31", "12", "2024"))
    return {
        "explanation": "Two school visits were postponed.",
        "action": "Both visits are rebooked for November.",
        "recover_by_day": day,
        "recover_by_month": month,
        "recover_by_year": year,
        "record_version": NEW_RECORD,
        **values,
    }


def text(response) -> str:
    """The page's HTML, its spaces folded and its entities read (&#x27; as ')."""
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


# --- The page: who may ------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "explainer", "outsider"), WHO)
def test_the_items_owner_explains_it_and_others_are_refused_saying_why(
    client, world, kind, explainer, outsider
):
    item = world[kind]
    url = explain_url(kind, item)

    client.force_login(world[outsider])
    refused = client.get(url)
    assert refused.status_code == 403
    assert "You cannot explain this" in text(refused)
    refused_post = client.post(url, entry())
    assert refused_post.status_code == 403
    assert not CorrectiveAction.objects.exists()

    client.force_login(world[explainer])
    page = client.get(url)
    assert page.status_code == 200
    assert "Quarter 2 2024-25" in text(page)
    saved = client.post(url, entry())
    assert saved.status_code == 302
    assert saved["Location"] == f"{url}?saved=1"

    record = CorrectiveAction.objects.get()
    assert getattr(record, item_field(kind)) == item
    assert (record.plan_year, record.quarter) == (world["open_year"], 2)
    assert record.recover_by == datetime.date(2024, 12, 31)
    assert record.entered_by == world[explainer]


@pytest.mark.parametrize(("kind", "explainer", "outsider"), WHO)
def test_an_administrator_explains_any_item(client, world, kind, explainer, outsider):
    client.force_login(world["ada"])
    assert client.post(explain_url(kind, world[kind]), entry()).status_code == 302


def test_the_refusals_say_the_items_own_rule(client, world):
    client.force_login(world["dana"])
    assert NOT_A_BUDGET_KEEPER in text(client.get(explain_url("budget-line", world["budget-line"])))
    assert "You can only update the milestones of projects you own or are a member of" in text(
        client.get(explain_url("milestone", world["milestone"]))
    )
    client.force_login(world["sam"])
    assert "and, for strategic risks, directors can explain it" in text(
        client.get(explain_url("risk", world["risk"]))
    )


def test_a_closed_years_items_are_explained_by_administrators_only(client, world):
    item = world["closed milestone"]
    url = explain_url("milestone", item, year="2023-24")

    client.force_login(world["sam"])  # a member of its project
    refused = client.post(url, entry(recover_by=("31", "12", "2023")))
    assert refused.status_code == 403
    assert "2023-24 is closed: its explanations can no longer be changed." in text(refused)

    client.force_login(world["ada"])
    assert client.post(url, entry(recover_by=("31", "12", "2023"))).status_code == 302
    assert CorrectiveAction.objects.get().milestone == item


def test_a_quarter_not_yet_begun_is_refused(client, world):
    later = PlanYearFactory(year="2090-91", status=PlanStatus.PUBLISHED)
    client.force_login(world["ada"])

    response = client.get(explain_url("risk", RiskFactory(plan_year=later), year="2090-91"))

    assert response.status_code == 403
    assert "Quarter 2 2090-91 has not begun: explanations are entered once it has." in text(
        response
    )


@pytest.mark.parametrize(
    "url",
    [
        "/reports/2024-25/q2/explain/project/{pk}/",  # not a kind the report explains
        "/reports/2024-25/q5/explain/risk/{pk}/",  # no such quarter
        "/reports/2024-26/q2/explain/risk/{pk}/",  # no such year
        "/reports/2023-24/q2/explain/risk/{pk}/",  # a risk of another year
    ],
)
def test_an_address_that_names_no_item_of_the_year_is_not_found(client, world, url):
    client.force_login(world["ada"])
    assert client.get(url.format(pk=world["risk"].pk)).status_code == 404


def test_the_page_needs_sign_in(client, world):
    response = client.get(explain_url("risk", world["risk"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- The page: what it shows and refuses -------------------------------------------------------


def test_the_page_shows_the_item_its_owner_and_its_state_at_the_quarters_end(client, world):
    indicator = world["indicator"]  # 50,000 a year, profiled evenly, monthly
    for month in (4, 5, 6, 7, 8, 9, 10):
        MeasurementFactory(
            indicator=indicator, period=datetime.date(2024, month, 1), value=Decimal(2000)
        )
    client.force_login(world["dana"])

    page = text(client.get(explain_url("indicator", indicator)))

    assert "KPI1: Children engaged" in page
    assert "Director of Policy" in page
    # At the end of September, October's actual left out: 6 x 2,000 = 12,000 against
    # 50,000 x 6 / 12 = 25,000, 48%, below the 90% amber starts at: red.
    assert re.search(r"Status at the end of quarter 2</dt>\s*<dd[^>]*>Red</dd>", page)
    assert re.search(r"Actual to date</dt>\s*<dd[^>]*>12,000</dd>", page)
    assert re.search(r"Target to date</dt>\s*<dd[^>]*>25,000</dd>", page)


def test_the_saved_explanation_is_shown_back(client, world):
    url = explain_url("risk", world["risk"])
    client.force_login(world["dana"])
    client.post(
        url,
        entry(explanation="The finance lead left in August.", action="Interim cover agreed."),
    )

    page = text(client.get(f"{url}?saved=1"))

    assert "The explanation for Quarter 2 2024-25 is saved." in page
    assert "The finance lead left in August." in page
    assert "Interim cover agreed." in page
    assert "31 December 2024" in page
    # The form opens on what was saved, the date in its three boxes.
    for box, value in (("day", "31"), ("month", "12"), ("year", "2024")):
        assert f'name="recover_by_{box}" type="text" inputmode="numeric" value="{value}"' in page


def test_missing_fields_are_each_named(client, world):
    client.force_login(world["dana"])

    response = client.post(
        explain_url("risk", world["risk"]),
        entry(explanation=" ", action="", recover_by=("", "", "")),
    )

    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the explanation: why it is off course this quarter." in page
    assert "Enter the corrective action: what is being done to bring it back on course." in page
    assert "Enter the expected recovery date." in page
    assert not CorrectiveAction.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("31", "2", "2025"), "Expected recovery date must be a real date."),
        (("1", "", "2025"), "Expected recovery date must include a month."),
        (("1", "3", "25"), "The year of expected recovery date must include 4 numbers."),
        # Quarter 2 began on 1 July 2024: the day it began is not after it.
        (
            ("1", "7", "2024"),
            "The date it should be back on course by must be after the quarter began "
            "(1 July 2024).",
        ),
    ],
)
def test_a_bad_recovery_date_is_refused_with_a_clear_message(client, world, typed, message):
    client.force_login(world["dana"])

    response = client.post(explain_url("risk", world["risk"]), entry(recover_by=typed))

    assert response.status_code == 200
    assert message in text(response)
    assert 'href="#id_recover_by_day"' in text(response)  # the summary leads to the date
    assert not CorrectiveAction.objects.exists()


# --- Two people at once ------------------------------------------------------------------------


def version_on(page) -> str:
    return re.search(r'name="record_version" value="([^"]*)"', page.content.decode())[1]


def test_a_change_saved_meanwhile_is_not_overwritten_and_the_second_person_is_told(client, world):
    url = explain_url("risk", world["risk"])
    client.force_login(world["dana"])
    client.post(url, entry(explanation="First words."))
    opened = version_on(client.get(url))

    # Someone else changes it after Dana opened the page.
    other = CorrectiveAction.objects.get()
    other.explanation = "The administrator's words."
    other.save()
    refused = client.post(url, entry(explanation="Dana's new words.", record_version=opened))

    assert refused.status_code == 200
    assert "Someone else saved an explanation of this risk" in text(refused)
    assert "The administrator's words." in text(refused)
    assert CorrectiveAction.objects.get().explanation == "The administrator's words."
    # Having read theirs, Dana saves again with the version the page now carries.
    again = client.post(
        url, entry(explanation="Dana's new words.", record_version=version_on(refused))
    )
    assert again.status_code == 302
    assert CorrectiveAction.objects.get().explanation == "Dana's new words."


def test_a_first_explanation_saved_meanwhile_is_not_overwritten_by_another_first_one(client, world):
    url = explain_url("risk", world["risk"])
    client.force_login(world["dana"])
    opened = version_on(client.get(url))
    assert opened == NEW_RECORD
    CorrectiveActionFactory(
        indicator=None, risk=world["risk"], explanation="Ada's words.", quarter=2
    )

    refused = client.post(url, entry(explanation="Dana's words.", record_version=opened))

    assert refused.status_code == 200
    assert "Someone else saved an explanation of this risk" in text(refused)
    assert CorrectiveAction.objects.get().explanation == "Ada's words."


def rival_saved_unseen(monkeypatch, world):
    """Ada's first explanation of the risk, saved when Dana's save had already looked for one
    and found none: the race the check cannot see."""
    rival = CorrectiveActionFactory(
        indicator=None, risk=world["risk"], explanation="Ada's words.", quarter=2
    )
    monkeypatch.setattr(services, "current_or_new", lambda *args, **kwargs: None)
    return rival


def test_a_first_explanation_saved_between_the_check_and_the_save_is_not_overwritten(
    client, world, monkeypatch
):
    rival_saved_unseen(monkeypatch, world)
    client.force_login(world["dana"])

    refused = client.post(explain_url("risk", world["risk"]), entry(explanation="Dana's words."))

    assert refused.status_code == 200
    assert "Someone else saved an explanation of this risk" in text(refused)
    assert [r.explanation for r in CorrectiveAction.objects.all()] == ["Ada's words."]


def test_two_first_explanations_at_the_same_moment_give_one_save_and_one_conflict(
    client, world, monkeypatch
):
    """Both saves passed every check before either was written: the second insert meets the
    first's in the database's one-per-quarter constraint (insert_or_conflict)."""
    rival_saved_unseen(monkeypatch, world)
    # Neither save's validation could see the other's row, not yet committed.
    validate = CorrectiveAction.full_clean
    monkeypatch.setattr(
        CorrectiveAction,
        "full_clean",
        lambda self, **kwargs: validate(self, validate_constraints=False),
    )
    client.force_login(world["dana"])

    refused = client.post(explain_url("risk", world["risk"]), entry(explanation="Dana's words."))

    assert refused.status_code == 200
    assert "Someone else saved an explanation of this risk" in text(refused)
    assert "Ada's words." in text(refused)
    assert [r.explanation for r in CorrectiveAction.objects.all()] == ["Ada's words."]


# --- History -----------------------------------------------------------------------------------


def test_the_history_keeps_both_versions_and_the_page_shows_the_change(client, world):
    url = explain_url("milestone", world["milestone"])
    client.force_login(world["sam"])
    client.post(url, entry(explanation="Printer delayed."))
    client.post(
        url, entry(explanation="Printer delayed twice.", record_version=version_on(client.get(url)))
    )

    versions = CorrectiveAction.history.order_by("history_date", "history_id")
    assert [v.explanation for v in versions] == ["Printer delayed.", "Printer delayed twice."]
    assert [v.history_user for v in versions] == [world["sam"], world["sam"]]
    page = text(client.get(url))
    assert "History of this explanation" in page
    assert 'Printer delayed. <span class="govuk-visually-hidden">changed to</span>' in page


def _queries(client, url, django_assert_max_num_queries) -> int:
    client.get(url)  # the session and permissions settle
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_page_runs_as_many_queries_however_long_the_history(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["dana"])
    one, many = RiskFactory(plan_year=world["open_year"]), RiskFactory(plan_year=world["open_year"])
    CorrectiveActionFactory(indicator=None, risk=one, quarter=2)
    record = CorrectiveActionFactory(indicator=None, risk=many, quarter=2)
    for number in range(12):
        record.explanation = f"Version {number}"
        record.save()

    assert _queries(client, explain_url("risk", one), django_assert_max_num_queries) == _queries(
        client, explain_url("risk", many), django_assert_max_num_queries
    )


# --- Links from each item's page ---------------------------------------------------------------


def test_each_items_page_links_to_this_quarters_explanation_for_those_who_may_explain(
    client, world
):
    year = world["open_year"]
    pages = {
        "indicator": world["indicator"].get_absolute_url(),
        "milestone": world["milestone"].project.get_absolute_url(),
        "budget-line": f"/plans/{year.year}/budget/",
        "risk": world["risk"].get_absolute_url(),
    }
    for kind, explainer, outsider in WHO:
        link = f"/reports/{year.year}/explain/{kind}/{world[kind].pk}/"
        client.force_login(world[explainer])
        assert link in client.get(pages[kind]).content.decode(), kind
        client.force_login(world[outsider])
        assert link not in client.get(pages[kind]).content.decode(), kind


def test_the_link_opens_the_current_quarter_and_the_last_once_the_year_has_ended(client, world):
    client.force_login(world["dana"])

    response = client.get(f"/reports/2024-25/explain/risk/{world['risk'].pk}/")

    # Today (2026 or later) is after 2024-25 ended: its quarter 4.
    assert response.status_code == 302
    assert response["Location"] == explain_url("risk", world["risk"], quarter=4)


# --- The entry screens -------------------------------------------------------------------------


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


CORRECTIVE_ACTION_ADMIN = admin.site._registry[CorrectiveAction]


@pytest.mark.parametrize(("kind", "explainer", "outsider"), WHO)
def test_in_the_entry_screens_only_those_who_may_explain_the_item_change_its_explanation(
    client, world, kind, explainer, outsider
):
    record = CorrectiveActionFactory(**{"indicator": None, item_field(kind): world[kind]})
    change_url = f"/admin/reports/correctiveaction/{record.pk}/change/"
    record = CORRECTIVE_ACTION_ADMIN.get_queryset(admin_request(world["ada"])).get()

    for user, may in ((world[explainer], True), (world[outsider], False), (world["ada"], True)):
        request = admin_request(user)
        assert CORRECTIVE_ACTION_ADMIN.has_change_permission(request, record) is may, user
        assert CORRECTIVE_ACTION_ADMIN.has_delete_permission(request, record) is (
            may and user == world["ada"]  # only administrators delete
        )
    client.force_login(world[outsider])
    page = client.get(change_url)
    assert page.status_code == 200  # read-only: they may view explanations
    assert 'name="_save"' not in page.content.decode()
    client.force_login(world[explainer])
    assert 'name="_save"' in client.get(change_url).content.decode()


def test_the_entry_screen_offers_only_the_items_the_person_may_explain(client, world):
    other_project = ProjectFactory(plan_year=world["open_year"])
    not_sams = MilestoneFactory(project=other_project, title="Someone else's step")
    client.force_login(world["sam"])

    page = client.get("/admin/reports/correctiveaction/add/").content.decode()

    options = re.search(r'<select name="milestone".*?</select>', page, re.S)[0]
    assert "Report published" in options
    assert not_sams.title not in html.unescape(options)
    assert "Panel met" not in options  # the closed year's
    indicators = re.search(r'<select name="indicator".*?</select>', page, re.S)[0]
    assert "KPI1" not in indicators


def test_the_entry_screen_refuses_an_explanation_of_someone_elses_item(client, world):
    client.force_login(world["sam"])

    response = client.post(
        "/admin/reports/correctiveaction/add/",
        {
            "plan_year": world["open_year"].pk,
            "quarter": 2,
            "risk": world["risk"].pk,
            "explanation": "x",
            "action": "y",
            "recover_by": "31/12/2024",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CorrectiveAction.objects.exists()


def test_a_closed_years_explanations_are_read_only_in_the_entry_screens_except_to_administrators(
    world,
):
    CorrectiveActionFactory(
        indicator=None, milestone=world["closed milestone"], recover_by=datetime.date(2023, 12, 1)
    )
    record = CORRECTIVE_ACTION_ADMIN.get_queryset(admin_request(world["ada"])).get()

    assert not CORRECTIVE_ACTION_ADMIN.has_change_permission(admin_request(world["sam"]), record)
    assert CORRECTIVE_ACTION_ADMIN.has_change_permission(admin_request(world["ada"]), record)


def test_the_entry_screen_records_who_entered_it_and_keeps_the_rules(client, world):
    client.force_login(world["dana"])
    values = {
        "plan_year": world["open_year"].pk,
        "quarter": 2,
        "risk": world["risk"].pk,
        "explanation": "The finance lead left.",
        "action": "Interim cover.",
    }

    early = client.post(
        "/admin/reports/correctiveaction/add/", {**values, "recover_by": "30/06/2024"}
    )
    assert "must be after the quarter began (1 July 2024)" in early.content.decode()
    saved = client.post(
        "/admin/reports/correctiveaction/add/", {**values, "recover_by": "31/12/2024"}
    )

    assert saved.status_code == 302
    record = CorrectiveAction.objects.get()
    assert (record.risk, record.entered_by) == (world["risk"], world["dana"])
    assert record.history.count() == 1


def test_the_groups_that_explain_hold_the_permissions(db):
    for group in ("Directors", "Staff", "Corporate services", "Administrators"):
        held = set(
            Permission.objects.filter(
                group__name=group, content_type__app_label="reports"
            ).values_list("codename", flat=True)
        )
        assert {"add_correctiveaction", "change_correctiveaction", "view_correctiveaction"} <= held
        assert ("delete_correctiveaction" in held) is (group == "Administrators")


def test_explaining_rights_gather_their_facts_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    for _ in range(20):
        RiskFactory(plan_year=world["open_year"])
        MilestoneFactory(project=world["milestone"].project)
    with django_assert_max_num_queries(12):
        rights = explaining_rights(world["sam"])
    assert rights.may_explain(Milestone.objects.select_related("project__plan_year").first())


def test_the_entry_screens_list_runs_as_many_queries_for_many_explanations(
    client, world, django_assert_max_num_queries
):
    def explanations_of_each_kind(quarter):
        CorrectiveActionFactory(indicator=world["indicator"], quarter=quarter)
        for name in ("milestone", "budget_line", "risk"):
            item = world[name.replace("_", "-")]
            CorrectiveActionFactory(**{"indicator": None, name: item, "quarter": quarter})

    client.force_login(world["ada"])
    url = "/admin/reports/correctiveaction/"
    explanations_of_each_kind(1)
    few = _queries(client, url, django_assert_max_num_queries)
    for quarter in (2, 3, 4):
        explanations_of_each_kind(quarter)

    page = client.get(url).content.decode()
    assert page.count("Loss of key staff (quarter") == 4  # each explanation names its item
    assert _queries(client, url, django_assert_max_num_queries) == few


# --- A signed-off quarter locks its explanations, on every route, until it is reopened --------

LOCKED = (
    "Quarter 2 of 2024-25 is signed off: what falls in it can no longer be changed. "
    "An administrator can reopen the quarter."
)


def sign_off(world, quarter=2):
    return QuarterSignOff.objects.create(
        plan_year=world["open_year"], quarter=quarter, signed_off_by=world["dana"]
    )


def reopen(world, standing):
    services.quarter_reopen(
        sign_off=standing, user=world["ada"], reason="The September actuals were wrong."
    )


def explained(world, quarter=2):
    return CorrectiveActionFactory(
        plan_year=world["open_year"],
        quarter=quarter,
        indicator=None,
        risk=world["risk"],
        explanation="The finance lead left.",
        action="Interim cover.",
        recover_by=datetime.date(2024, 12, 31),
    )


@pytest.mark.parametrize("who", ["dana", "ada"])
def test_a_signed_off_quarters_explanation_page_shows_it_locked_without_a_form(client, world, who):
    explained(world)
    sign_off(world)
    client.force_login(world[who])

    page = text(client.get(explain_url("risk", world["risk"])))

    assert "Quarter 2 2024-25 is signed off" in page
    assert LOCKED in page
    assert "The finance lead left." in page
    assert "Save the explanation" not in page
    assert 'name="explanation"' not in page


@pytest.mark.parametrize("who", ["dana", "ada"])
def test_an_explanation_posted_to_a_signed_off_quarter_is_refused_saying_why(client, world, who):
    record = explained(world)
    sign_off(world)
    client.force_login(world[who])

    refused = client.post(
        explain_url("risk", world["risk"]),
        entry(explanation="Rewritten after the sign-off.", record_version=""),
    )
    new = client.post(explain_url("indicator", world["indicator"]), entry())

    assert LOCKED in text(refused)
    assert 'href="#quarter-locked"' in refused.content.decode()
    assert LOCKED in text(new)
    record.refresh_from_db()
    assert record.explanation == "The finance lead left."
    assert CorrectiveAction.objects.count() == 1


def test_the_quarters_not_signed_off_stay_open_to_explanations(client, world):
    sign_off(world, quarter=2)
    client.force_login(world["dana"])

    saved = client.post(explain_url("risk", world["risk"], quarter=3), entry())

    assert saved.status_code == 302
    assert CorrectiveAction.objects.get().quarter == 3


def test_reopening_the_quarter_unlocks_its_explanations_on_the_page(client, world):
    reopen(world, sign_off(world))
    client.force_login(world["dana"])

    assert "Save the explanation" in text(client.get(explain_url("risk", world["risk"])))
    saved = client.post(explain_url("risk", world["risk"]), entry())

    assert saved.status_code == 302
    assert CorrectiveAction.objects.get().explanation == "Two school visits were postponed."


def test_the_service_refuses_an_explanation_of_a_signed_off_quarter(world):
    sign_off(world)

    with pytest.raises(ValidationError) as refused:
        services.corrective_action_save(
            plan_year=world["open_year"],
            quarter=2,
            item=world["risk"],
            explanation="Late.",
            action="Chase.",
            recover_by=datetime.date(2024, 12, 31),
            user=world["dana"],
            opened_version=NEW_RECORD,
            today=datetime.date(2026, 1, 1),
        )

    assert refused.value.message_dict == {"quarter": [LOCKED]}
    assert not CorrectiveAction.objects.exists()


ADD_URL = "/admin/reports/correctiveaction/add/"


def admin_values(world, **values):
    return {
        "plan_year": world["open_year"].pk,
        "quarter": 2,
        "risk": world["risk"].pk,
        "explanation": "The finance lead left.",
        "action": "Interim cover.",
        "recover_by": "31/12/2024",
        **values,
    }


def change_url_of(record):
    return f"/admin/reports/correctiveaction/{record.pk}/change/"


def changed_in_admin(client, record, **changes):
    """Open the explanation's entry screen, change what is given and save."""
    cache.clear()  # the screen built afresh, so that its form is in the response's context
    data = posted_form(client.get(change_url_of(record)))
    data.update(changes)
    return client.post(change_url_of(record), data)


@pytest.mark.parametrize("who", ["dana", "ada"])
def test_the_entry_screen_refuses_to_add_an_explanation_to_a_signed_off_quarter(client, world, who):
    sign_off(world)
    client.force_login(world[who])

    refused = client.post(ADD_URL, admin_values(world))

    assert refused.status_code == 200
    assert LOCKED in text(refused)
    assert not CorrectiveAction.objects.exists()


@pytest.mark.parametrize("who", ["dana", "ada"])
def test_the_entry_screen_refuses_to_change_a_signed_off_quarters_explanation(client, world, who):
    record = explained(world)
    sign_off(world)
    client.force_login(world[who])

    changed = changed_in_admin(client, record, action="Rewritten.")
    moved = changed_in_admin(client, record, quarter=3)

    assert LOCKED in text(changed)
    assert LOCKED in text(moved)
    record.refresh_from_db()
    assert (record.quarter, record.action) == (2, "Interim cover.")
    assert record.history.count() == 1


def test_the_entry_screen_refuses_to_move_an_explanation_into_a_signed_off_quarter(client, world):
    record = explained(world, quarter=3)
    sign_off(world, quarter=2)
    client.force_login(world["ada"])

    moved = changed_in_admin(client, record, quarter=2)

    assert LOCKED in text(moved)
    record.refresh_from_db()
    assert record.quarter == 3


def test_the_entry_screen_refuses_to_delete_a_signed_off_quarters_explanation(client, world):
    record = explained(world)
    sign_off(world)
    client.force_login(world["ada"])

    refused = client.post(f"/admin/reports/correctiveaction/{record.pk}/delete/", {"post": "yes"})
    in_bulk = client.post(
        "/admin/reports/correctiveaction/",
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )

    assert refused.status_code == 403
    assert LOCKED in text(refused)
    assert "cannot be deleted" in text(in_bulk) or in_bulk.status_code == 403
    assert CorrectiveAction.objects.filter(pk=record.pk).exists()


def test_reopening_the_quarter_unlocks_its_explanations_in_the_entry_screen(client, world):
    record = explained(world)
    reopen(world, sign_off(world))
    client.force_login(world["ada"])

    changed = changed_in_admin(client, record, action="Rewritten.")

    assert changed.status_code == 302
    record.refresh_from_db()
    assert record.action == "Rewritten."


def test_explanations_have_no_import_to_escape_the_lock(client, world):
    """Explanations are entered on the page and in the entry screen only; an import added
    later must go through corrective_action_rule_errors, which holds the lock."""
    client.force_login(world["ada"])

    with pytest.raises(NoReverseMatch):
        reverse("admin:reports_correctiveaction_import")
    assert "/import/" not in client.get("/admin/reports/correctiveaction/").content.decode()
