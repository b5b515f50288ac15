"""Celery tasks of the reports: thin, take ids, safe to run twice."""

import logging

from celery import shared_task
from django.utils import timezone

from reports import services
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
    try:
        services.report_generate(report_id=report_id)
    except Exception as error:
        if self.request.retries < MAX_RETRIES and not self.request.is_eager:
            logger.warning("report %s failed, retrying: %s", report_id, type(error).__name__)
            raise self.retry(exc=error)
        logger.exception("report %s failed", report_id)
        services.report_fail(report_id=report_id, reason=f"{type(error).__name__}: {error}")
        raise
    return report_id


@shared_task
def generate_last_month_reports() -> int:
    """Queue last month's report for every unit above the beats (beat schedule)."""
    month = add_months(current_month(), -1)
    units = Unit.objects.exclude(kind=Unit.Kind.BEAT).order_by("path")
    count = 0
    for unit in units.iterator():
        report, queued = services.report_mark_queued(unit=unit, month=month)
        if queued:
            generate_monthly_report.apply_async(args=[report.pk])
        count += 1
    logger.info("queued %s reports for %s at %s", count, month, timezone.now())
    return count
