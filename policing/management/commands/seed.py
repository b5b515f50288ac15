"""``manage.py seed --scale demo [--seed N] [--if-empty]``: the demo world.

The data itself lives in the ``seeds`` package; it is written through the
services (see seeds/demo.py).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from policing.models import Unit

DEMO_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Load demo data: the Yancheng unit tree, demo users, mediators and disputes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=["demo", "city", "province"], default="demo",
            help="demo: a few dozen cases for trying the app. city and province: synthetic volume.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when the database already has units.",
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, **options):
        from seeds.demo import PASSWORD, build_demo

        if scale != "demo":
            raise CommandError(f"--scale {scale} is not yet implemented; use --scale demo.")
        if Unit.objects.exists():
            if if_empty:
                self.stdout.write("The database already has data; nothing seeded.")
                return
            raise CommandError(
                "The database already has units. Seed a fresh database, or pass --if-empty."
            )
        with transaction.atomic():
            result = build_demo(seed=seed)
        disputes = result["disputes"]
        self.stdout.write(self.style.SUCCESS(f"Seeded {len(disputes)} disputes (seed {seed})."))
        self.stdout.write(f"Demo users (password {PASSWORD}):")
        for username, display, code, role in result["users"]:
            unit = Unit.objects.get(code=code)
            self.stdout.write(f"  {username:<12} {role.label} · {unit.name}")
        self.stdout.write(f"Open {DEMO_URL}")
