from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications import selectors, services
from notifications.exports import NOTIFICATIONS
from notifications.filters import NotificationFilter
from notifications.models import Notification
from notifications.serializers import MarkedReadSerializer, NotificationSerializer
from units.api_exports import ExportAction
from units.api_support import ERRORS_404, SIGNED_IN


class NotificationViewSet(
    ExportAction, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The signed-in user's notifications, unread first. Nobody else's exist here."""

    serializer_class = NotificationSerializer
    read_permission = SIGNED_IN  # only ever the user's own
    filterset_class = NotificationFilter
    list_export = NOTIFICATIONS
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Notification.objects.none()
        return selectors.notification_list(user=self.request.user)

    @extend_schema(
        summary=_("Mark one notification read"), request=None,
        responses={200: NotificationSerializer, 404: ERRORS_404},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary=_("Mark all notifications read"), request=None,
                   responses={200: MarkedReadSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_read(user=request.user)})
