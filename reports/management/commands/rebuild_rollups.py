"""``manage.py rebuild_rollups [--from YYYY-MM --to YYYY-MM]``: recompute the
rollups of the figures (``reports.rollups``) from the records.

Without months, every month from the first case or call to this one, and the
rows of any other month are dropped. Needed after writes that bypass the
models (bulk loading, repairs in SQL) and after a change of the settings the
figures depend on (track deadlines, the backlog's days); safe to run at any
time and twice — the rows are the same.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from reports import rollups
from reports.months import add_months, format_month, parse_month


class Command(BaseCommand):
    help = "Recompute the rollups of the monthly figures from the records."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="First month, YYYY-MM.")
        parser.add_argument("--to", dest="last", help="Last month, YYYY-MM (default: the first).")

    def handle(self, *args, first=None, last=None, verbosity=1, **options):
        months = None
        if first or last:
            try:
                start = parse_month(first or last)
                end = parse_month(last or first)
            except ValueError:
                raise CommandError("Write months as YYYY-MM, e.g. 2026-03.") from None
            if end < start:
                raise CommandError("--to is before --from.")
            months = []
            while start <= end:
                months.append(start)
                start = add_months(start, 1)
        began = time.monotonic()

        def log(month):
            if verbosity > 1:
                self.stdout.write(f"  {format_month(month)}: {time.monotonic() - began:.1f} s")

        done = rollups.rebuild(months=months, log=log)
        if verbosity:
            self.stdout.write(
                f"Rollups rebuilt for {len(done)} months in {time.monotonic() - began:.1f} s."
            )
