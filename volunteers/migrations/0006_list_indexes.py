"""The volunteer and patrol lists' orders, and trigram indexes (PostgreSQL) for
the volunteer and alliance searches."""


from django.conf import settings
from django.db import migrations, models

from units.migration_ops import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0003_drop_plaintext_api_tokens'),
        ('volunteers', '0005_locations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        trigram_indexes(
            ("volunteers_volunteer", "volunteer_name_trgm_idx", "name"),
            ("volunteers_volunteer", "volunteer_skills_trgm_idx", "skills"),
            ("volunteers_alliance", "alliance_name_trgm_idx", "name"),
        ),

        migrations.AddIndex(
            model_name='patrol',
            index=models.Index(fields=['unit', 'starts_at', 'id'], name='patrol_unit_start_idx'),
        ),
        migrations.AddIndex(
            model_name='volunteer',
            index=models.Index(fields=['name', 'id'], name='volunteer_name_id_idx'),
        ),
        migrations.AddIndex(
            model_name='volunteer',
            index=models.Index(fields=['unit', 'name', 'id'], name='volunteer_unit_name_idx'),
        ),
    ]
