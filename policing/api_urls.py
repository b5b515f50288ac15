"""The REST API's routes. Each app's viewsets register on one router."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from disputes.api import DisputeViewSet, MediatorViewSet
from policing.api import IncidentViewSet, UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("mediators", MediatorViewSet, basename="mediator")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
