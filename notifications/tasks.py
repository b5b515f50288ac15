from celery import shared_task

from notifications.checks import run_checks


@shared_task(acks_late=True)
def run_hourly_checks() -> None:
    """Deadlines, follow-ups, patrols and enterprise requests (beat, hourly)."""
    run_checks()
