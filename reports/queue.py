"""Asking for a report: recording the request and handing it to the Celery
queue, and saying so plainly when the queue is down.

``report_request`` is what pages and the API call. ``report_enqueue`` queues
after the transaction commits; if the broker (Redis)
cannot be reached, the publish fails after a short, bounded retry. The report
is then marked failed with the reason and ``QueueUnavailable`` is raised: pages
show its message as a form error, the API answers 503 with
``{"detail", "code": "queue_unavailable"}``. The rest of the app does not use
the queue, so it keeps working.
"""

import datetime
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.exceptions import APIException

from reports import services
from reports.models import MonthlyReport
from reports.tasks import generate_monthly_report
from units.models import Unit
from units.selectors import require_in_scope

log = logging.getLogger(__name__)

# Bounded: at most about a second before the request gets its answer.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3,
                        "interval_max": 0.5}


def _broker_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [BrokerError, ConnectionError]
    try:
        import redis

        errors.append(redis.exceptions.ConnectionError)
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        pass
    return tuple(errors)


class QueueUnavailable(APIException):
    status_code = 503
    default_detail = _(
        "The report queue is unavailable at the moment, so the report cannot be made now. "
        "Please try again later."
    )
    default_code = "queue_unavailable"


def queue_report_generation(report_id: int) -> None:
    """Send the generation task; a broker outage fails the report with its reason."""
    if generate_monthly_report.app.conf.task_always_eager:
        # No broker configured (the demo): the task runs here and now.
        generate_monthly_report.apply_async(args=[report_id])
        return
    try:
        generate_monthly_report.apply_async(
            args=[report_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY
        )
    except _broker_errors() as error:
        log.warning("report %s not queued, broker unavailable: %s", report_id,
                    type(error).__name__)
        services.report_fail(report_id=report_id,
                    reason=f"Queue unavailable ({type(error).__name__}): {error}")
        raise QueueUnavailable() from error


def report_request(*, actor: AbstractBaseUser, unit: Unit, month: datetime.date) -> MonthlyReport:
    """Ask for a unit's report of a month; the figures are computed by a worker.

    Rules: the unit lies in the actor's scope, who may view reports; the month
    has begun. A report already queued or running is not queued again.
    """
    if not actor.has_perm("reports.view_monthlyreport"):
        raise PermissionDenied(gettext("You are not allowed to do this."))
    require_in_scope(actor, unit)
    services.check_month(month)
    return report_enqueue(unit=unit, month=month, requested_by=actor)


def report_enqueue(
    *, unit: Unit, month: datetime.date, requested_by: AbstractBaseUser | None = None
) -> MonthlyReport:
    """Queue the generation unless a live request for the same report is queued."""
    report, queued = services.report_mark_queued(
        unit=unit, month=month, requested_by=requested_by
    )
    if queued:
        # A broker outage marks the report failed and raises QueueUnavailable.
        transaction.on_commit(lambda: queue_report_generation(report.pk))
    report.refresh_from_db()
    return report
