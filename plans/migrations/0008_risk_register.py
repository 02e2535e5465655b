"""The risk register: inherent and residual scores, target score, current controls, mitigating
actions and reviews; the risk appetite per plan year; recommendations' report, addressee and
latest response. Keeps the data held: a risk's single likelihood and impact become both its
inherent and its residual scores (nothing recorded them apart), its mitigation its current
controls."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.db.models import F

# Who may now do what with the register (frozen here, as a data migration must be). Staff review
# the risks of their projects and the risks they own; the object rules narrow it further.
GRANTS = {
    "Staff": [
        "change_risk",
        "view_mitigatingaction",
        "add_mitigatingaction",
        "change_mitigatingaction",
    ],
    "Directors": [
        "view_mitigatingaction",
        "add_mitigatingaction",
        "change_mitigatingaction",
        "export_risk",
    ],
    "Administrators": [
        "view_mitigatingaction",
        "add_mitigatingaction",
        "change_mitigatingaction",
        "delete_mitigatingaction",
        "import_risk",
        "export_risk",
    ],
    "Corporate services": ["view_mitigatingaction"],
}


def copy_scores_to_residual(apps, schema_editor):
    for name in ("Risk", "HistoricalRisk"):
        apps.get_model("plans", name).objects.update(
            residual_likelihood=F("inherent_likelihood"), residual_impact=F("inherent_impact")
        )


def grant_permissions(apps, schema_editor):
    app_config = apps.get_app_config("plans")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="plans", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_milestone_updates"),
        ("plans", "0002_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="risk", name="risk_likelihood_1_to_5"),
        migrations.RemoveConstraint(model_name="risk", name="risk_impact_1_to_5"),
        migrations.RenameField("risk", "likelihood", "inherent_likelihood"),
        migrations.RenameField("historicalrisk", "likelihood", "inherent_likelihood"),
        migrations.RenameField("risk", "impact", "inherent_impact"),
        migrations.RenameField("historicalrisk", "impact", "inherent_impact"),
        migrations.RenameField("risk", "mitigation", "current_controls"),
        migrations.RenameField("historicalrisk", "mitigation", "current_controls"),
        migrations.AddField(
            "risk", "residual_likelihood", models.PositiveSmallIntegerField(null=True)
        ),
        migrations.AddField("risk", "residual_impact", models.PositiveSmallIntegerField(null=True)),
        migrations.AddField(
            "historicalrisk", "residual_likelihood", models.PositiveSmallIntegerField(null=True)
        ),
        migrations.AddField(
            "historicalrisk", "residual_impact", models.PositiveSmallIntegerField(null=True)
        ),
        migrations.RunPython(copy_scores_to_residual, migrations.RunPython.noop),
        migrations.CreateModel(
            name="HistoricalMitigatingAction",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("description", models.TextField()),
                ("due_on", models.DateField(verbose_name="due date")),
                ("is_done", models.BooleanField(default=False, verbose_name="done")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical mitigating action",
                "verbose_name_plural": "historical mitigating actions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MitigatingAction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("description", models.TextField()),
                ("due_on", models.DateField(verbose_name="due date")),
                ("is_done", models.BooleanField(default=False, verbose_name="done")),
            ],
            options={
                "verbose_name": "mitigating action",
                "ordering": ["due_on", "pk"],
            },
        ),
        migrations.AlterModelOptions(
            name="risk",
            options={
                "ordering": ["plan_year", "tier", "-residual_likelihood", "-residual_impact"],
                "permissions": [
                    ("import_risk", "Can import risks"),
                    ("export_risk", "Can export risks"),
                ],
            },
        ),
        migrations.AddField(
            model_name="historicalplanyear",
            name="risk_appetite",
            field=models.PositiveSmallIntegerField(
                default=15,
                help_text="A project or operational risk whose residual score is at or above this is escalated to the Leadership Team's strategic view (1 to 25).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(25),
                ],
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="addressee",
            field=models.CharField(
                blank=True,
                help_text="To whom it is made, e.g. Department for Education.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="report",
            field=models.CharField(
                blank=True, help_text="The report the recommendation was made in.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="responded_on",
            field=models.DateField(
                blank=True,
                help_text="When the addressee last responded (or, for no response, when the status was last checked).",
                null=True,
                verbose_name="date of latest response",
            ),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="response",
            field=models.TextField(blank=True, help_text="What the latest response said."),
        ),
        migrations.AddField(
            model_name="historicalrisk",
            name="last_reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last reviewed"),
        ),
        migrations.AddField(
            model_name="historicalrisk",
            name="last_reviewed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="last reviewed by",
            ),
        ),
        migrations.AddField(
            model_name="historicalrisk",
            name="review_note",
            field=models.TextField(
                blank=True, help_text="The note of the latest review: why the scores changed."
            ),
        ),
        migrations.AddField(
            model_name="historicalrisk",
            name="target_score",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The score the owner aims to bring the risk to, 1 to 25.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(25),
                ],
            ),
        ),
        migrations.AddField(
            model_name="planyear",
            name="risk_appetite",
            field=models.PositiveSmallIntegerField(
                default=15,
                help_text="A project or operational risk whose residual score is at or above this is escalated to the Leadership Team's strategic view (1 to 25).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(25),
                ],
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="addressee",
            field=models.CharField(
                blank=True,
                help_text="To whom it is made, e.g. Department for Education.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="report",
            field=models.CharField(
                blank=True, help_text="The report the recommendation was made in.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="responded_on",
            field=models.DateField(
                blank=True,
                help_text="When the addressee last responded (or, for no response, when the status was last checked).",
                null=True,
                verbose_name="date of latest response",
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="response",
            field=models.TextField(blank=True, help_text="What the latest response said."),
        ),
        migrations.AddField(
            model_name="risk",
            name="last_reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last reviewed"),
        ),
        migrations.AddField(
            model_name="risk",
            name="last_reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="last reviewed by",
            ),
        ),
        migrations.AddField(
            model_name="risk",
            name="review_note",
            field=models.TextField(
                blank=True, help_text="The note of the latest review: why the scores changed."
            ),
        ),
        migrations.AddField(
            model_name="risk",
            name="target_score",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The score the owner aims to bring the risk to, 1 to 25.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(25),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="inherent_impact",
            field=models.PositiveSmallIntegerField(
                help_text="1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="inherent impact",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="inherent_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="inherent likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="residual_impact",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="residual impact",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="residual_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="residual likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="inherent_impact",
            field=models.PositiveSmallIntegerField(
                help_text="1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="inherent impact",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="inherent_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="inherent likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="residual_impact",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="residual impact",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="residual_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="residual likelihood",
            ),
        ),
        migrations.AddConstraint(
            model_name="planyear",
            constraint=models.CheckConstraint(
                condition=models.Q(("risk_appetite__gte", 1), ("risk_appetite__lte", 25)),
                name="plan_year_risk_appetite_1_to_25",
                violation_error_message="The risk appetite must be a score between 1 and 25.",
            ),
        ),
        migrations.AddConstraint(
            model_name="recommendation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("made_on__isnull", True),
                    ("responded_on__isnull", True),
                    ("responded_on__gte", models.F("made_on")),
                    _connector="OR",
                ),
                name="recommendation_response_not_before_made",
                violation_error_message="A response cannot come before the recommendation was made.",
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("inherent_likelihood__gte", 1), ("inherent_likelihood__lte", 5)
                ),
                name="risk_inherent_likelihood_1_to_5",
                violation_error_message="Inherent likelihood must be between 1 and 5.",
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(("inherent_impact__gte", 1), ("inherent_impact__lte", 5)),
                name="risk_inherent_impact_1_to_5",
                violation_error_message="Inherent impact must be between 1 and 5.",
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("residual_likelihood__gte", 1), ("residual_likelihood__lte", 5)
                ),
                name="risk_residual_likelihood_1_to_5",
                violation_error_message="Residual likelihood must be between 1 and 5.",
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(("residual_impact__gte", 1), ("residual_impact__lte", 5)),
                name="risk_residual_impact_1_to_5",
                violation_error_message="Residual impact must be between 1 and 5.",
            ),
        ),
        migrations.AddConstraint(
            model_name="risk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("target_score__isnull", True),
                    models.Q(("target_score__gte", 1), ("target_score__lte", 25)),
                    _connector="OR",
                ),
                name="risk_target_score_1_to_25",
                violation_error_message="The target score must be between 1 and 25.",
            ),
        ),
        migrations.AddField(
            model_name="historicalmitigatingaction",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalmitigatingaction",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="plans.role",
            ),
        ),
        migrations.AddField(
            model_name="historicalmitigatingaction",
            name="risk",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="plans.risk",
            ),
        ),
        migrations.AddField(
            model_name="mitigatingaction",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="risk_actions",
                to="plans.role",
            ),
        ),
        migrations.AddField(
            model_name="mitigatingaction",
            name="risk",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="actions", to="plans.risk"
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="inherent_impact",
            field=models.PositiveSmallIntegerField(
                help_text="1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Inherent impact must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Inherent impact must be between 1 and 5."
                    ),
                ],
                verbose_name="inherent impact",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="inherent_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Inherent likelihood must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Inherent likelihood must be between 1 and 5."
                    ),
                ],
                verbose_name="inherent likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="residual_impact",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Residual impact must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Residual impact must be between 1 and 5."
                    ),
                ],
                verbose_name="residual impact",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="residual_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Residual likelihood must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Residual likelihood must be between 1 and 5."
                    ),
                ],
                verbose_name="residual likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="target_score",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The score the owner aims to bring the risk to, 1 to 25.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "The target score must be between 1 and 25."
                    ),
                    django.core.validators.MaxValueValidator(
                        25, "The target score must be between 1 and 25."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="inherent_impact",
            field=models.PositiveSmallIntegerField(
                help_text="1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Inherent impact must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Inherent impact must be between 1 and 5."
                    ),
                ],
                verbose_name="inherent impact",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="inherent_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Inherent likelihood must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Inherent likelihood must be between 1 and 5."
                    ),
                ],
                verbose_name="inherent likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="residual_impact",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (minor) to 5 (severe).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Residual impact must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Residual impact must be between 1 and 5."
                    ),
                ],
                verbose_name="residual impact",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="residual_likelihood",
            field=models.PositiveSmallIntegerField(
                help_text="With the current controls. 1 (rare) to 5 (almost certain).",
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Residual likelihood must be between 1 and 5."
                    ),
                    django.core.validators.MaxValueValidator(
                        5, "Residual likelihood must be between 1 and 5."
                    ),
                ],
                verbose_name="residual likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="target_score",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The score the owner aims to bring the risk to, 1 to 25.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "The target score must be between 1 and 25."
                    ),
                    django.core.validators.MaxValueValidator(
                        25, "The target score must be between 1 and 25."
                    ),
                ],
            ),
        ),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
