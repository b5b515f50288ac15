"""The enterprise reminders the hourly checks send: requests due within two
days (to the liaison officer and whoever handles them; green-channel ones to
the station leads too). Keyed by the request and its due date, so a rerun
notifies nobody twice."""

import datetime

from django.utils import timezone

from enterprises.models import EnterpriseRequest
from notifications.models import Notification
from notifications.services import notify, station_leads


def check_enterprise_requests(now: datetime.datetime) -> None:
    today = timezone.localdate(now)
    due = EnterpriseRequest.objects.filter(
        status__in=[EnterpriseRequest.Status.OPEN, EnterpriseRequest.Status.IN_PROGRESS],
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=2),
    ).select_related("enterprise", "enterprise__unit", "enterprise__liaison_officer", "handled_by")
    for request in due.iterator():
        enterprise = request.enterprise
        notify(
            recipients=[enterprise.liaison_officer, request.handled_by, *station_leads(enterprise.unit)]
            if request.green_channel
            else [enterprise.liaison_officer, request.handled_by],
            kind=Notification.Kind.REQUEST_DUE_SOON, subject=enterprise, unit=enterprise.unit,
            key=f"request_due:{request.pk}:{request.due_on:%Y%m%d}",
            label=f"{enterprise.name} · {request.get_category_display()} · {request.due_on:%Y-%m-%d}",
        )


def send_reminders(now: datetime.datetime | None = None) -> None:
    check_enterprise_requests(now or timezone.now())
