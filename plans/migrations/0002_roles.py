"""The three staff roles as Django groups, with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = [
    ("plans", "view_plan"),
    ("plans", "view_basicpolicy"),
    ("plans", "view_measure"),
    ("plans", "view_organisation"),
    ("indicators", "view_indicator"),
    ("indicators", "view_indicatorvalue"),
    ("initiatives", "view_narrative"),
]
ENTER = [
    ("indicators", "add_indicatorvalue"),
    ("indicators", "change_indicatorvalue"),
    ("initiatives", "add_narrative"),
    ("initiatives", "change_narrative"),
]
ROLES = {
    # Enter and edit the values and narratives of their own organisation's indicators and measures.
    "入力担当": VIEW + ENTER,
    # Review and publish; sees the drafts of every organisation.
    "承認者": VIEW
    + ENTER
    + [
        ("indicators", "delete_indicatorvalue"),
        ("initiatives", "delete_narrative"),
        ("indicators", "publish_indicatorvalue"),
        ("indicators", "view_all_organisations"),
    ],
    # Read drafts of every organisation, change nothing.
    "閲覧": VIEW + [("indicators", "view_all_organisations")],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("indicators", "0001_initial"),
        ("initiatives", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
