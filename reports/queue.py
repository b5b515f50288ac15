"""Handing a report to the Celery queue, and saying so plainly when it is down.

``report_enqueue`` queues after the transaction commits; if the broker (Redis)
cannot be reached, the publish fails after a short, bounded retry. The report
is then marked failed with the reason and ``QueueUnavailable`` is raised: pages
show its message as a form error, the API answers 503 with
``{"detail", "code": "queue_unavailable"}``. The rest of the app does not use
the queue, so it keeps working.
"""

import logging

from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.exceptions import APIException

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
    from reports.services import report_fail
    from reports.tasks import generate_monthly_report

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
        report_fail(report_id=report_id,
                    reason=f"Queue unavailable ({type(error).__name__}): {error}")
        raise QueueUnavailable() from error
