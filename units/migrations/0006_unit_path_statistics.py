"""A finer histogram of the unit paths (PostgreSQL only).

Every list is scoped by ``unit_id IN (SELECT id FROM units_unit WHERE path
LIKE 'p%')``; the planner estimates that prefix from the column's histogram.
With the default 100 buckets a province's 14,288 units make buckets of ~140
paths, and a district's 120 units fall inside one: estimated at one unit, the
district's list was read unit by unit and sorted (80 ms) instead of read down
the ordering index (15 ms). 2,500 buckets keep a district's subtree over
dozens of buckets; planning stays under 2 ms.
"""

from django.db import migrations

STATISTICS = 2500


def finer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE units_unit ALTER COLUMN path SET STATISTICS {STATISTICS}"
        )
        schema_editor.execute("ANALYZE units_unit")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE units_unit ALTER COLUMN path SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("units", "0005_export_events")]

    operations = [migrations.RunPython(finer, default)]
