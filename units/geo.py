"""Places on earth: unit outlines and record locations (the beat map).

Coordinates are plain WGS-84 longitude/latitude in degrees (GeoJSON order),
stored in ordinary columns, so the embedded default needs nothing beyond
Python. Geometry checks (is a ring closed, does it cross itself, does a beat
lie inside its station, is a point inside a beat) use shapely, a well-kept
binding of GEOS, rather than hand-written geometry.

CGCS2000, China's datum, differs from WGS-84 by centimetres: at the scale of a
beat the two are the same.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.validation import explain_validity

# A child's outline may stick out of its parent's by this much (degrees,
# about a metre) where both were drawn along the same road.
TOLERANCE = 0.00001


def _ring_errors(ring: list, where: str) -> list[str]:
    errors = []
    if len(ring) < 4:
        errors.append(_("%(where)s has fewer than three corners.") % {"where": where})
    elif list(ring[0]) != list(ring[-1]):
        errors.append(
            _("%(where)s is not closed: its last point must repeat its first.") % {"where": where}
        )
    for point in ring:
        if not (isinstance(point, list | tuple) and len(point) >= 2):
            errors.append(_("%(where)s has a point that is not [longitude, latitude].")
                          % {"where": where})
            break
        lng, lat = point[0], point[1]
        if not all(isinstance(v, int | float) for v in (lng, lat)) or not (
            -180 <= lng <= 180 and -90 <= lat <= 90
        ):
            errors.append(_("%(where)s has a point outside longitude/latitude: %(point)s.")
                          % {"where": where, "point": point})
            break
    return errors


def boundary_shape(geometry: dict | None):
    """The shapely shape of a stored outline (None when there is none)."""
    return shape(geometry) if geometry else None


def clean_boundary(geometry: object, *, parent_geometry: dict | None = None):
    """Check a GeoJSON Polygon or MultiPolygon given as a unit's outline.

    Raises ValidationError with every problem found, in the user's language:
    wrong type, open or too short rings, coordinates out of range, a ring that
    crosses itself, an outline that does not lie inside the parent's.
    Returns the shapely shape.
    """
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("An outline is a GeoJSON Polygon or MultiPolygon."))
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons or not all(
        isinstance(p, list) and p for p in polygons
    ):
        raise ValidationError(_("The outline has no coordinates."))
    errors = []
    for number, rings in enumerate(polygons, start=1):
        for index, ring in enumerate(rings):
            where = (
                _("Part %(part)s, outer ring") % {"part": number} if index == 0
                else _("Part %(part)s, hole %(hole)s") % {"part": number, "hole": index}
            )
            errors += _ring_errors(ring if isinstance(ring, list) else [], where)
    if errors:
        raise ValidationError(errors)
    outline = shape(geometry)
    if not outline.is_valid:
        raise ValidationError(
            _("The outline crosses itself or overlaps its own parts (%(reason)s).")
            % {"reason": explain_validity(outline)}
        )
    if parent_geometry:
        parent = shape(parent_geometry)
        if not parent.buffer(TOLERANCE).contains(outline):
            raise ValidationError(_("The outline does not lie inside the parent unit's outline."))
    return outline


def is_polygonal(outline) -> bool:
    return isinstance(outline, Polygon | MultiPolygon)


def contains(geometry: dict | None, longitude: Decimal, latitude: Decimal) -> bool:
    """Whether the point lies inside (or on) the stored outline."""
    if not geometry:
        return False
    return shape(geometry).buffer(TOLERANCE).contains(Point(float(longitude), float(latitude)))


# China's extent in WGS-84 (south, west, north, east), islands included: a
# location outside it is a typo or swapped coordinates, not a place the
# bureau works.
CHINA_BOUNDS = (Decimal("3.8"), Decimal("73.4"), Decimal("53.6"), Decimal("135.1"))


def clean_location(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """A record's optional location: both coordinates or neither, inside China."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"latitude": _("This is not a place on earth.")})
    south, west, north, east = CHINA_BOUNDS
    if not (south <= latitude <= north and west <= longitude <= east):
        raise ValidationError({"latitude": _(
            "This place is outside China (latitude %(south)s–%(north)s, longitude "
            "%(west)s–%(east)s); check the numbers are not swapped."
        ) % {"south": south, "north": north, "west": west, "east": east}})
    return latitude.quantize(Decimal("0.000001")), longitude.quantize(Decimal("0.000001"))
