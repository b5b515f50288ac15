"""The dispute reminders the hourly checks send: deadlines near or past,
follow-ups due, agreements whose performance is due with nothing recorded,
and agreements whose judicial-confirmation window is about to close.

Each check names the event it notifies about in its key (the record and the
moment that makes it due), so running it again, or two at once, never
notifies anyone twice.
"""

import datetime

from django.utils import timezone

from disputes.models import (
    JUDICIAL_CONFIRMATION_DAYS,
    OPEN_STATUSES,
    Agreement,
    Dispute,
    FollowUp,
    Status,
)
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


# Remind this many days before the 30 days to apply for confirmation run out.
CONFIRMATION_WARNING_DAYS = 3


def _agreements_of_concluded_cases():
    return Agreement.objects.filter(
        dispute__status__in=[Status.RESOLVED, Status.CLOSED]
    ).select_related("dispute", "dispute__unit", "dispute__assigned_officer")


def check_performance_due(now: datetime.datetime) -> None:
    """An agreement past its performance date with nothing recorded."""
    due = _agreements_of_concluded_cases().filter(
        performance=Agreement.Performance.PENDING,
        performance_due__lt=timezone.localdate(now),
    )
    for agreement in due.iterator():
        dispute = agreement.dispute
        notify(
            recipients=[dispute.assigned_officer], kind=Notification.Kind.PERFORMANCE_DUE,
            subject=dispute, unit=dispute.unit, key=f"performance_due:{agreement.pk}",
            label=f"{dispute} · {agreement.performance_due:%Y-%m-%d}",
        )


def check_confirmation_window(now: datetime.datetime) -> None:
    """An agreement not yet taken to court whose 30 days end within three days."""
    today = timezone.localdate(now)
    first_signed = today - datetime.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)
    closing = _agreements_of_concluded_cases().filter(
        confirmation__isnull=True,
        signed_on__gte=first_signed,
        signed_on__lte=first_signed + datetime.timedelta(days=CONFIRMATION_WARNING_DAYS),
    )
    for agreement in closing.iterator():
        dispute = agreement.dispute
        notify(
            recipients=[dispute.assigned_officer], kind=Notification.Kind.CONFIRMATION_WINDOW,
            subject=dispute, unit=dispute.unit, key=f"confirmation_window:{agreement.pk}",
            label=f"{dispute} · {agreement.confirmation_deadline:%Y-%m-%d}",
        )


def send_reminders(now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    check_deadlines(now)
    check_follow_ups(now)
    check_performance_due(now)
    check_confirmation_window(now)
