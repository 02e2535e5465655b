"""The entry screens as a person reads them: exported workbooks named after what they hold with
headers in words and formatted numbers, numbers typed as people write them, change lists with
numbers as people write them, and an import preview that shows old and new values side by side.
"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from budgets.models import BudgetLine
from core.spreadsheets.writing import MONEY_FORMAT
from kpis.models import Indicator, Measurement
from tests.budgets.factories import BudgetCategoryFactory, BudgetFactory, BudgetLineFactory
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import PlanYearFactory, ProjectFactory
from tests.test_import_export import confirm, csv_upload, export, format_index, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client, user_in_group):
    client.force_login(user_in_group("Corporate services"))
    return client


@pytest.fixture
def administrator(client, user_in_group):
    client.force_login(user_in_group("Administrators"))
    return client


@pytest.fixture
def lines():
    year = PlanYearFactory(year="2010-11")
    budget = BudgetFactory(plan_year=year)
    project = ProjectFactory(plan_year=year, title="Children's voices")
    pay = BudgetCategoryFactory(name="Pay")
    income = BudgetCategoryFactory(name="Income", is_income=True)
    return {
        "pay": BudgetLineFactory(
            budget=budget,
            category=pay,
            project=project,
            amount=Decimal("1473000.00"),
            description="=SUM(A1:A9)",
        ),
        "income": BudgetLineFactory(
            budget=budget, category=income, amount=Decimal("-93000.00"), description="Grant"
        ),
        "pence": BudgetLineFactory(
            budget=budget, category=pay, amount=Decimal("12.50"), description="Stamps"
        ),
    }


def workbook(response):
    assert response.status_code == 200, response.content[:2000]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def cells_by_header(sheet):
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


# -- Exports -------------------------------------------------------------------------------------


def test_an_exported_workbook_is_named_after_its_year_with_headers_in_words(finance, lines):
    book = workbook(export(finance, BudgetLine, XLSX))
    sheet = book.active

    assert sheet.title == "Budget lines 2010-11"
    assert [cell.value for cell in sheet[1]] == [
        "ID", "Plan year", "Category", "Project", "Amount (£)", "Description", "Notes", "Version",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])


def test_an_exported_workbook_formats_money_as_pounds_and_keeps_numbers_numbers(finance, lines):
    rows = {row["Description"].value: row for row in cells_by_header(
        workbook(export(finance, BudgetLine, XLSX)).active
    )}  # fmt: skip
    pay, income, pence = rows["'=SUM(A1:A9)"], rows["Grant"], rows["Stamps"]

    assert pay["Amount (£)"].data_type == "n"
    assert pay["Amount (£)"].value == 1473000
    assert pay["Amount (£)"].number_format == MONEY_FORMAT
    assert income["Amount (£)"].value == -93000
    assert pence["Amount (£)"].number_format == MONEY_FORMAT
    assert pay["ID"].number_format == "#,##0"
    # The formula is escaped exactly as before: written as text with an apostrophe in front.
    assert pay["Description"].data_type == "s"
    assert pay["Description"].value == "'=SUM(A1:A9)"


def test_an_exported_workbook_has_columns_as_wide_as_what_they_hold(finance, lines):
    sheet = workbook(export(finance, BudgetLine, XLSX)).active

    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Project"] >= len("Children's voices")
    assert widths["Amount (£)"] >= len("Amount (£)")
    assert all(width <= 61 for width in widths.values())


def test_a_workbook_of_several_years_is_named_for_what_it_holds(finance, lines):
    later = BudgetFactory(plan_year=PlanYearFactory(year="2011-12"))
    BudgetLineFactory(budget=later, category=lines["pay"].category, amount=Decimal("1"))

    sheet = workbook(export(finance, BudgetLine, XLSX)).active

    assert sheet.title == "Budget lines"


def test_an_indicator_workbook_formats_measures_and_dates(administrator):
    IndicatorFactory(
        plan_year=PlanYearFactory(year="2010-11"),
        ref="KPI1",
        annual_target=Decimal("50000.0000"),
        baseline=Decimal("70.9000"),
    )

    sheet = workbook(export(administrator, Indicator, XLSX)).active
    row = cells_by_header(sheet)[0]

    assert sheet.title == "Indicators 2010-11"
    assert row["Annual target"].value == 50000
    assert row["Annual target"].number_format == "#,##0"
    assert row["Baseline"].number_format == "#,##0.0###"
    assert "Target change (%)" in row


def test_the_actuals_workbook_runs_as_many_queries_for_twelve_times_the_rows(
    administrator, django_assert_num_queries
):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year = PlanYearFactory(year="2010-11")
    indicators = [IndicatorFactory(plan_year=year, ref=f"KPI{n}") for n in (1, 2)]
    for indicator in indicators:
        MeasurementFactory(indicator=indicator, period=year.months()[0])
    export(administrator, Measurement, XLSX)  # the session and permissions, once
    with CaptureQueriesContext(connection) as two_rows:
        export(administrator, Measurement, XLSX)
    # Entered by someone: the export names them without a query per row.
    someone = get_user_model().objects.create_user("someone")
    for indicator in indicators:
        for month in year.months()[1:]:
            MeasurementFactory(indicator=indicator, period=month, entered_by=someone)

    with django_assert_num_queries(len(two_rows.captured_queries)):
        sheet = workbook(export(administrator, Measurement, XLSX)).active
    # 2 indicators x 12 months, under the header row.
    assert sheet.max_row == 1 + 24


def test_the_export_form_offers_only_a_workbook_and_csv_with_the_workbook_chosen(finance):
    response = finance.get(reverse("admin:budgets_budgetline_export"))

    field = response.context["form"]["format"]
    assert [label for _value, label in field.field.choices] == ["xlsx", "csv"]
    assert field.value() == "0"
    assert "---" not in response.content.decode()


def test_an_exported_workbook_with_headers_in_words_imports_back_unchanged(administrator, lines):
    exported = export(administrator, BudgetLine, XLSX).content

    preview = upload(administrator, BudgetLine, exported, format_class=XLSX)

    assert preview.context["preview"].unchanged == 3
    assert preview.context["preview"].changed == 0
    confirm(administrator, BudgetLine, preview)
    lines["pay"].refresh_from_db()
    assert lines["pay"].description == "=SUM(A1:A9)"
    assert lines["pay"].amount == Decimal("1473000.00")


# -- Import preview ------------------------------------------------------------------------------


def test_the_import_preview_sums_up_and_shows_each_change_before_and_after(administrator, lines):
    pay = lines["pay"]
    BudgetCategoryFactory(name="Governance")
    sheet = [
        ["id", "plan_year", "category", "project", "amount", "description", "notes"],
        [pay.pk, "2010-11", "Pay", "Children's voices", "1500000.00", pay.description, ""],
        ["", "2010-11", "Governance", "", "250.00", "Printing", ""],
    ]
    preview = administrator.post(
        reverse("admin:budgets_budgetline_import"),
        {
            "import_file": csv_upload(sheet),
            "format": format_index(BudgetLine, CSV),
            "resource": "0",
        },
    )

    summary = preview.context["preview"]
    assert (summary.new, summary.changed, summary.unchanged, summary.errors) == (1, 1, 0, 0)
    [changed] = summary.changed_rows
    assert [(v.column, v.before_text, v.after_text) for v in changed.values] == [
        ("Amount (£)", "1,473,000", "1,500,000")
    ]
    page = preview.content.decode()
    assert "What this sheet does" in page
    assert "<ins" not in page
    assert "<del" not in page
    assert 'class="app-import-before">1,473,000<' in page
    assert 'class="app-import-after">1,500,000<' in page


# -- Forms and change lists ----------------------------------------------------------------------


def change_form_data(response):
    """The fields of an admin change form as the browser would post them unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if not isinstance(value, list):
            value = field.widget.format_value(value)
        if value is not None:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


@pytest.mark.parametrize("typed", ["1,500,000", "£1,500,000", "1500000"])
def test_an_amount_typed_as_people_write_it_is_stored_as_that_decimal(administrator, lines, typed):
    line = lines["pay"]
    url = reverse("admin:budgets_budgetline_change", args=[line.pk])
    data = change_form_data(administrator.get(url))
    data["amount"] = typed

    response = administrator.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    line.refresh_from_db()
    assert line.amount == Decimal("1500000.00")


def test_a_malformed_amount_is_refused_saying_what_to_type(administrator, lines):
    line = lines["pay"]
    url = reverse("admin:budgets_budgetline_change", args=[line.pk])
    data = change_form_data(administrator.get(url))
    data["amount"] = "1.5 million"

    response = administrator.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"] == [
        "'1.5 million' is not a number. Enter an amount in pounds, like £1,473,000 or 1473000."
    ]
    line.refresh_from_db()
    assert line.amount == Decimal("1473000.00")


def test_the_change_form_shows_the_amount_as_people_write_it(administrator, lines):
    url = reverse("admin:budgets_budgetline_change", args=[lines["pay"].pk])

    page = administrator.get(url).content.decode()

    assert 'value="1,473,000"' in page
    assert 'inputmode="decimal"' in page


def test_the_change_list_shows_money_and_measures_as_people_write_them(administrator, lines):
    IndicatorFactory(
        plan_year=lines["pay"].budget.plan_year, ref="KPI1", annual_target=Decimal("4543.0000")
    )

    budget_lines = administrator.get(reverse("admin:budgets_budgetline_changelist"))
    indicators = administrator.get(reverse("admin:kpis_indicator_changelist"))

    page = budget_lines.content.decode()
    assert '<span class="app-number">£1,473,000</span>' in page
    assert '<span class="app-number">(£93,000)</span>' in page
    assert '<span class="app-number">£12.50</span>' in page
    assert "1473000.00" not in page
    assert '<span class="app-number">4,543</span>' in indicators.content.decode()


def test_a_number_column_still_sorts(administrator, lines):
    response = administrator.get(reverse("admin:budgets_budgetline_changelist"))
    amount = next(
        header
        for header in response.context["cl"].model_admin.get_list_display(response.wsgi_request)
        if getattr(header, "__name__", header) == "amount"
    )

    assert amount in response.context["cl"].sortable_by
    page = response.content.decode()
    assert 'class="sortable column-amount' in page


def test_the_export_form_names_each_column_as_its_header(finance):
    page = finance.get(reverse("admin:budgets_budgetline_export")).content.decode()

    assert ">Amount (£)</label>" in page
    assert ">Plan year</label>" in page
    assert 'value="Export"' in page


def test_the_import_page_lists_the_columns_as_the_export_writes_them(finance):
    page = finance.get(reverse("admin:budgets_budgetline_import")).content.decode()

    assert "Amount (£)" in page
    assert "Plan year" in page


def test_a_short_list_is_a_plain_select_and_a_long_one_an_autocomplete_box(
    administrator, lines, monkeypatch
):
    from django.contrib.admin.widgets import AutocompleteSelect
    from django.forms import CheckboxSelectMultiple, Select

    url = reverse("admin:plans_project_change", args=[lines["pay"].project.pk])

    form = administrator.get(url).context["adminform"].form
    assert type(form.fields["plan_year"].widget.widget) is Select
    assert isinstance(form.fields["owners"].widget.widget, CheckboxSelectMultiple)

    monkeypatch.setattr("core.forms.SHORT_LIST", 0)
    cache.clear()  # the screen kept was built with the longer short list
    form = administrator.get(url).context["adminform"].form
    assert isinstance(form.fields["plan_year"].widget.widget, AutocompleteSelect)


def test_a_closed_years_figures_read_as_people_write_them(client, user_in_group):
    year = PlanYearFactory(year="2010-11", status="closed")
    indicator = IndicatorFactory(plan_year=year, ref="KPI1", annual_target=Decimal("50000.0000"))
    client.force_login(user_in_group("Directors"))

    page = client.get(reverse("admin:kpis_indicator_change", args=[indicator.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert '<div class="readonly">50,000</div>' in html
    assert "50000.0000" not in html
