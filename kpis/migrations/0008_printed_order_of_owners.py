"""An indicator's owners keep the order the plan prints them in (KPI1: Director of Participation,
then Director of Communications): each link gets a position. Django cannot add a link model to an
existing many-to-many field, so the links move to a new table, with their audit history; an
existing link's position is its place in the order the links were made, the best guess an older
database holds (`load_demo` then sets the printed order)."""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def _positioned(rows, parent, order):
    """Each row's position among its parent's rows, from 1, in the order they were made."""
    counts = {}
    for row in sorted(rows, key=lambda row: row[order]):
        counts[row[parent]] = counts.get(row[parent], 0) + 1
        yield row, counts[row[parent]]


def links_copied(apps, schema_editor):
    Indicator = apps.get_model("kpis", "Indicator")
    Owner = apps.get_model("kpis", "IndicatorOwner")
    OldHistory = apps.get_model("kpis", "HistoricalIndicator_owners")
    NewHistory = apps.get_model("kpis", "HistoricalIndicatorOwner")
    owners = Indicator.owners.through.objects.values("id", "indicator_id", "role_id")
    Owner.objects.bulk_create(
        (
            Owner(indicator_id=row["indicator_id"], role_id=row["role_id"], position=position)
            for row, position in _positioned(owners, "indicator_id", "id")
        ),
        batch_size=500,
    )
    history = OldHistory.objects.values("id", "indicator_id", "role_id", "history_id", "m2m_history_id")
    NewHistory.objects.bulk_create(
        (
            NewHistory(
                id=row["id"],
                indicator_id=row["indicator_id"],
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
        ('kpis', '0007_indicator_target_profile'),
        ('plans', '0013_printed_order_of_owners_and_projects'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalIndicatorOwner',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Place in the list as the document prints it, from 1.')),
                ('is_illustrative', models.BooleanField(default=False, help_text='Generated demo data: the plan names no owner, so the demo gives one.')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='kpis.historicalindicator')),
                ('indicator', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='kpis.indicator')),
                ('role', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.role')),
            ],
            options={
                'verbose_name': 'HistoricalIndicatorOwner',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='IndicatorOwner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Place in the list as the document prints it, from 1.')),
                ('is_illustrative', models.BooleanField(default=False, help_text='Generated demo data: the plan names no owner, so the demo gives one.')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='owner_links', to='kpis.indicator')),
                ('role', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicator_links', to='plans.role')),
            ],
            options={
                'verbose_name': 'owner',
                'ordering': ['indicator', 'position', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='indicatorowner',
            constraint=models.UniqueConstraint(fields=('indicator', 'role'), name='indicator_owner_once', violation_error_message='This role is already an owner of the indicator.'),
        ),
        migrations.RunPython(links_copied, migrations.RunPython.noop),
        migrations.RemoveField(model_name='indicator', name='owners'),
        migrations.DeleteModel(name='HistoricalIndicator_owners'),
        migrations.AddField(
            model_name='indicator',
            name='owners',
            field=models.ManyToManyField(blank=True, help_text='In the order the plan prints them.', related_name='indicators', through='kpis.IndicatorOwner', to='plans.role'),
        ),
    ]
