"""For migrations that make SQLite rebuild plans_plan (to add a column or a constraint).

A trigger of another table that reads plans_plan (the publications' refusal to be deleted) would stop the
rebuild, so such triggers are set aside for its length and put back as they were: the first and the last
operation of such a migration. Nothing to do on PostgreSQL, which alters tables in place.
"""

_set_aside: list[tuple[str, str]] = []


def set_aside(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%plans_plan%' "
            "AND tbl_name != 'plans_plan'"
        )
        _set_aside[:] = cursor.fetchall()
        for name, _ in _set_aside:
            cursor.execute(f'DROP TRIGGER "{name}"')


def put_back(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for _, sql in _set_aside:
            cursor.execute(sql)
    _set_aside.clear()
