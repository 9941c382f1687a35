from django.db import migrations

from publications import immutability


def install(apps, schema_editor):
    immutability.run(schema_editor.connection, install=True)


def remove(apps, schema_editor):
    immutability.run(schema_editor.connection, install=False)


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
