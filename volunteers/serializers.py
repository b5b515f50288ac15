"""API representations of the volunteers app.

Output serializers only read (phones and ID numbers only ever masked); input
serializers only check the shape of what a service will be given, with related
ids looked up among what the user may see.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from disputes.models import Category
from disputes.serializers import DisputeRefSerializer, PartyInputSerializer
from units.api_support import ScopedPrimaryKeyRelatedField
from units.models import Unit
from units.selectors import unit_list
from units.serializers import (
    LocationInputSerializer, MaskedTextMixin, UnitRefSerializer, UserRefSerializer,
)
from volunteers import selectors
from volunteers.forms import coordinator_choices
from volunteers.services import CORRECTION_REASON_LENGTH
from volunteers.models import (
    Alliance,
    Membership,
    Outreach,
    Patrol,
    PatrolAttendance,
    Tip,
    Volunteer,
)


def _alliances(user, context=None):
    return selectors.alliance_list(user=user)


def _volunteers(user, context=None):
    return selectors.volunteer_list(user=user)


def _units(user, context=None):
    return unit_list(user=user)


def _patrols(user, context=None):
    return selectors.patrol_list(user=user)


def _coordinators(user, context=None):
    return coordinator_choices(user=user)


class AllianceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alliance
        fields = ["id", "name"]
        read_only_fields = fields


class VolunteerRefSerializer(serializers.ModelSerializer):
    phone_masked = serializers.CharField(read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "name", "phone_masked"]
        read_only_fields = fields


class AllianceSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    coordinators = UserRefSerializer(many=True, read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    focus_display = serializers.CharField(source="get_focus_display", read_only=True)

    class Meta:
        model = Alliance
        fields = ["id", "name", "unit", "focus", "focus_display", "coordinators", "member_count",
                  "active"]
        read_only_fields = fields


class AllianceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=_units)
    focus = serializers.ChoiceField(choices=Alliance.Focus.choices)
    coordinators = ScopedPrimaryKeyRelatedField(
        model=get_user_model(), scope=_coordinators, many=True, required=False
    )
    active = serializers.BooleanField(default=True)


class MembershipInputSerializer(serializers.Serializer):
    volunteer = ScopedPrimaryKeyRelatedField(model=Volunteer, scope=_volunteers)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    joined_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=_("Defaults to today; not in the future."),
    )


class MembershipSerializer(serializers.ModelSerializer):
    alliance = AllianceRefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["alliance", "role", "joined_on"]
        read_only_fields = fields


class VolunteerSerializer(serializers.ModelSerializer):
    """A volunteer; phone and ID number only ever masked."""

    unit = UnitRefSerializer(read_only=True)
    phone_masked = serializers.CharField(read_only=True)
    id_number_masked = serializers.CharField(read_only=True)
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "name", "phone_masked", "id_number_masked", "skills", "active", "unit",
                  "memberships", "created_at"]
        read_only_fields = fields


class VolunteerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=_units)
    active = serializers.BooleanField(default=True)


class AttendanceSerializer(serializers.ModelSerializer):
    volunteer = VolunteerRefSerializer(read_only=True)
    hours = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = PatrolAttendance
        fields = ["id", "volunteer", "signed_up_at", "checked_in_at", "checked_out_at",
                  "checked_out_recorded_at", "hours", "latitude", "longitude"]
        read_only_fields = fields


class PatrolSerializer(MaskedTextMixin, serializers.ModelSerializer):
    alliance = AllianceRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    beat = UnitRefSerializer(read_only=True, allow_null=True)
    signed_up = serializers.IntegerField(read_only=True)
    understaffed = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "alliance", "unit", "beat", "area", "starts_at", "ends_at",
                  "volunteers_needed", "signed_up", "understaffed", "status", "status_display",
                  "report"]
        read_only_fields = fields

    def get_understaffed(self, patrol) -> bool:
        return patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY) and (
            patrol.signed_up < patrol.volunteers_needed
        )


class PatrolDetailSerializer(PatrolSerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)

    class Meta(PatrolSerializer.Meta):
        fields = PatrolSerializer.Meta.fields + ["attendances"]
        read_only_fields = fields


class PatrolInputSerializer(serializers.Serializer):
    alliance = ScopedPrimaryKeyRelatedField(model=Alliance, scope=_alliances)
    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=_units)
    beat = ScopedPrimaryKeyRelatedField(model=Unit, scope=_units, required=False, allow_null=True)
    area = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    volunteers_needed = serializers.IntegerField(min_value=1, max_value=200)


class VolunteerChoiceSerializer(serializers.Serializer):
    volunteer = ScopedPrimaryKeyRelatedField(model=Volunteer, scope=_volunteers)


class CheckInSerializer(LocationInputSerializer, VolunteerChoiceSerializer):
    """A check-in, with the phone's position when the user allowed it."""


class AttendanceCorrectSerializer(VolunteerChoiceSerializer):
    checked_in_at = serializers.DateTimeField()
    checked_out_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(
        max_length=CORRECTION_REASON_LENGTH,
        help_text=_("Why the times are corrected; kept in the record's history."),
    )


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField(allow_blank=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TipSerializer(MaskedTextMixin, serializers.ModelSerializer):
    alliance = AllianceRefSerializer(read_only=True)
    volunteer = VolunteerRefSerializer(read_only=True, allow_null=True)
    unit = UnitRefSerializer(read_only=True)
    handled_by = UserRefSerializer(read_only=True, allow_null=True)
    dispute = DisputeRefSerializer(read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Tip
        fields = ["id", "alliance", "volunteer", "patrol", "unit", "kind", "kind_display",
                  "description", "place", "latitude", "longitude", "received_at", "status",
                  "status_display", "handled_by", "handled_at", "handling_note", "dispute"]
        read_only_fields = fields


class TipInputSerializer(LocationInputSerializer):
    alliance = ScopedPrimaryKeyRelatedField(model=Alliance, scope=_alliances)
    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=_units)
    kind = serializers.ChoiceField(choices=Tip.Kind.choices)
    description = serializers.CharField()
    place = serializers.CharField(max_length=200)
    received_at = serializers.DateTimeField(required=False)
    volunteer = ScopedPrimaryKeyRelatedField(
        model=Volunteer, scope=_volunteers, required=False, allow_null=True
    )
    patrol = ScopedPrimaryKeyRelatedField(
        model=Patrol, scope=_patrols, required=False, allow_null=True
    )


class TipConvertSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    parties = PartyInputSerializer(many=True, allow_empty=False)

    def validate_parties(self, value):
        if not value:
            raise serializers.ValidationError(_("A dispute needs at least one party."))
        return value


class OutreachSerializer(MaskedTextMixin, serializers.ModelSerializer):
    alliance = AllianceRefSerializer(read_only=True)
    volunteer_count = serializers.IntegerField(read_only=True)
    theme_display = serializers.CharField(source="get_theme_display", read_only=True)

    class Meta:
        model = Outreach
        fields = ["id", "alliance", "date", "theme", "theme_display", "place", "latitude",
                  "longitude", "volunteer_count", "households_reached", "people_reached", "notes"]
        read_only_fields = fields


class OutreachInputSerializer(LocationInputSerializer):
    alliance = ScopedPrimaryKeyRelatedField(model=Alliance, scope=_alliances)
    date = serializers.DateField()
    theme = serializers.ChoiceField(choices=Outreach.Theme.choices)
    place = serializers.CharField(max_length=200)
    volunteers = ScopedPrimaryKeyRelatedField(
        model=Volunteer, scope=_volunteers, many=True, required=False
    )
    households_reached = serializers.IntegerField(min_value=0, default=0)
    people_reached = serializers.IntegerField(min_value=0, default=0)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
