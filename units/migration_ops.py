"""Index operations for migrations that only PostgreSQL can run.

Trigram (GIN ``gin_trgm_ops``) indexes serve the lists' ``icontains``
searches, which Django compiles to ``UPPER(col::text) LIKE UPPER('%…%')``:
the index is built on exactly that expression so the planner matches it.
SQLite (the local demo and the default test database) has no such index; the
operation is a no-op there, and the search stays a scan, which is fine at
demo volume. The indexes are not part of the models' state: nothing but the
database ever needs to know about them.
"""

from django.db import migrations


def trigram_indexes(*indexes: tuple[str, str, str]) -> migrations.RunPython:
    """A RunPython creating (and on reverse dropping) each ``(table, index
    name, column)`` trigram index, with the pg_trgm extension, on PostgreSQL."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, name, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for _table, name, _column in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
