"""The register's content types move with its models, from the plans app to this one, so that
the permissions hung on them (plans.change_risk becomes risks.change_risk, and so on) stay with
every group and person that held them, and the entry screens' change log still finds its risks.

The content type rows are relabelled, not made afresh: a permission is tied to its content type,
so relabelling carries over every grant the data migrations (plans 0002 and 0008) and the
administrators made. Where the new label exists already (the database was migrated forward
before, and back), its grants are merged into the old rows' permissions first."""

from django.conf import settings
from django.db import migrations

MODELS = ["risk", "mitigatingaction", "historicalrisk", "historicalmitigatingaction"]


def relabel(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in MODELS:
        moving = ContentType.objects.filter(app_label=from_label, model=model).first()
        if moving is None:
            continue
        existing = ContentType.objects.filter(app_label=to_label, model=model).first()
        if existing is not None:
            for permission in Permission.objects.filter(content_type=existing):
                kept = Permission.objects.filter(
                    content_type=moving, codename=permission.codename
                ).first()
                if kept is None:
                    permission.content_type = moving
                    permission.save(update_fields=["content_type"])
                    continue
                for group in Group.objects.filter(permissions=permission):
                    group.permissions.add(kept)
                for user in User.objects.filter(user_permissions=permission):
                    user.user_permissions.add(kept)
                permission.delete()
            LogEntry.objects.filter(content_type=existing).update(content_type=moving)
            existing.delete()
        moving.app_label = to_label
        moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def to_risks(apps, schema_editor):
    relabel(apps, "plans", "risks")


def to_plans(apps, schema_editor):
    relabel(apps, "risks", "plans")


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0001_initial"),
        ("plans", "0010_risk_register_moves_to_the_risks_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(to_risks, to_plans)]
