"""One rule everywhere: each rule of who may change what is tried on the page, in the entry
screens and by import, for every role against its own records, another's and a closed year's;
and the rules a record keeps (commentary on a red actual, on a milestone at risk or slipped) hold
on every route.

The roles: a staff member of the project, the director who owns it (through a role they hold), a
director who does not, corporate services (who hold a role too) and an administrator. Their
records: "own" (theirs, in an open year), "other" (someone else's, in an open year) and "closed"
(theirs, in a closed year).
"""

import copy
import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets.models import BudgetLine, MonthlyFigure
from core.edit_conflicts import record_fingerprint
from kpis.models import Indicator, Measurement
from plans.choices import PlanStatus
from plans.models import Milestone, Recommendation
from plans.periods import Quarter
from risks.models import Risk
from tests.budgets import factories as budget_factories
from tests.conftest import data_shared_by_the_tests
from tests.kpis import factories as kpi_factories
from tests.plans import factories as plan_factories
from tests.risks import factories as risk_factories
from tests.test_admin import change_url, posted_form
from tests.test_import_export import MEASUREMENT_HEADERS, MILESTONE_HEADERS, problems, upload
from tests.test_import_export import confirm as confirm_import

pytestmark = pytest.mark.django_db

PEOPLE = ["member", "owner", "director", "finance", "administrator"]
RECORDS = ["own", "other", "closed"]
ROUTES = ["page", "entry screens", "import"]
GROUPS = {
    "member": "Staff",
    "owner": "Directors",
    "director": "Directors",
    "finance": "Corporate services",
    "administrator": "Administrators",
}
APRIL = datetime.date(2024, 4, 1)
CLOSED_APRIL = datetime.date(2023, 4, 1)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The world, written once for all the tests of this module (which only change it inside
    their own transactions), and rolled back after the last of them."""
    with data_shared_by_the_tests(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(shared_world, db):
    """The shared world, as fresh copies of its records (a test may change them)."""
    return copy.deepcopy(shared_world)


def build_world():
    """Two years, three roles, and for each kind of record one that is "own" (owned through
    the Director of Policy role, with the staff member as a member), one that is "other" (owned
    through another role) and one "closed" (own, in a closed year)."""
    years = {
        "open": plan_factories.PlanYearFactory(year="2024-25", status=PlanStatus.PUBLISHED),
        "closed": plan_factories.PlanYearFactory(year="2023-24", status=PlanStatus.CLOSED),
    }
    policy = plan_factories.RoleFactory(title="Director of Policy")
    participation = plan_factories.RoleFactory(title="Director of Participation")
    services = plan_factories.RoleFactory(title="Director of Corporate Services")
    people = {}
    for name, group in GROUPS.items():
        person = plan_factories.UserFactory(username=name, is_staff=True)
        person.groups.add(Group.objects.get(name=group))
        people[name] = person
    policy.holders.add(people["owner"])
    services.holders.add(people["finance"])
    # The director who owns none of these holds a role of their own.
    plan_factories.RoleFactory(title="Director of Communications").holders.add(people["director"])
    year_of = {"own": years["open"], "other": years["open"], "closed": years["closed"]}
    role_of = {"own": policy, "other": participation, "closed": policy}
    projects, milestones, recommendations, indicators, measurements = {}, {}, {}, {}, {}
    for record in RECORDS:
        year = year_of[record]
        project = plan_factories.ProjectFactory(plan_year=year, title=f"The {record} inquiry")
        project.owners.add(role_of[record])
        if record != "other":
            project.members.add(people["member"])
        projects[record] = project
        milestones[record] = plan_factories.MilestoneFactory(
            project=project,
            title=f"Publish the {record} report",
            due_on=datetime.date(year.start, 12, 28),
        )
        recommendations[record] = plan_factories.RecommendationFactory(project=project)
        indicator = kpi_factories.IndicatorFactory(
            plan_year=year, ref=f"OC{RECORDS.index(record) + 1}", annual_target=None
        )
        indicator.owners.add(role_of[record])
        indicators[record] = indicator
        measurements[record] = kpi_factories.MeasurementFactory(
            indicator=indicator, period=datetime.date(year.start, 4, 1), value=Decimal("100")
        )
    return SimpleNamespace(
        years=years,
        people=people,
        projects=projects,
        milestones=milestones,
        recommendations=recommendations,
        indicators=indicators,
        measurements=measurements,
    )


def version_on_page(client, url) -> str:
    """The record's version the page's form carries, or "" where the page refuses."""
    found = re.search(r'name="record_version" value="([0-9a-f]+|new)"', client.get(url).text)
    return found[1] if found else ""


def signed_in(client, world, person):
    client.force_login(world.people[person])
    return client


def admin_change(client, obj, **changes):
    """Open `obj` in the entry screens and save it with `changes`; None if it was refused."""
    opened = client.get(change_url(obj))
    if opened.status_code == 403:
        return None
    assert opened.status_code == 200
    data = {**posted_form(opened), **changes}
    saved = client.post(change_url(obj), data)
    if saved.status_code == 403:
        return None
    return saved


def imported(client, model, rows):
    """Upload a sheet to the entry screens' import and confirm it if the preview allows: the
    preview's problems ([] if it was confirmed), or None if the import page was refused."""
    preview = upload(client, model, rows)
    if preview.status_code == 403:
        return None
    found = problems(preview)
    if not found:
        confirm_import(client, model, preview)
    return found


# --- Actuals ----------------------------------------------------------------------------------


def actuals_may_be_entered(person, record, route) -> bool:
    """The rule: the holders of an indicator's owner role, in an open year; administrators in
    any. The entry screens and the import need the group's permission to enter actuals there
    too (directors, corporate services and administrators hold it; staff do not)."""
    if person == "administrator":
        return True
    allowed = person == "owner" and record == "own"
    if route != "page":
        allowed = allowed and GROUPS[person] != "Staff"
    return allowed


def enter_actual(client, world, record, route, value, commentary="Counted at the events."):
    return enter_actual_of(client, world.measurements[record], route, value, commentary)


def enter_actual_of(client, measurement, route, value, commentary="Counted at the events."):
    """Change `measurement`'s actual to `value` on the page, in the entry screens or by import."""
    indicator = measurement.indicator
    if route == "page":
        url = f"/plans/{indicator.plan_year.year}/indicators/{indicator.ref}/actuals/"
        return client.post(
            url,
            {
                "period": measurement.period.isoformat(),
                "value": value,
                "commentary": commentary,
                # A period of a signed-off quarter opens read-only, with no form to carry it.
                "record_version": version_on_page(
                    client, f"{url}?period={measurement.period.isoformat()}"
                )
                or record_fingerprint(Measurement.objects.get(pk=measurement.pk)),
            },
        )
    if route == "entry screens":
        return admin_change(client, measurement, value=value, commentary=commentary)
    row = [indicator.plan_year.year, indicator.ref, measurement.period.isoformat(), value]
    return imported(client, Measurement, [MEASUREMENT_HEADERS, [*row, "", "", commentary]])


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("person", PEOPLE)
def test_actuals_are_entered_only_by_their_indicators_owners_on_every_route(
    client, world, person, record, route
):
    signed_in(client, world, person)

    enter_actual(client, world, record, route, "4242")

    stored = Measurement.objects.get(pk=world.measurements[record].pk).value
    expected = Decimal("4242") if actuals_may_be_entered(person, record, route) else Decimal("100")
    assert stored == expected


@pytest.mark.parametrize("route", ROUTES)
def test_corporate_services_enter_kpi10s_actuals_on_every_route(client, world, route):
    """KPI10, the share of the budget spent on projects, is a ratio of the budget figures
    corporate services keep, and its owner role is the Director of Corporate Services: the one
    rule (an indicator's actuals are entered by its owner roles' holders) lets them enter it on
    the page, in the entry screens and by import alike."""
    services = world.people["finance"].roles.get()
    kpi10 = kpi_factories.IndicatorFactory(
        plan_year=world.years["open"],
        ref="KPI10",
        title="% of budget spent on projects",
        annual_target=None,
    )
    kpi10.owners.add(services)
    april = kpi_factories.MeasurementFactory(indicator=kpi10, period=APRIL, value=Decimal("60"))
    signed_in(client, world, "finance")

    enter_actual_of(client, april, route, "72")

    april.refresh_from_db()
    assert april.value == Decimal("72")


def test_a_director_who_does_not_own_an_indicator_is_refused_in_the_entry_screens(client, world):
    signed_in(client, world, "director")
    measurement = world.measurements["other"]

    opened = client.get(change_url(measurement))
    saved = client.post(change_url(measurement), {**posted_form(opened), "value": "4242"})

    assert saved.status_code == 403
    assert Measurement.objects.get(pk=measurement.pk).value == Decimal("100")
    add_form = client.get(reverse("admin:kpis_measurement_add"))
    assert add_form.status_code == 403  # no indicator of theirs to add an actual to


def test_a_director_who_does_not_own_an_indicator_is_refused_by_import_naming_the_row(
    client, world
):
    signed_in(client, world, "director")
    rows = [MEASUREMENT_HEADERS, ["2024-25", "OC2", "2024-04-01", "4242", "", "", "Counted."]]

    found = imported(client, Measurement, rows)

    assert found
    assert found[0][0] == 2  # the sheet's row under its headers
    assert "Only the holders of this indicator's owner roles" in found[0][2]
    assert Measurement.objects.get(pk=world.measurements["other"].pk).value == Decimal("100")


def test_the_owners_indicator_is_the_only_one_the_entry_screens_offer(client, world):
    signed_in(client, world, "owner")
    form = client.get(reverse("admin:kpis_measurement_add")).context["adminform"].form
    assert set(form.fields["indicator"].queryset) == {world.indicators["own"]}


# --- A red actual needs commentary ------------------------------------------------------------


@pytest.fixture
def red(world):
    """The owner's indicator with a target: 12,000 a year, so 1,000 a month, and April at 100
    is red."""
    indicator = world.indicators["own"]
    Indicator.objects.filter(pk=indicator.pk).update(annual_target=Decimal("12000"))
    return world


@pytest.mark.parametrize("route", ROUTES)
def test_a_red_actual_without_commentary_is_refused_on_every_route(client, red, route):
    signed_in(client, red, "owner")

    response = enter_actual(client, red, "own", route, "50", commentary="")

    measurement = Measurement.objects.get(pk=red.measurements["own"].pk)
    assert measurement.value == Decimal("100")
    if route == "import":
        assert any("puts the indicator at red" in message for _, _, message in response)
        assert any("An import cannot ask for it" in message for _, _, message in response)
    else:
        assert response.status_code == 200
        assert "puts the indicator at red" in response.content.decode()


@pytest.mark.parametrize("route", ROUTES)
def test_a_red_actual_with_commentary_is_saved_on_every_route(client, red, route):
    signed_in(client, red, "owner")

    enter_actual(client, red, "own", route, "50", commentary="The venue closed in April.")

    assert Measurement.objects.get(pk=red.measurements["own"].pk).value == Decimal("50")


# --- Milestones -------------------------------------------------------------------------------


def milestone_progress_may_be_updated(person, record, route) -> bool:
    """The rule: the people who work on the project (owners and members), in an open year;
    administrators in any. Only administrators import milestones."""
    if route == "import":
        return person == "administrator"
    if person == "administrator":
        return True
    return person in {"member", "owner"} and record == "own"


def milestone_plan_may_be_changed(person, record, route) -> bool:
    """What was planned (title, original due date): the project's owners, in an open year;
    administrators in any."""
    if person == "administrator":
        return True
    return route != "import" and person == "owner" and record == "own"


def change_milestone(client, world, record, route, **changes):
    milestone = world.milestones[record]
    year = milestone.project.plan_year.year
    if route == "page":
        url = f"{milestone.project.get_absolute_url()}milestones/{milestone.pk}/update/"
        data = {
            "record_version": record_fingerprint(milestone),
            "title": milestone.title,
            "due_on_day": milestone.due_on.day,
            "due_on_month": milestone.due_on.month,
            "due_on_year": milestone.due_on.year,
            "status": milestone.status,
            "commentary": milestone.commentary,
        }
        for name, value in changes.items():
            if name == "due_on":
                data.update(due_on_day=value.day, due_on_month=value.month, due_on_year=value.year)
            else:
                data[name] = value
        return client.post(url, data)
    if route == "entry screens":
        values = {k: v.isoformat() if k == "due_on" else v for k, v in changes.items()}
        return admin_change(client, milestone, **values)
    row = {
        "id": milestone.pk,
        "plan_year": year,
        "project": milestone.project.title,
        "title": milestone.title,
        "due_on": milestone.due_on.isoformat(),
        "status": milestone.status,
        "completed_on": "",
        "commentary": milestone.commentary,
        "is_illustrative": "",
    }
    for name, value in changes.items():
        row[name] = value.isoformat() if name == "due_on" else value
    return imported(client, Milestone, [MILESTONE_HEADERS, [row[h] for h in MILESTONE_HEADERS]])


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("person", PEOPLE)
def test_a_milestones_title_and_original_due_date_change_only_by_its_owners(
    client, world, person, record, route
):
    signed_in(client, world, person)
    milestone = world.milestones[record]
    later = milestone.due_on.replace(year=milestone.due_on.year + 1, month=3, day=31)

    change_milestone(client, world, record, route, title="Renamed", due_on=later)

    stored = Milestone.objects.get(pk=milestone.pk)
    if milestone_plan_may_be_changed(person, record, route):
        assert (stored.title, stored.due_on) == ("Renamed", later)
    else:
        assert (stored.title, stored.due_on) == (milestone.title, milestone.due_on)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("person", PEOPLE)
def test_a_milestones_progress_is_updated_by_the_people_on_its_project(
    client, world, person, record, route
):
    signed_in(client, world, person)
    milestone = world.milestones[record]

    change_milestone(client, world, record, route, commentary="Drafted and with the printers.")

    stored = Milestone.objects.get(pk=milestone.pk)
    expected = milestone_progress_may_be_updated(person, record, route)
    assert (stored.commentary == "Drafted and with the printers.") is expected


def test_a_member_sees_a_milestones_title_and_original_due_date_read_only(client, world):
    signed_in(client, world, "member")
    opened = client.get(change_url(world.milestones["own"]))
    form = opened.context["adminform"].form
    assert "title" not in form.fields
    assert "due_on" not in form.fields
    assert "commentary" in form.fields


@pytest.mark.parametrize("route", ["page", "entry screens", "import"])
def test_a_milestone_at_risk_without_commentary_is_refused_on_every_route(client, world, route):
    # Only administrators import milestones; the others are tried as the owner.
    signed_in(client, world, "administrator" if route == "import" else "owner")

    response = change_milestone(client, world, "own", route, status="at risk", commentary="")

    assert Milestone.objects.get(pk=world.milestones["own"].pk).status == "on track"
    if route == "import":
        assert any("why the milestone is at risk" in message for _, _, message in response)
    else:
        assert response.status_code == 200
        assert "why the milestone is at risk" in response.content.decode()


# --- Recommendations --------------------------------------------------------------------------


def response_may_be_recorded(person, record) -> bool:
    """The rule: a project's owners, in an open year; administrators in any."""
    return person == "administrator" or (person == "owner" and record == "own")


@pytest.mark.parametrize("route", ["page", "entry screens"])
@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("person", PEOPLE)
def test_a_recommendations_response_is_recorded_only_by_its_projects_owners(
    client, world, person, record, route
):
    signed_in(client, world, person)
    recommendation = world.recommendations[record]
    year = recommendation.project.plan_year.year

    if route == "page":
        url = f"/plans/{year}/recommendations/{recommendation.pk}/response/"
        client.post(
            url,
            {
                "status": "accepted",
                "responded_on": "14/1/2025",
                "response": "Accepted in full.",
                "record_version": version_on_page(client, url),
            },
        )
    else:
        admin_change(client, recommendation, status="accepted")

    stored = Recommendation.objects.get(pk=recommendation.pk).status
    assert (stored == "accepted") is response_may_be_recorded(person, record)


# --- Indicator definitions and targets --------------------------------------------------------


@pytest.mark.parametrize("route", ["entry screens", "import"])
@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("person", PEOPLE)
def test_an_indicators_definition_and_targets_change_only_by_administrators(
    client, world, person, record, route
):
    signed_in(client, world, person)
    indicator = world.indicators[record]

    if route == "entry screens":
        admin_change(client, indicator, annual_target="1", title="Easier")
    else:
        from tests.test_import_export import INDICATOR_HEADERS

        row = dict.fromkeys(INDICATOR_HEADERS, "")
        row.update(
            plan_year=indicator.plan_year.year,
            ref=indicator.ref,
            title="Easier",
            tier=indicator.tier,
            unit=indicator.unit,
            direction=indicator.direction,
            aggregation=indicator.aggregation,
            frequency=indicator.frequency,
            annual_target="1",
            target_wording=indicator.target_wording,
        )
        imported(client, Indicator, [INDICATOR_HEADERS, [row[h] for h in INDICATOR_HEADERS]])

    stored = Indicator.objects.get(pk=indicator.pk)
    if person == "administrator":
        assert (stored.title, stored.annual_target) == ("Easier", Decimal("1"))
    else:
        assert (stored.title, stored.annual_target) == (indicator.title, None)


def test_an_owner_enters_actuals_under_the_indicator_but_its_definition_is_read_only(client, world):
    signed_in(client, world, "owner")
    opened = client.get(change_url(world.indicators["own"]))
    formsets = {f.opts.model._meta.model_name: f for f in opened.context["inline_admin_formsets"]}
    assert "annual_target" not in opened.context["adminform"].form.fields
    assert formsets["measurement"].has_change_permission
    assert not formsets["periodtarget"].has_change_permission
    assert not formsets["periodtarget"].has_add_permission


# --- Budgets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("record", ["own", "closed"])
@pytest.mark.parametrize("person", PEOPLE)
def test_budget_lines_are_kept_by_corporate_services_in_open_years(client, world, person, record):
    year = world.years["open" if record == "own" else "closed"]
    line = budget_factories.BudgetLineFactory(
        budget=budget_factories.BudgetFactory(plan_year=year), amount=Decimal("1000")
    )
    signed_in(client, world, person)

    admin_change(client, line, amount="2000")

    stored = BudgetLine.objects.get(pk=line.pk).amount
    allowed = person == "administrator" or (person == "finance" and record == "own")
    assert (stored == Decimal("2000")) is allowed


# --- The refusal page -------------------------------------------------------------------------


def test_every_refusal_is_the_one_page_saying_why(client, world):
    signed_in(client, world, "director")
    milestone = world.milestones["other"]
    indicator = world.indicators["other"]

    refusals = [
        client.get(f"{milestone.project.get_absolute_url()}milestones/{milestone.pk}/update/"),
        client.get(f"/plans/2024-25/indicators/{indicator.ref}/actuals/"),
    ]

    for refusal in refusals:
        assert refusal.status_code == 403
        assert refusal.templates[0].name == "403.html"
    assert "The other inquiry is not one of them" in refusals[0].content.decode()
    assert "Only the holders of this indicator" in refusals[1].content.decode()


# --- A signed-off quarter is locked -----------------------------------------------------------

LOCKED_Q1 = "Quarter 1 of 2024-25 is signed off"


def sign_off(world, quarter, *, state, year=None):
    """Quarter `quarter` of the open year (or `year`) signed off ("signed off"), signed off then
    reopened ("reopened"), or another quarter signed off ("other quarter")."""
    year = year or world.years["open"]
    if state == "other quarter":
        quarter = 4 if quarter != 4 else 3
    plan_factories.QuarterSignOffFactory(
        plan_year=year, quarter=quarter, reopened=state == "reopened"
    )


def refusal_shown(response, route) -> str:
    """The page's text, or for an import every problem the preview names, with its row."""
    if route == "import":
        return " ".join(f"row {number}: {message}" for number, _, message in response or [])
    return response.content.decode()


@pytest.mark.parametrize("state", ["signed off", "reopened", "other quarter"])
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("person", ["owner", "administrator"])
def test_an_actual_of_a_signed_off_quarter_is_locked_on_every_route(
    client, world, person, route, state
):
    # The owner's April actual falls in quarter 1 of 2024-25.
    sign_off(world, 1, state=state)
    signed_in(client, world, person)

    response = enter_actual(client, world, "own", route, "4242")

    stored = Measurement.objects.get(pk=world.measurements["own"].pk).value
    if state == "signed off":
        assert stored == Decimal("100")
        shown = refusal_shown(response, route)
        assert LOCKED_Q1 in shown
        if route == "import":
            assert shown.startswith("row 2:")  # the sheet's row under its headers
    else:
        assert stored == Decimal("4242")


@pytest.mark.parametrize("person", ["owner", "administrator"])
def test_an_actual_cannot_be_added_to_or_moved_into_a_signed_off_quarter(client, world, person):
    sign_off(world, 2, state="signed off")
    signed_in(client, world, person)
    measurement = world.measurements["own"]
    indicator = measurement.indicator

    moved = admin_change(client, measurement, period="2024-07-01")
    added = imported(
        client,
        Measurement,
        [MEASUREMENT_HEADERS, ["2024-25", indicator.ref, "2024-08-01", "7", "", "", "Counted."]],
    )

    assert "Quarter 2 of 2024-25 is signed off" in moved.content.decode()
    assert any("Quarter 2 of 2024-25 is signed off" in message for _, _, message in added)
    assert list(Measurement.objects.filter(indicator=indicator).values_list("period", flat=True))
    assert not Measurement.objects.filter(indicator=indicator, period__month__in=[7, 8]).exists()


@pytest.mark.parametrize("route", ["delete page", "row under the indicator"])
def test_an_actual_of_a_signed_off_quarter_cannot_be_deleted_even_by_an_administrator(
    client, world, route
):
    sign_off(world, 1, state="signed off")
    signed_in(client, world, "administrator")
    measurement = world.measurements["own"]

    if route == "delete page":
        url = reverse("admin:kpis_measurement_delete", args=[measurement.pk])
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 403
    else:
        opened = client.get(change_url(measurement.indicator))
        data = posted_form(opened)
        formset = next(
            inline.formset
            for inline in opened.context["inline_admin_formsets"]
            if inline.formset.model is Measurement
        )
        row = next(form for form in formset.forms if form.instance.pk == measurement.pk)
        data[f"{row.prefix}-DELETE"] = "on"
        response = client.post(change_url(measurement.indicator), data)
        assert response.status_code == 200
    assert LOCKED_Q1 in response.content.decode()
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_an_unchanged_actual_of_a_signed_off_quarter_is_left_alone_by_an_import(client, world):
    """Re-importing a year's sheet as exported skips the locked quarter's rows, unrefused."""
    sign_off(world, 1, state="signed off")
    signed_in(client, world, "owner")
    measurement = world.measurements["own"]
    row = ["2024-25", measurement.indicator.ref, "2024-04-01", "100", "", "", ""]
    Measurement.objects.filter(pk=measurement.pk).update(commentary="")

    assert imported(client, Measurement, [MEASUREMENT_HEADERS, row]) == []


def test_the_indicator_shows_the_periods_of_a_signed_off_quarter_read_only(client, world):
    sign_off(world, 1, state="signed off")
    signed_in(client, world, "owner")
    indicator = world.indicators["own"]
    url = f"/plans/2024-25/indicators/{indicator.ref}/"

    page = client.get(url).content.decode()
    entry = client.get(f"{url}actuals/?period=2024-04-01").content.decode()
    open_month = client.get(f"{url}actuals/?period=2024-07-01").content.decode()

    # April, May and June are quarter 1: no link to correct or enter them, a tag instead.
    assert page.count("Quarter 1 is signed off") == 3
    assert "?period=2024-04-01" not in page
    assert "?period=2024-07-01" in page
    assert "Quarter 1 is signed off" in entry
    assert 'name="value"' not in entry
    assert 'name="value"' in open_month
    assert "April 2024 (Quarter 1 is signed off)" in open_month


def sign_off_reads(queries) -> int:
    """How many of the captured queries read the quarters' sign-offs."""
    return sum("quartersignoff" in query["sql"].lower() for query in queries)


@pytest.mark.parametrize("rows", [2, 8])
def test_an_import_reads_the_signed_off_quarters_once_whatever_its_rows(client, world, rows):
    sign_off(world, 4, state="signed off")
    signed_in(client, world, "owner")
    indicator = world.indicators["own"]
    sheet = [MEASUREMENT_HEADERS] + [
        ["2024-25", indicator.ref, f"2024-{month:02d}-01", "5", "", "", "Counted."]
        for month in range(5, 5 + rows)
    ]

    with CaptureQueriesContext(connection) as captured:
        found = imported(client, Measurement, sheet)

    assert found == []
    # Once for the preview and once for the confirm, which imports the sheet again.
    assert sign_off_reads(captured.captured_queries) == 2


# --- A signed-off quarter: milestones ---------------------------------------------------------

COMPLETED = datetime.date(2024, 12, 20)  # quarter 3 of 2024-25
LOCKED_Q3 = "Quarter 3 of 2024-25 is signed off"
# Only administrators import milestones and risks: an owner is refused the import by their
# rights, whatever the quarter, as the tests above show.
OWNERS_ROUTES = [
    (person, route)
    for person in ("owner", "administrator")
    for route in ROUTES
    if not (person == "owner" and route == "import")
]


def completion_kept(route, day=COMPLETED) -> dict:
    """What the route posts to give the milestone its completion date."""
    if route == "page":
        return {
            "completed_on_day": day.day,
            "completed_on_month": day.month,
            "completed_on_year": day.year,
        }
    if route == "import":
        return {"completed_on": day.isoformat()}
    return {"completed_on": day.isoformat()}


@pytest.mark.parametrize("state", ["signed off", "reopened", "other quarter"])
@pytest.mark.parametrize(("person", "route"), OWNERS_ROUTES)
def test_a_milestone_completed_in_a_signed_off_quarter_keeps_its_report_on_every_route(
    client, world, person, route, state
):
    milestone = world.milestones["own"]
    Milestone.objects.filter(pk=milestone.pk).update(
        status="done", completed_on=COMPLETED, commentary="Published."
    )
    milestone.refresh_from_db()
    sign_off(world, 3, state=state)
    signed_in(client, world, person)

    response = change_milestone(
        client,
        world,
        "own",
        route,
        status="done",
        commentary="Published late.",
        **completion_kept(route),
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    if state == "signed off":
        assert stored.commentary == "Published."
        assert LOCKED_Q3 in refusal_shown(response, route)
    else:
        assert stored.commentary == "Published late."
    assert stored.completed_on == COMPLETED


@pytest.mark.parametrize(("person", "route"), OWNERS_ROUTES)
def test_no_milestone_is_completed_inside_a_signed_off_quarter(client, world, person, route):
    sign_off(world, 3, state="signed off")
    signed_in(client, world, person)

    response = change_milestone(
        client, world, "own", route, status="done", **completion_kept(route)
    )

    stored = Milestone.objects.get(pk=world.milestones["own"].pk)
    assert (stored.status, stored.completed_on) == ("on track", None)
    assert LOCKED_Q3 in refusal_shown(response, route)


def test_a_revised_due_date_is_not_moved_into_a_signed_off_quarter(client, world):
    sign_off(world, 2, state="signed off")
    signed_in(client, world, "owner")
    milestone = world.milestones["own"]

    response = admin_change(
        client, milestone, revised_due_on="2024-08-30", revision_reason="Brought forward."
    )

    assert "Quarter 2 of 2024-25 is signed off" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).revised_due_on is None


def test_a_milestone_completed_in_a_signed_off_quarter_cannot_be_deleted(client, world):
    milestone = world.milestones["own"]
    Milestone.objects.filter(pk=milestone.pk).update(status="done", completed_on=COMPLETED)
    sign_off(world, 3, state="signed off")
    signed_in(client, world, "administrator")

    response = client.post(reverse("admin:plans_milestone_delete", args=[milestone.pk]))

    assert response.status_code == 403
    assert LOCKED_Q3 in response.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_milestone_form_says_which_quarters_are_signed_off(client, world):
    milestone = world.milestones["own"]
    url = f"{milestone.project.get_absolute_url()}milestones/{milestone.pk}/update/"
    signed_in(client, world, "owner")
    sign_off(world, 2, state="signed off")

    open_milestone = client.get(url).content.decode()
    Milestone.objects.filter(pk=milestone.pk).update(status="done", completed_on=COMPLETED)
    sign_off(world, 3, state="signed off")
    completed_milestone = client.get(url).content.decode()

    assert "Quarter 2 is signed off: a completion date cannot be given in it" in open_milestone
    assert "completed in a signed-off quarter" not in open_milestone
    assert "This milestone was completed in a signed-off quarter." in completed_milestone
    assert "Quarter 2 is signed off; Quarter 3 is signed off" in completed_milestone


# --- A signed-off quarter: risk reviews -------------------------------------------------------

RISK_HEADERS = [
    "id",
    "plan_year",
    "tier",
    "project",
    "title",
    "cause",
    "effect",
    "owner",
    "inherent_likelihood",
    "inherent_impact",
    "current_controls",
    "residual_likelihood",
    "residual_impact",
    "target_score",
    "review_on",
    "status",
    "is_illustrative",
]


@pytest.fixture
def reviewed(world):
    """The owner's operational risk in this year's register (a review is dated today),
    last reviewed at the start of today's quarter."""
    today = timezone.localdate()
    quarter = Quarter.of(today)
    year = plan_factories.PlanYearFactory(year=quarter.year, status=PlanStatus.PUBLISHED)
    policy = world.people["owner"].roles.get()
    first_day = quarter.months[0]
    risk = risk_factories.RiskFactory(
        plan_year=year,
        tier="operational",
        owner=policy,
        residual_likelihood=3,
        review_on=today + datetime.timedelta(days=30),
        last_reviewed_at=datetime.datetime(
            first_day.year, first_day.month, 1, 10, tzinfo=datetime.UTC
        ),
        review_note="Reviewed at the quarter's start.",
    )
    return SimpleNamespace(risk=risk, year=year, quarter=quarter, today=today)


def review_risk(client, reviewed, route, residual_likelihood):
    risk = reviewed.risk
    if route == "page":
        url = f"{risk.get_absolute_url()}review/"
        next_review = reviewed.today + datetime.timedelta(days=30)
        return client.post(
            url,
            {
                "record_version": version_on_page(client, url),
                "inherent_likelihood": risk.inherent_likelihood,
                "inherent_impact": risk.inherent_impact,
                "current_controls": risk.current_controls,
                "residual_likelihood": residual_likelihood,
                "residual_impact": risk.residual_impact,
                "target_score": "",
                "review_on_day": next_review.day,
                "review_on_month": next_review.month,
                "review_on_year": next_review.year,
                "status": risk.status,
                "note": "Fewer leavers this quarter.",
            },
        )
    if route == "entry screens":
        return admin_change(client, risk, residual_likelihood=residual_likelihood)
    row = {name: getattr(risk, name, "") for name in RISK_HEADERS}
    row.update(
        plan_year=reviewed.year.year,
        project="",
        owner=risk.owner.title,
        target_score="",
        review_on=risk.review_on.isoformat(),
        is_illustrative="",
        residual_likelihood=residual_likelihood,
    )
    return imported(client, Risk, [RISK_HEADERS, [row[name] for name in RISK_HEADERS]])


@pytest.mark.parametrize("state", ["signed off", "reopened", "other quarter"])
@pytest.mark.parametrize(("person", "route"), OWNERS_ROUTES)
def test_a_risk_review_dated_in_a_signed_off_quarter_is_neither_recorded_nor_changed(
    client, world, reviewed, person, route, state
):
    # The page dates its review today; the entry screens and the import would change what the
    # latest review, at the start of today's quarter, recorded.
    sign_off(world, reviewed.quarter.number, state=state, year=reviewed.year)
    signed_in(client, world, person)

    response = review_risk(client, reviewed, route, residual_likelihood=2)

    stored = Risk.objects.get(pk=reviewed.risk.pk)
    if state == "signed off":
        assert stored.residual_likelihood == 3
        locked = f"Quarter {reviewed.quarter.number} of {reviewed.year.year} is signed off"
        assert locked in refusal_shown(response, route)
    else:
        assert stored.residual_likelihood == 2


def test_the_review_form_warns_that_todays_quarter_is_signed_off(client, world, reviewed):
    signed_in(client, world, "owner")
    url = f"{reviewed.risk.get_absolute_url()}review/"

    before = client.get(url).content.decode()
    sign_off(world, reviewed.quarter.number, state="signed off", year=reviewed.year)
    after = client.get(url).content.decode()

    assert 'id="signed-off"' not in before
    assert "A review recorded today would be dated in it, so it will be refused." in after


# --- A signed-off quarter: monthly budget figures ---------------------------------------------


@pytest.fixture
def figures(world):
    """The open year's budget, with one line and its April figures (quarter 1)."""
    budget = budget_factories.BudgetFactory(plan_year=world.years["open"])
    category = budget_factories.BudgetCategoryFactory(name="Pay")
    line = budget_factories.BudgetLineFactory(budget=budget, category=category, position=1)
    april = budget_factories.MonthlyFigureFactory(
        line=line, month=APRIL, actual=Decimal("98000"), forecast=Decimal("100000")
    )
    return SimpleNamespace(budget=budget, line=line, april=april)


def import_figures(client, rows):
    """Upload a monthly actuals sheet and confirm it if the preview allows; the preview."""
    sheet = "category,project,month,actual,forecast\n" + "".join(
        f"Pay,,{month},{actual},\n" for month, actual in rows
    )
    url = reverse("budgets:import", args=["2024-25"])
    preview = client.post(
        url, {"file": SimpleUploadedFile("actuals.csv", sheet.encode(), "text/csv")}
    )
    if preview.context and preview.context.get("confirm_form"):
        key = preview.context["confirm_form"].initial["preview_key"]
        client.post(reverse("budgets:import-confirm", args=["2024-25"]), {"preview_key": key})
    return preview


@pytest.mark.parametrize("state", ["signed off", "reopened", "other quarter"])
@pytest.mark.parametrize("route", ["import page", "entry screens", "row under the line"])
@pytest.mark.parametrize("person", ["finance", "administrator"])
def test_a_monthly_figure_of_a_signed_off_quarter_is_locked_on_every_route(
    client, world, figures, person, route, state
):
    sign_off(world, 1, state=state)
    signed_in(client, world, person)

    if route == "import page":
        response = import_figures(client, [("2024-04", "97000")])
    elif route == "entry screens":
        response = admin_change(client, figures.april, actual="97000")
    else:
        opened = client.get(change_url(figures.line))
        data = posted_form(opened)
        formset = next(
            inline.formset
            for inline in opened.context["inline_admin_formsets"]
            if inline.formset.model is MonthlyFigure
        )
        data[f"{formset.forms[0].prefix}-actual"] = "97000"
        response = client.post(change_url(figures.line), data)

    stored = MonthlyFigure.objects.get(pk=figures.april.pk).actual
    if state == "signed off":
        assert stored == Decimal("98000")
        assert LOCKED_Q1 in response.content.decode()
    else:
        assert stored == Decimal("97000")


def test_a_monthly_figure_of_a_signed_off_quarter_cannot_be_deleted(client, world, figures):
    sign_off(world, 1, state="signed off")
    signed_in(client, world, "administrator")

    response = client.post(
        reverse("admin:budgets_monthlyfigure_delete", args=[figures.april.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert LOCKED_Q1 in response.content.decode()
    assert MonthlyFigure.objects.filter(pk=figures.april.pk).exists()


def test_the_budget_import_page_warns_which_quarters_are_signed_off(client, world, figures):
    signed_in(client, world, "finance")
    url = reverse("budgets:import", args=["2024-25"])
    sign_off(world, 1, state="signed off")
    sign_off(world, 2, state="signed off")

    page = client.get(url).content.decode()
    refused = import_figures(client, [("2024-06", "1"), ("2024-10", "2")])

    assert (
        "Quarter 1 (April to June 2024), Quarter 2 (July to September 2024) are signed off: "
        "a sheet with figures for their months will be refused."
    ) in page
    # June is refused, naming its row; October, in quarter 3, is not.
    assert [str(problem) for problem in refused.context["problems"]] == [
        'Row 2, column C ("month"): June 2024: Quarter 1 of 2024-25 is signed off: what falls in '
        "it can no longer be changed. An administrator can reopen the quarter."
    ]
    assert not MonthlyFigure.objects.filter(month=datetime.date(2024, 10, 1)).exists()


@pytest.mark.parametrize("rows", [2, 8])
def test_the_entry_screens_read_the_signed_off_quarters_once_whatever_the_rows(client, world, rows):
    sign_off(world, 4, state="signed off")
    signed_in(client, world, "owner")
    indicator = world.indicators["own"]
    for month in range(5, 5 + rows):
        kpi_factories.MeasurementFactory(
            indicator=indicator, period=datetime.date(2024, month, 1), value=Decimal("5")
        )
    opened = client.get(change_url(indicator))
    data = posted_form(opened)
    formset = next(
        inline.formset
        for inline in opened.context["inline_admin_formsets"]
        if inline.formset.model is Measurement
    )
    for form in formset.forms:
        data[f"{form.prefix}-value"] = "6"
        data[f"{form.prefix}-commentary"] = "Recounted."

    with CaptureQueriesContext(connection) as captured:
        saved = client.post(change_url(indicator), data)

    assert saved.status_code == 302
    # April and the added months, each recounted at 6.
    assert list(
        Measurement.objects.filter(indicator=indicator).values_list("value", flat=True)
    ) == [Decimal("6")] * (rows + 1)
    assert sign_off_reads(captured.captured_queries) == 1


@pytest.mark.parametrize("rows", [2, 8])
def test_a_milestone_import_reads_the_signed_off_quarters_once_whatever_its_rows(
    client, world, rows
):
    sign_off(world, 1, state="signed off")
    signed_in(client, world, "administrator")
    project = world.projects["own"]
    sheet = [MILESTONE_HEADERS] + [
        ["", "2024-25", project.title, f"Step {n}", "2024-12-31", "on track", "", "", "0"]
        for n in range(rows)
    ]

    with CaptureQueriesContext(connection) as captured:
        found = imported(client, Milestone, sheet)

    assert found == []
    assert Milestone.objects.filter(project=project, title__startswith="Step").count() == rows
    # Once for the preview and once for the confirm.
    assert sign_off_reads(captured.captured_queries) == 2


def delete_row_under(client, parent, row):
    """Tick "Delete" on `row` in its parent's entry screen and save; the response."""
    opened = client.get(change_url(parent))
    data = posted_form(opened)
    formset = next(
        inline.formset
        for inline in opened.context["inline_admin_formsets"]
        if inline.formset.model is type(row)
    )
    form = next(form for form in formset.forms if form.instance.pk == row.pk)
    data[f"{form.prefix}-DELETE"] = "on"
    return client.post(change_url(parent), data)


@pytest.mark.parametrize("kind", ["milestone", "monthly figure", "risk"])
def test_a_record_of_a_signed_off_quarter_is_not_deleted_from_its_parent_or_its_own_screen(
    client, world, figures, reviewed, kind
):
    signed_in(client, world, "administrator")
    if kind == "milestone":
        record = world.milestones["own"]
        Milestone.objects.filter(pk=record.pk).update(status="done", completed_on=COMPLETED)
        sign_off(world, 3, state="signed off")
        refused = delete_row_under(client, record.project, record)
        locked = LOCKED_Q3
    elif kind == "monthly figure":
        record = figures.april
        sign_off(world, 1, state="signed off")
        refused = delete_row_under(client, figures.line, record)
        locked = LOCKED_Q1
    else:
        record = reviewed.risk
        sign_off(world, reviewed.quarter.number, state="signed off", year=reviewed.year)
        refused = client.post(reverse("admin:risks_risk_delete", args=[record.pk]), {"post": "yes"})
        locked = f"Quarter {reviewed.quarter.number} of {reviewed.year.year} is signed off"

    assert locked in refused.content.decode()
    assert type(record).objects.filter(pk=record.pk).exists()
