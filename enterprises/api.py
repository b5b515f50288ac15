"""The enterprise register's REST API: enterprises, visits and requests."""

from django.utils.translation import gettext_lazy as _
from units.api_filters import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from units.api_filters import OrderingFilter
from rest_framework.response import Response

from enterprises import exports
from enterprises import selectors, services
from enterprises.filters import (
    EnterpriseFilter,
    EnterpriseRequestFilter,
    EnterpriseVisitFilter,
)
from enterprises.serializers import (
    EnterpriseRequestSerializer,
    EnterpriseSerializer,
    EnterpriseVisitCreateSerializer,
    EnterpriseVisitSerializer,
    EnterpriseWriteSerializer,
    RequestConvertSerializer,
    RequestCreateSerializer,
    RequestDeclineSerializer,
    RequestResolveSerializer,
)
from units.api_exports import ExportAction
from units.api_support import (
    ERRORS_400,
    ERRORS_403,
    ERRORS_404,
    ERRORS_409,
    has_perm_or_403,
)


@extend_schema_view(
    list=extend_schema(summary=_("Enterprises of your units, with their last visit")),
    retrieve=extend_schema(responses={200: EnterpriseSerializer, 404: ERRORS_404}),
    create=extend_schema(
        summary=_("Register an enterprise"),
        request=EnterpriseWriteSerializer,
        responses={201: EnterpriseSerializer, 400: ERRORS_400, 403: ERRORS_403},
    ),
    partial_update=extend_schema(
        summary=_("Change an enterprise"),
        request=EnterpriseWriteSerializer,
        responses={200: EnterpriseSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
    ),
)
class EnterpriseViewSet(
    ExportAction, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The enterprise register; the contact phone is only ever shown masked."""

    serializer_class = EnterpriseSerializer
    read_permission = "enterprises.view_enterprise"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = EnterpriseFilter
    list_export = exports.ENTERPRISES
    ordering_fields = ["name", "last_visit", "created_at"]
    ordering = ["name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user)

    def create(self, request):
        has_perm_or_403(request.user, "enterprises.add_enterprise")
        serializer = EnterpriseWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        enterprise = services.enterprise_save(actor=request.user, **serializer.validated_data)
        return self._answer(enterprise.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        enterprise = selectors.enterprise_get(user=request.user, pk=pk)
        has_perm_or_403(request.user, "enterprises.change_enterprise")
        serializer = EnterpriseWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        current = {
            name: getattr(enterprise, name)
            for name in EnterpriseWriteSerializer().fields
        }
        services.enterprise_save(
            actor=request.user, enterprise=enterprise, **{**current, **serializer.validated_data}
        )
        return self._answer(enterprise.pk, status.HTTP_200_OK)

    def _answer(self, pk: int, code: int) -> Response:
        enterprise = selectors.enterprise_get(user=self.request.user, pk=pk)
        data = EnterpriseSerializer(enterprise, context=self.get_serializer_context()).data
        return Response(data, status=code)


@extend_schema_view(
    list=extend_schema(summary=_("Enterprise visits of your units")),
    retrieve=extend_schema(responses={200: EnterpriseVisitSerializer, 404: ERRORS_404}),
    create=extend_schema(
        summary=_("Log a visit, with the requests raised during it (all or nothing)"),
        request=EnterpriseVisitCreateSerializer,
        responses={201: EnterpriseVisitSerializer, 400: ERRORS_400, 403: ERRORS_403},
    ),
)
class EnterpriseVisitViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = EnterpriseVisitSerializer
    read_permission = "enterprises.view_enterprisevisit"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = EnterpriseVisitFilter
    ordering_fields = ["visited_on"]

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user)

    def create(self, request):
        has_perm_or_403(request.user, "enterprises.add_enterprisevisit")
        serializer = EnterpriseVisitCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        requests = [
            services.RequestData(received_on=data["visited_on"], **row)
            for row in data.pop("requests", [])
        ]
        visit = services.visit_log(actor=request.user, requests=requests, **data)
        answer = selectors.visit_get(user=request.user, pk=visit.pk)
        return Response(
            EnterpriseVisitSerializer(answer, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


def _request_action_schema(summary, request_serializer=None):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={
            200: EnterpriseRequestSerializer,
            400: ERRORS_400,
            403: ERRORS_403,
            404: ERRORS_404,
            409: ERRORS_409,
        },
    )


@extend_schema_view(
    list=extend_schema(summary=_("Enterprise requests of your units, overdue first")),
    retrieve=extend_schema(responses={200: EnterpriseRequestSerializer, 404: ERRORS_404}),
    create=extend_schema(
        summary=_("Log a request received outside a visit"),
        request=RequestCreateSerializer,
        responses={201: EnterpriseRequestSerializer, 400: ERRORS_400, 403: ERRORS_403},
    ),
)
class EnterpriseRequestViewSet(ExportAction, viewsets.ReadOnlyModelViewSet):
    """Requests (诉求) tracked to their answer: open → in progress → resolved /
    declined. A refused change of state answers 409."""

    serializer_class = EnterpriseRequestSerializer
    read_permission = "enterprises.view_enterpriserequest"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = EnterpriseRequestFilter
    list_export = exports.REQUESTS
    ordering_fields = ["due_on", "received_on"]

    def get_queryset(self):
        return selectors.request_list(user=self.request.user)

    def create(self, request):
        has_perm_or_403(request.user, "enterprises.add_enterpriserequest")
        data = dict(self._input(RequestCreateSerializer))
        enterprise = data.pop("enterprise")
        item = services.request_create(
            actor=request.user, enterprise=enterprise, data=services.RequestData(**data)
        )
        answer = self._answer(item.pk)
        answer.status_code = status.HTTP_201_CREATED
        return answer

    @_request_action_schema(_("Start handling the request"), None)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        item = self._item(pk)
        services.request_start(actor=request.user, request=item)
        return self._answer(item.pk)

    @_request_action_schema(_("Resolve the request"), RequestResolveSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        item = self._item(pk)
        data = self._input(RequestResolveSerializer)
        services.request_resolve(actor=request.user, request=item, **data)
        return self._answer(item.pk)

    @_request_action_schema(_("Decline the request, giving the reason"), RequestDeclineSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        item = self._item(pk)
        data = self._input(RequestDeclineSerializer)
        services.request_decline(actor=request.user, request=item, **data)
        return self._answer(item.pk)

    @_request_action_schema(
        _("Register the dispute this request reports, linked both ways"),
        RequestConvertSerializer,
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        item = self._item(pk)
        has_perm_or_403(request.user, "disputes.add_dispute")
        data = self._input(RequestConvertSerializer)
        services.request_convert_to_dispute(actor=request.user, request=item, **data)
        return self._answer(item.pk)

    def _item(self, pk):
        item = selectors.request_get(user=self.request.user, pk=pk)
        has_perm_or_403(self.request.user, "enterprises.change_enterpriserequest")
        return item

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, pk: int) -> Response:
        item = selectors.request_get(user=self.request.user, pk=pk)
        return Response(
            EnterpriseRequestSerializer(item, context=self.get_serializer_context()).data
        )

