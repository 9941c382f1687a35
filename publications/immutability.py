"""The database's refusal to change or delete a publication: triggers on SQLite and PostgreSQL.

Installed by migration 0002. On SQLite a delete is refused while the publication's plan still exists (a plan
with publications cannot be deleted: the foreign key protects it), which lets Django's test runner empty the
tables between transactional tests; PostgreSQL's TRUNCATE, which that runner uses there, fires no row trigger.
"""

MESSAGE = "publications are records: they cannot be changed or deleted"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS publications_publication_no_update
        BEFORE UPDATE ON publications_publication
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS publications_publication_no_delete
        BEFORE DELETE ON publications_publication
        WHEN EXISTS (SELECT 1 FROM plans_plan WHERE id = OLD.plan_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS publications_publication_no_update",
    "DROP TRIGGER IF EXISTS publications_publication_no_delete",
]
POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION publications_refuse_change() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """DROP TRIGGER IF EXISTS publications_publication_immutable ON publications_publication""",
    """CREATE TRIGGER publications_publication_immutable
        BEFORE UPDATE OR DELETE ON publications_publication
        FOR EACH ROW EXECUTE FUNCTION publications_refuse_change()""",
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS publications_publication_immutable ON publications_publication",
    "DROP FUNCTION IF EXISTS publications_refuse_change()",
]


def statements(vendor: str, install: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    return []


def run(connection, install: bool) -> None:
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor, install):
            cursor.execute(statement)
