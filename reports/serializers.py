"""API representations of monthly reports; input and output kept apart."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports import selectors
from reports.models import MonthlyReport
from reports.months import format_month, parse_month
from units.api_support import ScopedPrimaryKeyRelatedField
from units.models import Unit
from units.serializers import UnitRefSerializer


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A calendar month as ``YYYY-MM``."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-03.")}

    def to_internal_value(self, data):
        try:
            return parse_month(str(data))
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value):
        return format_month(value)


def _report_units(user, context=None):
    return selectors.report_units(user=user)


class ReportRequestSerializer(serializers.Serializer):
    """Ask for a unit's report of a month (the month must have begun)."""

    unit = ScopedPrimaryKeyRelatedField(model=Unit, scope=_report_units)
    month = MonthField()


class ReportAcceptedSerializer(serializers.ModelSerializer):
    """The answer to a request: the report to poll and its state."""

    month = MonthField(read_only=True)

    class Meta:
        model = MonthlyReport
        fields = ["id", "state", "unit", "month"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    month = MonthField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    error = serializers.CharField(
        source="reason", read_only=True,
        help_text=_("Why the latest request failed, in the reader's language when known."),
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "id", "unit", "month", "state", "state_display", "error",
            "generated_at", "requested_at",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.SerializerMethodField(
        help_text=_(
            "Every figure of the month (DESIGN.md §6); rates are shares in [0, 1] or "
            "null for no data. Null until the first generation succeeds."
        )
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    # Null until generated: declared so, or generated clients crash on it.
    @extend_schema_field({"type": ["object", "null"], "additionalProperties": True})
    def get_figures(self, report) -> dict | None:
        return report.figures
