from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set: the four source documents as YAML, and the load_demo command that
    loads them (with illustrative measurements and milestones) through the apps' services."""

    name = "demo"
    verbose_name = "Demo data"
