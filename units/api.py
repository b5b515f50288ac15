"""The units' REST API, through the selectors."""

from django.utils.translation import gettext_lazy as _
from units.api_filters import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from units.api_filters import OrderingFilter

from units import selectors
from units.api_support import ERRORS_404
from units.filters import UnitFilter
from units.serializers import UnitSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Your unit and the units below it")),
    retrieve=extend_schema(responses={200: UnitSerializer, 404: ERRORS_404}),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    read_permission = "units.view_unit"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = UnitFilter
    ordering_fields = ["name", "code", "depth"]

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)

