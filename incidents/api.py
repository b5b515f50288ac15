"""The 110 calls' REST API, through the selectors and services; and the
dispute API with registration from a call (routed at /api/disputes/)."""

from django.utils.translation import gettext_lazy as _
from units.api_filters import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from units.api_filters import OrderingFilter
from rest_framework.response import Response

from disputes import api as dispute_api
from disputes import serializers as dispute_serializers
from disputes.models import Dispute
from disputes.selectors import repeat_call_candidates
from disputes.serializers import DisputeListSerializer
from disputes.services import PartyData
from incidents import selectors, services
from incidents.exports import INCIDENTS
from incidents.filters import IncidentFilter
from incidents.models import Incident
from incidents.serializers import (
    IncidentCreateSerializer,
    IncidentLinkSerializer,
    IncidentSerializer,
)
from units.api_exports import ExportAction
from units.api_support import (
    ERRORS_400,
    ERRORS_403,
    ERRORS_404,
    ERRORS_409,
    ScopedPrimaryKeyRelatedField,
    has_perm_or_403,
)


@extend_schema_view(
    list=extend_schema(summary=_("110 calls of your units")),
    retrieve=extend_schema(responses={200: IncidentSerializer, 404: ERRORS_404}),
    create=extend_schema(
        summary=_("Log a 110 call"),
        request=IncidentCreateSerializer,
        responses={201: IncidentSerializer, 400: ERRORS_400, 403: ERRORS_403},
    ),
)
class IncidentViewSet(
    ExportAction, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """110 calls; the caller's phone is only ever shown masked."""

    list_export = INCIDENTS
    serializer_class = IncidentSerializer
    read_permission = "incidents.view_incident"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = IncidentFilter
    ordering_fields = ["received_at", "number"]

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user)

    def create(self, request):
        has_perm_or_403(request.user, "incidents.add_incident")
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
        has_perm_or_403(request.user, "incidents.change_incident")
        serializer = IncidentLinkSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        services.incident_link_dispute(
            incident=incident, dispute=serializer.validated_data["dispute"], actor=request.user
        )
        return self._answer(incident.pk, status.HTTP_200_OK)

    def _answer(self, pk: int, code: int) -> Response:
        incident = selectors.incident_get(user=self.request.user, pk=pk)
        return Response(
            IncidentSerializer(incident, context=self.get_serializer_context()).data, status=code
        )



# Registration from a call ------------------------------------------------------------


def _incidents(user, context):
    return selectors.incident_list(user=user)


# A registration that may name the 110 call the case comes from. (No
# docstring: it would become the schema's description of the body.)
class DisputeRegisterSerializer(dispute_serializers.DisputeRegisterSerializer):
    incident = ScopedPrimaryKeyRelatedField(
        model=Incident,
        scope=_incidents,
        required=False,
        allow_null=True,
        help_text=_("The 110 call this case comes from; it is linked at once."),
    )

    def get_fields(self):
        # The parties stay the last field, as clients know them.
        fields = super().get_fields()
        fields["parties"] = fields.pop("parties")
        return fields


@extend_schema_view(
    create=extend_schema(
        summary=_("Register a dispute with its parties"),
        request=DisputeRegisterSerializer,
        responses={
            201: dispute_serializers.DisputeDetailSerializer, 400: ERRORS_400, 403: ERRORS_403
        },
    ),
)
class DisputeViewSet(dispute_api.DisputeViewSet):
    """Disputes of the user's unit subtree and the Fengqiao flow's actions."""

    # The dispute API as routed: a case registered from a 110 call is linked
    # to it in the same transaction (the docstring above is the API's text).

    register_serializer = DisputeRegisterSerializer

    def register(self, data: dict, parties: "list[PartyData]") -> Dispute:
        incident = data.pop("incident", None)
        if incident is None:
            return super().register(data, parties)
        return services.incident_register_dispute(
            actor=self.request.user, incident=incident, parties=parties, **data
        )
