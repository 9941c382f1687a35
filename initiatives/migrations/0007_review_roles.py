"""The staff roles' permissions on what the plan lifecycle added: yearly targets and review marks (read by
every role), and the measures' reviews (entered like narratives)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = [
    ("indicators", "view_yearlytarget"),
    ("plans", "view_reviewmark"),
    ("initiatives", "view_measurereview"),
]
ENTER = [("initiatives", "add_measurereview"), ("initiatives", "change_measurereview")]
ROLES = {
    "入力担当": VIEW + ENTER,
    "承認者": VIEW + ENTER + [("initiatives", "delete_measurereview")],
    "閲覧": VIEW,
}


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        for group in Group.objects.filter(name=name):
            for app_label, codename in codenames:
                group.permissions.remove(
                    *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_measure_reviews"),
        ("indicators", "0007_yearly_targets"),
        ("plans", "0006_review_marks"),
        ("plans", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
