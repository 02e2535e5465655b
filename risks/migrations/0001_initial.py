"""The risk register moves from the plans app to this one: its models (Risk, MitigatingAction
and their audit history, HistoricalRisk and HistoricalMitigatingAction) are created here in the
migration state only. The database is untouched: the models keep their tables (plans_risk,
plans_mitigatingaction, plans_historicalrisk, plans_historicalmitigatingaction) through db_table,
so every risk, action and history row stays where it is. plans 0010 removes the models from the
plans app's state; 0002 here moves their content types and permissions."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("plans", "0009_plan_year_risk_review_interval"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalRisk',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('tier', models.CharField(choices=[('strategic', 'Strategic'), ('operational', 'Operational'), ('project', 'Project')], max_length=20)),
                        ('title', models.CharField(max_length=300)),
                        ('cause', models.TextField(blank=True)),
                        ('effect', models.TextField(blank=True)),
                        ('inherent_likelihood', models.PositiveSmallIntegerField(help_text='1 (rare) to 5 (almost certain).', validators=[django.core.validators.MinValueValidator(1, 'Inherent likelihood must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Inherent likelihood must be between 1 and 5.')], verbose_name='inherent likelihood')),
                        ('inherent_impact', models.PositiveSmallIntegerField(help_text='1 (minor) to 5 (severe).', validators=[django.core.validators.MinValueValidator(1, 'Inherent impact must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Inherent impact must be between 1 and 5.')], verbose_name='inherent impact')),
                        ('current_controls', models.TextField(blank=True)),
                        ('residual_likelihood', models.PositiveSmallIntegerField(help_text='With the current controls. 1 (rare) to 5 (almost certain).', validators=[django.core.validators.MinValueValidator(1, 'Residual likelihood must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Residual likelihood must be between 1 and 5.')], verbose_name='residual likelihood')),
                        ('residual_impact', models.PositiveSmallIntegerField(help_text='With the current controls. 1 (minor) to 5 (severe).', validators=[django.core.validators.MinValueValidator(1, 'Residual impact must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Residual impact must be between 1 and 5.')], verbose_name='residual impact')),
                        ('target_score', models.PositiveSmallIntegerField(blank=True, help_text='The score the owner aims to bring the risk to, 1 to 25.', null=True, validators=[django.core.validators.MinValueValidator(1, 'The target score must be between 1 and 25.'), django.core.validators.MaxValueValidator(25, 'The target score must be between 1 and 25.')])),
                        ('review_on', models.DateField(blank=True, help_text='When the risk is next due for review. A reviewed risk always has one.', null=True, verbose_name='review date')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=20)),
                        ('last_reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='last reviewed')),
                        ('review_note', models.TextField(blank=True, help_text='The note of the latest review: why the scores changed.')),
                        ('is_illustrative', models.BooleanField(default=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('last_reviewed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='last reviewed by')),
                        ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.role')),
                        ('plan_year', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planyear')),
                        ('project', models.ForeignKey(blank=True, db_constraint=False, help_text='Required for a project risk.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.project')),
                    ],
                    options={
                        'verbose_name': 'historical risk',
                        'verbose_name_plural': 'historical risks',
                        'db_table': 'plans_historicalrisk',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Risk',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tier', models.CharField(choices=[('strategic', 'Strategic'), ('operational', 'Operational'), ('project', 'Project')], max_length=20)),
                        ('title', models.CharField(max_length=300)),
                        ('cause', models.TextField(blank=True)),
                        ('effect', models.TextField(blank=True)),
                        ('inherent_likelihood', models.PositiveSmallIntegerField(help_text='1 (rare) to 5 (almost certain).', validators=[django.core.validators.MinValueValidator(1, 'Inherent likelihood must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Inherent likelihood must be between 1 and 5.')], verbose_name='inherent likelihood')),
                        ('inherent_impact', models.PositiveSmallIntegerField(help_text='1 (minor) to 5 (severe).', validators=[django.core.validators.MinValueValidator(1, 'Inherent impact must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Inherent impact must be between 1 and 5.')], verbose_name='inherent impact')),
                        ('current_controls', models.TextField(blank=True)),
                        ('residual_likelihood', models.PositiveSmallIntegerField(help_text='With the current controls. 1 (rare) to 5 (almost certain).', validators=[django.core.validators.MinValueValidator(1, 'Residual likelihood must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Residual likelihood must be between 1 and 5.')], verbose_name='residual likelihood')),
                        ('residual_impact', models.PositiveSmallIntegerField(help_text='With the current controls. 1 (minor) to 5 (severe).', validators=[django.core.validators.MinValueValidator(1, 'Residual impact must be between 1 and 5.'), django.core.validators.MaxValueValidator(5, 'Residual impact must be between 1 and 5.')], verbose_name='residual impact')),
                        ('target_score', models.PositiveSmallIntegerField(blank=True, help_text='The score the owner aims to bring the risk to, 1 to 25.', null=True, validators=[django.core.validators.MinValueValidator(1, 'The target score must be between 1 and 25.'), django.core.validators.MaxValueValidator(25, 'The target score must be between 1 and 25.')])),
                        ('review_on', models.DateField(blank=True, help_text='When the risk is next due for review. A reviewed risk always has one.', null=True, verbose_name='review date')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=20)),
                        ('last_reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='last reviewed')),
                        ('review_note', models.TextField(blank=True, help_text='The note of the latest review: why the scores changed.')),
                        ('is_illustrative', models.BooleanField(default=False)),
                        ('last_reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='last reviewed by')),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='risks', to='plans.role')),
                        ('plan_year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='risks', to='plans.planyear')),
                        ('project', models.ForeignKey(blank=True, help_text='Required for a project risk.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='risks', to='plans.project')),
                    ],
                    options={
                        'db_table': 'plans_risk',
                        'ordering': ['plan_year', 'tier', '-residual_likelihood', '-residual_impact'],
                        'permissions': [('import_risk', 'Can import risks'), ('export_risk', 'Can export risks')],
                    },
                ),
                migrations.CreateModel(
                    name='MitigatingAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('description', models.TextField()),
                        ('due_on', models.DateField(verbose_name='due date')),
                        ('is_done', models.BooleanField(default=False, verbose_name='done')),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='risk_actions', to='plans.role')),
                        ('risk', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='risks.risk')),
                    ],
                    options={
                        'verbose_name': 'mitigating action',
                        'db_table': 'plans_mitigatingaction',
                        'ordering': ['due_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalMitigatingAction',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('description', models.TextField()),
                        ('due_on', models.DateField(verbose_name='due date')),
                        ('is_done', models.BooleanField(default=False, verbose_name='done')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.role')),
                        ('risk', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='risks.risk')),
                    ],
                    options={
                        'verbose_name': 'historical mitigating action',
                        'verbose_name_plural': 'historical mitigating actions',
                        'db_table': 'plans_historicalmitigatingaction',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(('tier__in', ['strategic', 'operational', 'project'])), name='risk_valid_tier', violation_error_message='Choose a valid tier.'),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'closed'])), name='risk_valid_status', violation_error_message='Choose a valid status.'),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(('inherent_likelihood__gte', 1), ('inherent_likelihood__lte', 5)), name='risk_inherent_likelihood_1_to_5', violation_error_message='Inherent likelihood must be between 1 and 5.'),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(('inherent_impact__gte', 1), ('inherent_impact__lte', 5)), name='risk_inherent_impact_1_to_5', violation_error_message='Inherent impact must be between 1 and 5.'),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(('residual_likelihood__gte', 1), ('residual_likelihood__lte', 5)), name='risk_residual_likelihood_1_to_5', violation_error_message='Residual likelihood must be between 1 and 5.'),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(('residual_impact__gte', 1), ('residual_impact__lte', 5)), name='risk_residual_impact_1_to_5', violation_error_message='Residual impact must be between 1 and 5.'),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(('target_score__isnull', True), models.Q(('target_score__gte', 1), ('target_score__lte', 25)), _connector='OR'), name='risk_target_score_1_to_25', violation_error_message='The target score must be between 1 and 25.'),
                ),
                migrations.AddConstraint(
                    model_name='risk',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('project__isnull', False), ('tier', 'project')), models.Q(models.Q(('tier', 'project'), _negated=True), ('project__isnull', True)), _connector='OR'), name='risk_project_tier_has_project', violation_error_message='A project risk names its project; other risks do not.'),
                ),
            ],
            database_operations=[],
        ),
    ]
