"""Monthly figures with hand-built data and known answers (DESIGN.md §6)."""

import datetime
import zoneinfo

import pytest

from disputes import services
from disputes.models import Dispute, DisputeEvent, Track
from incidents import services as incident_services
from incidents.models import Incident
from reports import figures
from reports.figures import Period
from tests.conftest import register

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


def t(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


def backdate(dispute, kind, when):
    DisputeEvent.objects.filter(dispute=dispute, kind=kind).update(at=when)


def case(world, received, *, outcome=None, outcome_at=None, by=None, unit=None, track=Track.IMMEDIATE,
         risk="low", category="neighbourhood", assessed_at=None):
    """A dispute taken through the real services, then moved back in time."""
    by = by or world.officer
    dispute = register(world, by=by, unit=unit or world.dongcheng, received_at=received, category=category)
    backdate(dispute, "registered", received)
    if outcome is None and assessed_at is None:
        return dispute
    services.dispute_assess(dispute=dispute, actor=by, risk_level=risk, track=track)
    assessed_at = assessed_at or received + datetime.timedelta(hours=1)
    deadline = assessed_at + datetime.timedelta(days=3 if track == Track.IMMEDIATE else 30)
    Dispute.objects.filter(pk=dispute.pk).update(deadline=deadline)
    DisputeEvent.objects.filter(dispute=dispute, kind="assessed").update(at=assessed_at, deadline=deadline)
    if outcome is None:
        return dispute
    lead = world.lead if unit in (None, world.dongcheng) else world.lead2
    services.dispute_dispatch(dispute=dispute, actor=lead, officer=by)
    backdate(dispute, "dispatched", assessed_at + datetime.timedelta(minutes=5))
    if outcome == "resolved":
        services.dispute_resolve(dispute=dispute, actor=by, resolution_note="和解")
    else:
        services.dispute_fail(dispute=dispute, actor=by,
                              referral=services.ReferralData(target="court", target_name="亭湖区人民法院"))
    kind = "resolved" if outcome == "resolved" else "failed"
    DisputeEvent.objects.filter(dispute=dispute, kind=kind).update(at=outcome_at, deadline=deadline)
    Dispute.objects.filter(pk=dispute.pk).update(concluded_at=outcome_at)
    dispute.refresh_from_db()
    return dispute


def test_month_boundaries_follow_shanghai_time(world):
    case(world, t(3, 31, 23, 59))
    case(world, t(4, 1, 0, 1))
    assert figures.dispute_figures(Period(world.dongcheng, MARCH))["received"] == 1
    assert figures.dispute_figures(Period(world.dongcheng, APRIL))["received"] == 1


def test_empty_denominators_are_no_data(world):
    data = figures.dispute_figures(Period(world.dongcheng, MARCH))
    assert data["received"] == 0
    for key in ("resolution_rate", "settlement_rate", "repeat_call_rate", "satisfaction_rate", "median_days"):
        assert data[key] is None, key


def test_resolution_and_settlement_rates(world):
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4))            # received & settled in March
    case(world, t(3, 10), outcome="failed", outcome_at=t(3, 20))            # received & settled, unresolved
    case(world, t(3, 25), outcome="resolved", outcome_at=t(4, 2))           # received March, concluded April
    case(world, t(2, 20), outcome="resolved", outcome_at=t(3, 1, 0, 30), risk="high")  # concluded March
    case(world, t(3, 28))                                                    # still open
    data = figures.dispute_figures(Period(world.dongcheng, MARCH))
    assert data["received"] == 4
    assert (data["concluded"], data["resolved"]) == (3, 2)
    assert data["resolution_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert data["settled"] == 2
    assert data["settlement_rate"] == 0.5
    assert data["high_risk_resolved"] == 1
    # Days to conclusion: 2, 10 and 8.6 (2-20 10:00 → 3-1 00:30 in a 28-day February).
    assert data["median_days"] == 8.6
    assert data["by_track"]["immediate"] == {"received": 3, "concluded": 3, "resolved": 2,
                                             "resolution_rate": pytest.approx(0.6667)}
    assert data["by_category"]["neighbourhood"]["received"] == 4


def test_subtree_rolls_up_to_sub_bureau(world):
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 3))
    case(world, t(3, 5), outcome="resolved", outcome_at=t(3, 6), by=world.officer2, unit=world.wuxing)
    case(world, t(3, 5), by=world.outsider, unit=world.louwang)
    assert figures.dispute_figures(Period(world.dongcheng, MARCH))["resolved"] == 1
    assert figures.dispute_figures(Period(world.tinghu, MARCH))["resolved"] == 2
    assert figures.dispute_figures(Period(world.city, MARCH))["received"] == 3


def test_transferred_case_stays_received_where_it_was_received(world):
    dispute = case(world, t(3, 2), assessed_at=t(3, 2, 12))
    services.dispute_transfer(dispute=dispute, actor=world.lead, to_unit=world.wuxing, note="属五星辖区")
    assert figures.dispute_figures(Period(world.dongcheng, MARCH))["received"] == 1
    assert figures.dispute_figures(Period(world.wuxing, MARCH))["received"] == 0
    assert figures.dispute_figures(Period(world.tinghu, MARCH))["received"] == 1


def test_reopened_case_is_concluded_in_each_month_it_was_concluded(world):
    dispute = case(world, t(2, 10), outcome="resolved", outcome_at=t(2, 12))
    services.dispute_reopen(dispute=dispute, actor=world.officer, note="再次报警")
    backdate(dispute, "reopened", t(3, 5))
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="再次调解成功")
    DisputeEvent.objects.filter(dispute=dispute, kind="resolved", at__gt=t(3, 1)).update(at=t(3, 9))
    assert figures.dispute_figures(Period(world.dongcheng, datetime.date(2026, 2, 1)))["resolved"] == 1
    assert figures.dispute_figures(Period(world.dongcheng, MARCH))["resolved"] == 1
    # Open at the end of February? No: it was resolved then, reopened only in March.
    assert figures.dispute_figures(Period(world.dongcheng, datetime.date(2026, 2, 1)))["overdue"] == 0


def test_overdue_and_backlog_at_the_end_of_the_month(world):
    case(world, t(3, 20), assessed_at=t(3, 20, 11))                           # immediate: due 3-23, overdue
    case(world, t(3, 30), assessed_at=t(3, 30, 11))                           # due 4-2: not yet overdue
    case(world, datetime.datetime(2025, 12, 1, 9, tzinfo=SH), assessed_at=datetime.datetime(2025, 12, 1, 10, tzinfo=SH),
         track=Track.JOINT)                                                  # received > 90 days before: backlog
    closed_in_time = case(world, t(3, 21), outcome="resolved", outcome_at=t(3, 22))
    assert closed_in_time.status == "resolved"
    data = figures.dispute_figures(Period(world.dongcheng, MARCH))
    assert data["overdue"] == 2          # the 3-20 case and the December one
    assert data["backlog"] == 1
    ids = set(figures.records("overdue", Period(world.dongcheng, MARCH)).values_list("pk", flat=True))
    assert len(ids) == data["overdue"]


def test_repeat_call_rate_and_satisfaction(world):
    dispute = case(world, t(3, 1), outcome="resolved", outcome_at=t(3, 2))
    for n, when in enumerate([t(3, 1), t(3, 15), t(3, 20)]):
        call = Incident.objects.create(number=f"110-{n}", received_at=when, caller_name="张三",
                                       caller_phone="13851234567", address="东城小区", unit=world.dongcheng,
                                       category="dispute", summary="噪音")
        incident_services.incident_link_dispute(incident=call, dispute=dispute, actor=world.officer)
    Incident.objects.create(number="110-x", received_at=t(3, 3), caller_name="某", caller_phone="13851234000",
                            address="别处", unit=world.dongcheng, category="other", summary="未关联")
    services.follow_up_record(dispute=dispute, actor=world.officer, method="phone", finding="stable",
                              satisfaction="satisfied", done_at=t(3, 9))
    services.follow_up_record(dispute=dispute, actor=world.officer, method="visit", finding="stable",
                              satisfaction="neutral", done_at=t(3, 30))
    services.follow_up_record(dispute=dispute, actor=world.officer, method="visit", finding="stable",
                              done_at=t(3, 31))
    data = figures.dispute_figures(Period(world.dongcheng, MARCH))
    assert (data["incidents_linked"], data["repeat_calls"]) == (3, 2)
    assert data["repeat_call_rate"] == pytest.approx(0.6667)
    assert (data["follow_ups_rated"], data["follow_ups_satisfied"]) == (2, 1)
    assert data["satisfaction_rate"] == 0.5


def test_every_count_matches_its_records(world):
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4), risk="high")
    case(world, t(3, 10), outcome="failed", outcome_at=t(3, 20))
    case(world, t(3, 12), assessed_at=t(3, 12, 11))
    period = Period(world.dongcheng, MARCH)
    data = figures.dispute_figures(period)
    for key in figures.RECORDS:
        assert figures.records(key, period).count() == data[key], key
    for track, entry in data["by_track"].items():
        for key in figures.BREAKDOWN_FIGURES:
            assert figures.records(key, period, track=track).count() == entry[key], (track, key)


def test_branch_figures_equal_each_childs_own_figures(world):
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4))
    case(world, t(3, 3), outcome="failed", outcome_at=t(3, 5))
    case(world, t(3, 20), assessed_at=t(3, 20, 11))
    case(world, t(3, 5), outcome="resolved", outcome_at=t(3, 6), by=world.officer2, unit=world.wuxing)
    by_branch = figures.branch_figures(Period(world.tinghu, MARCH))
    for station in (world.dongcheng, world.wuxing):
        own = figures.dispute_figures(Period(station, MARCH))
        assert by_branch[station.path] == {
            key: own[key]
            for key in ("received", "concluded", "resolved", "resolution_rate", "overdue", "backlog")
        }
    assert world.louwang.path not in by_branch
