from celery import shared_task

from enterprises import reminders


@shared_task(acks_late=True)
def send_reminders() -> None:
    """Enterprise requests due soon (beat, hourly)."""
    reminders.send_reminders()
