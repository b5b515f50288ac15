"""API representations of units and officers, and the references to them every
app's serializers use."""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from units.masking import mask_text
from units.models import Unit
from units.selectors import officers_in_scope, unit_list


def officer_users(user, context=None):
    """Users who are officers or leads of the requesting user's units."""
    ids = officers_in_scope(user=user).values("user_id")
    return get_user_model().objects.filter(pk__in=ids)


def units_in_scope(user, context=None):
    return unit_list(user=user)


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]
        read_only_fields = fields


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "kind_display", "parent", "depth"]
        read_only_fields = fields



class MaskedTextField(serializers.CharField):
    """Free text as the API shows it: any ID or mobile number in it masked
    (``units.masking``); the full text only through a logged reveal. Input is
    read as an ordinary CharField."""

    def to_representation(self, value) -> str:
        return mask_text(super().to_representation(value))


class MaskedTextMixin:
    """For ModelSerializers that show records: every model TextField, and the
    CharFields named in ``Meta.masked_text_fields`` (titles, labels), come out
    masked. One line per serializer instead of a field per text."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        masked = getattr(self.Meta, "masked_text_fields", ())
        if not model_field.choices and (
            isinstance(model_field, models.TextField) or field_name in masked
        ):
            field_class = MaskedTextField
            kwargs.pop("model_field", None)
        return field_class, kwargs


class LocationInputSerializer(serializers.Serializer):
    """The optional location of a record a client sends (units.geo.clean_location
    checks the pair); input serializers of located records extend it."""

    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90,
        required=False, allow_null=True, default=None,
        help_text=_("Where it happened, WGS-84; with longitude, or neither."),
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180,
        required=False, allow_null=True, default=None,
    )
