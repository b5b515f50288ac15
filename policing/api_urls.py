"""The REST API's routes. Each app's viewsets register on one router."""

from django.urls import include, path, register_converter
from rest_framework.routers import DefaultRouter

from disputes.api import MediatorViewSet
from enterprises.api import (
    EnterpriseRequestViewSet,
    EnterpriseViewSet,
    EnterpriseVisitViewSet,
)
from incidents.api import DisputeViewSet, IncidentViewSet
from notifications.api import NotificationViewSet
from policing import maps, reveal
from reports.api import ReportViewSet
from units.api import UnitViewSet
from units.views import obtain_token, revoke_all_tokens, revoke_token
from volunteers.api import (
    AllianceViewSet,
    OutreachViewSet,
    PatrolViewSet,
    TipViewSet,
    VolunteerViewSet,
)


class IdConverter:
    """A record's id in a URL: a whole number that fits the database's bigint.
    Anything else ("null,null", "1.5", 30 digits) is a 404 at the URL, never
    a ValueError or an out-of-range error (500) in the lookup; the schema
    types it as an integer (SPECTACULAR_SETTINGS PATH_CONVERTER_OVERRIDES)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")


class Router(DefaultRouter):
    """Routes with ``<id:pk>`` path converters (not regexes), so every path id
    is an integer in the schema. No ``.json`` suffix routes: JSON is the
    API's one format."""

    include_format_suffixes = False

    def __init__(self, **kwargs):
        super().__init__(use_regex_path=False, **kwargs)
        self._default_value_pattern = "id"


router = Router()
router.register("units", UnitViewSet, basename="unit")
router.register("incidents", IncidentViewSet, basename="incident")
# Disputes, with registration from a 110 call (incidents builds on disputes).
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("mediators", MediatorViewSet, basename="mediator")
router.register("reports", ReportViewSet, basename="report")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("alliances", AllianceViewSet, basename="alliance")
router.register("volunteers", VolunteerViewSet, basename="volunteer")
router.register("patrols", PatrolViewSet, basename="patrol")
router.register("tips", TipViewSet, basename="tip")
router.register("outreach", OutreachViewSet, basename="outreach")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("enterprise-visits", EnterpriseVisitViewSet, basename="enterprise-visit")
router.register("enterprise-requests", EnterpriseRequestViewSet, basename="enterprise-request")

urlpatterns = [
    # Throttled by django-axes and asking TOTP users for their code.
    path("auth/token/", obtain_token, name="api-token"),
    # The beat map's GeoJSON (policing.maps).
    path("map/beats/", maps.map_beats, name="map-beats"),
    path("map/points/", maps.map_points, name="map-points"),
    path("map/hotspots/", maps.map_hotspots, name="map-hotspots"),
    path("auth/logout/", revoke_token, name="api-token-revoke"),
    # A free-text field in full: reason required, logged (policing.reveal).
    path("reveals/", reveal.reveal_text_api, name="reveal-text"),
    path("auth/logout-all/", revoke_all_tokens, name="api-token-revoke-all"),
    path("", include(router.urls)),
]
