import django_filters
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from units.filters import YesNoFilter


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Notification.Kind.choices)
    unread = YesNoFilter(
        label=_("Unread only"), field_name="read_at", lookup_expr="isnull"
    )

    class Meta:
        model = Notification
        fields = ["kind", "unread"]
