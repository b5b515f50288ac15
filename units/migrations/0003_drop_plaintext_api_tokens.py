"""API tokens moved to django-rest-knox (hashed, expiring): the old table
kept every token in plain text, so it goes, with the tokens in it. Clients
ask for a new token once (POST /api/auth/token/)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("units", "0002_boundaries"), ("knox", "0009_extend_authtoken_field")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
