"""API representations of enterprises, visits and requests, and the input of
each write."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disputes.models import Category as DisputeCategory
from disputes.serializers import DisputeRefSerializer
from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from enterprises.selectors import enterprise_list
from units.api_support import (
    PositionalErrorsListSerializer,
    ScopedPrimaryKeyRelatedField,
)
from units.models import Unit
from units.selectors import unit_list
from units.serializers import (
    LocationInputSerializer,
    MaskedTextMixin,
    UnitRefSerializer,
    UserRefSerializer,
    officer_users,
)
from units.validators import (
    normalise_credit_code,
    normalise_phone,
    validate_credit_code,
    validate_phone,
)


def stations_for_user(user, context=None):
    return unit_list(user=user).filter(kind=Unit.Kind.STATION)


def enterprises_in_scope(user, context=None):
    return enterprise_list(user=user)


class EnterpriseSerializer(serializers.ModelSerializer):
    """An enterprise; the contact phone only ever masked."""

    unit = UnitRefSerializer(read_only=True)
    liaison_officer = UserRefSerializer(read_only=True, allow_null=True)
    industry_display = serializers.CharField(source="get_industry_display", read_only=True)
    contact_phone_masked = serializers.CharField(read_only=True)
    last_visit = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "unit", "address", "industry", "industry_display",
            "hazardous_chemicals", "logistics", "foreign_staff", "contact_name",
            "contact_phone_masked", "liaison_officer", "active", "last_visit", "created_at",
            "latitude", "longitude",
        ]
        read_only_fields = fields


class EnterpriseWriteSerializer(LocationInputSerializer):
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=30)
    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=stations_for_user)
    address = serializers.CharField(max_length=200)
    industry = serializers.ChoiceField(choices=Enterprise.Industry.choices)
    hazardous_chemicals = serializers.BooleanField(default=False)
    logistics = serializers.BooleanField(default=False)
    foreign_staff = serializers.BooleanField(default=False)
    contact_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(max_length=20, write_only=True)
    liaison_officer = ScopedPrimaryKeyRelatedField(
        model=get_user_model(), scope=officer_users, required=False, allow_null=True
    )
    active = serializers.BooleanField(default=True)

    def validate_credit_code(self, value: str) -> str:
        value = normalise_credit_code(value)
        validate_credit_code(value)
        return value

    def validate_contact_phone(self, value: str) -> str:
        value = normalise_phone(value)
        validate_phone(value)
        return value


class EnterpriseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code"]
        read_only_fields = fields


class EnterpriseRequestSerializer(MaskedTextMixin, serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer(read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    handled_by = UserRefSerializer(read_only=True, allow_null=True)
    dispute = DisputeRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = EnterpriseRequest
        fields = [
            "id", "enterprise", "visit", "category", "category_display", "description",
            "received_on", "due_on", "green_channel", "status", "status_display", "overdue",
            "resolution", "resolved_at", "handled_by", "dispute", "created_at",
        ]
        read_only_fields = fields


class EnterpriseVisitSerializer(MaskedTextMixin, serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer(read_only=True)
    officers = UserRefSerializer(many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    requests = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseVisit
        fields = [
            "id", "enterprise", "visited_on", "kind", "kind_display", "officers", "notes",
            "hazards_found", "hazards_rectified", "requests", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(EnterpriseRequestSerializer(many=True))
    def get_requests(self, visit) -> list:
        # The prefetched requests: no query per visit.
        rows = sorted(visit.requests.all(), key=lambda r: r.pk)
        for row in rows:
            row.overdue = row.is_pending and row.due_on < timezone.localdate()
        return EnterpriseRequestSerializer(rows, many=True, context=self.context).data


class RequestInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=EnterpriseRequest.Category.choices)
    description = serializers.CharField()
    due_on = serializers.DateField()
    green_channel = serializers.BooleanField(default=False)

    class Meta:
        list_serializer_class = PositionalErrorsListSerializer


class RequestCreateSerializer(RequestInputSerializer):
    """A request received outside a visit (by phone, at the window)."""

    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise, scope=enterprises_in_scope)
    received_on = serializers.DateField(help_text=_("Not in the future."))


class EnterpriseVisitCreateSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise, scope=enterprises_in_scope)
    visited_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=EnterpriseVisit.Kind.choices)
    officers = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scope=officer_users,
        many=True,
        required=False,
        help_text=_("Other officers present; the user logging the visit is always recorded."),
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    hazards_found = serializers.IntegerField(min_value=0, default=0)
    hazards_rectified = serializers.IntegerField(min_value=0, default=0)
    requests = RequestInputSerializer(
        many=True,
        required=False,
        help_text=_("Requests raised during the visit, received on the day of the visit."),
    )


class RequestResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()


class RequestDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RequestConvertSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=DisputeCategory.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")

