"""Owners of corporate and enabling objectives, and the projects each lists, keep the order the
plan prints them in: each link gets a position. Django cannot add a link model to an existing
many-to-many field, so the links move to new tables, with their audit history; an existing link's
position is its place in the order the links were made, the best guess an older database holds
(`load_demo` then sets the printed order)."""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def _positioned(rows, parent, order="id"):
    """Each row's position among its parent's rows, from 1, in the order they were made."""
    counts = {}
    for row in sorted(rows, key=lambda row: row[order]):
        counts[row[parent]] = counts.get(row[parent], 0) + 1
        yield row, counts[row[parent]]


def links_copied(apps, schema_editor):
    CorporateObjective = apps.get_model("plans", "CorporateObjective")
    Project = apps.get_model("plans", "Project")
    Owner = apps.get_model("plans", "CorporateObjectiveOwner")
    Listed = apps.get_model("plans", "CorporateObjectiveProject")
    OldHistory = apps.get_model("plans", "HistoricalCorporateObjective_owners")
    NewHistory = apps.get_model("plans", "HistoricalCorporateObjectiveOwner")
    owners = CorporateObjective.owners.through.objects.values("id", "corporateobjective_id", "role_id")
    Owner.objects.bulk_create(
        Owner(corporate_objective_id=row["corporateobjective_id"], role_id=row["role_id"], position=position)
        for row, position in _positioned(owners, "corporateobjective_id")
    )
    listed = Project.corporate_objectives.through.objects.values("id", "corporateobjective_id", "project_id")
    Listed.objects.bulk_create(
        Listed(corporate_objective_id=row["corporateobjective_id"], project_id=row["project_id"], position=position)
        for row, position in _positioned(listed, "corporateobjective_id")
    )
    history = OldHistory.objects.values("id", "corporateobjective_id", "role_id", "history_id", "m2m_history_id")
    NewHistory.objects.bulk_create(
        (
            NewHistory(
                id=row["id"],
                corporate_objective_id=row["corporateobjective_id"],
                role_id=row["role_id"],
                history_id=row["history_id"],
                position=position,
            )
            for row, position in _positioned(history, "history_id", "m2m_history_id")
        ),
        batch_size=500,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0012_printed_wording_of_aims_and_themes'),
    ]

    operations = [
        migrations.CreateModel(
            name='CorporateObjectiveOwner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Place in the list as the document prints it, from 1.')),
                ('corporate_objective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='owner_links', to='plans.corporateobjective')),
                ('role', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corporate_objective_links', to='plans.role')),
            ],
            options={
                'verbose_name': 'owner',
                'ordering': ['corporate_objective', 'position', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='CorporateObjectiveProject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Place in the list as the document prints it, from 1.')),
                ('corporate_objective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='project_links', to='plans.corporateobjective')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corporate_objective_links', to='plans.project')),
            ],
            options={
                'verbose_name': 'project listed',
                'verbose_name_plural': 'projects listed',
                'ordering': ['corporate_objective', 'position', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCorporateObjectiveOwner',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Place in the list as the document prints it, from 1.')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('corporate_objective', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.corporateobjective')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='plans.historicalcorporateobjective')),
                ('role', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.role')),
            ],
            options={
                'verbose_name': 'HistoricalCorporateObjectiveOwner',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='corporateobjectiveowner',
            constraint=models.UniqueConstraint(fields=('corporate_objective', 'role'), name='corporate_objective_owner_once', violation_error_message='This role is already an owner of the objective.'),
        ),
        migrations.AddConstraint(
            model_name='corporateobjectiveproject',
            constraint=models.UniqueConstraint(fields=('corporate_objective', 'project'), name='corporate_objective_project_once', violation_error_message='This project is already listed under the objective.'),
        ),
        migrations.RunPython(links_copied, migrations.RunPython.noop),
        migrations.RemoveField(model_name='corporateobjective', name='owners'),
        migrations.RemoveField(model_name='project', name='corporate_objectives'),
        migrations.DeleteModel(
            name='HistoricalCorporateObjective_owners',
        ),
        migrations.AddField(
            model_name='corporateobjective',
            name='owners',
            field=models.ManyToManyField(blank=True, help_text='In the order the plan prints them.', related_name='corporate_objectives', through='plans.CorporateObjectiveOwner', to='plans.role'),
        ),
        migrations.AddField(
            model_name='project',
            name='corporate_objectives',
            field=models.ManyToManyField(blank=True, related_name='projects', through='plans.CorporateObjectiveProject', to='plans.corporateobjective'),
        ),
    ]
