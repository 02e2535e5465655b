"""python manage.py load_demo: load the four source documents and illustrative data."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.services import ChangeCount
from demo import illustrative, users
from demo.loader import DemoDataError, load_documents
from plans.models import PlanYear


class Command(BaseCommand):
    help = (
        "Load the demo plans (the four source documents, figures as printed), illustrative "
        "measurements and milestones, and the demo users admin, director, staff and finance "
        "(password 'demo' unless DEMO_PASSWORD is set). Safe to run again: it changes nothing "
        "that is already as loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a plan.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off (a demonstration site or a smoke test).",
        )

    def handle(self, *args, if_empty=False, allow_production=False, **options):
        # Demo users with a known password have no place in a real database, so a production
        # configuration must ask for them explicitly.
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "load_demo creates users with a known password, and DEBUG is off, so this looks "
                "like a production database. Nothing was loaded. To load the demo data here "
                "anyway (a demonstration site or a smoke test), run it with --allow-production."
            )
        if if_empty and PlanYear.objects.exists():
            self.stdout.write("Plans already loaded; nothing to do.")
            return
        changes = ChangeCount()
        try:
            with transaction.atomic():
                load_documents(changes)
                demo_users = users.ensure_demo_users(changes)
                illustrative.generate(changes, entered_by=demo_users["director"])
        except (DemoDataError, users.MissingGroup) as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {changes.created} created, {changes.updated} updated, "
                    f"{changes.unchanged} unchanged."
                )
            )
        if options["verbosity"] > 1:
            for label, counts in sorted(changes.by_model.items()):
                self.stdout.write(f"  {label}: {counts}")
