"""`manage.py load_demo`: safe to run again, the demo users, the illustrative data, and a broken
data file stopping the load with nothing written."""

import datetime
import hashlib
import shutil
from decimal import Decimal

import pytest
import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError

import demo.loader
from budgets.models import Budget, BudgetCategory, BudgetLine, GrantInAid
from kpis.models import Indicator, Measurement
from plans.models import Milestone, PlanYear, Project, Role, Strategy
from tests.conftest import run_load_demo

User = get_user_model()

DEMO_USERS = {
    "admin": "Administrators",
    "director": "Directors",
    "staff": "Staff",
    "finance": "Corporate services",
}
ILLUSTRATIVE_YEARS = {"2010-11": 2010, "2012-13": 2012, "2016-17": 2016}


def all_models():
    """Every model of plans, kpis and budgets (with their many-to-many tables), and the users,
    groups and memberships."""
    models = [
        model
        for label in ("plans", "risks", "kpis", "budgets")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        # The audit history outlives the records it describes.
        if not model._meta.object_name.startswith("Historical")
    ]
    return [
        *models,
        User,
        Group,
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ]


def snapshot() -> dict:
    """Every row of every model, as dicts."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in all_models()
    }


def counts() -> dict:
    return {model._meta.label: model.objects.count() for model in all_models()}


def months(start: int) -> list[datetime.date]:
    """The first day of each month of the financial year starting in April of `start`."""
    return [datetime.date(start + (month < 4), month, 1) for month in [*range(4, 13), 1, 2, 3]]


def illustrative_digest() -> str:
    """A digest of the illustrative measurements and milestones by natural key (not by pk)."""
    rows = [
        (
            m.indicator.plan_year.year,
            m.indicator.ref,
            m.period.isoformat(),
            str(m.value),
            str(m.numerator),
            str(m.denominator),
            m.commentary,
            m.entered_at.isoformat(),
            m.entered_by.username if m.entered_by else "",
            m.is_illustrative,
        )
        for m in Measurement.objects.select_related("indicator__plan_year", "entered_by")
    ]
    rows += [
        (
            m.project.plan_year.year,
            m.project.title,
            m.title,
            m.due_on.isoformat(),
            m.status,
            m.completed_on.isoformat() if m.completed_on else "",
            m.commentary,
            m.is_illustrative,
        )
        for m in Milestone.objects.select_related("project__plan_year")
    ]
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def delete_demo_data():
    """Remove everything load_demo wrote, leaving what the migrations created (the groups)."""
    BudgetLine.objects.all().delete()  # protects projects and categories
    PlanYear.objects.all().delete()
    Strategy.objects.all().delete()
    BudgetCategory.objects.all().delete()
    Role.objects.all().delete()
    User.objects.filter(username__in=DEMO_USERS).delete()


# --- A database with only what the migrations create ------------------------------------------


def test_migrations_alone_create_no_demo_users_or_plans(db):
    assert not User.objects.filter(username="director").exists()
    assert not User.objects.filter(username__in=DEMO_USERS).exists()
    assert not PlanYear.objects.exists()
    # The groups are the migrations' work, so load_demo can rely on them.
    assert set(DEMO_USERS.values()) <= set(Group.objects.values_list("name", flat=True))


@pytest.fixture
def broken_data_dir(tmp_path, monkeypatch):
    """A copy of the demo data files in a temporary folder that the loader reads instead."""
    for path in demo.loader.DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(demo.loader, "DATA_DIR", tmp_path)

    def edit(filename, change):
        path = tmp_path / filename
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    return edit


def project(data, title):
    return next(item for item in data["projects"] if item["title"] == title)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda data: project(data, "Takeover Challenge").update(owners=["Director of Fun"]),
            "owner(s) not in roles.yaml: Director of Fun",
        ),
        (
            lambda data: project(data, "Takeover Challenge").update(budget="1000"),
            "unknown key(s) budget",
        ),
    ],
    ids=["unknown owner", "unknown key"],
)
def test_a_broken_file_stops_the_load_and_nothing_is_written(db, broken_data_dir, change, message):
    # 2016-17 is read after 2010-11 and 2012-13, so those have been written when it fails.
    broken_data_dir("2016-17.yaml", change)
    before = counts()
    with pytest.raises(CommandError) as error:
        run_load_demo()
    assert str(error.value).startswith("2016-17.yaml, project 'Takeover Challenge': ")
    assert message in str(error.value)
    assert counts() == before
    assert not PlanYear.objects.exists()


def test_the_demo_password_comes_from_the_environment_for_new_accounts(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")

    run_load_demo()

    for username in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password("another-demo-password"), username
        assert not user.check_password("demo"), username


def test_an_existing_account_with_a_demo_name_keeps_its_password_and_flags(db):
    person = User.objects.create_user("staff", password="a real person's password", is_active=False)

    output = run_load_demo()

    person.refresh_from_db()
    assert person.check_password("a real person's password")
    assert (person.is_active, person.is_staff, person.is_superuser) == (False, False, False)
    # It is put in the Staff group and on projects, as the demo needs; the others are created.
    assert person.groups.filter(name="Staff").exists()
    assert person.projects.exists()
    assert "Demo data loaded:" in output
    assert User.objects.get(username="director").check_password("demo")


# --- A database holding the demo ----------------------------------------------------------------


@pytest.fixture
def loaded(demo):
    """The loaded demo, with the test isolated in a savepoint; returns the load's output."""
    return demo


class TestLoadedDemo:
    def test_a_second_run_changes_nothing(self, loaded):
        assert "Demo data loaded:" in loaded
        assert "loaded: 0 created" not in loaded
        before = snapshot()
        assert before["kpis.Measurement"]
        assert before["plans.Milestone"]

        output = run_load_demo()

        assert "Demo data loaded: 0 created, 0 updated," in output
        assert snapshot() == before

    def test_if_empty_does_nothing_when_plans_exist(self, loaded):
        indicator = Indicator.objects.get(plan_year__year="2010-11", ref="KPI1")
        indicator.title = "Changed since the load"
        indicator.save()
        before = snapshot()

        output = run_load_demo("--if-empty")

        assert "nothing to do" in output
        assert snapshot() == before  # the change is not put back

    def test_demo_users(self, loaded):
        for username, group in DEMO_USERS.items():
            user = User.objects.get(username=username)
            assert user.check_password("demo"), username
            assert set(user.groups.values_list("name", flat=True)) == {group}, username
            assert user.is_active, username
        assert User.objects.get(username="admin").is_superuser
        assert not User.objects.filter(username__in=["director", "staff", "finance"]).filter(
            is_superuser=True
        )
        # The director holds a role that owns indicators and projects.
        director_roles = Role.objects.filter(holders__username="director")
        assert Indicator.objects.filter(owners__in=director_roles).exists()
        assert Project.objects.filter(owners__in=director_roles).exists()
        # The staff user works on several projects of every annual plan.
        for year in ILLUSTRATIVE_YEARS:
            assert (
                Project.objects.filter(plan_year__year=year, members__username="staff").count() >= 2
            ), year
        assert User.objects.get(username="finance").groups.filter(name="Corporate services")

    def test_a_new_demo_password_does_not_change_the_existing_accounts(self, loaded, monkeypatch):
        monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
        before = snapshot()

        output = run_load_demo()

        assert "Demo data loaded: 0 created, 0 updated," in output
        assert snapshot() == before
        for username in DEMO_USERS:
            assert User.objects.get(username=username).check_password("demo"), username

    def test_it_never_resets_or_reactivates_an_existing_account(self, loaded):
        director = User.objects.get(username="director")
        director.set_password("a real person's password")
        director.is_active = False
        director.is_staff = False
        director.save()
        admin = User.objects.get(username="admin")
        admin.is_superuser = False
        admin.save()

        run_load_demo()

        director.refresh_from_db()
        assert director.check_password("a real person's password")
        assert not director.check_password("demo")
        assert not director.is_active
        assert not director.is_staff
        admin.refresh_from_db()
        assert not admin.is_superuser

    def test_every_indicator_has_an_actual_for_every_period(self, loaded):
        indicators = Indicator.objects.filter(plan_year__year__in=ILLUSTRATIVE_YEARS)
        assert indicators.count() == 10 + 28 + 14
        # Those counted from recommendations are never entered (eleven 2012-13 project indicators).
        counted = indicators.filter(source="recommendations by status")
        assert counted.count() == 11
        assert not Measurement.objects.filter(indicator__in=counted).exists()
        for indicator in indicators.exclude(pk__in=counted).select_related("plan_year"):
            year = months(ILLUSTRATIVE_YEARS[indicator.plan_year.year])
            expected = {"monthly": year, "quarterly": year[::3], "annual": year[:1]}
            periods = sorted(indicator.measurements.values_list("period", flat=True))
            assert periods == expected[indicator.frequency], (
                indicator.plan_year.year,
                indicator.ref,
            )

    def test_every_project_has_milestones_within_its_year(self, loaded):
        projects = Project.objects.filter(plan_year__year__in=ILLUSTRATIVE_YEARS)
        assert projects.count() == 27 + 20 + 29
        assert not projects.filter(milestones__isnull=True).exists()
        for milestone in Milestone.objects.select_related("project__plan_year"):
            year_months = months(ILLUSTRATIVE_YEARS[milestone.project.plan_year.year])
            assert year_months[0] <= milestone.due_on < year_months[-1] + datetime.timedelta(31)
        for year in ILLUSTRATIVE_YEARS:
            statuses = set(
                Milestone.objects.filter(project__plan_year__year=year).values_list(
                    "status", flat=True
                )
            )
            assert {"done", "slipped"} <= statuses, year

    def test_illustrative_data_says_so(self, loaded):
        assert Measurement.objects.exists()
        assert Milestone.objects.exists()
        assert not Measurement.objects.filter(is_illustrative=False).exists()
        for record in [*Measurement.objects.all(), *Milestone.objects.filter(is_illustrative=True)]:
            assert "illustrative" in record.commentary.lower()

    def test_milestones_the_documents_print_are_not_illustrative(self, loaded):
        printed = Milestone.objects.filter(is_illustrative=False)
        assert printed.count() == 23 + 2  # 2012-13 and 2016-17
        assert not printed.filter(commentary__icontains="illustrative").exists()
        # A project with printed milestones gets no illustrative ones.
        assert not Milestone.objects.filter(
            is_illustrative=True, project__milestones__is_illustrative=False
        ).exists()

    def test_no_document_figure_is_marked_illustrative(self, loaded):
        for model in (Indicator, Project, BudgetLine, Budget, GrantInAid, PlanYear):
            fields = {field.name for field in model._meta.get_fields()}
            assert "is_illustrative" not in fields, model.__name__
        for model in (Project, Indicator):
            assert model.objects.exists()
            # Only the note saying an owner the demo gives is not printed (2016-17).
            for notes in model.objects.filter(notes__icontains="illustrative").values_list(
                "notes", flat=True
            ):
                for note in notes.splitlines():
                    assert "illustrative" not in note or note.startswith(
                        "- Owner: none printed."
                    ), note

    def test_some_indicators_run_below_target(self, loaded):
        """Amber and red are represented: of the indicators whose year-to-date value is a total
        or a level, at least one ends the year under 90% of its annual target and one above
        97%."""
        shares = {}
        counted = Indicator.objects.filter(
            plan_year__year__in=ILLUSTRATIVE_YEARS,
            aggregation__in=["total", "level"],
            annual_target__gt=0,
        )
        for indicator in counted.select_related("plan_year").prefetch_related("measurements"):
            values = [m.value for m in sorted(indicator.measurements.all(), key=lambda m: m.period)]
            year_value = sum(values) if indicator.aggregation == "total" else values[-1]
            shares[f"{indicator.plan_year.year} {indicator.ref}"] = round(
                year_value / indicator.annual_target, 3
            )
        assert len(shares) >= 3
        assert min(shares.values()) < Decimal("0.90"), shares
        assert max(shares.values()) > Decimal("0.97"), shares

    def test_illustrative_percentages_are_possible(self, loaded):
        """A percentage is between 0 and 100, and a ratio's numerator within its denominator."""
        impossible = []
        percentages = Measurement.objects.filter(
            indicator__unit="percentage", indicator__plan_year__year__in=ILLUSTRATIVE_YEARS
        ).select_related("indicator__plan_year")
        for m in percentages:
            value = m.value if m.value is not None else m.ratio_percent
            if not 0 <= value <= 100:
                impossible.append((m.indicator.plan_year.year, m.indicator.ref, str(value)))
        assert not impossible, sorted({row[:2] for row in impossible})

    def test_the_data_is_the_same_on_every_load(self, loaded):
        digest = illustrative_digest()
        delete_demo_data()
        assert not any(
            count
            for label, count in counts().items()
            if label.split(".")[0] in ("plans", "risks", "kpis", "budgets")
        )

        output = run_load_demo()

        assert output == loaded  # the same records created as by the first load
        assert illustrative_digest() == digest
