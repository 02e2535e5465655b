from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "Performance indicators"

    def ready(self):
        from core.history import Part, register_parts
        from kpis.models import Indicator, Measurement, PeriodTarget

        # An indicator's history includes its targets' and actuals', including any since deleted.
        register_parts(
            Indicator,
            Part(
                PeriodTarget,
                "indicator_id",
                lambda values: f"Target for {values['period']:%B %Y}",
                words="targets",
            ),
            Part(
                Measurement,
                "indicator_id",
                lambda values: f"Actual for {values['period']:%B %Y}",
                words="actuals",
            ),
        )
