"""Writes for budgets: importing monthly actuals and forecasts from a finance system's sheet,
and rolling a budget forward to the next year.

The import is planned first (a dry run that reads the sheet against the budget and says what
each row will do, or what is wrong with it) and applied only when the plan has no problems; the
apply step plans again from the same file inside its transaction, so a budget changed meanwhile
is judged as it now is.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from budgets.models import Budget, BudgetLine, MonthlyFigure
from core.edit_conflicts import EditConflictError, insert_or_conflict
from core.exports import MONEY_MARK
from core.numbers import MONEY_HINT, UnreadableNumber, format_money, parse_number
from core.spreadsheets.formulas import escape_formula, unescape_formula
from core.spreadsheets.reading import column_letter, sheet_row_numbers
from plans import periods
from plans.choices import PlanStatus
from plans.locks import first_refusal, quarter_locks
from plans.models import PlanYear, Project

#: The columns of a monthly actuals sheet, in the order the template gives them.
COLUMNS = ("category", "project", "month", "actual", "forecast")
REQUIRED_COLUMNS = ("category", "month", "actual", "forecast")
COLUMN_HELP = {
    "category": "The budget category of the line, as the budget names it, e.g. Pay.",
    "project": "The project of the line, for a line that has one; blank otherwise.",
    "month": "The month the figures are for: 2016-04, Apr 2016, April 2016 or a date in it.",
    "actual": "What was spent (or, for income, received, as a negative amount) that month.",
    "forecast": "What is now expected for that month. Blank when there is none.",
}
MAX_PENCE_PLACES = 2
MAX_POUNDS_DIGITS = 12
MONTH_NAMES = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%b").lower(),
        datetime.date(2000, number, 1).strftime("%B").lower(),
    )
}
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
NAMED_MONTH = re.compile(r"^([A-Za-z]+)[\s\-]+(\d{4})$")
UK_DATE = re.compile(r"^(?:(\d{1,2})/)?(\d{1,2})/(\d{4})$")


class UnreadableMonth(ValueError):
    """Text that is not a month."""


def parse_month(value) -> datetime.date:
    """The first day of the month a cell names: a date in it (a workbook's date cell, 2016-04-30,
    30/04/2016), 2016-04, 04/2016, Apr 2016 or April 2016."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value if value is not None else "").strip()
    try:
        if match := ISO_MONTH.match(text):
            day = datetime.date(int(match[1]), int(match[2]), int(match[3] or 1))
        elif match := UK_DATE.match(text):
            day = datetime.date(int(match[3]), int(match[2]), int(match[1] or 1))
        elif (match := NAMED_MONTH.match(text)) and match[1].lower() in MONTH_NAMES:
            day = datetime.date(int(match[2]), MONTH_NAMES[match[1].lower()], 1)
        else:
            raise UnreadableMonth
    except (UnreadableMonth, ValueError) as error:
        shown = f"{text!r} is not a month" if text else "The month is blank"
        raise UnreadableMonth(f"{shown}. Write it like 2016-04 or April 2016.") from error
    return day.replace(day=1)


def parse_amount(value) -> Decimal | None:
    """An amount in pounds from a cell: a number, or text as people type it (1,473,000,
    £1,473,000, (93,000) for income); None for blank. At most pence."""
    if isinstance(value, bool):
        raise UnreadableNumber(f"{value!r} is not an amount. {MONEY_HINT}.")
    if isinstance(value, float):
        value = Decimal(repr(value))
    amount = parse_number(value, hint=MONEY_HINT)
    if amount is None:
        return None
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PENCE_PLACES:
        raise UnreadableNumber(f"{value} has more than pence. Give pounds and pence, like 1234.56.")
    if abs(amount) >= Decimal(10) ** MAX_POUNDS_DIGITS:
        raise UnreadableNumber(f"{value} is too large an amount for one month.")
    return amount


def _shown(value) -> str:
    """A text cell as it was before export escaped it (an apostrophe before =, +, - or @)."""
    return "" if value is None else unescape_formula(str(value).strip())


def month_label(month: datetime.date) -> str:
    return f"{month:%B %Y}"


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one row of a sheet, and where."""

    row: int
    column: int
    header: str
    reason: str

    @property
    def column_name(self) -> str:
        """The column's letter, and its header where it has one: 'D ("actual")'."""
        named = f' ("{self.header}")' if self.header else ""
        return f"{column_letter(self.column)}{named}"

    @property
    def place(self) -> str:
        named = f' ("{self.header}")' if self.header else ""
        return f"Row {self.row}, column {column_letter(self.column)}{named}"

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"


@dataclass
class RowPlan:
    """What importing one good row will do."""

    row: int
    line: BudgetLine
    month: datetime.date
    actual: Decimal | None
    forecast: Decimal | None
    existing: MonthlyFigure | None

    @property
    def line_name(self) -> str:
        return (
            f"{self.line.category.name}: {self.line.project.title}"
            if self.line.project
            else (self.line.category.name)
        )

    @property
    def action(self) -> str:
        """What the row does, in words."""
        if self.existing is None or (
            self.existing.actual is None and self.existing.forecast is None
        ):
            return "Adds"
        if self.existing.actual == self.actual and self.existing.forecast == self.forecast:
            return "Leaves as it is"
        before = ", ".join(
            f"{name} {format_money(value)}"
            for name, value in (
                ("actual", self.existing.actual),
                ("forecast", self.existing.forecast),
            )
            if value is not None
        )
        return f"Replaces {before}"


@dataclass
class MonthReplaced:
    """A month of the sheet that already has figures: the sheet's figures replace them all."""

    month: datetime.date
    lines_with_figures: int
    lines_cleared: int

    def __str__(self) -> str:
        text = (
            f"{month_label(self.month)} already has figures for {self.lines_with_figures} "
            f"line{'s' if self.lines_with_figures != 1 else ''}: this file replaces that "
            "month's figures"
        )
        if self.lines_cleared:
            text += (
                f", and the {self.lines_cleared} line{'s' if self.lines_cleared != 1 else ''} "
                "it does not list will have no actual or forecast for that month"
            )
        return text + "."


@dataclass
class ImportPlan:
    """A dry run of a monthly actuals sheet against a budget."""

    budget: Budget
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    replaced: list[MonthReplaced] = field(default_factory=list)
    to_clear: list[MonthlyFigure] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def months(self) -> list[datetime.date]:
        return sorted({row.month for row in self.rows})


def _column_key(header: str) -> str:
    """The column a header names: "actual", "Actual" and the template's "Actual (£)" are the
    same column."""
    return header.casefold().removesuffix(MONEY_MARK).strip()


def _line_key(category: str, project: str) -> tuple[str, str]:
    return (category.strip().casefold(), project.strip().casefold())


def monthly_figure_lock_errors(figure: MonthlyFigure, *, stored=None, locks=None) -> dict:
    """What a signed-off quarter (plans.locks) refuses of a monthly figure as it would be
    saved, `stored` being the figure before the change (None for a new one): no figure of a
    month in a signed-off quarter is added, changed or deleted, nor moved into or out of one.
    `locks` are read here unless given."""
    if locks is None:
        locks = quarter_locks()
    places = [
        (record.line.budget.plan_year, record.month)
        for record in (stored, figure)
        if record is not None and record.line_id is not None and record.month is not None
    ]
    refusal = first_refusal(locks, *places)
    return {"month": refusal} if refusal else {}


def monthly_figures_plan(*, budget: Budget, dataset) -> ImportPlan:
    """Read a sheet of monthly actuals and forecasts (a tablib Dataset, header row first)
    against the budget: every good row's effect, every bad row's problem, each by its row in
    the person's sheet. Writes nothing."""
    plan = ImportPlan(budget=budget)
    plan_year = budget.plan_year
    headers = [_shown(header) for header in dataset.headers or []]
    position = {_column_key(header): index for index, header in enumerate(headers)}
    missing = [name for name in REQUIRED_COLUMNS if name not in position]
    if missing:
        found = ", ".join(header for header in headers if header) or "no headers"
        plan.problems.append(
            RowProblem(
                row=1,
                column=len(headers) + 1 if headers else 1,
                header="",
                reason=(
                    "This looks like the wrong sheet: it has no "
                    + " or ".join(f'"{name}"' for name in missing)
                    + f" column (its header row has {found}). A monthly actuals sheet has the "
                    "columns " + ", ".join(COLUMNS) + ", as the template does."
                ),
            )
        )
        return plan

    def cell(row, name):
        index = position.get(name)
        return None if index is None else row[index]

    def problem(number, name, reason):
        plan.problems.append(
            RowProblem(number, position[name] + 1, headers[position[name]], reason)
        )

    lines = list(BudgetLine.objects.filter(budget=budget).select_related("category", "project"))
    # The figures of a signed-off quarter's months are not replaced (plans.locks).
    locks = quarter_locks(plan_year=plan_year)
    by_key = {
        _line_key(line.category.name, line.project.title if line.project else ""): line
        for line in lines
    }
    categories = {line.category.name.casefold() for line in lines}
    seen: dict[tuple[int, datetime.date], int] = {}
    good = []
    # Rows by their number in the person's sheet, past any blank rows read_sheet left out.
    for number, row in zip(sheet_row_numbers(dataset), dataset, strict=True):
        row_ok = True
        category = _shown(cell(row, "category"))
        project = _shown(cell(row, "project"))
        line = by_key.get(_line_key(category, project))
        if line is None:
            row_ok = False
            if not category:
                problem(number, "category", "The category is blank. Give the line's category.")
            elif category.casefold() not in categories:
                problem(
                    number,
                    "category",
                    f"The {plan_year.year} budget has no line in the category {category!r}.",
                )
            elif "project" not in position or not project:
                problem(
                    number,
                    "category",
                    f"The {plan_year.year} budget's {category!r} lines are each for a project: "
                    "give the project.",
                )
            else:
                problem(
                    number,
                    "project",
                    f"The {plan_year.year} budget has no {category!r} line for the project "
                    f"{project!r}.",
                )
        try:
            month = parse_month(cell(row, "month"))
        except UnreadableMonth as error:
            row_ok = False
            month = None
            problem(number, "month", str(error))
        else:
            if not plan_year.contains(month):
                row_ok = False
                problem(
                    number,
                    "month",
                    f"{month_label(month)} is outside the plan year {plan_year.year} "
                    f"(April {plan_year.start} to March {plan_year.start + 1}).",
                )
            elif locks.is_locked(plan_year, month):
                row_ok = False
                problem(number, "month", f"{month_label(month)}: {locks.refusal(plan_year, month)}")
        amounts = {}
        for name in ("actual", "forecast"):
            try:
                amounts[name] = parse_amount(cell(row, name))
            except UnreadableNumber as error:
                row_ok = False
                problem(number, name, str(error))
        if row_ok and amounts["actual"] is None and amounts["forecast"] is None:
            row_ok = False
            problem(number, "actual", "Both the actual and the forecast are blank: give either.")
        if line is not None and month is not None:
            first = seen.setdefault((line.pk, month), number)
            if first != number:
                row_ok = False
                problem(
                    number,
                    "month",
                    f"Rows {first} and {number} are both for {category}"
                    f"{': ' + project if project else ''}, {month_label(month)}. Keep one of them.",
                )
        if row_ok:
            good.append((number, line, month, amounts["actual"], amounts["forecast"]))
    if not good and not plan.problems:
        plan.problems.append(
            RowProblem(
                2, 1, headers[0] if headers else "", "The sheet has no rows below its header."
            )
        )
    if plan.problems:
        return plan

    months = {month for _number, _line, month, _actual, _forecast in good}
    existing = {
        (figure.line_id, figure.month): figure
        for figure in MonthlyFigure.objects.filter(line__budget=budget, month__in=months)
    }
    in_sheet = {(line.pk, month) for _number, line, month, _actual, _forecast in good}
    for number, line, month, actual, forecast in good:
        plan.rows.append(
            RowPlan(number, line, month, actual, forecast, existing.get((line.pk, month)))
        )
    for month in sorted(months):
        with_figures = [
            figure
            for (line_id, figure_month), figure in existing.items()
            if figure_month == month and (figure.actual is not None or figure.forecast is not None)
        ]
        cleared = [f for f in with_figures if (f.line_id, f.month) not in in_sheet]
        plan.to_clear.extend(cleared)
        if with_figures:
            plan.replaced.append(MonthReplaced(month, len(with_figures), len(cleared)))
    return plan


class ImportRefused(Exception):
    """An import whose sheet has problems: nothing was changed."""

    def __init__(self, plan: ImportPlan):
        super().__init__("The sheet has problems; nothing was imported.")
        self.plan = plan


@dataclass
class ImportOutcome:
    added: int
    replaced: int
    cleared: int
    months: list[datetime.date]
    replaced_months: list[MonthReplaced]


def _actual_column(dataset) -> tuple[int, str]:
    """The sheet's "actual" column (its number and header), where a problem with a row's
    figures as a whole is shown."""
    headers = [_shown(header) for header in dataset.headers or []]
    for index, header in enumerate(headers):
        if _column_key(header) == "actual":
            return index + 1, header
    return 1, headers[0] if headers else ""


def _figures_now(figure: MonthlyFigure) -> str:
    said = [
        f"{name} {format_money(value)}"
        for name, value in (("actual", figure.actual), ("forecast", figure.forecast))
        if value is not None
    ]
    return ", ".join(said) or "no actual or forecast"


def entered_since_preview(plan: ImportPlan, *, dataset, previewed_at) -> list[RowProblem]:
    """The figures the sheet would replace or clear that were entered or changed after its
    preview, which did not show them: one problem each, on the row that names them (a line the
    sheet leaves out on the first row of that month), so that nobody's figures are overwritten
    unseen."""
    from django.db.models import Max

    months = plan.months
    changed = dict(
        MonthlyFigure.history.filter(
            line__budget=plan.budget, month__in=months, history_date__gt=previewed_at
        )
        .values("id")
        .annotate(when=Max("history_date"))
        .values_list("id", "when")
    )
    if not changed:
        return []
    column, header = _actual_column(dataset)
    problems = []
    for row in plan.rows:
        if row.existing is not None and row.existing.pk in changed:
            problems.append(
                RowProblem(
                    row.row,
                    column,
                    header,
                    f"{row.line_name}, {month_label(row.month)} was given figures after this "
                    f"file's preview ({_figures_now(row.existing)}), which it did not show: "
                    "nothing was saved over them. Upload the file again to see them.",
                )
            )
    first_row_of = {}
    for row in plan.rows:
        first_row_of.setdefault(row.month, row.row)
    for figure in plan.to_clear:
        if figure.pk in changed:
            problems.append(
                RowProblem(
                    first_row_of[figure.month],
                    column,
                    header,
                    f"{figure.line}, {month_label(figure.month)} was given figures after this "
                    f"file's preview ({_figures_now(figure)}); the file does not list that line, "
                    "so it would clear them unseen. Upload the file again to see them.",
                )
            )
    return problems


def monthly_figures_import(
    *, budget: Budget, dataset, user, previewed_at: datetime.datetime | None = None
) -> ImportOutcome:
    """Apply a sheet of monthly actuals and forecasts, all or nothing: each month the sheet
    covers is replaced by the sheet's figures (a line it leaves out has no actual or forecast
    for that month; a monthly profile is kept). Every change is in the audit history, by
    `user`. Raises ImportRefused, changing nothing, if the sheet has any problem, or if figures
    it would replace were entered after its preview (`previewed_at`) or while it is written."""
    with transaction.atomic():
        # One import at a time per budget: a second waits, then plans against the first's result.
        Budget.objects.select_for_update().filter(pk=budget.pk).first()
        plan = monthly_figures_plan(budget=budget, dataset=dataset)
        if not plan.is_valid:
            raise ImportRefused(plan)
        if previewed_at is not None:
            plan.problems.extend(
                entered_since_preview(plan, dataset=dataset, previewed_at=previewed_at)
            )
            if plan.problems:
                raise ImportRefused(plan)
        new, changed = [], []
        for row in plan.rows:
            if row.existing is None:
                new.append(
                    MonthlyFigure(
                        line=row.line, month=row.month, actual=row.actual, forecast=row.forecast
                    )
                )
            elif (row.existing.actual, row.existing.forecast, row.existing.is_illustrative) != (
                row.actual,
                row.forecast,
                False,
            ):
                row.existing.actual = row.actual
                row.existing.forecast = row.forecast
                row.existing.is_illustrative = False
                changed.append(row.existing)
        to_delete = [figure for figure in plan.to_clear if figure.profile is None]
        for figure in plan.to_clear:
            if figure.profile is not None:
                figure.actual = figure.forecast = None
                figure.is_illustrative = False
                changed.append(figure)
        if new:
            try:
                with transaction.atomic():
                    bulk_create_with_history(new, MonthlyFigure, batch_size=500, default_user=user)
            except IntegrityError:
                # Someone entered one of these months' first figures in the entry screens after
                # the sheet was read (they do not wait for an import): name it, save nothing.
                plan.problems.extend(_entered_meanwhile(plan, dataset=dataset))
                if not plan.problems:
                    raise
                raise ImportRefused(plan) from None
        if changed:
            bulk_update_with_history(
                changed,
                MonthlyFigure,
                ["actual", "forecast", "is_illustrative"],
                batch_size=500,
                default_user=user,
            )
        for figure in to_delete:
            # Deleted one by one so that each deletion is in the audit history, by `user`.
            figure._history_user = user
            figure.delete()
    return ImportOutcome(
        added=len(new),
        replaced=sum(1 for row in plan.rows if row.existing is not None),
        cleared=len(plan.to_clear),
        months=plan.months,
        replaced_months=plan.replaced,
    )


def _entered_meanwhile(plan: ImportPlan, *, dataset) -> list[RowProblem]:
    """The rows adding figures that someone else entered while the import was being written."""
    column, header = _actual_column(dataset)
    adding = {(row.line.pk, row.month): row for row in plan.rows if row.existing is None}
    stored = MonthlyFigure.objects.filter(
        line__budget=plan.budget, month__in={month for _line, month in adding}
    )
    problems = []
    for figure in stored:
        row = adding.get((figure.line_id, figure.month))
        if row is not None:
            problems.append(
                RowProblem(
                    row.row,
                    column,
                    header,
                    f"Someone else entered {row.line_name}, {month_label(row.month)}'s figures "
                    f"while this file was being imported ({_figures_now(figure)}): nothing was "
                    "saved over them. Upload the file again to see them.",
                )
            )
    return sorted(problems, key=lambda problem: problem.row)


def template_rows(*, budget: Budget, month: datetime.date) -> list[list[str]]:
    """The rows of the downloadable template: the header, then each line of the budget for
    `month` with its amounts left blank. Text is formula-safe."""
    lines = BudgetLine.objects.filter(budget=budget).select_related("category", "project")
    rows = [list(COLUMNS)]
    for line in lines:
        rows.append(
            [
                escape_formula(line.category.name),
                escape_formula(line.project.title if line.project else ""),
                f"{month:%Y-%m}",
                "",
                "",
            ]
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Roll forward
# ---------------------------------------------------------------------------------------------


class CannotRollForward(Exception):
    """A budget that cannot be rolled forward, with the reason in words."""


@dataclass
class RollForward:
    budget: Budget
    created_plan_year: bool
    lines: int
    left_behind: list[str]


def budget_roll_forward(*, budget: Budget, user) -> RollForward:
    """Copy a budget's categories and lines (amounts, descriptions, order; no monthly figures)
    to the next plan year as a draft budget, creating that plan year as a draft if it does not
    exist. A line for a project goes forward only where the next year has a project of the
    same title; the others are named in the result. Refused if the next year has a budget."""
    plan_year = budget.plan_year
    next_year = periods.financial_year_label(plan_year.start + 1)
    with transaction.atomic():
        target = PlanYear.objects.select_for_update().filter(year=next_year).first()
        created = target is None
        if created:
            target = PlanYear(
                year=next_year,
                title=f"Business Plan {next_year}",
                organisation_name=plan_year.organisation_name,
                strategy=plan_year.strategy,
                status=PlanStatus.DRAFT,
            )
            target._history_user = user
            try:
                target.full_clean()
                insert_or_conflict(target, {"year": next_year})
            except (ValidationError, EditConflictError):
                if not PlanYear.objects.filter(year=next_year).exists():
                    raise
                # Someone else made the year after this one looked for it (rolling forward too,
                # at the same moment): their year stands, and this roll forward is not made.
                raise CannotRollForward(
                    f"Someone else created the {next_year} plan year at the same moment. Open "
                    f"the budget again, and roll it forward only if {next_year} still has no "
                    "budget."
                ) from None
        elif Budget.objects.filter(plan_year=target).exists():
            raise CannotRollForward(f"{next_year} already has a budget.")
        draft = Budget(
            plan_year=target,
            presentation_unit=budget.presentation_unit,
            variance_tolerance_percent=budget.variance_tolerance_percent,
            is_draft=True,
            notes=f"Rolled forward from the {plan_year.year} budget as a draft.",
        )
        draft._history_user = user
        draft.full_clean()
        draft.save()
        projects = {
            project.title.casefold(): project
            for project in Project.objects.filter(plan_year=target)
        }
        copies, left_behind = [], []
        lines = BudgetLine.objects.filter(budget=budget).select_related("category", "project")
        for line in lines:
            project = None
            if line.project is not None:
                project = projects.get(line.project.title.casefold())
                if project is None:
                    left_behind.append(f"{line.category.name}: {line.project.title}")
                    continue
            copies.append(
                BudgetLine(
                    budget=draft,
                    category=line.category,
                    project=project,
                    amount=line.amount,
                    description=line.description,
                    notes=line.notes,
                    position=line.position,
                )
            )
        bulk_create_with_history(copies, BudgetLine, default_user=user)
    return RollForward(draft, created, len(copies), left_behind)
