"""Asking for a report: recording the request and handing it to the Celery
queue, and saying so plainly when the queue is down.

``report_ask`` is what pages and the API call (``report_regenerate`` for the
explicit "generate again"). ``report_enqueue`` queues
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

from reports import services, tasks
from reports.models import MonthlyReport
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


def queue_report_generation(report_id: int, task_id: str) -> None:
    """Send the generation task; a broker outage fails the report with its reason."""
    if tasks.generate_monthly_report.app.conf.task_always_eager:
        # No broker configured (the demo): the task runs here and now.
        tasks.publish(report_id, task_id)
        return
    try:
        tasks.publish(report_id, task_id, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except _broker_errors() as error:
        log.warning("report %s not queued, broker unavailable: %s", report_id,
                    type(error).__name__)
        services.report_fail(report_id=report_id, task_id=task_id,
                    reason=f"Queue unavailable ({type(error).__name__}): {error}")
        raise QueueUnavailable() from error


def _check_request(*, actor: AbstractBaseUser, unit: Unit, month: datetime.date) -> None:
    if not actor.has_perm("reports.view_monthlyreport"):
        raise PermissionDenied(gettext("You are not allowed to do this."))
    require_in_scope(actor, unit)
    services.check_month(month)


def report_ask(
    *, actor: AbstractBaseUser, unit: Unit, month: datetime.date
) -> tuple[MonthlyReport, bool]:
    """Ask for a unit's report of a month; the report, and whether it was queued.

    Rules: the unit lies in the actor's scope, who may view reports; the month
    has begun. Nothing is queued for a report already queued or running (unless
    stuck), nor for a done report whose records have not changed since it was
    generated: that report is the answer.
    """
    _check_request(actor=actor, unit=unit, month=month)
    return report_enqueue(unit=unit, month=month, requested_by=actor)


def report_request(*, actor: AbstractBaseUser, unit: Unit, month: datetime.date) -> MonthlyReport:
    """``report_ask`` for callers that need only the report."""
    report, _queued = report_ask(actor=actor, unit=unit, month=month)
    return report


def report_regenerate(*, actor: AbstractBaseUser, report: MonthlyReport) -> tuple[MonthlyReport, bool]:
    """Generate a report again even if its records have not changed.

    Rules: the actor may regenerate reports and the report's unit lies in
    their scope. A request already queued or running is not queued twice.
    """
    if not actor.has_perm("reports.regenerate_monthlyreport"):
        raise PermissionDenied(gettext("You are not allowed to do this."))
    _check_request(actor=actor, unit=report.unit, month=report.month)
    return report_enqueue(unit=report.unit, month=report.month, requested_by=actor, force=True)


def report_enqueue(
    *, unit: Unit, month: datetime.date, requested_by: AbstractBaseUser | None = None,
    force: bool = False,
) -> tuple[MonthlyReport, bool]:
    """Queue the generation unless it is not needed (``services.report_mark_queued``)."""
    report, queued = services.report_mark_queued(
        unit=unit, month=month, requested_by=requested_by, force=force
    )
    if queued:
        # A broker outage marks the report failed and raises QueueUnavailable.
        task_id = report.task_id
        transaction.on_commit(lambda: queue_report_generation(report.pk, task_id))
    report.refresh_from_db()
    return report, queued
