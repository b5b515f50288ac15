"""Trigram indexes (PostgreSQL) for the 110 call list's search: call number,
caller name, address."""


from django.db import migrations

from units.migration_ops import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0002_locations'),
    ]

    operations = [
        trigram_indexes(
            ("incidents_incident", "incident_number_trgm_idx", "number"),
            ("incidents_incident", "incident_caller_trgm_idx", "caller_name"),
            ("incidents_incident", "incident_address_trgm_idx", "address"),
        ),

    ]
