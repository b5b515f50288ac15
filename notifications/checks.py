"""The time-based checks run every hour by Celery beat.

Each check computes who must hear about what and calls ``notify`` with a key
naming the event (the record and the moment that makes it due), so running a
check again, or two at once, never notifies anyone twice.
"""

import datetime

from django.db.models import Count, F
from django.utils import timezone

from disputes.models import OPEN_STATUSES, Dispute, FollowUp
from notifications.models import Notification
from notifications.services import notify, station_leads

# An overdue case notifies when it becomes overdue; a case overdue for longer
# than this when the checks first run (a new installation, a long outage)
# is left to the lists and the dashboard rather than flooding the bell.
OVERDUE_LOOKBACK = datetime.timedelta(days=7)


def _stamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%d%H%M")


def check_deadlines(now: datetime.datetime) -> None:
    soon = Dispute.objects.filter(
        status__in=OPEN_STATUSES, deadline__gt=now, deadline__lte=now + datetime.timedelta(days=1)
    ).select_related("unit", "assigned_officer")
    for dispute in soon.iterator():
        notify(
            recipients=[dispute.assigned_officer], kind=Notification.Kind.DEADLINE_SOON,
            subject=dispute, unit=dispute.unit, key=f"deadline_soon:{dispute.pk}:{_stamp(dispute.deadline)}",
        )
    overdue = Dispute.objects.filter(
        status__in=OPEN_STATUSES, deadline__lte=now, deadline__gt=now - OVERDUE_LOOKBACK
    ).select_related("unit", "assigned_officer")
    for dispute in overdue.iterator():
        notify(
            recipients=[dispute.assigned_officer, *station_leads(dispute.unit)],
            kind=Notification.Kind.OVERDUE, subject=dispute, unit=dispute.unit,
            key=f"overdue:{dispute.pk}:{_stamp(dispute.deadline)}",
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


def check_patrols(now: datetime.datetime) -> None:
    from volunteers.models import Patrol

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
            key=f"patrol_short:{patrol.pk}:{_stamp(patrol.starts_at)}",
            label=f"{patrol.alliance} · {timezone.localtime(patrol.starts_at):%m-%d %H:%M} · "
            f"{patrol.signed_up}/{patrol.volunteers_needed}",
        )


def check_enterprise_requests(now: datetime.datetime) -> None:
    try:
        from policing.models import EnterpriseRequest
    except ImportError:  # the enterprise records are not installed
        return
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


CHECKS = (check_deadlines, check_follow_ups, check_patrols, check_enterprise_requests)


def run_checks(now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    for check in CHECKS:
        check(now)


