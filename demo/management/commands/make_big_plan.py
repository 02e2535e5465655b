"""python manage.py make_big_plan --year 2002-03 --scale 10: a generated plan year `scale` times
the 2012-13 demo plan, to measure the pages at that size (demo.big_plan)."""

from django.core.management.base import BaseCommand, CommandError

from demo.big_plan import BigPlanCounts, PlanYearExists, make_big_plan
from plans.periods import InvalidFinancialYear, parse_financial_year


class Command(BaseCommand):
    help = (
        "Generate a plan year SCALE times the 2012-13 demo plan (projects, milestones, "
        "indicators with twelve months of actuals, budget lines with monthly figures, risks "
        "and recommendations), for benchmarks. Refuses a year that already holds a plan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="The financial year, e.g. 2002-03.")
        parser.add_argument("--scale", type=int, default=10, help="Times 2012-13 (default 10).")

    def handle(self, *args, year, scale, **options):
        if scale < 1:
            raise CommandError("The scale is a whole number from 1: nothing was written.")
        try:
            parse_financial_year(year)
        except InvalidFinancialYear as error:
            raise CommandError(f"{error} Nothing was written.") from error
        try:
            make_big_plan(year=year, scale=scale)
        except PlanYearExists as error:
            raise CommandError(str(error)) from error
        counts = BigPlanCounts(scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"Plan {year} written at {scale} times 2012-13: {counts['projects']} projects, "
                f"{counts['milestones']} milestones, {counts['indicators']} indicators with "
                f"{counts.measurements} actuals, {counts['budget lines']} budget lines with "
                f"{counts.monthly_figures} monthly figures, {counts['risks']} risks and "
                f"{counts['recommendations']} recommendations."
            )
        )
