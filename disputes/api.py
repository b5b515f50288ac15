"""The disputes REST API: thin viewsets over the selectors and services.

Every record is fetched through a selector (another unit's case is 404),
every write calls the service the pages call, and a refused transition is
the service's TransitionError, answered 409 by units.api_support.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from units.api_filters import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from units.api_filters import OrderingFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from disputes import exports
from disputes import selectors, services
from disputes import serializers as s
from disputes.filters import DisputeFilter, MediatorFilter
from disputes.models import Agreement, Dispute, JudicialConfirmation, Mediator
from disputes.workflow import Action, required_permission
from units.api_exports import ExportAction
from units.api_support import (
    ERRORS_400,
    ERRORS_403,
    ERRORS_404,
    ERRORS_409,
    has_perm_or_403,
)

TRANSITION_RESPONSES = {
    200: s.DisputeDetailSerializer,
    400: ERRORS_400,
    403: ERRORS_403,
    404: ERRORS_404,
    409: ERRORS_409,
}
RECORD_RESPONSES = {400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404, 409: ERRORS_409}


def _transition_schema(summary, request):
    return extend_schema(summary=summary, request=request, responses=TRANSITION_RESPONSES)


@extend_schema_view(
    list=extend_schema(
        summary=_("Disputes of your units"), responses={200: s.DisputeListSerializer}
    ),
    retrieve=extend_schema(
        summary=_("One dispute with parties (masked), sessions and timeline"),
        responses={200: s.DisputeDetailSerializer, 404: ERRORS_404},
    ),
    create=extend_schema(
        summary=_("Register a dispute with its parties"),
        request=s.DisputeRegisterSerializer,
        responses={201: s.DisputeDetailSerializer, 400: ERRORS_400, 403: ERRORS_403},
    ),
)
class DisputeViewSet(ExportAction, viewsets.GenericViewSet):
    """Disputes of the user's unit subtree and the Fengqiao flow's actions."""

    list_export = exports.DISPUTES
    serializer_class = s.DisputeListSerializer
    read_permission = "disputes.view_dispute"
    # The FilterSet carries its own ``ordering``, shared with the list page.
    filter_backends = [DjangoFilterBackend]
    filterset_class = DisputeFilter

    def get_queryset(self):
        return selectors.dispute_list(user=self.request.user)

    # --------------------------------------------------------- reading

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = s.DisputeListSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(
        summary=_("The case's timeline"),
        responses={200: s.EventSerializer(many=True), 404: ERRORS_404},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def events(self, request, pk=None):
        dispute = self._get(pk)
        events = dispute.events.select_related(
            "actor", "from_unit", "to_unit", "from_officer", "to_officer"
        )
        return Response(s.EventSerializer(events, many=True, context=self._context()).data)

    # --------------------------------------------------------- registration

    # A registration's input and the service that saves it. The viewset routed
    # at /api/disputes/ is incidents.api.DisputeViewSet, which adds the 110
    # call a case may come from (disputes know nothing of calls).
    register_serializer = s.DisputeRegisterSerializer

    def register(self, data: dict, parties: "list[services.PartyData]") -> Dispute:
        return services.dispute_register(actor=self.request.user, parties=parties, **data)

    def create(self, request):
        has_perm_or_403(request.user, "disputes.add_dispute")
        data = self._valid(self.register_serializer)
        parties = [services.PartyData(**party) for party in data.pop("parties")]
        dispute = self.register(data, parties)
        return self._detail(dispute.pk, status.HTTP_201_CREATED)

    # --------------------------------------------------------- transitions

    @_transition_schema(_("Assess: set risk level and track"), s.AssessInputSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.ASSESS, s.AssessInputSerializer)
        services.dispute_assess(dispute=dispute, actor=request.user, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Dispatch: name who mediates"), s.DispatchInputSerializer)
    # Named apart from APIView.dispatch, which it must not override.
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_case(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.DISPATCH, s.DispatchInputSerializer)
        officer = data.pop("officer", None) or dispute.assigned_officer or request.user
        services.dispute_dispatch(dispute=dispute, actor=request.user, officer=officer, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Record the resolution"), s.ResolveInputSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.RESOLVE, s.ResolveInputSerializer)
        agreement = data.pop("agreement", None)
        if agreement:
            data["agreement"] = services.AgreementData(**agreement)
        services.dispute_resolve(dispute=dispute, actor=request.user, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Record that mediation failed, and refer"), s.FailInputSerializer)
    @action(detail=True, methods=["post"])
    def fail(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.FAIL, s.FailInputSerializer)
        referral = services.ReferralData(
            target=data.pop("target"),
            target_name=data.pop("target_name"),
            reason=data.pop("reason"),
        )
        services.dispute_fail(dispute=dispute, actor=request.user, referral=referral, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Verify the outcome and close"), s.NoteInputSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.VERIFY, s.NoteInputSerializer)
        services.dispute_verify(dispute=dispute, actor=request.user, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Transfer to another police station"), s.TransferInputSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.TRANSFER, s.TransferInputSerializer)
        services.dispute_transfer(dispute=dispute, actor=request.user, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Reopen after a recurrence"), s.RequiredNoteInputSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.REOPEN, s.RequiredNoteInputSerializer)
        services.dispute_reopen(dispute=dispute, actor=request.user, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Withdraw"), s.RequiredNoteInputSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.WITHDRAW, s.RequiredNoteInputSerializer)
        services.dispute_withdraw(dispute=dispute, actor=request.user, **data)
        return self._detail_after(dispute)

    @_transition_schema(_("Change the track"), s.ChangeTrackInputSerializer)
    @action(detail=True, methods=["post"], url_path="change-track", url_name="change-track")
    def change_track(self, request, pk=None):
        dispute, data = self._prepare(pk, Action.CHANGE_TRACK, s.ChangeTrackInputSerializer)
        services.dispute_change_track(dispute=dispute, actor=request.user, **data)
        return self._detail_after(dispute)

    # --------------------------------------------------------- records

    @extend_schema(
        summary=_("Record a mediation session"),
        request=s.SessionInputSerializer,
        responses={201: s.SessionSerializer, **RECORD_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        dispute = self._get(pk)
        has_perm_or_403(request.user, "disputes.mediate_dispute")
        data = self._valid(s.SessionInputSerializer, dispute=dispute)
        session = services.session_record(
            dispute=dispute, actor=request.user, data=services.SessionData(**data)
        )
        return self._created(s.SessionSerializer, session)

    @extend_schema(
        summary=_("Record a follow-up"),
        request=s.FollowUpInputSerializer,
        responses={201: s.FollowUpSerializer, **RECORD_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="follow-ups", url_name="follow-ups")
    def follow_ups(self, request, pk=None):
        dispute = self._get(pk)
        has_perm_or_403(request.user, "disputes.mediate_dispute")
        data = self._valid(s.FollowUpInputSerializer)
        follow_up = services.follow_up_record(dispute=dispute, actor=request.user, **data)
        return self._created(s.FollowUpSerializer, follow_up)

    def _agreement(self, pk, agreement_id) -> tuple[Dispute, Agreement]:
        dispute = self._get(pk)
        return dispute, get_object_or_404(dispute.agreements.all(), pk=agreement_id)

    @extend_schema(
        summary=_("Record whether the agreement was kept"),
        request=s.PerformanceInputSerializer,
        parameters=[OpenApiParameter("agreement_id", int, OpenApiParameter.PATH)],
        responses={200: s.AgreementSerializer, **RECORD_RESPONSES},
    )
    @action(
        detail=True, methods=["post"],
        url_path="agreements/<id:agreement_id>/performance",
        url_name="agreement-performance",
    )
    def agreement_performance(self, request, pk=None, agreement_id=None):
        dispute, agreement = self._agreement(pk, agreement_id)
        has_perm_or_403(request.user, "disputes.mediate_dispute")
        data = self._valid(s.PerformanceInputSerializer)
        agreement = services.agreement_record_performance(
            agreement=agreement, actor=request.user, **data
        )
        return Response(s.AgreementSerializer(agreement, context=self._context()).data)

    @extend_schema(
        summary=_("Record an application for judicial confirmation"),
        request=s.ConfirmationApplyInputSerializer,
        parameters=[OpenApiParameter("agreement_id", int, OpenApiParameter.PATH)],
        responses={201: s.JudicialConfirmationSerializer, **RECORD_RESPONSES},
    )
    @action(
        detail=True, methods=["post"],
        url_path="agreements/<id:agreement_id>/confirmation",
        url_name="agreement-confirmation",
    )
    def agreement_confirmation(self, request, pk=None, agreement_id=None):
        dispute, agreement = self._agreement(pk, agreement_id)
        has_perm_or_403(request.user, "disputes.mediate_dispute")
        data = self._valid(s.ConfirmationApplyInputSerializer, dispute=dispute)
        confirmation = services.judicial_confirmation_apply(
            agreement=agreement, actor=request.user, **data
        )
        return self._created(s.JudicialConfirmationSerializer, confirmation)

    @extend_schema(
        summary=_("Record the court's ruling on judicial confirmation"),
        request=s.ConfirmationDecideInputSerializer,
        parameters=[OpenApiParameter("agreement_id", int, OpenApiParameter.PATH)],
        responses={200: s.JudicialConfirmationSerializer, **RECORD_RESPONSES},
    )
    @action(
        detail=True, methods=["post"],
        url_path="agreements/<id:agreement_id>/confirmation/decision",
        url_name="agreement-confirmation-decision",
    )
    def agreement_confirmation_decision(self, request, pk=None, agreement_id=None):
        dispute, agreement = self._agreement(pk, agreement_id)
        has_perm_or_403(request.user, "disputes.mediate_dispute")
        confirmation = get_object_or_404(JudicialConfirmation, agreement=agreement)
        data = self._valid(s.ConfirmationDecideInputSerializer, dispute=dispute)
        confirmation = services.judicial_confirmation_decide(
            confirmation=confirmation, actor=request.user, **data
        )
        return Response(
            s.JudicialConfirmationSerializer(confirmation, context=self._context()).data
        )

    @extend_schema(
        summary=_("Record the answer to a referral"),
        request=s.ReferralAnswerInputSerializer,
        parameters=[OpenApiParameter("referral_id", int, OpenApiParameter.PATH)],
        responses={200: s.ReferralSerializer, **RECORD_RESPONSES},
    )
    @action(
        detail=True, methods=["post"],
        url_path="referrals/<id:referral_id>/answer",
        url_name="referral-answer",
    )
    def referral_answer(self, request, pk=None, referral_id=None):
        dispute = self._get(pk)
        referral = get_object_or_404(dispute.referrals.all(), pk=referral_id)
        has_perm_or_403(request.user, "disputes.mediate_dispute")
        data = self._valid(s.ReferralAnswerInputSerializer)
        referral = services.referral_answer(referral=referral, actor=request.user, **data)
        return Response(s.ReferralSerializer(referral, context=self._context()).data)

    @extend_schema(
        summary=_("Refer the case to another body"),
        request=s.ReferralInputSerializer,
        responses={201: s.ReferralSerializer, **RECORD_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def referrals(self, request, pk=None):
        dispute = self._get(pk)
        has_perm_or_403(request.user, "disputes.mediate_dispute")
        data = self._valid(s.ReferralInputSerializer)
        referral = services.referral_add(
            dispute=dispute, actor=request.user, data=services.ReferralData(**data)
        )
        return self._created(s.ReferralSerializer, referral)

    @extend_schema(
        summary=_("Attach a photo or document"),
        request=s.AttachmentInputSerializer,
        responses={201: s.AttachmentSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        dispute = self._get(pk)
        has_perm_or_403(request.user, "disputes.add_attachment")
        data = self._valid(s.AttachmentInputSerializer)
        attachment = services.attachment_add(
            dispute=dispute, actor=request.user, kind=data["kind"], upload=data["file"]
        )
        return self._created(s.AttachmentSerializer, attachment)

    @extend_schema(
        summary=_("Show a party's ID number and phone in full (a reason is required; the access is logged)"),
        request=s.RevealInputSerializer,
        parameters=[OpenApiParameter("party_id", int, OpenApiParameter.PATH)],
        responses={200: s.PartyRevealedSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="parties/<id:party_id>/reveal",
        url_name="party-reveal",
    )
    def reveal(self, request, pk=None, party_id=None):
        dispute = self._get(pk)
        party = get_object_or_404(dispute.parties.all(), pk=party_id)
        has_perm_or_403(request.user, "disputes.reveal_personal_data")
        data = self._valid(s.RevealInputSerializer)
        services.party_reveal(party=party, actor=request.user, via="api", reason=data["reason"])
        return Response(s.PartyRevealedSerializer(party, context=self._context()).data)

    # --------------------------------------------------------- helpers

    def _context(self, **extra) -> dict:
        return {**self.get_serializer_context(), **extra}

    def _get(self, pk) -> Dispute:
        return selectors.dispute_get(user=self.request.user, pk=pk)

    def _valid(self, serializer_class, **context) -> dict:
        serializer = serializer_class(data=self.request.data, context=self._context(**context))
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _prepare(self, pk, action_name: str, serializer_class) -> tuple[Dispute, dict]:
        """Fetch the case in scope, refuse early without the permission, check
        the input; ``version`` becomes the service's ``expected_version``."""
        dispute = self._get(pk)
        has_perm_or_403(self.request.user, required_permission(action_name, track=dispute.track))
        data = self._valid(serializer_class, dispute=dispute)
        data["expected_version"] = data.pop("version", None)
        return dispute, data

    def _detail(self, pk, code: int = status.HTTP_200_OK) -> Response:
        dispute = selectors.dispute_detail(user=self.request.user, pk=pk)
        return Response(
            s.DisputeDetailSerializer(dispute, context=self._context()).data, status=code
        )

    def _detail_after(self, dispute: Dispute) -> Response:
        try:
            return self._detail(dispute.pk)
        except Http404:
            # Transferred out of the user's units: the case as they left it,
            # which they just saw; they cannot read it any more after this.
            dispute.refresh_from_db()
            return Response(s.DisputeDetailSerializer(dispute, context=self._context()).data)

    def _created(self, serializer_class, instance) -> Response:
        data = serializer_class(instance, context=self._context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("The mediation pool")),
    retrieve=extend_schema(responses={200: s.MediatorSerializer, 404: ERRORS_404}),
    create=extend_schema(
        request=s.MediatorInputSerializer,
        responses={201: s.MediatorSerializer, 400: ERRORS_400, 403: ERRORS_403},
    ),
    update=extend_schema(
        request=s.MediatorInputSerializer,
        responses={200: s.MediatorSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
    ),
    partial_update=extend_schema(
        request=s.MediatorInputSerializer,
        responses={200: s.MediatorSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
    ),
)
class MediatorViewSet(
    ExportAction, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The mediation pool of the user's units and the units above them."""

    list_export = exports.MEDIATORS
    serializer_class = s.MediatorSerializer
    read_permission = "disputes.view_mediator"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = MediatorFilter
    ordering_fields = ["name", "kind"]

    def get_queryset(self):
        return selectors.mediator_list(user=self.request.user)

    def create(self, request):
        has_perm_or_403(request.user, "disputes.add_mediator")
        serializer = s.MediatorInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        mediator = services.mediator_save(actor=request.user, **serializer.validated_data)
        return self._answer(mediator, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        mediator = selectors.mediator_get(user=request.user, pk=pk)
        has_perm_or_403(request.user, "disputes.change_mediator")
        serializer = s.MediatorInputSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        # A partial update keeps what it does not name.
        values = {**self._current(mediator), **serializer.validated_data}
        mediator = services.mediator_save(actor=request.user, mediator=mediator, **values)
        return self._answer(mediator, status.HTTP_200_OK)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def _current(self, mediator: Mediator) -> dict:
        return {
            "name": mediator.name,
            "kind": mediator.kind,
            "unit": mediator.unit,
            "organisation": mediator.organisation,
            "phone": mediator.phone,
            "active": mediator.active,
            "specialities": [sp.category for sp in mediator.specialities.all()],
        }

    def _answer(self, mediator: Mediator, code: int) -> Response:
        mediator = selectors.mediator_get(user=self.request.user, pk=mediator.pk)
        return Response(
            s.MediatorSerializer(mediator, context=self.get_serializer_context()).data, status=code
        )
