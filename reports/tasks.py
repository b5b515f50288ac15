"""Celery tasks of the reports: thin, take ids, safe to run twice.

Every task runs under the soft and hard time limits of the settings
(``CELERY_TASK_SOFT_TIME_LIMIT``, ``CELERY_TASK_TIME_LIMIT``). A report's
task generates only while its message is the report's latest request
(``services.report_claim``): a message the reaper has superseded, or one the
broker hands out again after its report is done, does nothing.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from reports import services
from reports.models import MonthlyReport
from reports.months import add_months, current_month
from units.models import Unit

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    default_retry_delay=10,
)
def generate_monthly_report(self, report_id: int) -> int:
    task_id = self.request.id
    try:
        report = services.report_generate(report_id=report_id, task_id=task_id)
    except SoftTimeLimitExceeded:
        logger.error("report %s stopped at its time limit", report_id)
        services.report_fail(report_id=report_id, reason=MonthlyReport.TIMED_OUT, task_id=task_id)
        return report_id
    except Exception as error:
        if self.request.retries < MAX_RETRIES and not self.request.is_eager:
            logger.warning("report %s failed, retrying: %s", report_id, type(error).__name__)
            raise self.retry(exc=error)
        logger.exception("report %s failed", report_id)
        services.report_fail(report_id=report_id, reason=f"{type(error).__name__}: {error}",
                             task_id=task_id)
        raise
    if report is None:
        logger.info("report %s: message %s is no longer its latest request; nothing done",
                    report_id, task_id)
    return report_id


def publish(report_id: int, task_id: str, **options) -> None:
    """Send the generation of ``report_id`` under the task id its request holds."""
    generate_monthly_report.apply_async(args=[report_id], task_id=task_id, **options)


@shared_task
def generate_last_month_reports() -> int:
    """Queue last month's report for every unit above the beats (beat schedule)."""
    month = add_months(current_month(), -1)
    units = Unit.objects.exclude(kind=Unit.Kind.BEAT).order_by("path")
    count = 0
    for unit in units.iterator():
        report, queued = services.report_mark_queued(unit=unit, month=month)
        if queued:
            publish(report.pk, report.task_id)
        count += 1
    logger.info("queued %s reports for %s at %s", count, month, timezone.now())
    return count


@shared_task
def reap_stuck_reports() -> int:
    """Queue again, or fail with the reason, every report stuck past its limit."""
    requeue = services.report_reap()
    for report_id, task_id in requeue:
        publish(report_id, task_id)
    if requeue:
        logger.warning("re-queued %s stuck reports: %s", len(requeue), [pk for pk, _ in requeue])
    return len(requeue)


@shared_task(acks_late=True)
def refresh_rollups() -> int:
    """Bring the rollups up to date (``reports.rollups``): build this month's
    rows once it begins, recompute the pairs changes have marked. Queued after
    every change's commit, and every minute by beat in case a message is lost."""
    from reports import rollups

    rollups.ensure_built([current_month()])
    return rollups.refresh()
