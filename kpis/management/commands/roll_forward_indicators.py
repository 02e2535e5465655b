"""Create next year's indicators from this year's: python manage.py roll_forward_indicators
2016-17 2017-18."""

from django.core.management.base import BaseCommand, CommandError

from kpis.services import indicators_roll_forward
from plans.models import PlanYear


class Command(BaseCommand):
    help = (
        "Create the indicators of one plan year from another's: definitions, owners, period "
        "targets and a continues-from link are copied; actuals are not."
    )

    def add_arguments(self, parser):
        parser.add_argument("from_year", help="e.g. 2016-17")
        parser.add_argument("to_year", help="e.g. 2017-18; the plan year must exist")

    def handle(self, *args, from_year, to_year, **options):
        try:
            source = PlanYear.objects.get(year=from_year)
            target = PlanYear.objects.get(year=to_year)
        except PlanYear.DoesNotExist as error:
            raise CommandError(f"No such plan year: {error}") from None
        result = indicators_roll_forward(from_year=source, to_year=target)
        self.stdout.write(
            f"{len(result.created)} indicator(s) created in {target.year} from {source.year}."
        )
        for ref, reason in result.skipped:
            self.stdout.write(f"Skipped {ref}: {reason}")
