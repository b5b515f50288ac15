"""The REST API's routes. Each app's viewsets register on one router."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from disputes.api import DisputeViewSet, MediatorViewSet
from notifications.api import NotificationViewSet
from policing.api import (
    EnterpriseRequestViewSet,
    EnterpriseViewSet,
    EnterpriseVisitViewSet,
    IncidentViewSet,
    UnitViewSet,
)
from reports.api import ReportViewSet
from volunteers.api import (
    AllianceViewSet,
    OutreachViewSet,
    PatrolViewSet,
    TipViewSet,
    VolunteerViewSet,
)

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("incidents", IncidentViewSet, basename="incident")
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
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
