"""Recording requests for monthly reports and generating them.

A request (``reports.queue.report_request``) is recorded here and queues a
Celery task after the transaction commits; the task calls ``report_generate``, which computes every figure first and then swaps
the snapshot in with one UPDATE. Running it twice, or twice at once, leaves
one report with the same figures; a failure leaves the previous snapshot.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.services import notify
from reports import broker, figures, rollups, selectors
from reports.models import MonthlyReport
from reports.months import current_month, month_bounds
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


def _seconds(name: str) -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, name))


def report_is_stuck(report: MonthlyReport, *, now: datetime.datetime) -> bool:
    """Whether a report "queued" or "running" has lost its task.

    Running: longer than the hard time limit since it started (the limit
    would have ended the run). Queued: past the grace between a request's
    commit and its publish, and the broker no longer holds its message; if
    the broker cannot tell, past the queued limit.
    """
    if report.state == MonthlyReport.State.RUNNING:
        started = report.started_at or report.requested_at
        return started < now - _seconds("REPORT_RUNNING_LIMIT_SECONDS")
    if report.state != MonthlyReport.State.QUEUED:
        return False
    if report.requested_at > now - _seconds("REPORT_QUEUED_GRACE_SECONDS"):
        return False
    present = broker.message_present(report.task_id)
    if present is None:
        return report.requested_at < now - _seconds("REPORT_QUEUED_LIMIT_SECONDS")
    return not present


def report_is_current(report: MonthlyReport) -> bool:
    """A done report whose records have not changed since it was generated."""
    if report.state != MonthlyReport.State.DONE or report.figures is None or not report.started_at:
        return False
    _, month_end = month_bounds(report.month)
    if report.started_at < month_end <= timezone.now():
        return False  # made while its month was still going on
    return not selectors.records_changed_since(
        unit=report.unit, month=report.month, since=report.started_at - CHANGE_MARGIN
    )


# Writes still in flight when a generation starts may commit just after it:
# changes this long before the start count as newer than the report.
CHANGE_MARGIN = datetime.timedelta(seconds=5)


@transaction.atomic
def report_mark_queued(
    *, unit: Unit, month: datetime.date, requested_by: AbstractBaseUser | None = None,
    force: bool = False,
) -> tuple[MonthlyReport, bool]:
    """Record a request for a report; whether it must be queued.

    Rules: the report row is locked, so simultaneous requests queue it once.
    Not queued when a request for it is queued or running and not stuck
    (``report_is_stuck``), nor when it is done and none of its records changed
    since (``report_is_current``) unless ``force`` (regenerating). A queued
    request gets a new task id; the caller publishes the task with it after
    the transaction commits (``reports.queue.report_enqueue``).
    """
    now = timezone.now()
    _get_or_create(
        unit=unit, month=month,
        defaults={"requested_at": now, "requested_by": requested_by, "task_id": ""},
    )
    report = MonthlyReport.objects.select_for_update().select_related("unit").get(unit=unit, month=month)
    busy = report.state in (MonthlyReport.State.QUEUED, MonthlyReport.State.RUNNING)
    fresh_request = busy and report.task_id == ""
    if busy and not fresh_request and not report_is_stuck(report, now=now):
        return report, False
    if not force and report_is_current(report):
        return report, False
    report.state = MonthlyReport.State.QUEUED
    report.error = ""
    report.requested_at = now
    report.requested_by = requested_by
    report.task_id = new_task_id()
    # A new request starts its own count of starts (MAX_ATTEMPTS): only the
    # reaper's re-queue of the same request keeps counting. Kept across
    # requests, the fifth regeneration of a month failed as "worker lost"
    # at once (seen under load, where each request after a change regenerates).
    report.attempts = 0
    report.save(update_fields=["state", "error", "requested_at", "requested_by", "task_id", "attempts"])
    return report, True


def new_task_id() -> str:
    return str(uuid.uuid4())


MAX_ATTEMPTS = 5


def report_claim(*, report_id: int, task_id: str) -> bool:
    """Let the message ``task_id`` generate the report; whether it may.

    Only the message of the latest request may (a superseded one does
    nothing), and only while the report is queued or running (a delivery of
    the same message after its worker died runs it again). After
    ``MAX_ATTEMPTS`` starts the report is failed with the reason instead.
    """
    live = MonthlyReport.objects.filter(
        pk=report_id, task_id=task_id,
        state__in=[MonthlyReport.State.QUEUED, MonthlyReport.State.RUNNING],
    )
    if live.filter(attempts__lt=MAX_ATTEMPTS).update(
        state=MonthlyReport.State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    ):
        return True
    if live.exists():
        report_fail(report_id=report_id, reason=MonthlyReport.WORKER_LOST)
    return False


def report_generate(*, report_id: int, task_id: str | None = None) -> MonthlyReport | None:
    """Compute the figures and replace the snapshot in one statement.

    With ``task_id`` (the Celery task), only the latest request's message
    generates (``report_claim``); a stale one returns None and changes nothing.
    """
    if task_id is not None and not report_claim(report_id=report_id, task_id=task_id):
        return None
    report = MonthlyReport.objects.select_related("unit").get(pk=report_id)
    if task_id is None:
        MonthlyReport.objects.filter(pk=report_id).update(
            state=MonthlyReport.State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
        )
    period = figures.Period(unit=report.unit, month=report.month)
    # The figures add up the subtree's rollups (made current first), and so
    # do 环比 and 同比: by the same rules from the rollups, which follow the
    # records, never from an earlier snapshot that late entries may have made
    # stale (DESIGN.md §6).
    data = rollups.report_figures(period)
    _test_pause()
    with transaction.atomic():
        done = MonthlyReport.objects.filter(pk=report_id)
        if task_id is not None:
            # The reaper may have given the report to another message meanwhile.
            done = done.filter(task_id=task_id)
        if not done.update(
            figures=data, generated_at=timezone.now(), state=MonthlyReport.State.DONE, error=""
        ):
            return None
        report.refresh_from_db()
        _notify_requester(report, Notification.Kind.REPORT_READY)
    return report


def report_reap(*, now: datetime.datetime | None = None) -> list[tuple[int, str]]:
    """Queue again every report stuck "queued" or "running" (``report_is_stuck``),
    or fail it with the reason once it has been started ``MAX_ATTEMPTS`` times.

    Returns the (report id, new task id) pairs the caller must publish.
    """
    now = now or timezone.now()
    candidates = MonthlyReport.objects.filter(
        Q(state=MonthlyReport.State.QUEUED,
          requested_at__lt=now - _seconds("REPORT_QUEUED_GRACE_SECONDS"))
        | Q(state=MonthlyReport.State.RUNNING,
            started_at__lt=now - _seconds("REPORT_RUNNING_LIMIT_SECONDS"))
    ).values_list("pk", flat=True)
    requeue = []
    for report_id in list(candidates):
        with transaction.atomic():
            report = MonthlyReport.objects.select_for_update().get(pk=report_id)
            if report.state not in (MonthlyReport.State.QUEUED, MonthlyReport.State.RUNNING):
                continue
            if not report_is_stuck(report, now=now):
                continue
            if report.attempts >= MAX_ATTEMPTS:
                report_fail(report_id=report.pk, reason=MonthlyReport.WORKER_LOST)
                continue
            report.state = MonthlyReport.State.QUEUED
            report.task_id = new_task_id()
            report.save(update_fields=["state", "task_id"])
            requeue.append((report.pk, report.task_id))
    return requeue


def report_fail(*, report_id: int, reason: str, task_id: str | None = None) -> None:
    """Mark the latest request failed; the previous figures stay.

    With ``task_id``, only while that message still holds the report."""
    with transaction.atomic():
        failing = MonthlyReport.objects.filter(pk=report_id)
        if task_id is not None:
            failing = failing.filter(task_id=task_id)
        if not failing.update(state=MonthlyReport.State.FAILED, error=reason[:2000]):
            return
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
    seconds = settings.FENGQIAO.get("REPORT_TEST_PAUSE_SECONDS", 0)
    if seconds:
        import time

        time.sleep(seconds)
