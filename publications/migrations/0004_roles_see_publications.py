from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [("publications", "view_publication"), ("publications", "view_artifactbuild")]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=["入力担当", "承認者", "閲覧"]):
        for app_label, codename in PERMISSIONS:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [("publications", "0003_publish_what_was_public"), ("plans", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
