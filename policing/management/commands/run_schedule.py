"""``manage.py run_schedule [--once]``: the beat schedule without a broker.

On the embedded default (no ``CELERY_BROKER_URL``) there is no Celery worker
or beat, and tasks run in process. This command reads the same
``CELERY_BEAT_SCHEDULE`` that beat reads in production and runs each entry in
this process when it falls due, so the demo sees its hourly reminders and its
monthly reports like a real installation. ``bin/demo`` starts it beside the
web server and stops it with the server. With a broker configured it refuses:
beat does this job there.
"""

import datetime
import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from policing.celery import app

# How often the loop looks at the schedule; every entry is at least hourly.
TICK_SECONDS = 30


def _task(name: str):
    # The task registers itself when its module is imported ("app.tasks.name").
    importlib.import_module(name.rsplit(".", 1)[0])
    return app.tasks[name]


class Command(BaseCommand):
    help = "Run the Celery beat schedule in this process (the demo, without a broker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true",
            help="Run every hourly entry now and stop (the demo runs this at start-up).",
        )

    def handle(self, *args, once: bool, verbosity: int, **options):
        self.verbosity = verbosity
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("A broker is configured: run `celery -A policing beat` instead.")
        schedule = settings.CELERY_BEAT_SCHEDULE
        if once:
            for name, entry in schedule.items():
                if self._hourly(entry):
                    self._run(name, entry)
            return
        last_run = {name: timezone.now() for name in schedule}
        try:
            while True:
                time.sleep(TICK_SECONDS)
                for name, entry in schedule.items():
                    due, _ = entry["schedule"].is_due(last_run[name])
                    if due:
                        last_run[name] = timezone.now()
                        self._run(name, entry)
        except KeyboardInterrupt:
            return

    @staticmethod
    def _hourly(entry) -> bool:
        # Entries that run at least every hour; the monthly reports wait for their day.
        return entry["schedule"].remaining_estimate(timezone.now()) <= datetime.timedelta(hours=1)

    def _run(self, name: str, entry: dict) -> None:
        result = _task(entry["task"]).apply()
        if result.failed():
            self.stderr.write(f"{name}: failed: {result.result!r}")
        elif self.verbosity > 1:
            self.stdout.write(f"{name}: done")
