"""API representations of 110 calls and the input of each write.

Output and input serializers are kept apart: the output ones only read, the
input ones only check the shape of what a service will be given.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from disputes.models import Dispute
from disputes.selectors import dispute_list
from disputes.serializers import DisputeRefSerializer
from incidents.models import Incident
from units.api_support import ScopedPrimaryKeyRelatedField
from units.models import Unit
from units.serializers import (
    MaskedTextMixin,
    UnitRefSerializer,
    UserRefSerializer,
    officer_users,
    units_in_scope,
)
from units.validators import (
    mask_phone,
    normalise_phone,
    validate_phone,
)


class IncidentSerializer(MaskedTextMixin, serializers.ModelSerializer):
    """A 110 call; the caller's phone only ever masked."""

    caller_phone_masked = serializers.SerializerMethodField()
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    handling_officer = UserRefSerializer(read_only=True, allow_null=True)
    dispute = DisputeRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "received_at",
            "caller_name",
            "caller_phone_masked",
            "address",
            "latitude",
            "longitude",
            "unit",
            "category",
            "category_display",
            "summary",
            "handling_officer",
            "dispute",
            "linked_at",
            "is_repeat",
            "created_at",
        ]
        read_only_fields = fields

    def get_caller_phone_masked(self, incident: Incident) -> str:
        return mask_phone(incident.caller_phone)


class IncidentCreateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=30)
    received_at = serializers.DateTimeField()
    caller_name = serializers.CharField(max_length=50)
    caller_phone = serializers.CharField(max_length=20, write_only=True)
    address = serializers.CharField(max_length=200)
    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=units_in_scope)
    category = serializers.ChoiceField(choices=Incident.Category.choices)
    summary = serializers.CharField()
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90,
        required=False, allow_null=True, default=None,
        help_text=_("Where it happened, WGS-84; with longitude, or neither."),
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180,
        required=False, allow_null=True, default=None,
    )
    handling_officer = ScopedPrimaryKeyRelatedField(
        model=get_user_model(),
        scope=officer_users,
        required=False,
        allow_null=True,
        help_text=_("Defaults to the user logging the call."),
    )

    def validate_caller_phone(self, value: str) -> str:
        value = normalise_phone(value)
        validate_phone(value)
        return value


def disputes_in_scope(user, context=None):
    return dispute_list(user=user)


class IncidentLinkSerializer(serializers.Serializer):
    dispute = ScopedPrimaryKeyRelatedField(
        model=Dispute, scope=disputes_in_scope, help_text=_("The case this call is about.")
    )

