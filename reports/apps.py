from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The quarterly Leadership Team performance report: it combines plans, indicators, budgets
    and risks, reading each through its selectors, so that no other app imports it."""

    name = "reports"
    verbose_name = "Quarterly reports"
