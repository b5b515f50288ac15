"""Sort keys for risk level and status in the domain's order (Dispute.risk_rank,
status_rank), and their indexes in place of the code-based ones; the unit's
reference index carries the id, so a scope's page of ids is read from it alone."""

from django.conf import settings
from django.db import migrations, models

RANKS = ("risk_rank", "status_rank")


def add_rank_columns(apps, schema_editor):
    """Both columns in one ALTER TABLE on PostgreSQL: adding a stored
    generated column rewrites the table and rebuilds every index of it, so
    one statement each rewrote the province's million cases twice (65 s
    against 37 s, the table locked throughout)."""
    Dispute = apps.get_model("disputes", "Dispute")
    fields = [Dispute._meta.get_field(name) for name in RANKS]
    if schema_editor.connection.vendor != "postgresql":
        for field in fields:
            schema_editor.add_field(Dispute, field)
        return
    clauses, params = [], []
    for field in fields:
        definition, field_params = schema_editor.column_sql(Dispute, field)
        clauses.append(f"ADD COLUMN {schema_editor.quote_name(field.column)} {definition}")
        params += field_params
    table = schema_editor.quote_name(Dispute._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} {', '.join(clauses)}", params)


def drop_rank_columns(apps, schema_editor):
    Dispute = apps.get_model("disputes", "Dispute")
    for name in RANKS:
        schema_editor.remove_field(Dispute, Dispute._meta.get_field(name))


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0011_beat_indexes'),
        ('units', '0007_export_list_name_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='dispute',
            name='dispute_status_id_idx',
        ),
        migrations.RemoveIndex(
            model_name='dispute',
            name='dispute_unit_status_id_idx',
        ),
        migrations.RemoveIndex(
            model_name='dispute',
            name='dispute_risk_id_idx',
        ),
        migrations.RemoveIndex(
            model_name='dispute',
            name='dispute_unit_risk_id_idx',
        ),
        migrations.RemoveIndex(
            model_name='dispute',
            name='dispute_unit_ref_idx',
        ),
        # In the state as AddFields; in the database by add_rank_columns.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AddField(
                model_name='dispute',
                name='risk_rank',
                field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(risk_level='low', then=models.Value(1)), models.When(risk_level='medium', then=models.Value(2)), models.When(risk_level='high', then=models.Value(3)), default=models.Value(0)), output_field=models.PositiveSmallIntegerField()),
            ),
            migrations.AddField(
                model_name='dispute',
                name='status_rank',
                field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(status='registered', then=models.Value(1)), models.When(status='assessed', then=models.Value(2)), models.When(status='in_mediation', then=models.Value(3)), models.When(status='resolved', then=models.Value(4)), models.When(status='unresolved', then=models.Value(5)), models.When(status='closed', then=models.Value(6)), models.When(status='withdrawn', then=models.Value(7)), default=models.Value(0)), output_field=models.PositiveSmallIntegerField()),
            ),
        ]),
        migrations.RunPython(add_rank_columns, drop_rank_columns),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['status_rank', 'id'], name='dispute_status_rank_id_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['unit', 'status_rank', 'id'], name='dispute_unit_status_rank_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['risk_rank', 'id'], name='dispute_risk_rank_id_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['unit', 'risk_rank', 'id'], name='dispute_unit_risk_rank_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['unit', 'reference', 'id'], name='dispute_unit_ref_id_idx'),
        ),
    ]
