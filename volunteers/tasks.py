from celery import shared_task

from volunteers import reminders


@shared_task(acks_late=True)
def send_reminders() -> None:
    """Patrols short of volunteers (beat, hourly)."""
    reminders.send_reminders()
