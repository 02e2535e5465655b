"""The quarterly report as a workbook: a sheet per section, written from the same data object as
the page and the PDF (reports.report.QuarterlyReport), values rather than formulas, in the one
writer's formats (money in pounds and pence, percentages, dates) that the budget workbook uses.

A sheet whose figures rest on illustrative data (generated for the demo) says so in a note row
under its date, in the words of the page and the PDF; where rows are illustrative one by one
(indicators, milestones, risks), an "Illustrative" column says "Yes" on each that is.
"""

from core.spreadsheets.writing import Workbook
from reports.report import QuarterlyReport


def report_workbook(report: QuarterlyReport) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    _summary(book, report)
    _indicators(book, report)
    _exceptions(book, report)
    _milestones(book, report)
    _budget(book, report)
    _risks(book, report)
    return book.close()


def _heading(sheet, report: QuarterlyReport, section: str, illustrative: str = "") -> None:
    """The sheet's title and date, then a row for the note of its illustrative figures (left
    blank when it has none)."""
    sheet.title(f"{report.plan_title}: {section}, {report.title}")
    sheet.text(0, "As at")
    sheet.date(1, report.as_at)
    sheet.next()
    if illustrative:
        sheet.text(0, f"Illustrative: {illustrative}")
    sheet.next()


def _report_note(report: QuarterlyReport) -> str:
    """The note of a sheet that gathers figures of every kind (the summary, the exceptions)."""
    if not report.illustrative_kinds:
        return ""
    return (
        "some figures rest on data generated for the demo, not from the published plan: "
        f"{report.illustrative_kinds}."
    )


def _illustrative(sheet, column: int, line) -> None:
    sheet.text(column, "Yes" if line.is_illustrative else "")


def _summary(book, report: QuarterlyReport) -> None:
    sheet = book.add_sheet("Summary", widths=(48, 14, 14, 14, 14, 14))
    _heading(sheet, report, "summary", _report_note(report))
    summary = report.summary

    rag_counts = list(summary.rag_counts)
    sheet.header(["Indicators", *(count.label for count in rag_counts), "Total"])
    sheet.text(0, "All indicators")
    for column, count in enumerate(rag_counts, start=1):
        sheet.number(column, count.count)
    sheet.number(len(rag_counts) + 1, summary.indicators, "total")
    sheet.next()
    for objective in summary.by_objective:
        sheet.text(0, objective.objective, "wrapped")
        by_rag = {count.rag: count.count for count in objective.counts}
        for column, count in enumerate(rag_counts, start=1):
            sheet.number(column, by_rag.get(count.rag, 0))
        sheet.number(len(rag_counts) + 1, objective.total)
        sheet.next()
    sheet.next()

    milestones = summary.milestones
    sheet.header(["Milestones due this quarter", "Due", "Completed", "Slipped", "At risk"])
    sheet.text(0, report.title)
    for column, value in enumerate(
        (milestones.due, milestones.completed, milestones.slipped, milestones.at_risk), start=1
    ):
        sheet.number(column, value)
    sheet.next(2)

    if report.budget is not None:
        total = report.budget.total
        sheet.header(["Budget", "Amount"])
        for label, amount in (
            ("Annual budget", total.annual_budget),
            ("Budget to date", total.budget_to_date),
            ("Actual to date", total.actual_to_date),
            ("Variance to date", total.variance),
            ("Forecast outturn", total.forecast_outturn),
            ("Full-year variance", total.full_year_variance),
        ):
            sheet.text(0, label)
            sheet.money(1, amount)
            sheet.next()
        sheet.next()

    sheet.header(["Risks", "Count"])
    for label, count in (
        (f"Above the appetite of {report.risks.appetite}", summary.risks_above_appetite),
        ("Escalated to the Leadership Team", summary.risks_escalated),
    ):
        sheet.text(0, label)
        sheet.number(1, count)
        sheet.next()
    sheet.next()

    sheet.header(["Recommendations", "Count"])
    for count in summary.recommendations:
        sheet.text(0, count.label)
        sheet.number(1, count.count)
        sheet.next()
    sheet.text(0, "Total", "bold")
    sheet.number(1, summary.recommendations_total, "total")


INDICATOR_COLUMNS = [
    "Tier",
    "Strategic objective",
    "Ref",
    "Indicator",
    "Owner",
    "Annual target",
    "Target to date",
    "Actual to date",
    "Status",
    "Quarter's figure",
    "Against the quarter before",
    "Against the same quarter last year",
    "Commentary",
    "Illustrative",
]


def _indicators(book, report: QuarterlyReport) -> None:
    sheet = book.add_sheet(
        "Indicators",
        widths=(22, 30, 8, 40, 24, 16, 14, 14, 12, 14, 18, 18, 60, 12),
        frozen_rows=4,
    )
    _heading(
        sheet,
        report,
        "indicators",
        report.statuses_illustrative_note if report.statuses_illustrative else "",
    )
    sheet.header(INDICATOR_COLUMNS)
    for tier in report.indicator_tiers:
        for group in tier.groups:
            for line in group.indicators:
                sheet.text(0, tier.label)
                sheet.text(1, group.objective, "wrapped")
                sheet.text(2, line.ref)
                sheet.text(3, line.title, "wrapped")
                sheet.text(4, line.owners, "wrapped")
                sheet.text(5, line.annual_target_text)
                # The figures as the page writes them: a count, a percentage or money, each
                # in its unit's words ("540", "73.4%", "£1,200").
                sheet.text(6, line.target_to_date_text or line.no_target_reason)
                sheet.text(7, line.actual_to_date_text)
                sheet.text(8, line.rag_label)
                sheet.text(9, line.quarter_actual_text)
                sheet.text(10, line.previous.label)
                sheet.text(11, line.last_year.label if line.last_year else "No earlier indicator")
                sheet.text(12, line.commentary, "wrapped")
                _illustrative(sheet, 13, line)
                sheet.next()


def _exceptions(book, report: QuarterlyReport) -> None:
    sheet = book.add_sheet("Exceptions", widths=(14, 40, 24, 30, 50, 50, 14), frozen_rows=4)
    _heading(sheet, report, "exceptions", _report_note(report))
    sheet.header(
        [
            "Kind",
            "Item",
            "Owner",
            "Why it is an exception",
            "Explanation",
            "Corrective action",
            "Recover by",
        ]
    )
    for item in report.exceptions:
        sheet.text(0, item.kind.capitalize())
        sheet.text(1, item.title, "wrapped")
        sheet.text(2, item.owner, "wrapped")
        sheet.text(3, item.why, "wrapped")
        if item.missing:
            sheet.text(4, f"Missing: {item.owner} to explain", "wrapped")
        else:
            sheet.text(4, item.explanation, "wrapped")
            sheet.text(5, item.action, "wrapped")
            sheet.date(6, item.recover_by)
        sheet.next()


def _milestones(book, report: QuarterlyReport) -> None:
    sheet = book.add_sheet("Milestones", widths=(16, 30, 40, 36, 24, 14, 14, 14, 14, 10, 60, 12))
    _heading(
        sheet,
        report,
        "milestones",
        report.milestones_illustrative_note if report.milestones_illustrative else "",
    )
    sheet.header(
        [
            "Due",
            "Strategic objective",
            "Milestone",
            "Project",
            "Owner",
            "Original due date",
            "Revised due date",
            "Completed",
            "Outcome",
            "Days late",
            "Commentary",
            "Illustrative",
        ]
    )
    for when, groups in (
        (report.title, report.milestones_due),
        (report.next_quarter, report.milestones_next),
    ):
        for group in groups:
            for line in group.milestones:
                sheet.text(0, when)
                sheet.text(1, group.objective, "wrapped")
                sheet.text(2, line.title, "wrapped")
                sheet.text(3, line.project, "wrapped")
                sheet.text(4, line.owners, "wrapped")
                sheet.date(5, line.due_on)
                sheet.date(6, line.revised_due_on)
                sheet.date(7, line.completed_on)
                sheet.text(8, line.outcome_label)
                sheet.number(9, line.days_late)
                sheet.text(10, line.commentary, "wrapped")
                _illustrative(sheet, 11, line)
                sheet.next()


BUDGET_COLUMNS = [
    "Category",
    "Annual budget",
    "Budget to date",
    "Actual to date",
    "Variance",
    "Variance %",
    "Forecast outturn",
    "Full-year variance",
    "Full-year variance %",
    "Against tolerance",
]


def _budget_row(sheet, row, *styles) -> None:
    sheet.text(0, row.name, *styles)
    for column, amount in enumerate(
        (row.annual_budget, row.budget_to_date, row.actual_to_date, row.variance), start=1
    ):
        sheet.money(column, amount, *styles)
    sheet.percent(5, row.variance_percent, *styles)
    sheet.money(6, row.forecast_outturn, *styles)
    sheet.money(7, row.full_year_variance, *styles)
    sheet.percent(8, row.full_year_variance_percent, *styles)
    sheet.text(9, {"over": "Over", "under": "Under"}.get(row.beyond_tolerance, "Within"), *styles)
    sheet.next()


def _budget(book, report: QuarterlyReport) -> None:
    sheet = book.add_sheet("Budget", widths=(40, 16, 16, 16, 16, 12, 16, 16, 12, 14))
    budget = report.budget
    _heading(
        sheet,
        report,
        "budget",
        budget.illustrative_note if budget is not None and budget.is_illustrative else "",
    )
    if budget is None:
        sheet.text(0, f"{report.year} has no budget.")
        return
    if budget.month is not None:
        sheet.text(0, "Actuals to the end of")
        sheet.date(1, budget.month)
        sheet.next()
    sheet.text(0, "Tolerance")
    sheet.percent(1, budget.tolerance_percent)
    sheet.next(2)
    sheet.header(BUDGET_COLUMNS)
    for row in budget.categories:
        _budget_row(sheet, row)
    _budget_row(sheet, budget.total, "total")
    sheet.next()

    split = budget.split
    sheet.header(
        [
            "Programme delivery against admin",
            "Budget",
            "Share of budget",
            "Actual to date",
            "Share of spend",
        ]
    )
    for label, amount, share, spend, spend_share in (
        (
            "Programme delivery",
            split.programme_budget,
            split.programme_share_of_budget,
            split.programme_spend,
            split.programme_share_of_spend,
        ),
        (
            "Admin and running costs",
            split.admin_budget,
            split.admin_share_of_budget,
            split.admin_spend,
            split.admin_share_of_spend,
        ),
    ):
        sheet.text(0, label)
        sheet.money(1, amount)
        sheet.percent(2, share)
        sheet.money(3, spend)
        sheet.percent(4, spend_share)
        sheet.next()
    sheet.text(0, "Total (income left out)", "bold")
    sheet.money(1, split.total_budget, "total")
    sheet.money(3, split.total_spend, "total")


def _risks(book, report: QuarterlyReport) -> None:
    sheet = book.add_sheet("Risks", widths=(14, 44, 30, 24, 10, 10, 12, 10, 14, 12, 12, 12))
    risks = report.risks
    _heading(sheet, report, "risks", risks.illustrative_note if risks.is_illustrative else "")
    sheet.text(0, "Risk appetite")
    sheet.number(1, risks.appetite)
    sheet.next(2)

    sheet.text(0, "Residual risks by likelihood and impact", "bold")
    sheet.next()
    sheet.header(["Likelihood \\ impact", "1", "2", "3", "4", "5"])
    for row in risks.heat_map.rows:
        sheet.number(0, row[0].likelihood)
        for column, cell in enumerate(row, start=1):
            sheet.number(column, cell.count)
        sheet.next()
    sheet.next()

    sheet.header(
        [
            "Shown as",
            "Risk",
            "Project",
            "Owner",
            "Inherent",
            "Residual",
            "Band",
            "Target",
            "Review by",
            "Overdue",
            "Above appetite",
            "Illustrative",
        ]
    )
    for shown_as, lines in (("Strategic", risks.strategic), ("Escalated", risks.escalated)):
        for line in lines:
            sheet.text(0, shown_as)
            sheet.text(1, line.title, "wrapped")
            sheet.text(2, line.project, "wrapped")
            sheet.text(3, line.owner, "wrapped")
            sheet.number(4, line.inherent)
            sheet.number(5, line.residual)
            sheet.text(6, line.band)
            sheet.number(7, line.target)
            sheet.date(8, line.review_on)
            sheet.text(9, "Yes" if line.review_overdue else "No")
            sheet.text(10, "Yes" if line.above_appetite else "No")
            _illustrative(sheet, 11, line)
            sheet.next()
