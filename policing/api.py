"""The core app's REST API: units and 110 calls, through the selectors."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from disputes import services as dispute_services
from disputes.selectors import repeat_call_candidates
from disputes.serializers import DisputeListSerializer
from policing import selectors, services
from policing.api_support import ERRORS_400, ERRORS_403, ERRORS_404, ERRORS_409, has_perm_or_403
from policing.filters import IncidentFilter, UnitFilter
from policing.serializers import (
    IncidentCreateSerializer,
    IncidentLinkSerializer,
    IncidentSerializer,
    UnitSerializer,
)


@extend_schema_view(
    list=extend_schema(summary=_("Your unit and the units below it")),
    retrieve=extend_schema(responses={200: UnitSerializer, 404: ERRORS_404}),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = UnitFilter
    ordering_fields = ["name", "code", "depth"]

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("110 calls of your units")),
    retrieve=extend_schema(responses={200: IncidentSerializer, 404: ERRORS_404}),
    create=extend_schema(
        summary=_("Log a 110 call"),
        request=IncidentCreateSerializer,
        responses={201: IncidentSerializer, 400: ERRORS_400, 403: ERRORS_403},
    ),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """110 calls; the caller's phone is only ever shown masked."""

    serializer_class = IncidentSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = IncidentFilter
    ordering_fields = ["received_at", "number"]

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user)

    def create(self, request):
        has_perm_or_403(request.user, "policing.add_incident")
        serializer = IncidentCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        incident = services.incident_create(actor=request.user, **serializer.validated_data)
        return self._answer(incident.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Disputes this call may be a repeat of"),
        description=_(
            "Open cases, and cases closed within the repeat-call window, with a party "
            "who shares the caller's phone number or the call's address."
        ),
        responses={200: DisputeListSerializer(many=True), 404: ERRORS_404},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="repeat-candidates",
        url_name="repeat-candidates",
        filter_backends=[],
        pagination_class=None,
    )
    def repeat_candidates(self, request, pk=None):
        incident = selectors.incident_get(user=request.user, pk=pk)
        disputes = repeat_call_candidates(
            user=request.user, phone=incident.caller_phone, address=incident.address
        )
        data = DisputeListSerializer(
            disputes, many=True, context=self.get_serializer_context()
        ).data
        return Response(data)

    @extend_schema(
        summary=_("Link this call to a dispute"),
        request=IncidentLinkSerializer,
        responses={
            200: IncidentSerializer,
            400: ERRORS_400,
            403: ERRORS_403,
            404: ERRORS_404,
            409: ERRORS_409,
        },
    )
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        incident = selectors.incident_get(user=request.user, pk=pk)
        has_perm_or_403(request.user, "policing.change_incident")
        serializer = IncidentLinkSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        dispute_services.incident_link_dispute(
            incident=incident, dispute=serializer.validated_data["dispute"], actor=request.user
        )
        return self._answer(incident.pk, status.HTTP_200_OK)

    def _answer(self, pk: int, code: int) -> Response:
        incident = selectors.incident_get(user=self.request.user, pk=pk)
        return Response(
            IncidentSerializer(incident, context=self.get_serializer_context()).data, status=code
        )
