"""The volunteers REST API: thin viewsets over the selectors and services.

Every record comes through a selector (another unit's record is 404), every
write calls the service the pages call; a refused state change is the
service's TransitionError, answered 409 by units.api_support.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from disputes import services as dispute_services
from units.api_filters import DjangoFilterBackend
from units.api_exports import ExportAction
from units.api_support import (
    ERRORS_400,
    ERRORS_403,
    ERRORS_404,
    ERRORS_409,
    has_perm_or_403,
)
from volunteers import exports
from volunteers import selectors, services
from volunteers import serializers as s
from volunteers.filters import (
    AllianceFilter,
    OutreachFilter,
    PatrolFilter,
    TipFilter,
    VolunteerFilter,
)

ACTION_ERRORS = {400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404, 409: ERRORS_409}


def _crud_schema(noun: str, output, detail_output, input_serializer):
    return extend_schema_view(
        list=extend_schema(summary=_("%(noun)s of your units") % {"noun": noun},
                           responses={200: output}),
        retrieve=extend_schema(responses={200: detail_output, 404: ERRORS_404}),
        create=extend_schema(
            request=input_serializer,
            responses={201: detail_output, 400: ERRORS_400, 403: ERRORS_403},
        ),
    )


class _ScopedViewSet(viewsets.GenericViewSet):
    """list / retrieve / create over a selector and a service.

    Subclasses set ``selector``, the output serializers, ``input_serializer``,
    ``add_perm`` and implement ``perform(data)`` calling the service.
    """

    filter_backends = [DjangoFilterBackend]
    detail_serializer_class = None
    input_serializer = None
    add_perm = ""
    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def _context(self):
        return self.get_serializer_context()

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self._context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _out(self, obj, code=status.HTTP_200_OK):
        serializer_class = self.detail_serializer_class or self.serializer_class
        return Response(serializer_class(obj, context=self._context()).data, status=code)

    def _fresh(self, pk):
        return self.get_queryset().get(pk=pk)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            self.serializer_class(page, many=True, context=self._context()).data
        )

    def retrieve(self, request, pk=None):
        return self._out(self.get_object())

    def create(self, request):
        has_perm_or_403(request.user, self.add_perm)
        created = self.perform(self._valid(self.input_serializer))
        return self._out(self._fresh(created.pk), status.HTTP_201_CREATED)


@_crud_schema(_("Alliances"), s.AllianceSerializer, s.AllianceSerializer, s.AllianceInputSerializer)
class AllianceViewSet(ExportAction, _ScopedViewSet):
    """Alliances whose unit lies in the user's subtree."""

    serializer_class = s.AllianceSerializer
    input_serializer = s.AllianceInputSerializer
    filterset_class = AllianceFilter
    list_export = exports.ALLIANCES
    add_perm = "volunteers.add_alliance"
    selector = staticmethod(selectors.alliance_list)
    read_permission = "volunteers.view_alliance"

    def perform(self, data):
        return services.alliance_save(actor=self.request.user, **data)

    @extend_schema(
        summary=_("Add a volunteer to the alliance, or change their role"),
        request=s.MembershipInputSerializer,
        responses={201: s.MembershipSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="members", url_name="members")
    def members(self, request, pk=None):
        alliance = self.get_object()
        has_perm_or_403(request.user, "volunteers.change_alliance")
        membership = services.membership_save(
            actor=request.user, alliance=alliance, **self._valid(s.MembershipInputSerializer)
        )
        data = s.MembershipSerializer(membership, context=self._context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Remove a volunteer from the alliance"),
        request=None,
        parameters=[OpenApiParameter("membership_id", int, OpenApiParameter.PATH)],
        responses={200: s.AllianceSerializer, 403: ERRORS_403, 404: ERRORS_404},
    )
    @action(
        detail=True, methods=["post"],
        url_path="members/<id:membership_id>/remove", url_name="member-remove",
    )
    def member_remove(self, request, pk=None, membership_id=None):
        alliance = self.get_object()
        membership = get_object_or_404(
            alliance.memberships.select_related("alliance"), pk=membership_id
        )
        has_perm_or_403(request.user, "volunteers.change_alliance")
        services.membership_remove(actor=request.user, membership=membership)
        return self._out(self._fresh(alliance.pk))


@_crud_schema(
    _("Volunteers"), s.VolunteerSerializer, s.VolunteerSerializer, s.VolunteerInputSerializer
)
class VolunteerViewSet(ExportAction, _ScopedViewSet):
    """Volunteers of the user's units; phones and ID numbers masked."""

    serializer_class = s.VolunteerSerializer
    input_serializer = s.VolunteerInputSerializer
    filterset_class = VolunteerFilter
    list_export = exports.VOLUNTEERS
    add_perm = "volunteers.add_volunteer"
    selector = staticmethod(selectors.volunteer_list)
    read_permission = "volunteers.view_volunteer"

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).distinct()

    def perform(self, data):
        return services.volunteer_save(actor=self.request.user, **data)


def _patrol_action(summary, request_serializer=None):
    return extend_schema(
        summary=summary, request=request_serializer,
        responses={200: s.PatrolDetailSerializer, **ACTION_ERRORS},
    )


@_crud_schema(_("Patrols"), s.PatrolSerializer, s.PatrolDetailSerializer, s.PatrolInputSerializer)
class PatrolViewSet(ExportAction, _ScopedViewSet):
    """Patrols of the user's alliances, with sign-ups and attendance."""

    serializer_class = s.PatrolSerializer
    detail_serializer_class = s.PatrolDetailSerializer
    input_serializer = s.PatrolInputSerializer
    filterset_class = PatrolFilter
    list_export = exports.PATROLS
    add_perm = "volunteers.add_patrol"
    selector = staticmethod(selectors.patrol_list)
    read_permission = "volunteers.view_patrol"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related("attendances__volunteer")
        return queryset

    def perform(self, data):
        return services.patrol_schedule(actor=self.request.user, **data)

    def _attendance(self, service, serializer=s.VolunteerChoiceSerializer):
        has_perm_or_403(self.request.user, "volunteers.record_attendance")
        patrol = self.get_object()
        service(actor=self.request.user, patrol=patrol, **self._valid(serializer))
        return self._out(self._fresh(patrol.pk))

    @_patrol_action(_("Sign a volunteer up"), s.VolunteerChoiceSerializer)
    @action(detail=True, methods=["post"], url_path="sign-up", url_name="sign-up")
    def sign_up(self, request, pk=None):
        return self._attendance(services.patrol_sign_up)

    @_patrol_action(_("Check a volunteer in, with where, if known"), s.CheckInSerializer)
    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request, pk=None):
        return self._attendance(services.attendance_check_in, s.CheckInSerializer)

    @_patrol_action(_("Check a volunteer out"), s.VolunteerChoiceSerializer)
    @action(detail=True, methods=["post"], url_path="check-out", url_name="check-out")
    def check_out(self, request, pk=None):
        return self._attendance(services.attendance_check_out)

    @_patrol_action(
        _("Undo a volunteer's check-out, within 15 minutes of recording it"),
        s.VolunteerChoiceSerializer,
    )
    @action(detail=True, methods=["post"], url_path="undo-check-out", url_name="undo-check-out")
    def undo_check_out(self, request, pk=None):
        return self._attendance(services.attendance_undo_check_out)

    @_patrol_action(
        _("Correct a volunteer's check-in and check-out times, with a reason"),
        s.AttendanceCorrectSerializer,
    )
    @action(detail=True, methods=["post"], url_path="correct-attendance",
            url_name="correct-attendance")
    def correct_attendance(self, request, pk=None):
        return self._attendance(services.attendance_correct, s.AttendanceCorrectSerializer)

    @_patrol_action(_("Complete the patrol with its report"), s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        has_perm_or_403(request.user, "volunteers.record_attendance")
        patrol = self.get_object()
        data = self._valid(s.ReportSerializer)
        services.patrol_complete(actor=request.user, patrol=patrol, report=data["report"])
        return self._out(self._fresh(patrol.pk))

    @_patrol_action(_("Cancel a planned patrol"), s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        has_perm_or_403(request.user, "volunteers.record_attendance")
        patrol = self.get_object()
        data = self._valid(s.NoteSerializer)
        services.patrol_cancel(actor=request.user, patrol=patrol, note=data["note"])
        return self._out(self._fresh(patrol.pk))


def _tip_action(summary, request_serializer):
    return extend_schema(
        summary=summary, request=request_serializer,
        responses={200: s.TipSerializer, **ACTION_ERRORS},
    )


@_crud_schema(_("Tips"), s.TipSerializer, s.TipSerializer, s.TipInputSerializer)
class TipViewSet(ExportAction, _ScopedViewSet):
    """Tips sent to the units of the user's subtree."""

    serializer_class = s.TipSerializer
    input_serializer = s.TipInputSerializer
    filterset_class = TipFilter
    list_export = exports.TIPS
    add_perm = "volunteers.add_tip"
    selector = staticmethod(selectors.tip_list)
    read_permission = "volunteers.view_tip"

    def perform(self, data):
        return services.tip_submit(actor=self.request.user, **data)

    @_tip_action(_("Verify a new tip"), s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        has_perm_or_403(request.user, "volunteers.handle_tip")
        tip = self.get_object()
        services.tip_verify(actor=request.user, tip=tip, note=self._valid(s.NoteSerializer)["note"])
        return self._out(self._fresh(tip.pk))

    @_tip_action(_("Reject a tip, saying why"), s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        has_perm_or_403(request.user, "volunteers.handle_tip")
        tip = self.get_object()
        services.tip_reject(actor=request.user, tip=tip, note=self._valid(s.NoteSerializer)["note"])
        return self._out(self._fresh(tip.pk))

    @_tip_action(_("Register the dispute a dispute tip reports"), s.TipConvertSerializer)
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        has_perm_or_403(request.user, "volunteers.handle_tip")
        tip = self.get_object()
        data = self._valid(s.TipConvertSerializer)
        parties = [dispute_services.PartyData(**party) for party in data.pop("parties")]
        services.tip_convert(actor=request.user, tip=tip, parties=parties, **data)
        return self._out(self._fresh(tip.pk))


@_crud_schema(_("Outreach"), s.OutreachSerializer, s.OutreachSerializer, s.OutreachInputSerializer)
class OutreachViewSet(ExportAction, _ScopedViewSet):
    """Outreach sessions of the user's alliances."""

    list_export = exports.OUTREACH
    serializer_class = s.OutreachSerializer
    input_serializer = s.OutreachInputSerializer
    filterset_class = OutreachFilter
    add_perm = "volunteers.add_outreach"
    selector = staticmethod(selectors.outreach_list)
    read_permission = "volunteers.view_outreach"

    def perform(self, data):
        return services.outreach_record(actor=self.request.user, **data)
