from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk register"

    def ready(self):
        from core.history import Part, register_parts
        from risks.models import MitigatingAction, Risk

        # A risk's history includes its mitigating actions'.
        register_parts(
            Risk,
            Part(
                MitigatingAction,
                "risk_id",
                lambda values: f'Action "{values["description"][:60]}"',
                words="actions",
            ),
        )
