"""``manage.py import_boundaries FILE.geojson``: unit outlines from GeoJSON.

The file is a FeatureCollection; each feature's ``properties.code`` names the
unit (its code, e.g. ``TH-DC-01``) and its geometry is a Polygon or
MultiPolygon in WGS-84 longitude/latitude. Parents are set before their
children, so a file may hold a whole tree. All or nothing: any problem is
reported for every feature concerned and nothing is saved.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from units.models import Unit
from units.services import unit_set_boundary


class _Refused(Exception):
    pass


class Command(BaseCommand):
    help = "Set unit outlines from a GeoJSON FeatureCollection (properties.code = unit code)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A GeoJSON file: a FeatureCollection.")

    def handle(self, *args, path: str, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                collection = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: not a readable GeoJSON file ({error}).") from error
        if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
            raise CommandError(f"{path}: a GeoJSON FeatureCollection is expected.")
        features = collection.get("features") or []
        units = Unit.objects.in_bulk(
            [(f.get("properties") or {}).get("code") for f in features], field_name="code"
        )
        errors = []
        try:
            with transaction.atomic():
                errors = self._apply(features, units)
                if errors:
                    raise _Refused
        except _Refused:
            raise CommandError("Nothing was saved:\n" + "\n".join(errors)) from None
        self.stdout.write(self.style.SUCCESS(f"{len(features)} outlines set."))

    def _apply(self, features: list, units: dict) -> list[str]:
        errors, known = [], []
        for number, feature in enumerate(features, start=1):
            code = (feature.get("properties") or {}).get("code")
            if code not in units:
                errors.append(f"feature {number}: no unit with code {code!r}")
            else:
                known.append((units[code], feature.get("geometry")))
        for unit, geometry in sorted(known, key=lambda item: item[0].depth):
            try:
                unit.refresh_from_db(fields=["boundary"])
                if unit.parent_id:
                    unit.parent.refresh_from_db(fields=["boundary"])
                unit_set_boundary(actor=None, unit=unit, geometry=geometry)
            except ValidationError as error:
                errors.append(f"{unit.code} ({unit.name}): {' '.join(error.messages)}")
        return errors
