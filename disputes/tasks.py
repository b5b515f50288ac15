from celery import shared_task

from disputes import reminders


@shared_task(acks_late=True)
def send_reminders() -> None:
    """Deadlines near or past and follow-ups due (beat, hourly)."""
    reminders.send_reminders()
