"""The reports REST API: ask for a report (202), then read its state and figures.

Reads go through the selector (another unit's report is 404); a request calls
the service the pages call, which checks scope, permission and month.
"""

from django.utils.translation import gettext_lazy as _
from units.api_filters import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from reports import queue, selectors
from reports.filters import ReportFilter
from reports.serializers import (
    ReportAcceptedSerializer,
    ReportDetailSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)
from units.api_support import ERRORS_400, ERRORS_403, ERRORS_404, has_perm_or_403

VIEW_PERM = "reports.view_monthlyreport"


@extend_schema_view(
    list=extend_schema(
        summary=_("Monthly reports of your units"),
        responses={200: ReportSerializer, 403: ERRORS_403},
    ),
    retrieve=extend_schema(
        summary=_("One monthly report with its figures"),
        responses={200: ReportDetailSerializer, 403: ERRORS_403, 404: ERRORS_404},
    ),
    create=extend_schema(
        summary=_("Ask for a unit's report of a month"),
        description=_(
            "The figures are computed in the background: the answer is 202 with the "
            "report's id and state (queued, running, done or failed); read the report "
            "until it is done. A month that has not begun, a malformed month or a unit "
            "outside your units is refused with 400."
        ),
        request=ReportRequestSerializer,
        responses={
            200: OpenApiResponse(
                ReportDetailSerializer,
                description=_("The report is done and none of its records changed since it "
                              "was made: it is the answer, and nothing is queued."),
            ),
            202: OpenApiResponse(ReportAcceptedSerializer, description=_("Request accepted.")),
            400: ERRORS_400,
            403: ERRORS_403,
        },
    ),
    regenerate=extend_schema(
        summary=_("Generate a report again"),
        description=_(
            "Queues the report even if none of its records changed (needs the permission "
            "to regenerate reports). A request already queued or running is not queued "
            "twice. The answer is 202 with the report's state."
        ),
        request=None,
        responses={
            202: OpenApiResponse(ReportAcceptedSerializer, description=_("Request accepted.")),
            400: ERRORS_400,
            403: ERRORS_403,
            404: ERRORS_404,
        },
    ),
)
class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_permission = VIEW_PERM
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilter

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        has_perm_or_403(request.user, VIEW_PERM)

    def create(self, request):
        serializer = ReportRequestSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        report, queued = queue.report_ask(actor=request.user, **serializer.validated_data)
        if not queued and report.state == report.State.DONE:
            return Response(ReportDetailSerializer(report).data, status=status.HTTP_200_OK)
        return Response(ReportAcceptedSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        report, _queued = queue.report_regenerate(actor=request.user, report=self.get_object())
        return Response(ReportAcceptedSerializer(report).data, status=status.HTTP_202_ACCEPTED)
