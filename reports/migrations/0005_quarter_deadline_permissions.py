"""Administrators change a quarter's deadline; nobody else may (the other groups read the
deadline on the pages that show it, not in the entry screens)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "add_quarterdeadline",
    "change_quarterdeadline",
    "delete_quarterdeadline",
    "view_quarterdeadline",
]


def grant_permissions(apps, schema_editor):
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrators").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="reports", codename__in=CODENAMES)
        )


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrators").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="reports", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_quarter_deadline"),
        ("reports", "0002_group_permissions"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
