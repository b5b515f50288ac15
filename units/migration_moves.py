"""The database side of moving models from one app to another with their rows.

Used by the migrations that gave the organisation, the 110 calls and the
enterprises apps of their own (they had lived in ``policing``). The models'
state moves with ``SeparateDatabaseAndState``; this renames each table (and
on PostgreSQL the sequences of its columns, so that names keep matching the
tables) and hands the content types, and with them every permission and
every group's hold on it, to the new app. Nothing is copied: every row stays.
"""

from django.db import migrations


def _rename_tables(schema_editor, tables: dict[str, str]) -> None:
    quote = schema_editor.quote_name
    for old, new in tables.items():
        schema_editor.execute(
            schema_editor.sql_rename_table % {"old_table": quote(old), "new_table": quote(new)}
        )
        if schema_editor.connection.vendor != "postgresql":
            continue
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname, pg_get_serial_sequence(%s, a.attname) FROM pg_attribute a "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                [new, new],
            )
            sequences = [(column, seq) for column, seq in cursor.fetchall() if seq]
        for column, sequence in sequences:
            schema_editor.execute(
                f"ALTER SEQUENCE {sequence} RENAME TO {quote(f'{new}_{column}_seq')}"
            )


def _move_content_types(apps, old_app: str, new_app: str, models: list[str]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if content_type.objects.filter(app_label=new_app, model=model).exists():
            continue  # already moved (or made by a run of the new code): leave it
        content_type.objects.filter(app_label=old_app, model=model).update(app_label=new_app)


def move_models(*, old_app: str, new_app: str, tables: dict[str, str]) -> migrations.RunPython:
    """Rename ``tables`` (old name → new name) and move the content types of
    the models they hold (named after the new tables) from ``old_app`` to
    ``new_app``. Reversible."""
    prefix = f"{new_app}_"
    models = [new[len(prefix):] for new in tables.values() if new[len(prefix):].isalnum()]

    def forwards(apps, schema_editor):
        _rename_tables(schema_editor, tables)
        _move_content_types(apps, old_app, new_app, models)

    def backwards(apps, schema_editor):
        _rename_tables(schema_editor, {new: old for old, new in tables.items()})
        _move_content_types(apps, new_app, old_app, models)

    return migrations.RunPython(forwards, backwards, elidable=False)
