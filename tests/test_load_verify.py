"""bench/load/verify.py: the load test's check of the database against the
writes the server acknowledged finds a lost write, a repeated event and a
report left queued (references are unique by a constraint as well)."""

import importlib.util
from pathlib import Path

import pytest
from django.utils import timezone

from disputes.models import DisputeEvent
from reports.models import MonthlyReport
from tests.conftest import register
from tests.reports.test_figures import MARCH

SPEC = importlib.util.spec_from_file_location(
    "load_verify", Path(__file__).resolve().parent.parent / "bench" / "load" / "verify.py")
verify = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(verify)


@pytest.fixture
def acked(world):
    dispute = register(world, title="负载测试 abc")
    return {"register": [{"id": dispute.pk, "marker": "负载测试 abc", "reference": dispute.reference}],
            "transition": [], "tip": [], "report": []}, dispute


def failures(acks) -> list[str]:
    acks = {"register": [], "transition": [], "tip": [], "report": [], **acks}
    return [name for name, ok, _detail in verify.check(acks, drain=0) if not ok]


def test_everything_acknowledged_and_present_passes(acked):
    acks, _ = acked
    assert failures(acks) == []


def test_a_lost_registration_fails(acked):
    acks, _ = acked
    acks["register"].append({"id": 0, "marker": "负载测试 lost", "reference": "X"})
    assert failures(acks) == ["registrations saved exactly once",
                              "each acknowledged write has exactly one event"]


def test_a_transition_with_two_events_fails(acked, world):
    acks, dispute = acked
    acks["transition"].append({"id": dispute.pk, "event": "assessed"})
    for _ in range(2):
        DisputeEvent.objects.create(dispute=dispute, kind="assessed", actor=world.officer,
                                    at=timezone.now())
    assert failures(acks) == ["each acknowledged write has exactly one event"]


def test_a_report_left_queued_fails(acked, world):
    acks, _ = acked
    MonthlyReport.objects.create(unit=world.tinghu, month=MARCH, requested_at=timezone.now())
    assert failures(acks) == ["no report left queued or running"]
