"""Budget pages: the variance report, the workbook and csv, the monthly actuals import and
rolling a budget forward."""

import csv
import io
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from budgets import exports, selectors, services
from budgets.forms import ConfirmImportForm, MonthlyFiguresUploadForm, VarianceMonthForm
from budgets.models import Budget
from budgets.rights import NOT_CORPORATE_SERVICES, budget_rights
from core import caching
from core.admin import read_upload, upload_limits
from core.kept_pages import kept_page
from core.numbers import format_number
from core.services import PreviewUnavailable, import_preview_claim, import_preview_keep
from core.spreadsheets.reading import UnreadableSheet, read_sheet
from plans.locks import quarter_locks
from plans.models import PlanYear
from plans.periods import Quarter

# Rows of a good sheet the preview lists (every problem of a bad one is listed).
PREVIEW_ROWS = 500


def _budget(year) -> Budget:
    return get_object_or_404(Budget.objects.select_related("plan_year"), plan_year__year=year)


def _report(request, year, plan_year=None, *, stream=False):
    # Every signed-in person reads the budget, as on the plan overview.
    plan_year = plan_year or get_object_or_404(PlanYear, year=year)
    try:
        # No month asked for: the latest month with actuals (the selector reads no clock).
        month = selectors.parse_report_month(request.GET.get("month"), plan_year)
        read = selectors.variance_stream if stream else selectors.variance_report
        return read(plan_year=plan_year, as_at=month)
    except selectors.UnknownMonth as error:
        raise Http404(str(error)) from error
    except Budget.DoesNotExist as error:
        raise Http404(f"{year} has no budget.") from error


@require_safe
@kept_page
def variance(request, year):
    plan_year = get_object_or_404(PlanYear, year=year)
    if not Budget.objects.filter(plan_year=plan_year).exists():
        # The header links to the current plan year's page, which may have no budget yet.
        return render(request, "budgets/no_budget.html", {"plan_year": plan_year})
    report = _report(request, year, plan_year)
    rights = budget_rights(request.user)
    return render(
        request,
        "budgets/variance.html",
        {
            "report": report,
            "month_form": VarianceMonthForm(report),
            "plan_year": report.plan_year,
            "may_import": rights.may_import(report.plan_year),
            "may_roll_forward": rights.may_roll_forward,
        },
    )


def _month_suffix(report: selectors.VarianceHeading) -> str:
    """ "-2016-09" for figures as at September 2016; nothing before any actuals."""
    return f"-{report.month:%Y-%m}" if report.month else ""


#: Bump when the workbook or the csv change shape, so none kept earlier is sent.
EXPORT_VERSION = 1


def _kept_export(request, year, kind, build) -> tuple[str, bytes]:
    """The (file name, content) `build(report)` makes of the variance report asked for, kept
    (core.caching) until a record changes: the same for everyone who may read the budget, and
    the workbook took longer to write than the page to render."""
    month = request.GET.get("month", "")
    fingerprint = caching.fingerprint()
    return caching.kept(
        "budget-export",
        EXPORT_VERSION,
        kind,
        year,
        month,
        fingerprint,
        build=lambda: build(_report(request, year, stream=True)),
    )


def _workbook(report) -> tuple[str, bytes]:
    # Written to an anonymous temporary file (gone once closed), so that a large workbook is
    # written row by row rather than held in the writer's memory.
    with tempfile.TemporaryFile() as output:
        exports.write_workbook(report, output)
        output.seek(0)
        content = output.read()
    return f"budget-{report.plan_year.year}{_month_suffix(report)}.xlsx", content


def _lines_csv(report) -> tuple[str, bytes]:
    # A byte order mark, so spreadsheet programs read the file as UTF-8 (the £ in the headers).
    content = ("\ufeff" + exports.lines_csv(report)).encode()
    return f"budget-lines-{report.plan_year.year}{_month_suffix(report)}.csv", content


@require_safe
@kept_page
def workbook(request, year):
    filename, content = _kept_export(request, year, "xlsx", _workbook)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@kept_page
def lines_csv(request, year):
    filename, content = _kept_export(request, year, "csv", _lines_csv)
    response = HttpResponse(content, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _preview_model(budget: Budget) -> str:
    # The preview is for this year's budget: confirming it at another year's address finds none.
    return f"budgets.monthlyfigure:{budget.plan_year.year}"


#: How many of a file's problems the error summary lists; the table below lists them all.
SUMMARY_PROBLEMS = 10


def _import_error_links(file_error, problems) -> list[tuple[str, str]]:
    """The import page's error summary: what is wrong with the file, then its first problems,
    each linking to its row of the table of problems, and how many more there are."""
    if not file_error:
        return []
    links = [("id_file", file_error)]
    links += [
        (f"problem-{number}", problem)
        for number, problem in enumerate(problems[:SUMMARY_PROBLEMS], start=1)
    ]
    if len(problems) > SUMMARY_PROBLEMS:
        links.append(("problems", f"and {format_number(len(problems) - SUMMARY_PROBLEMS)} more"))
    return links


def _import_page(request, budget, form, *, plan=None, confirm_form=None):
    problems = plan.problems if plan is not None else []
    file_error = form.errors["file"][0] if form.errors.get("file") else None
    return render(
        request,
        "budgets/import.html",
        {
            "budget": budget,
            "plan_year": budget.plan_year,
            "form": form,
            "plan": plan,
            "problems": problems,
            "preview_rows": plan.rows[:PREVIEW_ROWS] if plan is not None else [],
            "confirm_form": confirm_form,
            "file_error": file_error,
            "error_links": _import_error_links(file_error, problems),
            "columns": [(name, services.COLUMN_HELP[name]) for name in services.COLUMNS],
            "max_upload_mb": upload_limits()[0] // 1_000_000,
            "max_rows": upload_limits()[2],
            "signed_off": _signed_off_quarters(budget.plan_year),
        },
    )


def _signed_off_quarters(plan_year) -> list[str]:
    """Each signed-off quarter of the year with its months: "Quarter 1 (April to June 2016)"."""
    locks = quarter_locks(plan_year=plan_year)
    named = []
    for number in range(1, 5):
        if locks.quarter_is_locked(plan_year, number):
            first, *_, last = Quarter(plan_year.start, number).months
            named.append(f"Quarter {number} ({first:%B} to {last:%B %Y})")
    return named


def _check_import(request, year) -> Budget:
    budget = _budget(year)
    refusal = budget_rights(request.user).refusal(budget.plan_year, importing=True)
    if refusal:
        raise PermissionDenied(refusal)
    return budget


@kept_page
def import_upload(request, year):
    """The upload form and, once a file is sent, its dry run: what each row will do, or every
    problem with it. A sheet without problems is kept (core.ImportPreview) for the confirm."""
    budget = _check_import(request, year)
    if request.method != "POST":
        return _import_page(request, budget, MonthlyFiguresUploadForm())
    form = MonthlyFiguresUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, budget, form)
    upload = form.cleaned_data["file"]
    try:
        data, sheet = read_upload(upload)
    except UnreadableSheet as error:
        form.add_error("file", str(error))
        return _import_page(request, budget, form)
    # The confirm refuses to replace figures entered or changed from this moment on, unseen.
    previewed_at = timezone.now()
    plan = services.monthly_figures_plan(budget=budget, dataset=sheet.dataset)
    if not plan.is_valid:
        form.add_error(
            "file",
            f"The file has {len(plan.problems)} problem{'s' if len(plan.problems) != 1 else ''}"
            ", listed below. Nothing was imported. Correct the file and upload it again.",
        )
        return _import_page(request, budget, form, plan=plan)
    preview = import_preview_keep(
        created_at=previewed_at,
        user=request.user,
        model=_preview_model(budget),
        file_name=upload.name,
        file_format=sheet.file_format,
        data=data,
    )
    return _import_page(
        request,
        budget,
        MonthlyFiguresUploadForm(),
        plan=plan,
        confirm_form=ConfirmImportForm(initial={"preview_key": preview.key}),
    )


@require_POST
def import_confirm(request, year):
    """Apply a previewed sheet, once: the preview is found by its key with the user and the
    budget, claimed by deleting it, and the sheet is checked again against the budget as it
    now is."""
    budget = _check_import(request, year)
    form = ConfirmImportForm(request.POST)
    try:
        preview = import_preview_claim(
            key=form.cleaned_data["preview_key"] if form.is_valid() else None,
            user=request.user,
            model=_preview_model(budget),
        )
    except PreviewUnavailable as unavailable:
        messages.error(request, str(unavailable))
        return redirect("budgets:import", year=year)
    _max_bytes, max_unpacked_bytes, max_rows = upload_limits()
    try:
        sheet = read_sheet(
            bytes(preview.data),
            max_rows=max_rows,
            max_unpacked_bytes=max_unpacked_bytes,
            file_format=preview.file_format,
        )
        outcome = services.monthly_figures_import(
            budget=budget,
            dataset=sheet.dataset,
            user=request.user,
            previewed_at=preview.created_at,
        )
    except services.ImportRefused as refused:
        return _import_page(
            request,
            budget,
            MonthlyFiguresUploadForm.refusing(
                "The budget has changed since the preview, and the file now has problems, "
                "listed below. Nothing was imported. Correct the file and upload it again."
            ),
            plan=refused.plan,
        )
    except UnreadableSheet as error:
        return _import_page(
            request, budget, MonthlyFiguresUploadForm.refusing(f"Nothing was imported. {error}")
        )
    messages.success(request, _outcome_message(outcome, preview.file_name))
    last = outcome.months[-1]
    return redirect(f"{reverse('budgets:variance', args=[year])}?month={last:%Y-%m}")


def _outcome_message(outcome: services.ImportOutcome, file_name: str) -> str:
    months = ", ".join(services.month_label(month) for month in outcome.months)
    text = (
        f"Imported {file_name}: figures for {months}. {outcome.added} added, "
        f"{outcome.replaced} replaced."
    )
    for replaced in outcome.replaced_months:
        text += (
            f" {services.month_label(replaced.month)}'s earlier figures "
            f"({replaced.lines_with_figures} line{'s' if replaced.lines_with_figures != 1 else ''})"
            " were replaced by this file's"
            + (
                f"; {replaced.lines_cleared} not in the file were cleared."
                if replaced.lines_cleared
                else "."
            )
        )
    return text


@require_safe
def import_template(request, year):
    """A CSV template: the header row, then each line of the budget for the year's first month
    with its amounts to fill in."""
    budget = _check_import(request, year)
    output = io.StringIO()
    csv.writer(output).writerows(
        services.template_rows(budget=budget, month=budget.plan_year.months()[0])
    )
    response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="monthly-actuals-template-{year}.csv"'
    return response


@require_safe
def import_template_xlsx(request, year):
    """The template as an Excel workbook: headers in words under a frozen header row, each
    line of the budget for the year's first month, and a sheet saying what each column holds."""
    budget = _check_import(request, year)
    output = io.BytesIO()
    exports.write_import_template(
        services.template_rows(budget=budget, month=budget.plan_year.months()[0]),
        services.COLUMN_HELP,
        output,
    )
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="monthly-actuals-template-{year}.xlsx"'
    return response


@require_POST
def roll_forward(request, year):
    budget = _budget(year)
    if not budget_rights(request.user).may_roll_forward:
        raise PermissionDenied(NOT_CORPORATE_SERVICES)
    try:
        result = services.budget_roll_forward(budget=budget, user=request.user)
    except services.CannotRollForward as error:
        messages.error(request, f"The budget was not rolled forward: {error}")
        return redirect("budgets:variance", year=year)
    next_year = result.budget.plan_year.year
    text = (
        f"The {year} budget was rolled forward to {next_year} as a draft: "
        f"{result.lines} line{'s' if result.lines != 1 else ''}, without actuals."
    )
    if result.created_plan_year:
        text += f" {next_year} was created as a draft plan year."
    if result.left_behind:
        text += (
            f" Lines for projects {next_year} does not have were not carried forward: "
            + "; ".join(result.left_behind)
            + "."
        )
    messages.success(request, text)
    return redirect("budgets:variance", year=next_year)
