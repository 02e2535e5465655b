"""Corporate services enter the actuals of the indicators whose owner role they hold (KPI10, the
share of the budget spent on projects, a ratio of the budget figures they keep) in the entry
screens and by import, as they already do on the indicator's page. Their group gains the
permissions to enter actuals there; kpis.rights still decides which indicators (those they own,
in an open year), as it does for directors."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Corporate services"
PERMISSIONS = ["add_measurement", "change_measurement", "import_measurement", "change_indicator"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("kpis")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="kpis", codename__in=PERMISSIONS)
    )


def withdraw(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="kpis", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0005_indicator_rag_thresholds_and_continues_from"),
        ("plans", "0002_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, withdraw)]
