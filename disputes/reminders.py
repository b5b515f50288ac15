"""The dispute reminders the hourly checks send: deadlines near or past, and
follow-ups due.

Each check names the event it notifies about in its key (the record and the
moment that makes it due), so running it again, or two at once, never
notifies anyone twice.
"""

import datetime

from django.utils import timezone

from disputes.models import OPEN_STATUSES, Dispute, FollowUp
from notifications.models import Notification
from notifications.services import moment_key, notify, station_leads

# An overdue case notifies when it becomes overdue; a case overdue for longer
# than this when the checks first run (a new installation, a long outage)
# is left to the lists and the dashboard rather than flooding the bell.
OVERDUE_LOOKBACK = datetime.timedelta(days=7)


def check_deadlines(now: datetime.datetime) -> None:
    soon = Dispute.objects.filter(
        status__in=OPEN_STATUSES, deadline__gt=now, deadline__lte=now + datetime.timedelta(days=1)
    ).select_related("unit", "assigned_officer")
    for dispute in soon.iterator():
        notify(
            recipients=[dispute.assigned_officer], kind=Notification.Kind.DEADLINE_SOON,
            subject=dispute, unit=dispute.unit, key=f"deadline_soon:{dispute.pk}:{moment_key(dispute.deadline)}",
        )
    overdue = Dispute.objects.filter(
        status__in=OPEN_STATUSES, deadline__lte=now, deadline__gt=now - OVERDUE_LOOKBACK
    ).select_related("unit", "assigned_officer")
    for dispute in overdue.iterator():
        notify(
            recipients=[dispute.assigned_officer, *station_leads(dispute.unit)],
            kind=Notification.Kind.OVERDUE, subject=dispute, unit=dispute.unit,
            key=f"overdue:{dispute.pk}:{moment_key(dispute.deadline)}",
        )


def check_follow_ups(now: datetime.datetime) -> None:
    due = FollowUp.objects.filter(
        done_at__isnull=True, due_on__lte=timezone.localdate(now)
    ).select_related("dispute", "dispute__unit", "dispute__assigned_officer")
    for follow_up in due.iterator():
        dispute = follow_up.dispute
        notify(
            recipients=[dispute.assigned_officer], kind=Notification.Kind.FOLLOW_UP_DUE,
            subject=dispute, unit=dispute.unit, key=f"follow_up:{follow_up.pk}",
            label=f"{dispute} · {follow_up.due_on:%Y-%m-%d}",
        )


def send_reminders(now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    check_deadlines(now)
    check_follow_ups(now)
