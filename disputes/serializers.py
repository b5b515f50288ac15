"""API representations of disputes and the input of each write.

Output serializers only read what the selectors fetched (personal data only
masked); input serializers check the shape of what disputes.services will be
given. The rules themselves live in the services, not here.
"""

from django.contrib.auth import get_user_model
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disputes.models import (
    Agreement,
    Attachment,
    Category,
    Dispute,
    DisputeEvent,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Mediator,
    Party,
    Referral,
    RiskLevel,
    Source,
    Track,
)
from disputes.selectors import mediator_list
from disputes.workflow import allowed_actions
from units.api_support import (
    BlankChoicesMixin,
    PositionalErrorsListSerializer,
    ScopedPrimaryKeyRelatedField,
)
from units.models import Unit
from units.selectors import (
    beats_in_scope,
    station_choices,
    stations_in_scope,
    unit_list,
)
from units.serializers import (
    MaskedTextMixin,
    UnitRefSerializer,
    UserRefSerializer,
    officer_users,
)
from units.validators import (
    mask_phone,
    normalise_id_number,
    normalise_phone,
    validate_id_number,
    validate_phone,
)

VERSION_HELP = _(
    "The case's version as you last saw it; if someone changed the case since, "
    "the action is refused with 409 and code “stale”."
)


def _version_field():
    return serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


# Scopes of the related ids an input may name: always through the selectors.
def _stations(user, context):
    return stations_in_scope(user=user)


def _beats(user, context):
    return beats_in_scope(user=user)


def _all_stations(user, context):
    # A case may be transferred across regions, to any station.
    return station_choices()


def _mediators(user, context):
    return mediator_list(user=user)


def _case_parties(user, context):
    return context["dispute"].parties.all()


def _units(user, context):
    return unit_list(user=user)


# ---------------------------------------------------------------- output


class DisputeRefSerializer(MaskedTextMixin, serializers.ModelSerializer):
    class Meta:
        model = Dispute
        fields = ["id", "reference", "title", "status"]
        read_only_fields = fields
        masked_text_fields = ["title"]


class PartySerializer(serializers.ModelSerializer):
    """A party with ID number and phone masked; full values only via reveal."""

    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "name",
            "role",
            "role_display",
            "id_number_masked",
            "phone_masked",
            "address",
        ]
        read_only_fields = fields


class PartyRevealedSerializer(serializers.ModelSerializer):
    """Shown only after disputes.services.party_reveal logged the access."""

    class Meta:
        model = Party
        fields = ["id", "name", "role", "id_number", "phone", "address"]
        read_only_fields = fields


class MediatorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mediator
        fields = ["id", "name", "kind", "organisation"]
        read_only_fields = fields


class SessionSerializer(MaskedTextMixin, serializers.ModelSerializer):
    mediators = MediatorRefSerializer(many=True, read_only=True)
    officers = UserRefSerializer(many=True, read_only=True)
    parties_present = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = MediationSession
        fields = [
            "id",
            "held_at",
            "mode",
            "outcome",
            "notes",
            "mediators",
            "officers",
            "parties_present",
            "created_at",
        ]
        read_only_fields = fields


class JudicialConfirmationSerializer(serializers.ModelSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = JudicialConfirmation
        fields = [
            "id", "court", "applied_on", "applicants", "outcome", "outcome_display",
            "decided_on", "ruling_number", "ruling",
        ]
        read_only_fields = fields


class AgreementSerializer(MaskedTextMixin, serializers.ModelSerializer):
    performance_display = serializers.CharField(
        source="get_performance_display", read_only=True
    )
    confirmation_deadline = serializers.DateField(read_only=True)
    confirmation = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id", "terms", "signed_on", "performance_due", "performance",
            "performance_display", "performance_on", "performance_note", "created_at",
            "confirmation_deadline", "confirmation",
        ]
        read_only_fields = fields

    @extend_schema_field(JudicialConfirmationSerializer(allow_null=True))
    def get_confirmation(self, agreement: Agreement) -> dict | None:
        confirmation = getattr(agreement, "confirmation", None)
        if confirmation is None:
            return None
        return JudicialConfirmationSerializer(confirmation, context=self.context).data


class FollowUpSerializer(MaskedTextMixin, BlankChoicesMixin, serializers.ModelSerializer):
    officer = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "due_on",
            "done_at",
            "officer",
            "method",
            "finding",
            "satisfaction",
            "notes",
        ]
        read_only_fields = fields


class ReferralSerializer(MaskedTextMixin, serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = [
            "id",
            "target",
            "target_name",
            "sent_at",
            "state",
            "reason",
            "answer",
            "answered_at",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    """Metadata only; the file itself through the permission-checked page view."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        url = attachment.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class EventSerializer(MaskedTextMixin, BlankChoicesMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = UserRefSerializer(read_only=True)
    from_unit = UnitRefSerializer(read_only=True, allow_null=True)
    to_unit = UnitRefSerializer(read_only=True, allow_null=True)
    from_officer = UserRefSerializer(read_only=True, allow_null=True)
    to_officer = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DisputeEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "actor",
            "at",
            "from_status",
            "to_status",
            "from_track",
            "to_track",
            "from_unit",
            "to_unit",
            "from_officer",
            "to_officer",
            "note",
        ]
        read_only_fields = fields


# Labels as a ModelSerializer gives them (capitalised verbose names).
capfirst_lazy = lazy(capfirst, str)


# A 110 call linked to the case (``dispute.incidents``, the calls' link to it);
# the caller's phone only masked. (No docstring: it would enter the schema.)
class IncidentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True, label=capfirst_lazy(_("call number")))
    received_at = serializers.DateTimeField(read_only=True, label=capfirst_lazy(_("received at")))
    caller_name = serializers.CharField(read_only=True, label=capfirst_lazy(_("caller name")))
    caller_phone_masked = serializers.SerializerMethodField()
    is_repeat = serializers.BooleanField(
        read_only=True,
        label=capfirst_lazy(_("repeat call")),
        help_text=_("The linked dispute already had an earlier call."),
    )

    def get_caller_phone_masked(self, incident) -> str:
        return mask_phone(incident.caller_phone)


class DisputeListSerializer(MaskedTextMixin, BlankChoicesMixin, serializers.ModelSerializer):
    """One row of the list: only the dispute's own columns and the relations
    dispute_list already joins, so the list costs the same at any length."""

    url = serializers.HyperlinkedIdentityField(view_name="dispute-detail")
    unit = UnitRefSerializer(read_only=True)
    beat = UnitRefSerializer(read_only=True, allow_null=True)
    assigned_officer = UserRefSerializer(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    track_display = serializers.CharField(source="get_track_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    risk_level_display = serializers.CharField(source="get_risk_level_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "id",
            "url",
            "reference",
            "title",
            "category",
            "category_display",
            "source",
            "received_at",
            "place",
            "latitude",
            "longitude",
            "unit",
            "beat",
            "assigned_officer",
            "risk_level",
            "risk_level_display",
            "track",
            "track_display",
            "status",
            "status_display",
            "deadline",
            "is_overdue",
            "version",
        ]
        read_only_fields = fields
        masked_text_fields = ["title", "place"]

    def get_is_overdue(self, dispute: Dispute) -> bool:
        return dispute.is_overdue()


class DisputeDetailSerializer(DisputeListSerializer):
    """Everything the detail page shows, from dispute_detail's prefetches."""

    mediators = MediatorRefSerializer(many=True, read_only=True)
    co_officers = UserRefSerializer(many=True, read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)
    agreements = AgreementSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    referrals = ReferralSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    incidents = IncidentRefSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("The actions you may take on the case now.")
    )

    class Meta(DisputeListSerializer.Meta):
        fields = DisputeListSerializer.Meta.fields + [
            "summary",
            "resolution_note",
            "concluded_at",
            "closed_at",
            "created_at",
            "updated_at",
            "mediators",
            "co_officers",
            "parties",
            "sessions",
            "agreements",
            "follow_ups",
            "referrals",
            "attachments",
            "events",
            "incidents",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, dispute: Dispute) -> list[str]:
        return [str(action) for action in allowed_actions(dispute, self.context["request"].user)]


class MediatorSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    specialities = serializers.SerializerMethodField()

    class Meta:
        model = Mediator
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "organisation",
            "unit",
            "phone_masked",
            "active",
            "specialities",
        ]
        read_only_fields = fields

    def get_specialities(self, mediator: Mediator) -> list[str]:
        # Read from the prefetch (mediator_list), sorted in Python to keep it.
        return sorted(s.category for s in mediator.specialities.all())


# ---------------------------------------------------------------- input


class PartyInputSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = PositionalErrorsListSerializer

    name = serializers.CharField(max_length=50)
    role = serializers.ChoiceField(choices=Party.Role.choices)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_id_number(self, value: str) -> str:
        value = normalise_id_number(value)
        if value:
            validate_id_number(value)
        return value

    def validate_phone(self, value: str) -> str:
        value = normalise_phone(value)
        if value:
            validate_phone(value)
        return value


class DisputeRegisterSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    source = serializers.ChoiceField(choices=Source.choices)
    received_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    unit = ScopedPrimaryKeyRelatedField(
        model=Unit, scope=_stations, help_text=_("The police station registering the case.")
    )
    beat = ScopedPrimaryKeyRelatedField(model=Unit, scope=_beats, required=False, allow_null=True)
    assigned_officer = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scope=officer_users,
        required=False,
        allow_null=True,
        help_text=_("Defaults to the user registering the case."),
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90,
        required=False, allow_null=True, default=None,
        help_text=_("Where it happened, WGS-84; with longitude, or neither."),
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180,
        required=False, allow_null=True, default=None,
    )
    parties = PartyInputSerializer(many=True, allow_empty=False)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = _version_field()


class RequiredNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(help_text=_("Why: kept on the timeline."))
    version = _version_field()


class AssessInputSerializer(NoteInputSerializer):
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    track = serializers.ChoiceField(choices=Track.choices)


class DispatchInputSerializer(NoteInputSerializer):
    officer = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scope=officer_users,
        required=False,
        help_text=_("The officer in charge; defaults to the case's current officer or you."),
    )
    mediators = ScopedPrimaryKeyRelatedField(
        model=Mediator, scope=_mediators, many=True, required=False
    )
    co_officers = ScopedPrimaryKeyRelatedField(
        model=get_user_model(), scope=officer_users, many=True, required=False
    )


class AgreementInputSerializer(serializers.Serializer):
    terms = serializers.CharField()
    signed_on = serializers.DateField()
    performance_due = serializers.DateField(required=False, allow_null=True)


class ResolveInputSerializer(serializers.Serializer):
    agreement = AgreementInputSerializer(required=False, allow_null=True)
    resolution_note = serializers.CharField(required=False, allow_blank=True, default="")
    version = _version_field()


class ReferralInputSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=Referral.Target.choices)
    target_name = serializers.CharField(max_length=100)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FailInputSerializer(ReferralInputSerializer, NoteInputSerializer):
    pass


class TransferInputSerializer(RequiredNoteInputSerializer):
    to_unit = ScopedPrimaryKeyRelatedField(
        model=Unit, scope=_all_stations, help_text=_("The police station taking the case over.")
    )


class ChangeTrackInputSerializer(RequiredNoteInputSerializer):
    track = serializers.ChoiceField(choices=Track.choices)


class SessionInputSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=MediationSession.Mode.choices)
    outcome = serializers.ChoiceField(choices=MediationSession.Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    mediators = ScopedPrimaryKeyRelatedField(
        model=Mediator, scope=_mediators, many=True, required=False, default=list
    )
    officers = ScopedPrimaryKeyRelatedField(
        model=get_user_model(), scope=officer_users, many=True, required=False, default=list
    )
    parties_present = ScopedPrimaryKeyRelatedField(
        model=Party, scope=_case_parties, many=True, required=False, default=list
    )


class PerformanceInputSerializer(serializers.Serializer):
    performance = serializers.ChoiceField(
        choices=[
            (c.value, c.label)
            for c in (
                Agreement.Performance.PERFORMED,
                Agreement.Performance.PARTLY,
                Agreement.Performance.BREACHED,
            )
        ]
    )
    on = serializers.DateField(help_text=_("The day the performance was found; not in the future."))
    note = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=_("Required for a partial performance or a breach."),
    )


def _case_parties_of_agreement(user, context):
    return context["dispute"].parties.all()


class ConfirmationApplyInputSerializer(serializers.Serializer):
    court = serializers.CharField(max_length=100)
    applied_on = serializers.DateField(
        help_text=_("Within 30 days of the signing; not in the future.")
    )
    applicants = ScopedPrimaryKeyRelatedField(
        model=Party, scope=_case_parties_of_agreement, many=True
    )


def _case_attachments(user, context):
    return context["dispute"].attachments.all()


class ConfirmationDecideInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (c.value, c.label)
            for c in (JudicialConfirmation.Outcome.CONFIRMED, JudicialConfirmation.Outcome.REJECTED)
        ]
    )
    decided_on = serializers.DateField()
    ruling_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="",
        help_text=_("Required when confirmed."),
    )
    ruling = ScopedPrimaryKeyRelatedField(
        model=Attachment, scope=_case_attachments, required=False, allow_null=True,
        default=None, help_text=_("The ruling's scan: an attachment of this case."),
    )


class ReferralAnswerInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[
            (c.value, c.label)
            for c in (Referral.State.ACCEPTED, Referral.State.ANSWERED, Referral.State.DECLINED)
        ]
    )
    answer = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=_("What they answered; required unless only accepted."),
    )


class FollowUpInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=FollowUp.Method.choices)
    finding = serializers.ChoiceField(choices=FollowUp.Finding.choices)
    satisfaction = serializers.ChoiceField(
        choices=FollowUp.Satisfaction.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    done_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AttachmentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    file = serializers.FileField(help_text=_("A JPEG or PNG photo or a PDF document."))


class RevealInputSerializer(serializers.Serializer):
    """Why the data is needed: required and logged with the reveal, as on the page."""

    reason = serializers.CharField(
        max_length=200,
        help_text=_(
            "Why the data is needed, e.g. contacting the party, verifying identity, "
            "issuing a document."
        ),
    )


class MediatorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    kind = serializers.ChoiceField(choices=Mediator.Kind.choices)
    organisation = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=_units)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)
    specialities = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices),
        required=False,
        default=list,
        max_length=len(Category.choices),
    )

    def validate_phone(self, value: str) -> str:
        value = normalise_phone(value)
        if value:
            validate_phone(value)
        return value
