"""The audit history of every business record: who changed it, when, and each field's value
before and after, as the pages, the admin and the reading functions show it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from budgets.models import Budget, BudgetCategory, BudgetLine, GrantInAid, MonthlyFigure
from core import history
from core.edit_conflicts import record_fingerprint
from core.history import BLANK, FieldChange, Snapshot
from kpis.models import Indicator, IndicatorOwner, Measurement, PeriodTarget
from plans.models import (
    CorporateObjective,
    CorporateObjectiveOwner,
    CorporateObjectiveProject,
    Milestone,
    PlanYear,
    Project,
    ProjectTolerance,
    QuarterSignOff,
    Recommendation,
    Role,
    StrategicAim,
    StrategicObjective,
    Strategy,
    Theme,
)
from risks.models import MitigatingAction, Risk
from tests.budgets import factories as budget_factories
from tests.conftest import run_load_demo
from tests.kpis import factories as kpi_factories
from tests.plans import factories as plan_factories
from tests.risks import factories as risk_factories

BUSINESS_APPS = ("plans", "risks", "kpis", "budgets")

# Pure parts: no database.

START = datetime.datetime(2012, 4, 1, 9, 0, tzinfo=datetime.UTC)


def snapshot(kind="~", seconds=0, user=1, **values):
    return Snapshot(
        record_pk=1,
        when=START + datetime.timedelta(seconds=seconds),
        who="Ada Lovelace" if user else history.SYSTEM,
        kind=kind,
        user_pk=user,
        values=values,
    )


def field(model, name):
    return model._meta.get_field(name)


@pytest.mark.parametrize(
    ("model", "name", "value", "labels", "reads"),
    [
        (Milestone, "status", "at risk", {}, "At risk"),
        (Milestone, "due_on", datetime.date(2012, 4, 1), {}, "1 April 2012"),
        (Milestone, "completed_on", None, {}, BLANK),
        (Milestone, "commentary", "", {}, BLANK),
        (Milestone, "is_illustrative", True, {}, "Yes"),
        (Project, "budget_excluding_staff", Decimal("1473000.00"), {}, "1,473,000"),
        (Indicator, "annual_target", Decimal("0.5000"), {}, "0.5"),
        (Budget, "presentation_unit", "thousands", {}, "£'000"),
        (Milestone, "project", 7, {(Project, 7): "Takeover Day"}, "Takeover Day"),
        (Milestone, "project", 7, {}, "project 7 (since deleted)"),
        (
            Project,
            "owners",
            frozenset({1, 2}),
            {(Role, 1): "Director of Policy (DoP)", (Role, 2): "Chief Executive (CE)"},
            "Chief Executive (CE), Director of Policy (DoP)",
        ),
        (Project, "owners", frozenset(), {}, BLANK),
    ],
)
def test_a_stored_value_reads_as_a_person_would_write_it(model, name, value, labels, reads):
    assert history.readable_value(field(model, name), value, labels) == reads


def test_a_change_names_each_changed_field_by_its_verbose_name_with_before_and_after():
    before = snapshot(status="on track", completed_on=None, title="Report")
    after = snapshot(status="done", completed_on=datetime.date(2012, 4, 1), title="Report")
    assert history.describe_changes(Milestone, before, after) == (
        FieldChange("Status", "On track", "Done"),
        FieldChange("Completion date", BLANK, "1 April 2012"),
    )


def test_entries_say_created_changed_and_deleted_newest_first_and_skip_saves_that_changed_nothing():
    snapshots = [
        snapshot("+", 0, status="on track"),
        snapshot("~", 60, status="on track"),
        snapshot("~", 120, status="slipped"),
        snapshot("-", 180, status="slipped"),
    ]
    entries = history.entries_from_snapshots(Milestone, snapshots)
    assert [entry.action for entry in entries] == ["deleted", "changed", "created"]
    assert entries[1].changes == (FieldChange("Status", "On track", "Slipped"),)
    assert entries[1].when == START + datetime.timedelta(seconds=120)


def test_the_first_change_of_a_record_kept_from_before_its_history_began_is_an_entry():
    entries = history.entries_from_snapshots(Milestone, [snapshot("~", 0, status="done")])
    assert [(entry.action, entry.who, entry.changes) for entry in entries] == [
        ("changed", "Ada Lovelace", ())
    ]


def test_a_form_and_its_links_saved_moments_apart_read_as_one_change():
    # The admin saves the project, then removes the old owner, then adds the new one.
    snapshots = [
        snapshot("+", 0, title="Takeover Day", owners=frozenset({1})),
        snapshot("~", 600, title="Takeover Day 2012", owners=frozenset({1})),
        snapshot("~", 600.1, title="Takeover Day 2012", owners=frozenset()),
        snapshot("~", 600.2, title="Takeover Day 2012", owners=frozenset({2})),
    ]
    labels = {(Role, 1): "Director of Policy (DoP)", (Role, 2): "Chief Executive (CE)"}
    newest, created = history.entries_from_snapshots(Project, snapshots, labels)
    assert created.action == "created"
    assert newest.changes == (
        FieldChange("Title", "Takeover Day", "Takeover Day 2012"),
        FieldChange("Owners", "Director of Policy (DoP)", "Chief Executive (CE)"),
    )


def test_changes_by_different_people_or_far_apart_stay_separate():
    snapshots = [
        snapshot("+", 0, owners=frozenset()),
        snapshot("~", 1, user=2, owners=frozenset({1})),
        snapshot("~", 3600, user=2, owners=frozenset({1, 2})),
    ]
    assert len(history.group_snapshots(snapshots, links=["owners"])) == 3


def test_the_latest_entries_of_several_records_are_merged_newest_first_with_a_count_of_the_rest():
    def entry(minute):
        return history.HistoryEntry(1, START + datetime.timedelta(minutes=minute), "x", "changed")

    project = {1: history.RecordHistory([entry(5), entry(1)], older=4)}
    milestones = {1: history.RecordHistory([entry(3)]), 2: history.RecordHistory([entry(4)])}
    shown = history.latest_history(project, milestones, limit=2)
    assert [e.when.minute for e in shown.entries] == [5, 4]
    assert shown.more == 2 + 4


@pytest.mark.django_db
def test_reading_many_records_takes_no_more_queries_than_reading_one(
    django_assert_num_queries,
):
    """One query for the rows and who made them, one per tracked link, one per related model
    named (and one more for a name that crosses a relation, a project named with its year)."""
    roles = plan_factories.RoleFactory.create_batch(2)
    later_year = plan_factories.PlanYearFactory(year="2012-13")

    def changed_projects(count):
        projects = plan_factories.ProjectFactory.create_batch(count)
        for project in projects:
            project.owners.set(roles[:1])
            project.owners.set(roles[1:])
            project.plan_year = later_year
            project.save()
        return [project.pk for project in projects]

    one, many = changed_projects(1), changed_projects(6)
    # Rows, owners, members, then the plan years and roles named.
    with django_assert_num_queries(5):
        history.record_histories(Project, pks=one)
    with django_assert_num_queries(5):
        histories = history.record_histories(Project, pks=many, latest=3)
    assert len(histories) == 6
    milestone = plan_factories.MilestoneFactory()
    with django_assert_num_queries(1):  # A model with no links, nothing related changed.
        history.record_histories(Milestone, pks=[milestone.pk])


# Changes through the admin, for every business model.


@dataclass
class AdminChange:
    """A change to one field of a record through its entry screen (or, for a record entered
    inline, its parent's), and how its history reads."""

    model: type
    make: Any
    field: str
    value: Any
    label: str
    before: str
    after: str
    screen: Any = None  # The record whose change form holds this one, if it is entered inline.


ADMIN_CHANGES = [
    AdminChange(
        Strategy,
        lambda: plan_factories.StrategyFactory(title="Corporate strategy"),
        "title",
        "Three-year corporate strategy",
        "Title",
        "Corporate strategy",
        "Three-year corporate strategy",
    ),
    AdminChange(
        PlanYear,
        plan_factories.PlanYearFactory,
        "status",
        "closed",
        "Status",
        "Published",
        "Closed",
    ),
    AdminChange(
        StrategicObjective,
        plan_factories.StrategicObjectiveFactory,
        "label",
        "strategic priority",
        "Label",
        "Strategic objective",
        "Strategic priority",
    ),
    AdminChange(
        StrategicAim,
        plan_factories.StrategicAimFactory,
        "uncrc_articles",
        "3, 4 & 12",
        "UNCRC articles",
        BLANK,
        "3, 4 & 12",
    ),
    AdminChange(
        Theme, plan_factories.ThemeFactory, "kind", "pillar", "Kind", "Key theme", "Pillar"
    ),
    AdminChange(
        CorporateObjective,
        plan_factories.CorporateObjectiveFactory,
        "theme",
        lambda record: (
            plan_factories.ThemeFactory(plan_year=record.plan_year, name="Safeguarding").pk
        ),
        "Theme",
        BLANK,
        "Safeguarding (key theme)",
    ),
    AdminChange(
        Role,
        lambda: plan_factories.RoleFactory(title="Director of Policy"),
        "abbreviation",
        "DoP",
        "Abbreviation",
        BLANK,
        "DoP",
    ),
    AdminChange(
        Project,
        plan_factories.ProjectFactory,
        "pid_approved_on",
        "2012-04-01",
        "PID approved on",
        BLANK,
        "1 April 2012",
    ),
    AdminChange(
        ProjectTolerance,
        plan_factories.ProjectToleranceFactory,
        "tolerances-0-limit",
        "two weeks",
        "Limit",
        BLANK,
        "two weeks",
        screen=lambda record: record.project,
    ),
    # A status that needs no commentary: at risk without it is refused (issue 24).
    AdminChange(
        Milestone,
        plan_factories.MilestoneFactory,
        "status",
        "not started",
        "Status",
        "On track",
        "Not started",
    ),
    AdminChange(
        Recommendation,
        plan_factories.RecommendationFactory,
        "status",
        "accepted",
        "Status",
        "Under consideration",
        "Accepted",
    ),
    AdminChange(
        Risk,
        risk_factories.RiskFactory,
        "residual_likelihood",
        "4",
        "Residual likelihood",
        "3",
        "4",
    ),
    AdminChange(
        MitigatingAction,
        risk_factories.MitigatingActionFactory,
        "actions-0-is_done",
        "on",
        "Done",
        "No",
        "Yes",
        screen=lambda record: record.risk,
    ),
    AdminChange(
        Indicator,
        kpi_factories.IndicatorFactory,
        "annual_target",
        "60000",
        "Annual target",
        "50,000",
        "60,000",
    ),
    AdminChange(
        PeriodTarget,
        kpi_factories.PeriodTargetFactory,
        "targets-0-target",
        "4500",
        "Target",
        "4,000",
        "4,500",
        screen=lambda record: record.indicator,
    ),
    AdminChange(
        Measurement,
        kpi_factories.MeasurementFactory,
        "commentary",
        "Takeover Day month",
        "Commentary",
        BLANK,
        "Takeover Day month",
    ),
    AdminChange(
        GrantInAid,
        budget_factories.GrantInAidFactory,
        "amount",
        "3100000",
        "Amount",
        "3,000,000",
        "3,100,000",
    ),
    AdminChange(
        BudgetCategory,
        budget_factories.BudgetCategoryFactory,
        "kind",
        "programme delivery",
        "Kind",
        "Admin / running costs",
        "Programme delivery",
    ),
    AdminChange(
        Budget,
        budget_factories.BudgetFactory,
        "presentation_unit",
        "pounds",
        "Presentation unit",
        "£'000",
        "£",
    ),
    AdminChange(
        BudgetLine,
        budget_factories.BudgetLineFactory,
        "description",
        "Inquiries",
        "Description",
        BLANK,
        "Inquiries",
    ),
    AdminChange(
        MonthlyFigure,
        budget_factories.MonthlyFigureFactory,
        "forecast",
        "125000",
        "Forecast",
        BLANK,
        "125,000",
    ),
]


def test_every_business_model_keeps_a_history_and_is_covered_here():
    # A link in printed order is no record of its own: an owner is kept in its objective's or
    # indicator's history with the other owners; the projects an objective lists are links of
    # the project, as before.
    links = {CorporateObjectiveOwner, CorporateObjectiveProject, IndicatorOwner}
    models = {
        model
        for label in BUSINESS_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.object_name.startswith("Historical") and model not in links
    }
    assert all(hasattr(model, "history") for model in models)
    # A quarter's sign-off is made and reopened on the quarter's report, not in the entry
    # screens; its history is checked with the sign-off.
    assert {change.model for change in ADMIN_CHANGES} == models - {QuarterSignOff}


class ChangeFormValues(HTMLParser):
    """What a browser would submit from the admin's change form, as it stands."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.select = None
        self.textarea = None
        self.first_option = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = (attrs.get("name"), "multiple" in attrs)
            self.first_option = None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.add(self.select[0], attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self.add(self.textarea, "")

    def handle_data(self, data):
        if self.inside and self.textarea:
            self.data[self.textarea][-1] += data.removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, multiple = self.select
            if name and not multiple and name not in self.data and self.first_option is not None:
                self.add(name, self.first_option)
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def change_through_admin(client, change: AdminChange, record):
    """Open the record's change form, change one field as a person would, and save."""
    screen = change.screen(record) if change.screen else record
    opts = screen._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[screen.pk])
    form = ChangeFormValues(f"{opts.model_name}_form")
    form.feed(client.get(url).content.decode())
    data = form.data
    value = change.value(record) if callable(change.value) else change.value
    data[change.field] = [value]
    data["_save"] = ["Save"]
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")


@pytest.fixture
def administrator(user_in_group):
    return user_in_group("Administrators", first_name="Ada", last_name="Lovelace")


@pytest.mark.django_db
@pytest.mark.parametrize("change", ADMIN_CHANGES, ids=lambda change: change.model.__name__)
def test_a_change_through_the_admin_records_who_when_and_the_values_before_and_after(
    client, administrator, change
):
    record = change.make()
    client.force_login(administrator)
    started = timezone.now()
    change_through_admin(client, change, record)

    newest = history.record_histories(change.model, pks=[record.pk])[record.pk].entries[0]
    assert newest.who == "Ada Lovelace"
    assert newest.action == history.CHANGED
    assert started <= newest.when <= timezone.now()
    assert FieldChange(change.label, change.before, change.after) in newest.changes
    assert record.history.latest().history_user == administrator


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [change for change in ADMIN_CHANGES if change.screen is None],
    ids=lambda change: change.model.__name__,
)
def test_an_administrator_reads_who_changed_what_on_the_history_page(client, administrator, change):
    record = change.make()
    client.force_login(administrator)
    change_through_admin(client, change, record)
    opts = record._meta
    response = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ada Lovelace" in content
    assert "system" in content  # The factory made the record outside any request.
    assert f"<strong>{change.label}:</strong> {escape(change.before)} &rarr; " in content
    assert escape(change.after) in content


@pytest.mark.django_db
def test_a_record_kept_from_before_history_began_opens_on_the_history_page(client, administrator):
    project = plan_factories.ProjectFactory()
    project.history.all().delete()
    client.force_login(administrator)
    response = client.get(reverse("admin:plans_project_history", args=[project.pk]))
    assert response.status_code == 200
    assert history.record_histories(Project, pks=[project.pk]) == {}


@pytest.mark.django_db
def test_a_change_of_project_owners_reads_as_one_change_from_the_old_owner_to_the_new(
    client, administrator
):
    policy = plan_factories.RoleFactory(title="Director of Policy", abbreviation="DoP")
    chief = plan_factories.RoleFactory(title="Chief Executive", abbreviation="CE")
    project = plan_factories.ProjectFactory()
    project.owners.add(policy)
    client.force_login(administrator)
    change = AdminChange(Project, None, "owners", chief.pk, "Owners", "", "")
    change_through_admin(client, change, project)

    entries = history.record_histories(Project, pks=[project.pk])[project.pk].entries
    assert entries[0].who == "Ada Lovelace"
    assert entries[0].changes == (
        FieldChange("Owners", "Director of Policy (DoP)", "Chief Executive (CE)"),
    )
    # The owner set moments after the project was made is part of its creation.
    assert [entry.action for entry in entries[1:]] == ["created"]


@pytest.mark.django_db
def test_saving_a_form_unchanged_adds_nothing_to_the_history(client, administrator):
    milestone = plan_factories.MilestoneFactory()
    client.force_login(administrator)
    change = AdminChange(Milestone, None, "status", milestone.status, "", "", "")
    change_through_admin(client, change, milestone)
    assert milestone.history.count() == 1


@pytest.mark.django_db
def test_the_history_page_cannot_put_an_old_version_back(client, user_in_group):
    """Reverting would save past the change form's checks, even for someone who may only view."""
    project = plan_factories.ProjectFactory(title="Takeover Day")
    version = project.history.latest()
    client.force_login(user_in_group("Staff"))
    url = reverse("admin:plans_project_simple_history", args=[project.pk, version.history_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "plan_year": project.plan_year_id,
            "title": "Renamed",
            "position": 0,
            "record_version": record_fingerprint(project),
        },
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title == "Takeover Day"


def history_rows() -> int:
    return sum(
        model.objects.count()
        for label in BUSINESS_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.object_name.startswith("Historical")
    )


def test_loading_the_demo_again_adds_no_history(demo):
    after_first = history_rows()
    plan_year = PlanYear.objects.get(year="2012-13")
    entries = history.record_histories(PlanYear, pks=[plan_year.pk])[plan_year.pk].entries
    assert [(entry.who, entry.action) for entry in entries] == [(history.SYSTEM, "created")]
    run_load_demo()
    assert after_first > 0
    assert history_rows() == after_first


@pytest.mark.django_db
def test_the_history_page_query_count_does_not_grow_with_the_versions(
    client, administrator, django_assert_max_num_queries
):
    few, many = plan_factories.ProjectFactory.create_batch(2)
    rename(few, 1, title="Few")
    rename(many, 30, title="Many")
    client.force_login(administrator)
    # Once first, so that what Django keeps for the process (content types) is not counted, and
    # then built afresh rather than answered as kept (core.kept_pages).
    client.get(reverse("admin:plans_project_history", args=[few.pk]))
    cache.clear()
    with django_assert_max_num_queries(20) as few_queries:
        client.get(reverse("admin:plans_project_history", args=[few.pk]))
    with django_assert_max_num_queries(20) as many_queries:
        response = client.get(reverse("admin:plans_project_history", args=[many.pk]))
    assert "Many 29" in response.content.decode()
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)


# The pages that show a record show its history.


def rename(record, times, **values):
    for number in range(times):
        for name, value in values.items():
            setattr(record, name, f"{value} {number}")
        record.save()


@pytest.mark.django_db
def test_the_project_page_shows_changes_of_the_project_and_its_milestones(client, user_in_group):
    director = user_in_group("Directors", first_name="Grace", last_name="Hopper")
    project = plan_factories.ProjectFactory(title="Takeover Day")
    milestone = plan_factories.MilestoneFactory(project=project, title="Report published")
    milestone.status = "slipped"
    milestone._history_user = director
    milestone.save()
    client.force_login(director)
    content = client.get(project.get_absolute_url()).content.decode()
    assert "History of this project and its milestones" in content
    assert "Grace Hopper" in content
    assert "Milestone &quot;Report published&quot; changed" in content
    assert "<strong>Status</strong>: On track" in content
    assert "Slipped" in content
    assert "system" in content  # The project was created outside any request.


@pytest.mark.django_db
def test_the_indicator_page_shows_changes_of_its_targets_and_actuals(signed_in_client):
    measurement = kpi_factories.MeasurementFactory(indicator__ref="KPI1")
    measurement.value = Decimal("4200")
    measurement.save()
    content = signed_in_client.get("/plans/2010-11/indicators/KPI1/").content.decode()
    assert "History of this indicator, its targets and actuals" in content
    assert "Actual for April 2010 changed" in content
    assert "<strong>Value</strong>: 4,100" in content
    assert "4,200" in content


@pytest.mark.django_db
def test_the_plan_overview_shows_changes_of_the_plan(signed_in_client):
    plan_year = plan_factories.PlanYearFactory(status="draft")
    plan_year.status = "published"
    plan_year.save()
    content = signed_in_client.get(plan_year.get_absolute_url()).content.decode()
    assert "History of this plan" in content
    assert "<strong>Status</strong>: Draft" in content


@pytest.mark.django_db
def test_a_long_history_shows_the_latest_change_and_links_to_the_rest(signed_in_client):
    plan_year = plan_factories.PlanYearFactory()
    rename(plan_year, 15, title="Business Plan")
    content = signed_in_client.get(plan_year.get_absolute_url()).content.decode()
    assert "Business Plan 13 <span class" in content  # The latest change: 13 to 14.
    assert "Business Plan 12 " not in content
    # Created, then renamed 15 times: 16 changes, the latest shown, 15 before it.
    url = reverse("history", args=["plans", "planyear", plan_year.pk])
    assert f'15 earlier changes &mdash; <a class="govuk-link" href="{url}">' in content


@pytest.mark.django_db
def test_the_project_page_query_count_does_not_grow_with_its_history(
    signed_in_client, django_assert_max_num_queries
):
    few = plan_factories.ProjectFactory()
    plan_factories.MilestoneFactory(project=few)
    rename(few, 1, title="Few")
    many = plan_factories.ProjectFactory()
    for milestone in plan_factories.MilestoneFactory.create_batch(3, project=many):
        rename(milestone, 15, title="Milestone")
    rename(many, 30, title="Many")
    with django_assert_max_num_queries(24) as few_queries:
        signed_in_client.get(few.get_absolute_url())
    with django_assert_max_num_queries(24) as many_queries:
        signed_in_client.get(many.get_absolute_url())
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)


@pytest.mark.django_db
def test_the_indicator_page_query_count_does_not_grow_with_its_history(
    signed_in_client, django_assert_max_num_queries
):
    few = kpi_factories.IndicatorFactory(ref="KPI1")
    kpi_factories.MeasurementFactory(indicator=few)
    rename(few, 1, title="Few")
    many = kpi_factories.IndicatorFactory(ref="KPI2")
    for month in (4, 5, 6):
        measurement = kpi_factories.MeasurementFactory(
            indicator=many, period=datetime.date(2010, month, 1)
        )
        rename(measurement, 10, commentary="Month")
    kpi_factories.PeriodTargetFactory(indicator=many)
    rename(many, 30, title="Many")
    with django_assert_max_num_queries(20) as few_queries:
        signed_in_client.get("/plans/2010-11/indicators/KPI1/")
    with django_assert_max_num_queries(20) as many_queries:
        signed_in_client.get("/plans/2010-11/indicators/KPI2/")
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)


@pytest.mark.django_db
def test_the_plan_overview_query_count_does_not_grow_with_its_history(
    signed_in_client, django_assert_max_num_queries
):
    few = plan_factories.PlanYearFactory(year="2010-11")
    rename(few, 1, title="Few")
    many = plan_factories.PlanYearFactory(year="2012-13")
    rename(many, 40, title="Many")
    with django_assert_max_num_queries(20) as few_queries:
        signed_in_client.get(few.get_absolute_url())
    with django_assert_max_num_queries(20) as many_queries:
        signed_in_client.get(many.get_absolute_url())
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)
