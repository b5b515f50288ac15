from rest_framework import serializers

from notifications.models import Notification
from units.serializers import MaskedTextMixin


class NotificationSerializer(MaskedTextMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "label", "url", "created_at", "read_at", "done_at", "is_read"]
        masked_text_fields = ["label"]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
