"""The risk register moves to the risks app (see risks 0001): its models leave the plans app's
migration state. The database is untouched, so the tables plans_risk, plans_mitigatingaction and
their history tables, which the risks app's models keep through db_table, keep every row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0009_plan_year_risk_review_interval"),
        ("risks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="historicalmitigatingaction",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalmitigatingaction",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="historicalmitigatingaction",
                    name="risk",
                ),
                migrations.RemoveField(
                    model_name="historicalrisk",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalrisk",
                    name="last_reviewed_by",
                ),
                migrations.RemoveField(
                    model_name="historicalrisk",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="historicalrisk",
                    name="plan_year",
                ),
                migrations.RemoveField(
                    model_name="historicalrisk",
                    name="project",
                ),
                migrations.RemoveField(
                    model_name="mitigatingaction",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="mitigatingaction",
                    name="risk",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_valid_tier",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_valid_status",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_project_tier_has_project",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_inherent_likelihood_1_to_5",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_inherent_impact_1_to_5",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_residual_likelihood_1_to_5",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_residual_impact_1_to_5",
                ),
                migrations.RemoveConstraint(
                    model_name="risk",
                    name="risk_target_score_1_to_25",
                ),
                migrations.DeleteModel(
                    name="HistoricalMitigatingAction",
                ),
                migrations.DeleteModel(
                    name="HistoricalRisk",
                ),
                migrations.DeleteModel(
                    name="MitigatingAction",
                ),
                migrations.DeleteModel(
                    name="Risk",
                ),
            ],
            database_operations=[],
        ),
    ]
