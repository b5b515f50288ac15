"""``manage.py seed`` on an empty database: the same demo for the same seed,
``--if-empty`` never twice, and the reports of the last six months.

Apart from tests/test_seed.py, whose tests share one seeded demo."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from disputes.models import Dispute
from units.models import Unit


class _Rollback(Exception):
    pass


def _seed_and_read(seed: int) -> tuple[list, list]:
    """Seed inside a savepoint, read, and roll back, so it can run again."""
    from django.db import transaction

    result = ([], [])
    try:
        with transaction.atomic():
            call_command("seed", scale="demo", seed=seed, stdout=open("/dev/null", "w"))
            ordered = Dispute.objects.order_by("reference")
            result = (
                list(ordered.values_list("title", "status")),
                list(ordered.values_list("parties__name", flat=True)),
            )
            raise _Rollback
    except _Rollback:
        return result


def test_seed_is_deterministic_for_a_seed(db):
    first, again = _seed_and_read(7), _seed_and_read(7)
    assert first[0] and first == again


def test_if_empty_twice_does_not_duplicate(db):
    call_command("seed", scale="demo", seed=1, if_empty=True, stdout=open("/dev/null", "w"))
    counts = (Unit.objects.count(), get_user_model().objects.count(), Dispute.objects.count())
    call_command("seed", scale="demo", seed=1, if_empty=True, stdout=open("/dev/null", "w"))
    call_command("seed", scale="demo", seed=1, if_empty=True, stdout=open("/dev/null", "w"))
    assert (Unit.objects.count(), get_user_model().objects.count(), Dispute.objects.count()) == counts


def test_seed_stores_six_months_of_reports_for_tinghu_and_its_stations(
    db, django_capture_on_commit_callbacks
):
    # The reports are queued after the seed's transaction commits (the tasks
    # run in process without a broker); the test transaction never commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed", scale="demo", seed=1, stdout=open("/dev/null", "w"))
    from reports.models import MonthlyReport
    from reports.months import add_months, current_month

    months = {add_months(current_month(), -n) for n in range(1, 7)}
    for code in ["TH", "TH-DC", "TH-WX"]:
        reports = MonthlyReport.objects.filter(unit__code=code, state="done")
        assert set(reports.values_list("month", flat=True)) == months
    tinghu = MonthlyReport.objects.filter(unit__code="TH")
    assert sum(1 for r in tinghu if r.figures["received"] > 0) >= 5
    from django.utils import timezone

    old = timezone.now() - timezone.timedelta(days=150)
    assert Dispute.objects.filter(received_at__lt=old).exists()
