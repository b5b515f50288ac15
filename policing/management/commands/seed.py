"""``manage.py seed --scale demo|city|province [--seed N] [--if-empty]``.

The data itself lives in the ``seeds`` package. ``demo`` is written through
the services (seeds/demo.py); ``city`` and ``province`` are synthetic volume
written with bulk inserts (seeds/volume.py says why and how); ``tiny`` is the
same generator at a few hundred disputes, for the tests.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports import rollups

from seeds.demo import DEMO_USERS, PASSWORD, build_demo
from seeds.volume import build_volume
from units.models import Officer, Unit

DEMO_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Load demo data: the Yancheng unit tree, demo users, mediators and disputes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=["demo", "tiny", "city", "province"], default="demo",
            help=(
                "demo: a few dozen cases for trying the app. city: Yancheng over three years "
                "(66,000 disputes); province: about 1,000,000 disputes; tiny: a few hundred "
                "synthetic disputes."
            ),
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when the database already has units.",
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, **options):
        if Unit.objects.exists():
            if not if_empty:
                raise CommandError(
                    "The database already has units. Seed a fresh database, or pass --if-empty."
                )
            self.stdout.write("The database already has data; nothing seeded.")
        else:
            if scale == "demo":
                with transaction.atomic():
                    result = build_demo(seed=seed)
                self.stdout.write(
                    self.style.SUCCESS(f"Seeded {len(result['disputes'])} disputes (seed {seed}).")
                )
            else:
                self._volume(scale, seed)
            self._rollups()
        self._print_demo_users(PASSWORD)

    def _rollups(self) -> None:
        """The figures' rollups from the records just written (the bulk loads
        bypass the models' signals that keep them)."""
        began = time.monotonic()
        months = rollups.rebuild()
        self.stdout.write(f"  rollups of {len(months)} months: {time.monotonic() - began:.1f} s")

    def _volume(self, scale: str, seed: int) -> None:
        with transaction.atomic():
            result = build_volume(
                scale_name=scale, seed=seed, log=lambda line: self.stdout.write(f"  {line}")
            )
        for table, count in sorted(result["rows"].items()):
            self.stdout.write(f"  {table:<40} {count:>10,}")
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {scale} ({result['stations']} stations, seed {seed}) "
            f"in {result['seconds']} s."
        ))

    def _print_demo_users(self, password: str) -> None:
        officers = {
            o.user.username: o
            for o in Officer.objects.select_related("user", "unit").filter(
                user__username__in=[u[0] for u in DEMO_USERS] + ["admin"]
            )
        }
        self.stdout.write(f"Demo users (password {password}):")
        for username in [u[0] for u in DEMO_USERS] + ["admin"]:
            if username in officers:
                officer = officers[username]
                self.stdout.write(f"  {username:<12} {officer.get_role_display()} · {officer.unit.name}")
        self.stdout.write(f"Open {DEMO_URL}")
