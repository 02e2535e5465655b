"""The four user groups and their permissions: staff, directors, corporate services and
administrators. Frozen here, as a data migration must be; later apps add their own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PLANS = ["role", "strategy", "planyear", "strategicobjective", "strategicaim", "theme",
         "corporateobjective", "project", "projecttolerance", "milestone", "recommendation", "risk"]
KPIS = ["indicator", "periodtarget", "measurement"]
BUDGETS = ["grantinaid", "budgetcategory", "budget", "budgetline", "monthlyfigure"]


def view_all():
    return [("plans", f"view_{m}") for m in PLANS] + [("kpis", f"view_{m}") for m in KPIS] + [
        ("budgets", f"view_{m}") for m in BUDGETS
    ]


def crud(app, models):
    return [(app, f"{action}_{m}") for m in models for action in ("add", "change", "delete", "view")]


GROUPS = {
    # Staff update their projects' milestones and read the plans and indicators.
    "Staff": [
        *[("plans", f"view_{m}") for m in PLANS],
        *[("kpis", f"view_{m}") for m in KPIS],
        ("plans", "add_milestone"),
        ("plans", "change_milestone"),
        ("plans", "export_milestone"),
    ],
    # Directors review indicators and enter their actuals, and manage recommendations and risks.
    "Directors": [
        *view_all(),
        ("plans", "add_milestone"),
        ("plans", "change_milestone"),
        ("plans", "add_recommendation"),
        ("plans", "change_recommendation"),
        ("plans", "add_risk"),
        ("plans", "change_risk"),
        ("kpis", "change_indicator"),
        ("kpis", "add_periodtarget"),
        ("kpis", "change_periodtarget"),
        ("kpis", "add_measurement"),
        ("kpis", "change_measurement"),
        ("kpis", "import_measurement"),
        ("kpis", "export_measurement"),
        ("kpis", "export_indicator"),
        ("plans", "export_milestone"),
        ("budgets", "export_budgetline"),
    ],
    # Corporate services keep budgets and their spreadsheets.
    "Corporate services": [
        *view_all(),
        *crud("budgets", BUDGETS),
        ("budgets", "import_budgetline"),
        ("budgets", "export_budgetline"),
        ("kpis", "export_indicator"),
        ("kpis", "export_measurement"),
    ],
    # Administrators set up plans, users and everything else.
    "Administrators": [
        *crud("plans", PLANS),
        *crud("kpis", KPIS),
        *crud("budgets", BUDGETS),
        *crud("auth", ["user", "group"]),
        ("plans", "import_milestone"),
        ("plans", "export_milestone"),
        ("kpis", "import_indicator"),
        ("kpis", "export_indicator"),
        ("kpis", "import_measurement"),
        ("kpis", "export_measurement"),
        ("budgets", "import_budgetline"),
        ("budgets", "export_budgetline"),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("kpis", "0001_initial"),
        ("budgets", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
