"""The groups' permissions on explanations: everyone who may change an item the quarterly report
can list as an exception (directors: indicators, milestones and strategic risks; staff:
their projects' milestones and risks; corporate services: budget lines) may add, change and read
explanations, which reports.explaining narrows to the items they may change. Administrators may
also delete one. Nobody else deletes: an explanation is changed, and its history kept."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EXPLAINERS = ["add_correctiveaction", "change_correctiveaction", "view_correctiveaction"]
GRANTS = {
    "Staff": EXPLAINERS,
    "Directors": EXPLAINERS,
    "Corporate services": EXPLAINERS,
    "Administrators": [*EXPLAINERS, "delete_correctiveaction"],
}


def grant_permissions(apps, schema_editor):
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="reports", codename__in=codenames
                )
            )


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="reports")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("plans", "0002_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
