"""Two coordinators or officers at once: the last patrol place and a tip's
conversion are won once. PostgreSQL with one real connection per thread."""

import threading

import pytest
from django.db import connection, connections

from disputes.models import Dispute
from disputes.services import PartyData
from tests.conftest import require_service
from tests.volunteers.conftest import at, patrol, tip, vw  # noqa: F401 - fixture
from volunteers import services
from volunteers.models import PatrolAttendance, Tip


@pytest.fixture
def pg_vw(vw):  # noqa: F811
    if connection.vendor != "postgresql":
        require_service("PostgreSQL")
    return vw


def _race(*targets):
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def run(i, target):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as error:  # noqa: BLE001 - inspected below
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_for_the_last_place_one_wins(pg_vw):
    vw = pg_vw
    p = patrol(vw, needed=1, hours=2, starts=at(days=2))
    results = _race(
        lambda: services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen),
        lambda: services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.liu),
    )
    assert sorted(type(r).__name__ for r in results).count("PatrolAttendance") == 1, results
    assert PatrolAttendance.objects.filter(patrol=p).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_tip_converts_once_when_two_officers_try_at_once(pg_vw):
    vw = pg_vw
    t = tip(vw)

    def convert(actor):
        return lambda: services.tip_convert(
            actor=actor, tip=Tip.objects.get(pk=t.pk), title="楼道堆物纠纷", category="neighbourhood",
            parties=[PartyData(name="甲", role="applicant", phone="13900002222")],
        )

    results = _race(convert(vw.w.officer), convert(vw.w.lead))
    assert sum(isinstance(r, Dispute) for r in results) == 1, results
    assert Dispute.objects.count() == 1
    t.refresh_from_db()
    assert t.status == Tip.Status.CONVERTED and t.dispute == Dispute.objects.get()
