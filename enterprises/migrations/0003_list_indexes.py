"""The register's order for a wide scope and unit by unit, and trigram indexes
(PostgreSQL) for its search: name, credit code, address."""


from django.conf import settings
from django.db import migrations, models

from units.migration_ops import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0002_locations'),
        ('units', '0003_drop_plaintext_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        trigram_indexes(
            ("enterprises_enterprise", "enterprise_name_trgm_idx", "name"),
            ("enterprises_enterprise", "enterprise_credit_trgm_idx", "credit_code"),
            ("enterprises_enterprise", "enterprise_address_trgm_idx", "address"),
        ),

        migrations.AddIndex(
            model_name='enterprise',
            index=models.Index(fields=['name', 'id'], name='enterprise_name_id_idx'),
        ),
        migrations.AddIndex(
            model_name='enterprise',
            index=models.Index(fields=['unit', 'name', 'id'], name='enterprise_unit_name_idx'),
        ),
    ]
