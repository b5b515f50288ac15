"""Trigram indexes for the dispute list's search (title, reference, party name).

Django's icontains compiles to UPPER(col) LIKE UPPER('%…%'); a GIN index with
gin_trgm_ops on UPPER(col) serves it. PostgreSQL only: on SQLite (the local
demo) the search stays a scan, which is fine at demo volume.
"""

from django.db import migrations

INDEXES = [
    ("disputes_party", "party_name_trgm_idx", "name"),
    ("disputes_dispute", "dispute_title_trgm_idx", "title"),
    ("disputes_dispute", "dispute_reference_trgm_idx", "reference"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("disputes", "0003_history")]

    operations = [migrations.RunPython(create, drop)]
