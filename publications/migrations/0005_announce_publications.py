from django.db import migrations

from publications.current import CHANNEL

INSTALL = [
    f"""CREATE OR REPLACE FUNCTION publications_announce() RETURNS trigger AS $$
        BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS publications_publication_announce ON publications_publication",
    """CREATE TRIGGER publications_publication_announce
        AFTER INSERT ON publications_publication
        FOR EACH STATEMENT EXECUTE FUNCTION publications_announce()""",
]
REMOVE = [
    "DROP TRIGGER IF EXISTS publications_publication_announce ON publications_publication",
    "DROP FUNCTION IF EXISTS publications_announce()",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":  # SQLite has no notifications: asked each time
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    """Every new publication is announced to the processes serving the public pages (publications/current.py)."""

    dependencies = [("publications", "0004_roles_see_publications")]

    operations = [migrations.RunPython(run(INSTALL), run(REMOVE))]
