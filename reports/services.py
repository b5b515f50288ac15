"""Recording requests for monthly reports and generating them.

A request (``reports.queue.report_request``) is recorded here and queues a
Celery task after the transaction commits; the task calls ``report_generate``, which computes every figure first and then swaps
the snapshot in with one UPDATE. Running it twice, or twice at once, leaves
one report with the same figures; a failure leaves the previous snapshot.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.services import notify
from reports import figures
from reports.models import MonthlyReport
from reports.months import current_month
from units.models import Unit


def check_month(month: datetime.date) -> None:
    if month > current_month():
        raise ValidationError({"month": _("A report cannot be made for a month that has not begun.")})
    if month.year < 2000:
        raise ValidationError({"month": _("Enter a month from the year 2000 on.")})


def _get_or_create(*, unit: Unit, month: datetime.date, defaults: dict) -> tuple[MonthlyReport, bool]:
    try:
        with transaction.atomic():
            return MonthlyReport.objects.get_or_create(unit=unit, month=month, defaults=defaults)
    except IntegrityError:
        # Another request created it between the look-up and the insert.
        return MonthlyReport.objects.get(unit=unit, month=month), False


# A request queued or running for longer than this is taken as lost and may be
# queued again (a lost broker message must not block a report for ever).
STUCK_AFTER = datetime.timedelta(minutes=15)


def report_mark_queued(
    *, unit: Unit, month: datetime.date, requested_by: AbstractBaseUser | None = None
) -> tuple[MonthlyReport, bool]:
    """Record a request for a report; whether it must be queued.

    Not when a live request for the same report is already queued or running
    (one older than ``STUCK_AFTER`` is taken as lost). The caller queues the
    generation after the transaction commits (``reports.queue.report_enqueue``).
    """
    now = timezone.now()
    report, created = _get_or_create(
        unit=unit, month=month, defaults={"requested_at": now, "requested_by": requested_by}
    )
    busy = Q(state__in=[MonthlyReport.State.QUEUED, MonthlyReport.State.RUNNING]) & Q(
        requested_at__gt=now - STUCK_AFTER
    )
    queued = created or MonthlyReport.objects.filter(pk=report.pk).exclude(busy).update(
        state=MonthlyReport.State.QUEUED, error="", requested_at=now, requested_by=requested_by
    )
    report.refresh_from_db()
    return report, bool(queued)


def report_generate(*, report_id: int) -> MonthlyReport:
    """Compute the figures and replace the snapshot in one statement."""
    report = MonthlyReport.objects.select_related("unit").get(pk=report_id)
    MonthlyReport.objects.filter(pk=report_id).update(
        state=MonthlyReport.State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    period = figures.Period(unit=report.unit, month=report.month)
    data = figures.all_figures(period)
    _test_pause()
    # 环比 and 同比 from the records by the same rules, never from an earlier
    # snapshot that late entries may have made stale (DESIGN.md §6).
    data["change"] = figures.comparisons(period, data)
    with transaction.atomic():
        MonthlyReport.objects.filter(pk=report_id).update(
            figures=data, generated_at=timezone.now(), state=MonthlyReport.State.DONE, error=""
        )
        report.refresh_from_db()
        _notify_requester(report, Notification.Kind.REPORT_READY)
    return report


def report_fail(*, report_id: int, reason: str) -> None:
    """Mark the latest request failed; the previous figures stay."""
    with transaction.atomic():
        MonthlyReport.objects.filter(pk=report_id).update(
            state=MonthlyReport.State.FAILED, error=reason[:2000]
        )
        report = MonthlyReport.objects.select_related("unit").get(pk=report_id)
        _notify_requester(report, Notification.Kind.REPORT_FAILED)


def _notify_requester(report: MonthlyReport, kind: str) -> None:
    """Who asked for the report hears how it went (beat's reports have nobody)."""
    if report.requested_by_id is None:
        return
    notify(
        recipients=[report.requested_by], kind=kind, subject=report, unit=report.unit,
        key=f"{kind}:{report.pk}:{report.requested_at:%Y%m%d%H%M%S%f}",
    )


def _test_pause() -> None:
    # Only the test settings define it: the worker tests kill a worker here,
    # after the figures are computed and before the snapshot is written.
    from django.conf import settings

    seconds = settings.FENGQIAO.get("REPORT_TEST_PAUSE_SECONDS", 0)
    if seconds:
        import time

        time.sleep(seconds)
