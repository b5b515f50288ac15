"""Indexes for every ordering of the dispute list, and the exact ID-number search
(the trigram indexes of its search are 0004's)."""


from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0008_personal_data_access_any_field'),
        ('units', '0003_drop_plaintext_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [

        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['deadline', 'id'], name='dispute_deadline_id_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['unit', 'deadline', 'id'], name='dispute_unit_deadline_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['unit', 'reference'], name='dispute_unit_ref_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['status', 'id'], name='dispute_status_id_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['unit', 'status', 'id'], name='dispute_unit_status_id_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['risk_level', 'id'], name='dispute_risk_id_idx'),
        ),
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(fields=['unit', 'risk_level', 'id'], name='dispute_unit_risk_id_idx'),
        ),
        migrations.AddIndex(
            model_name='party',
            index=models.Index(fields=['id_number'], name='party_id_number_idx'),
        ),
    ]
