"""Two people acting on one case at once: one wins, the other is refused.

These run on PostgreSQL with real connections (one per thread); SQLite
serialises whole-database writes, which would prove nothing.
"""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, DisputeEvent, Status, Track
from tests.conftest import build_world, register, require_service
from units.errors import TransitionError


@pytest.fixture
def pg_world(transactional_db):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL")
    return build_world()


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[key] = error
        finally:
            from django.db import connections

            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _resolved(world):
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="当场和解")
    return dispute


def test_second_actor_waits_for_the_lock_then_is_refused(pg_world):
    world = pg_world
    dispute = _resolved(world)
    results: dict = {}
    with transaction.atomic():
        services.dispute_verify(dispute=dispute, actor=world.lead, note="核查属实")
        # The lead's transaction holds the row lock; the supervisor's attempt
        # must wait for it rather than read the old state.
        other = _in_thread(
            lambda: services.dispute_verify(
                dispute=Dispute.objects.get(pk=dispute.pk), actor=world.supervisor
            ),
            results,
            "supervisor",
        )
        other.join(timeout=1.0)
        assert other.is_alive(), "the second verification did not wait for the row lock"
    other.join(timeout=10)
    assert isinstance(results["supervisor"], TransitionError)
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED
    assert dispute.events.filter(kind=DisputeEvent.Kind.VERIFIED).count() == 1
    assert dispute.events.get(kind=DisputeEvent.Kind.VERIFIED).actor == world.lead


def test_simultaneous_conflicting_actions_one_wins(pg_world):
    world = pg_world
    dispute = _resolved(world)
    barrier = threading.Barrier(2)
    results: dict = {}

    def verify():
        barrier.wait()
        return services.dispute_verify(dispute=Dispute.objects.get(pk=dispute.pk), actor=world.lead)

    def reopen():
        barrier.wait()
        return services.dispute_reopen(
            dispute=Dispute.objects.get(pk=dispute.pk), actor=world.officer, note="再次报警",
            expected_version=dispute.version,
        )

    threads = [_in_thread(verify, results, "verify"), _in_thread(reopen, results, "reopen")]
    for thread in threads:
        thread.join(timeout=20)
    outcomes = sorted(type(r).__name__ for r in results.values())
    # Whichever came second either saw a state the table refuses or a stale version.
    assert outcomes == ["Dispute", "TransitionError"], results
    dispute.refresh_from_db()
    assert dispute.events.filter(kind__in=["verified", "reopened"]).count() == 1


def test_concurrent_registrations_get_distinct_reference_numbers(pg_world):
    world = pg_world
    barrier = threading.Barrier(4)
    results: dict = {}

    def make(i):
        def run():
            barrier.wait()
            return register(world, title=f"并发登记{i}").reference
        return run

    threads = [_in_thread(make(i), results, i) for i in range(4)]
    for thread in threads:
        thread.join(timeout=20)
    references = sorted(results.values())
    year = timezone.localdate().year
    assert references == [f"TH-DC-{year}-{n:05d}" for n in range(1, 5)], results
