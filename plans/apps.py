from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Strategies and business plans"

    def ready(self):
        from core.history import Part, register_parts
        from plans.models import Milestone, Project

        # A project's history includes its milestones', including any since deleted.
        register_parts(
            Project,
            Part(Milestone, "project_id", lambda values: f'Milestone "{values["title"]}"'),
        )
