"""The beat map (警区全息图): where the work is, beat by beat.

It gathers every app's records, so it lives in the project package. The page
draws with the vendored Leaflet, offline: beats from their stored outlines,
coloured by one figure, and the located records as points (clustered on a
grid when there are many). Two GeoJSON endpoints feed it; both are scoped to
the user's unit subtree like every other read.

The figures per beat and the hotspots are computed in reports.hotspots, which
the supervisor's dashboard shares.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as PageDenied
from django.db.models import Avg, Count, DecimalField, F, Q, Value
from django.db.models.functions import Floor
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from disputes.models import Category as DisputeCategory
from disputes.models import Status as DisputeStatus
from disputes.selectors import dispute_list
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_list
from incidents.selectors import incident_list
from reports.hotspots import EMPTY, FIGURES, beat_figures, branch_figures, hotspots
from units.models import Unit
from units.selectors import unit_get, unit_list, user_unit
from volunteers.models import Outreach, Patrol, PatrolAttendance, Tip
from volunteers.selectors import outreach_list, patrol_list, tip_list

# Above this many points the map gets grid cells with counts instead.
POINT_CAP = 500
# Above this many beats in view (a province holds 12,000, a city 900) the map
# shows the units one level down with their beats' figures summed: 5 MB of
# outlines help no one choose where to look.
BEAT_LIMIT = 1500
# Outlines to five decimals: about a metre, finer than the map draws.
OUTLINE_DIGITS = 5
# The centre of a unit without an outline of its own, from its beats'.
CENTRE_SECONDS = 60 * 60
# An id no unit has, reversed once to make a URL pattern (_url_pattern).
STAND_IN = 987654321
# Grid cells: about this many across the view's longer side, so that their
# markers (32 px) stand apart on a phone as on a laptop (at 12, a phone's
# 366 px map got 30 px cells and its markers overlapped); a kilometre when the
# request names no view.
CELLS_ACROSS = 8
DEFAULT_CELL = Decimal("0.01")
SMALLEST_CELL = Decimal("0.0001")


def _map_root(*, user, unit: Unit | None) -> Unit | None:
    """The unit whose beats the map shows: the one asked for (already in the
    user's scope), else the user's own; None is the whole tree, a
    superuser's."""
    if unit is not None or user.is_superuser:
        return unit
    return user_unit(user)


def beat_collection(*, user, unit: Unit | None = None) -> dict:
    """The beats below ``unit`` (by default the user's units) that have an
    outline, as a GeoJSON FeatureCollection with their figures; when they are
    more than BEAT_LIMIT, the units one level down instead, each with the
    figures of its beats summed and a link to its own beats (``level``).
    ``trail`` names the units from the top of the user's scope down to the
    one shown, for going back up."""
    root = _map_root(user=user, unit=unit)
    beats = _outlined_beats(user, root)
    wide = beats.count() > BEAT_LIMIT
    features = _unit_features(user, root) if wide else _beat_features(user, beats)
    return {"type": "FeatureCollection", "level": "units" if wide else "beats",
            "unit": _named(root) if root is not None else None,
            "trail": _trail(user, root), "features": features}


def _outlined_beats(user, root: Unit | None):
    beats = unit_list(user=user).filter(kind=Unit.Kind.BEAT, boundary__isnull=False)
    return beats.filter(path__startswith=root.path) if root is not None else beats


def too_wide_for_points(user) -> bool:
    """Whether the user's map opens on the units above the beats: its points
    are then read for the view's box alone (a province's million, even in
    grid cells, took a second and 2 MB)."""
    return _outlined_beats(user, _map_root(user=user, unit=None)).count() > BEAT_LIMIT


def _named(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name}


def _trail(user, root: Unit | None) -> list[dict]:
    """The units above ``root`` that the user may see, and ``root``: top first."""
    if root is None:
        return []
    above = unit_list(user=user).filter(path__in=root.ancestor_paths()).order_by("path")
    return [{"id": pk, "name": name} for pk, name in above.values_list("pk", "name")]


def _beat_features(user, beats) -> list[dict]:
    figures = beat_figures(user=user, beats=beats, now=timezone.now())
    # Rows, not models: a city's 900 beats and their stations as instances
    # cost more than the four queries of their figures.
    rows = beats.order_by("path").values_list("pk", "name", "code", "boundary", "parent__name")
    disputes = reverse("disputes:list")
    page = _url_pattern("policing:unit_detail")
    return [
        {
            "type": "Feature",
            "id": pk,
            "geometry": rounded(boundary),
            "properties": {
                "name": name, "code": code, "station": station or "",
                "url": page.format(pk),
                "disputes_url": f"{disputes}?beat={pk}",
                **figures[pk],
            },
        }
        for pk, name, code, boundary, station in rows
    ]


def _url_pattern(name: str) -> str:
    """The URL of ``name`` for any one id, as a format string: reversed once
    rather than for each of a city's 900 beats (40 ms)."""
    return reverse(name, args=[STAND_IN]).replace(str(STAND_IN), "{}")


def _unit_features(user, root: Unit | None) -> list[dict]:
    """The units one level below ``root`` (the top units when None), with the
    figures of their beats summed: their own outline, or a point at the
    centre of their beats' outlines when they have none."""
    units = list(Unit.objects.filter(parent=root).order_by("path") if root is not None
                 else unit_list(user=user).filter(parent__isnull=True).order_by("path"))
    figures = branch_figures(user=user, parent=root, now=timezone.now())
    centres = _centres([unit for unit in units if unit.boundary is None])
    beats = reverse("map-beats")
    return [
        {
            "type": "Feature",
            "id": unit.pk,
            "geometry": rounded(unit.boundary) if unit.boundary else centres.get(unit.pk),
            "properties": {
                "name": unit.name, "code": unit.code, "kind": unit.get_kind_display(),
                "url": unit.get_absolute_url(), "beats_url": f"{beats}?unit={unit.pk}",
                **figures.get(unit.path, EMPTY),
            },
        }
        for unit in units
    ]


def rounded(geometry: dict) -> dict:
    """An outline with its coordinates to OUTLINE_DIGITS decimals (about a
    metre): the map draws no finer, and the GeoJSON is a fifth smaller."""

    def cut(coordinates):
        if coordinates and isinstance(coordinates[0], (int, float)):
            return [round(value, OUTLINE_DIGITS) for value in coordinates]
        return [cut(part) for part in coordinates]

    return {"type": geometry["type"], "coordinates": cut(geometry["coordinates"])}


def _centres(units: list[Unit]) -> dict[int, dict | None]:
    """A point at the centre of the box around the outlined beats below each
    of ``units`` (None without any), kept CENTRE_SECONDS: reading a city's
    beat outlines once an hour rather than on every view. A point rather
    than the box itself: boxes of neighbours overlap and would claim each
    other's ground."""
    keys = {unit.pk: f"map:centre:{unit.pk}" for unit in units}
    kept = cache.get_many(list(keys.values()))
    centres = {pk: kept[key][0] for pk, key in keys.items() if key in kept}
    missing = [unit for unit in units if unit.pk not in centres]
    if missing:
        boxes: dict[int, list[float]] = {}
        below = Q()
        for unit in missing:
            below |= Q(path__startswith=unit.path)
        outlined = Unit.objects.filter(below, kind=Unit.Kind.BEAT, boundary__isnull=False)
        for path, boundary in outlined.values_list("path", "boundary"):
            owner = next(unit.pk for unit in missing if path.startswith(unit.path))
            boxes[owner] = _grown(boxes.get(owner), boundary)
        for unit in missing:
            box = boxes.get(unit.pk)
            centres[unit.pk] = box and {"type": "Point", "coordinates": [
                round((box[0] + box[2]) / 2, OUTLINE_DIGITS), round((box[1] + box[3]) / 2, OUTLINE_DIGITS),
            ]}
        cache.set_many({keys[unit.pk]: (centres[unit.pk],) for unit in missing}, CENTRE_SECONDS)
    return centres


def _grown(box: list[float] | None, geometry: dict) -> list[float]:
    """``box`` (west, south, east, north) grown to hold ``geometry``."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    points = [point for polygon in polygons for ring in polygon for point in ring]
    if box is not None:
        points += [box[:2], box[2:]]
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    return [min(lngs), min(lats), max(lngs), max(lats)]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _dispute_point(record) -> dict:
    return {"title": f"{record.reference} {record.title}",
            "subtitle": record.get_status_display(), "when": _local(record.received_at),
            "url": record.get_absolute_url()}


def _incident_point(record) -> dict:
    return {"title": record.number, "subtitle": record.get_category_display(),
            "when": _local(record.received_at), "url": record.get_absolute_url()}


def _tip_point(record) -> dict:
    return {"title": f"{record.get_kind_display()} · {record.place}",
            "subtitle": record.get_status_display(), "when": _local(record.received_at),
            "url": record.get_absolute_url()}


def _enterprise_point(record) -> dict:
    return {"title": record.name, "subtitle": record.get_industry_display(),
            "when": record.address, "url": record.get_absolute_url()}


def _outreach_point(record) -> dict:
    return {"title": f"{record.get_theme_display()} · {record.place}",
            "subtitle": record.alliance.name, "when": record.date.isoformat(),
            "url": f"{reverse('volunteers:outreach_list')}?alliance={record.alliance_id}"}


def _check_in_point(record) -> dict:
    return {"title": f"{record.volunteer.name} · {record.patrol.area}",
            "subtitle": record.patrol.get_status_display(), "when": _local(record.checked_in_at),
            "url": record.patrol.get_absolute_url()}


def _without_figures(selector, model, *related: str):
    """The records of a selector that annotates figures (aggregates), as a
    plain queryset the point filters and grid cells can group again."""
    return lambda *, user: model.objects.filter(
        pk__in=selector(user=user).values("pk")
    ).select_related(*related)


def _check_ins(*, user):
    """Check-ins of the patrols the user may see."""
    return PatrolAttendance.objects.filter(
        patrol__in=patrol_list(user=user).values("pk"), checked_in_at__isnull=False
    ).select_related("volunteer", "patrol")


@dataclass(frozen=True)
class PointKind:
    """One kind of located record on the map: where its records come from
    (the app's scoped selector), which field the time filter reads, which
    statuses it has, and what a point's card says."""

    label: str
    perm: str  # the right to read these records: the page offers only readable kinds
    records: Callable
    properties: Callable
    when: str | None = None  # the time filter's field ("received_at", "date"…)
    statuses: tuple = ()
    status_field: str = "status"
    category: bool = False


POINT_KINDS: dict[str, PointKind] = {
    "dispute": PointKind(_("Disputes"), "disputes.view_dispute", dispute_list, _dispute_point,
                         "received_at",
                         tuple(DisputeStatus.choices), category=True),
    "incident": PointKind(_("110 calls"), "incidents.view_incident", incident_list,
                          _incident_point, "received_at"),
    "tip": PointKind(_("Tips"), "volunteers.view_tip", tip_list, _tip_point, "received_at",
                     tuple(Tip.Status.choices)),
    "enterprise": PointKind(
        _("Enterprises"), "enterprises.view_enterprise",
        _without_figures(enterprise_list, Enterprise), _enterprise_point,
    ),
    "outreach": PointKind(
        _("Outreach"), "volunteers.view_outreach",
        _without_figures(outreach_list, Outreach, "alliance"), _outreach_point, "date",
    ),
    "check_in": PointKind(_("Patrol check-ins"), "volunteers.view_patrol", _check_ins,
                          _check_in_point, "checked_in_at", tuple(Patrol.Status.choices),
                          status_field="patrol__status"),
}
# Every status a point filter may name (each kind checks its own).
POINT_STATUSES = list(dict(
    choice for kind in POINT_KINDS.values() for choice in kind.statuses
).items())


class PointFilter(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(key, kind.label) for key, kind in POINT_KINDS.items()], default="dispute"
    )
    received_after = serializers.DateField(required=False)
    received_before = serializers.DateField(required=False)
    category = serializers.ChoiceField(choices=DisputeCategory.choices, required=False)
    status = serializers.ChoiceField(choices=POINT_STATUSES, required=False)
    bbox = serializers.RegexField(
        r"^-?\d{1,3}(\.\d+)?(,-?\d{1,3}(\.\d+)?){3}$", required=False,
        help_text=_("The view's south,west,north,east in degrees: only records inside it."),
    )

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        south, west, north, east = (float(part) for part in value.split(","))
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise serializers.ValidationError(_("South must be below north and west left of east."))
        return south, west, north, east

    def validate(self, data):
        kind = POINT_KINDS[data.get("kind", "dispute")]
        if data.get("status") and data["status"] not in dict(kind.statuses):
            raise serializers.ValidationError(
                {"status": [_("This kind of record has no such status.")]}
            )
        return data


def _points_queryset(*, user, kind: str, filters: dict):
    spec = POINT_KINDS[kind]
    queryset = spec.records(user=user)
    if spec.category and filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("status"):
        queryset = queryset.filter(**{spec.status_field: filters["status"]})
    if spec.when:
        day = spec.when if spec.when == "date" else f"{spec.when}__date"
        if filters.get("received_after"):
            queryset = queryset.filter(**{f"{day}__gte": filters["received_after"]})
        if filters.get("received_before"):
            queryset = queryset.filter(**{f"{day}__lte": filters["received_before"]})
    if filters.get("bbox"):
        south, west, north, east = filters["bbox"]
        queryset = queryset.filter(latitude__range=(south, north), longitude__range=(west, east))
    return queryset.filter(latitude__isnull=False, longitude__isnull=False)


def point_collection(*, user, kind: str, filters: dict) -> dict:
    """Located records of one kind as GeoJSON points; grid cells with counts
    when there are more than POINT_CAP (one grouped query, whatever the
    number), sized to the view's box and each drawn at its records' centre."""
    queryset = _points_queryset(user=user, kind=kind, filters=filters)
    total = queryset.count()
    if total > POINT_CAP:
        size = cell_size(filters.get("bbox"))
        step = Value(size, output_field=DecimalField(max_digits=9, decimal_places=4))
        cells = (
            queryset.order_by()
            .annotate(row=Floor(F("latitude") / step), column=Floor(F("longitude") / step))
            .values("row", "column")
            .annotate(count=Count("pk"), lat=Avg("latitude"), lng=Avg("longitude"))
            .order_by("row", "column")
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [
                    round(float(c["lng"]), OUTLINE_DIGITS), round(float(c["lat"]), OUTLINE_DIGITS),
                ]},
                "properties": {"cluster": True, "count": c["count"]},
            }
            for c in cells
        ]
        return {"type": "FeatureCollection", "total": total, "cell": float(size),
                "features": features}
    spec = POINT_KINDS[kind]
    newest = f"-{spec.when}" if spec.when else "-pk"
    features = [
        {
            "type": "Feature",
            "id": record.pk,
            "geometry": {
                "type": "Point",
                "coordinates": [float(record.longitude), float(record.latitude)],
            },
            "properties": {"kind": kind, **spec.properties(record)},
        }
        for record in queryset.order_by(newest, "-pk")[:POINT_CAP]
    ]
    return {"type": "FeatureCollection", "total": total, "features": features}


def cell_size(bbox: tuple[float, float, float, float] | None) -> Decimal:
    """The grid cell in degrees for a view's box: its longer side over
    CELLS_ACROSS, rounded down to 1, 2 or 5 × 10ⁿ (0.1° for a city, 0.002°
    for a few streets)."""
    if not bbox:
        return DEFAULT_CELL
    south, west, north, east = bbox
    wanted = max(north - south, east - west) / CELLS_ACROSS
    exponent = math.floor(math.log10(wanted))
    for digit in (5, 2, 1):
        size = Decimal(digit).scaleb(exponent)
        if size <= Decimal(repr(wanted)):
            return max(size, SMALLEST_CELL)
    return max(Decimal(1).scaleb(exponent - 1), SMALLEST_CELL)  # log10 rounded up


def _map_allowed(user) -> bool:
    return user.has_perm("disputes.view_dispute")


class MapUnit(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, min_value=1,
        help_text=_("A unit of yours: the map shows its beats (or the units below it when it "
                    "holds very many) rather than all of yours."),
    )


def _asked_unit(request, params) -> Unit | None:
    """The unit a map request names in ``?unit=`` (400 when malformed, 404
    outside the user's units), or None."""
    asked = MapUnit(data=params)
    asked.is_valid(raise_exception=True)
    pk = asked.validated_data.get("unit")
    return unit_get(user=request.user, pk=pk) if pk is not None else None


UNIT_PARAMETER = OpenApiParameter("unit", int, description=_(
    "A unit of yours: the map shows its beats (or the units below it when it holds very many) "
    "rather than all of yours."))


@login_required
def map_page(request):
    if not _map_allowed(request.user):
        raise PageDenied
    figure = request.GET.get("figure") if request.GET.get("figure") in FIGURES else "open"
    unit = _page_unit(request)
    return render(request, "policing/map.html", {
        "nav": "map",
        "figure": figure,
        "figure_label": FIGURES[figure],
        "unit": unit,
        "points_need_box": too_wide_for_points(request.user),
        "hotspots": hotspots(user=request.user, figure=figure, unit=unit),
        "figures": FIGURES,
        "kinds": {key: kind for key, kind in POINT_KINDS.items()
                  if request.user.has_perm(kind.perm)},
        "categories": DisputeCategory.choices,
        "tiles": settings.FENGQIAO.get("MAP_TILES", ""),
        "attribution": settings.FENGQIAO.get("MAP_ATTRIBUTION", ""),
    })


def _page_unit(request) -> Unit | None:
    """The page's ``?unit=``: a unit of the user's (404 otherwise); a
    malformed one is ignored, as the page's other parameters are."""
    try:
        return _asked_unit(request, request.GET)
    except serializers.ValidationError:
        return None


@extend_schema(
    summary=_("Beats of your units with their outlines and figures (GeoJSON); "
              "the units one level down when they hold very many beats"),
    parameters=[UNIT_PARAMETER],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def map_beats(request):
    if not _map_allowed(request.user):
        raise PermissionDenied
    unit = _asked_unit(request, request.query_params)
    return Response(beat_collection(user=request.user, unit=unit))


@extend_schema(
    summary=_("The beats with the most open, overdue or repeat-call work, and repeat-call addresses"),
    parameters=[OpenApiParameter("figure", str, enum=list(FIGURES)), UNIT_PARAMETER],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def map_hotspots(request):
    if not _map_allowed(request.user):
        raise PermissionDenied
    figure = request.query_params.get("figure", "open")
    if figure not in FIGURES:
        raise serializers.ValidationError({"figure": [_("Choose one of the map's figures.")]})
    unit = _asked_unit(request, request.query_params)
    return Response(hotspots(user=request.user, figure=figure, unit=unit))


@extend_schema(
    summary=_("Located records of your units as GeoJSON points, or grid cells when many"),
    parameters=[
        OpenApiParameter("kind", str, enum=list(POINT_KINDS)),
        OpenApiParameter("received_after", datetime.date),
        OpenApiParameter("received_before", datetime.date),
        OpenApiParameter("category", str, enum=[c for c, _label in DisputeCategory.choices]),
        OpenApiParameter("status", str, enum=[value for value, _label in POINT_STATUSES]),
        OpenApiParameter("bbox", str, description=_(
            "The view's south,west,north,east in degrees: only records inside it.")),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def map_points(request):
    if not _map_allowed(request.user):
        raise PermissionDenied
    filters = PointFilter(data=request.query_params)
    filters.is_valid(raise_exception=True)
    data = dict(filters.validated_data)
    if "bbox" not in data and too_wide_for_points(request.user):
        raise serializers.ValidationError({"bbox": [_(
            "Zoom in: the map draws the points of one view's box when your units hold more "
            "beats than it shows at once.")]})
    return Response(point_collection(user=request.user, kind=data.pop("kind"), filters=data))


# The API's gate (units.api_permissions.RolePermission): the map shows cases.
for _view in (map_beats, map_points, map_hotspots):
    _view.cls.read_permission = "disputes.view_dispute"

# The GeoJSON compressed for browsers that accept it: a city's beats go from
# 330 KB to a few dozen. Safe from BREACH-style guessing: these answers hold
# no secret token and reflect nothing but a validated id.
map_beats = gzip_page(map_beats)
map_points = gzip_page(map_points)
