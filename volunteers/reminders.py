"""The volunteer reminders the hourly checks send: patrols starting within a
day that are short of volunteers (to the alliance's coordinators). Keyed by
the patrol and its start, so a rerun notifies nobody twice."""

import datetime

from django.db.models import Count, F
from django.utils import timezone

from notifications.models import Notification
from notifications.services import moment_key, notify
from volunteers.models import Patrol


def check_patrols(now: datetime.datetime) -> None:
    short = (
        Patrol.objects.filter(
            status=Patrol.Status.PLANNED, starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(days=1),
        )
        .annotate(signed_up=Count("attendances"))
        .filter(signed_up__lt=F("volunteers_needed"))
        .select_related("alliance", "alliance__unit")
        .prefetch_related("alliance__coordinators")
    )
    for patrol in short:
        notify(
            recipients=patrol.alliance.coordinators.all(), kind=Notification.Kind.PATROL_SHORT,
            subject=patrol, unit=patrol.alliance.unit,
            key=f"patrol_short:{patrol.pk}:{moment_key(patrol.starts_at)}",
            label=f"{patrol.alliance} · {timezone.localtime(patrol.starts_at):%m-%d %H:%M} · "
            f"{patrol.signed_up}/{patrol.volunteers_needed}",
        )


def send_reminders(now: datetime.datetime | None = None) -> None:
    check_patrols(now or timezone.now())
