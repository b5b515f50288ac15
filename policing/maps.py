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
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageDenied
from django.db.models import Count, DecimalField
from django.db.models.functions import Round
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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
from reports.hotspots import FIGURES, beat_figures, hotspots
from units.models import Unit
from units.selectors import unit_list
from volunteers.models import Outreach, Patrol, PatrolAttendance, Tip
from volunteers.selectors import outreach_list, patrol_list, tip_list

# Above this many points the map gets grid cells with counts instead.
POINT_CAP = 500
# Grid cells of about a kilometre.
CELL_DIGITS = 2


def beat_collection(*, user) -> dict:
    """The user's beats that have an outline, as a GeoJSON FeatureCollection."""
    beats = list(
        unit_list(user=user).filter(kind=Unit.Kind.BEAT, boundary__isnull=False)
        .select_related("parent").order_by("path")
    )
    figures = beat_figures(user=user, beats=beats, now=timezone.now())
    features = [
        {
            "type": "Feature",
            "id": beat.pk,
            "geometry": beat.boundary,
            "properties": {
                "name": beat.name, "code": beat.code,
                "station": beat.parent.name if beat.parent_id else "",
                "url": beat.get_absolute_url(),
                "disputes_url": f"{reverse('disputes:list')}?beat={beat.pk}",
                **figures[beat.pk],
            },
        }
        for beat in beats
    ]
    return {"type": "FeatureCollection", "features": features}


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
    when there are more than POINT_CAP (one grouped query, whatever the number)."""
    queryset = _points_queryset(user=user, kind=kind, filters=filters)
    total = queryset.count()
    if total > POINT_CAP:
        cell = DecimalField(max_digits=9, decimal_places=CELL_DIGITS)
        cells = (
            queryset.order_by()
            .annotate(
                lat=Round("latitude", CELL_DIGITS, output_field=cell),
                lng=Round("longitude", CELL_DIGITS, output_field=cell),
            )
            .values("lat", "lng").annotate(count=Count("pk"))
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(c["lng"]), float(c["lat"])]},
                "properties": {"cluster": True, "count": c["count"]},
            }
            for c in cells
        ]
        return {"type": "FeatureCollection", "total": total, "features": features}
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


def _map_allowed(user) -> bool:
    return user.has_perm("disputes.view_dispute")


@login_required
def map_page(request):
    if not _map_allowed(request.user):
        raise PageDenied
    figure = request.GET.get("figure") if request.GET.get("figure") in FIGURES else "open"
    return render(request, "policing/map.html", {
        "nav": "map",
        "figure": figure,
        "figure_label": FIGURES[figure],
        "hotspots": hotspots(user=request.user, figure=figure),
        "figures": FIGURES,
        "kinds": {key: kind for key, kind in POINT_KINDS.items()
                  if request.user.has_perm(kind.perm)},
        "categories": DisputeCategory.choices,
        "tiles": settings.FENGQIAO.get("MAP_TILES", ""),
        "attribution": settings.FENGQIAO.get("MAP_ATTRIBUTION", ""),
    })


@extend_schema(
    summary=_("Beats of your units with their outlines and figures (GeoJSON)"),
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def map_beats(request):
    if not _map_allowed(request.user):
        raise PermissionDenied
    return Response(beat_collection(user=request.user))


@extend_schema(
    summary=_("The beats with the most open, overdue or repeat-call work, and repeat-call addresses"),
    parameters=[OpenApiParameter("figure", str, enum=list(FIGURES))],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def map_hotspots(request):
    if not _map_allowed(request.user):
        raise PermissionDenied
    figure = request.query_params.get("figure", "open")
    if figure not in FIGURES:
        raise serializers.ValidationError({"figure": [_("Choose one of the map's figures.")]})
    return Response(hotspots(user=request.user, figure=figure))


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
    return Response(point_collection(user=request.user, kind=data.pop("kind"), filters=data))


# The API's gate (units.api_permissions.RolePermission): the map shows cases.
for _view in (map_beats, map_points, map_hotspots):
    _view.cls.read_permission = "disputes.view_dispute"
