"""Rollups (reports.rollups): the figures they give equal the records'.

Three checks, each against the record querysets of reports.figures (the
definitions, whose hand-worked cases are in test_figures.py and
test_figures_scenarios.py):

- on hand-made data, every count added up from the rollups equals the number
  of records in its drill-down list, and the whole report equals the report
  computed from the records;
- after random sequences of actions through the real services (register,
  assess, dispatch, transfer, session, agreement, performance, resolve, fail,
  verify, reopen, withdraw, follow-up, a 110 call), with the clock moving
  across month ends in Asia/Shanghai, the rollups kept by the change marks
  equal a rebuild from scratch, and both equal the records;
- the report and the dashboard read rollups: their query counts do not grow
  with the cases, and a change shows at once.
"""

import datetime
import random
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes import services
from disputes.models import Agreement, Dispute, Status, Track
from incidents import services as incident_services
from reports import figures, rollups
from reports.figures import Period
from reports.models import Rollup, RollupBreakdown, RollupDuration, RollupMark
from tests.conftest import login, register
from tests.reports.test_figures import APRIL, MARCH, case, t

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
FEBRUARY = datetime.date(2026, 2, 1)


def report_units(world):
    return [world.city, world.tinghu, world.dongcheng, world.wuxing, world.yandu, world.louwang]


def assert_rollups_match_records(world, months):
    """For every unit and month: the report from rollups equals the report
    from the records, and each count equals its drill-down list's length."""
    for month in months:
        for unit in report_units(world):
            period = Period(unit=unit, month=month)
            from_rollups = rollups.dispute_figures(period)
            assert from_rollups == figures.dispute_figures(period), (unit.code, month)
            for key in figures.RECORDS:
                assert from_rollups[key] == figures.records(key, period).count(), (unit.code, month, key)
            for field in figures.BREAKDOWNS:
                for value, entry in from_rollups[f"by_{field}"].items():
                    for key in figures.BREAKDOWN_FIGURES:
                        narrowed = {field: value or figures.NO_TRACK}
                        count = figures.records(key, period, **narrowed).count()
                        assert entry[key] == count, (unit.code, month, field, value, key)


def rows():
    """Every rollup row, comparable."""
    counts = sorted(
        (r["unit_id"], r["month"], tuple(r[key] for key in Rollup.COUNTS))
        for r in Rollup.objects.values()
    )
    breakdown = sorted(
        RollupBreakdown.objects.values_list("unit_id", "month", "track", "category", "received",
                                            "concluded", "resolved")
    )
    durations = sorted(RollupDuration.objects.values_list("unit_id", "month", "microseconds"))
    return counts, breakdown, durations


# ------------------------------------------------------------- hand-made data


def test_hand_made_month_from_rollups_equals_the_records(world):
    """The cases of test_figures.py's rates test, worked by hand: in March at
    东城 four received (one of them late in February's terms: received 20
    February, concluded 1 March), three concluded, two resolved, one still open."""
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4))
    case(world, t(3, 10), outcome="failed", outcome_at=t(3, 20))
    case(world, t(3, 25), outcome="resolved", outcome_at=t(4, 2))
    case(world, t(2, 20), outcome="resolved", outcome_at=t(3, 1, 0, 30), risk="high")
    case(world, t(3, 28))
    elsewhere = case(world, t(3, 5), outcome="resolved", outcome_at=t(3, 30), unit=world.wuxing,
                     by=world.officer2)
    # The helpers move the services' steps back in time with UPDATE, which
    # bypasses the models: as after a repair by hand, rebuild.
    rollups.rebuild(months=[FEBRUARY, MARCH, APRIL])
    march = rollups.dispute_figures(Period(world.dongcheng, MARCH))
    assert (march["received"], march["concluded"], march["resolved"]) == (4, 3, 2)
    assert march["high_risk_resolved"] == 1
    assert march["resolution_rate"] == round(2 / 3, 4)
    assert march["settled"] == 2  # received 2 and 10 March, concluded in March
    tinghu = rollups.dispute_figures(Period(world.tinghu, MARCH))
    assert (tinghu["received"], tinghu["resolved"]) == (5, 3)
    assert rollups.branch_figures(Period(world.tinghu, MARCH))[world.wuxing.path]["resolved"] == 1
    assert elsewhere.unit_id == world.wuxing.pk
    assert_rollups_match_records(world, [FEBRUARY, MARCH, APRIL])


def test_every_record_key_is_checked(world):
    """Every drill-down count of the dispute figures is a rollup count."""
    period = Period(world.city, MARCH)
    from_rollups = rollups.dispute_figures(period)
    assert set(figures.RECORDS) <= set(from_rollups)


# ------------------------------------------------------------- random actions


class Clock:
    """``timezone.now`` moved forward by the test (the services stamp now)."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


ACTIONS = ("register", "register", "assess", "dispatch", "transfer", "session", "resolve",
           "resolve_agreement", "fail", "verify", "reopen", "withdraw", "follow_up", "call",
           "performance")


def _try(step):
    try:
        step()
    except Exception as error:  # a refused step (a state that does not allow it) changes nothing
        if type(error).__name__ not in ("TransitionError", "ValidationError", "PermissionDenied"):
            raise


def act(world, rng, name, cases):
    admin, now = world.admin, timezone.now()
    stations = [world.dongcheng, world.wuxing, world.louwang]
    if name == "register" or not cases:
        late = datetime.timedelta(days=rng.choice([0, 0, 1, 12, 40]), hours=rng.randrange(24))
        cases.append(register(world, by=admin, unit=rng.choice(stations), received_at=now - late,
                              category=rng.choice(["neighbourhood", "family", "labour"])))
        return
    dispute = Dispute.objects.get(pk=rng.choice(cases).pk)
    track = rng.choice([Track.IMMEDIATE, Track.JOINT, Track.ONLINE])
    steps = {
        "assess": lambda: services.dispute_assess(dispute=dispute, actor=admin,
                                                  risk_level=rng.choice(["low", "high"]), track=track),
        "dispatch": lambda: services.dispute_dispatch(dispute=dispute, actor=admin, officer=admin),
        "transfer": lambda: services.dispute_transfer(
            dispute=dispute, actor=admin, to_unit=rng.choice(stations), note="属外辖区"),
        "session": lambda: services.session_record(dispute=dispute, actor=admin, data=services.SessionData(
            held_at=now, mode="on_site", outcome="progress")),
        "resolve": lambda: services.dispute_resolve(dispute=dispute, actor=admin, resolution_note="和解"),
        "resolve_agreement": lambda: services.dispute_resolve(
            dispute=dispute, actor=admin, agreement=services.AgreementData(
                terms="赔偿", signed_on=timezone.localdate(now),
                performance_due=timezone.localdate(now) + datetime.timedelta(days=rng.choice([3, 20, 40])))),
        "fail": lambda: services.dispute_fail(dispute=dispute, actor=admin, referral=services.ReferralData(
            target="court", target_name="亭湖区人民法院")),
        "verify": lambda: services.dispute_verify(dispute=dispute, actor=admin),
        "reopen": lambda: services.dispute_reopen(dispute=dispute, actor=admin, note="再次报警"),
        "withdraw": lambda: services.dispute_withdraw(dispute=dispute, actor=admin, note="撤回"),
        "follow_up": lambda: services.follow_up_record(
            dispute=dispute, actor=admin, method="phone", finding="stable",
            satisfaction=rng.choice(["satisfied", "neutral", ""]),
            done_at=now - datetime.timedelta(days=rng.choice([0, 3]))),
        "call": lambda: _call(world, rng, dispute, now),
        "performance": lambda: _performance(rng, dispute, now, admin),
    }
    _try(steps[name])


def _call(world, rng, dispute, now):
    incident = incident_services.incident_create(
        actor=world.admin, number=f"110-{now:%m%d%H%M%S}-{rng.randrange(10**6)}",
        received_at=now - datetime.timedelta(days=rng.choice([0, 0, 5])), caller_name="张三",
        caller_phone="13851234567", address="东城小区3栋101", unit=dispute.unit,
        category="neighbourhood", summary="又吵起来了")
    incident_services.incident_link_dispute(incident=incident, dispute=dispute, actor=world.admin)


def _performance(rng, dispute, now, admin):
    agreement = Agreement.objects.filter(dispute=dispute).first()
    if agreement is not None:
        services.agreement_record_performance(
            agreement=agreement, actor=admin, note="未按期",
            performance=rng.choice(["performed", "breached"]), on=timezone.localdate(now))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_kept_by_changes_equal_a_rebuild_and_the_records(world, monkeypatch, seed):
    rng = random.Random(seed)
    clock = Clock(datetime.datetime(2026, 1, 27, 9, 0, tzinfo=SH))
    monkeypatch.setattr(timezone, "now", clock)
    months = [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), FEBRUARY, MARCH]
    rollups.ensure_built(months[:2])  # the months as the app would have them
    cases = []
    for _ in range(45):
        before = clock.now
        clock.now += datetime.timedelta(hours=rng.choice([1, 5, 20, 49, 80]))
        if rollups.month_of(clock.now) != rollups.month_of(before):
            rollups.ensure_built([rollups.month_of(clock.now)])  # the beat at the month's start
        act(world, rng, rng.choice(ACTIONS), cases)
    assert RollupMark.objects.exists()
    rollups.refresh()  # what the task queued after each commit does
    assert not RollupMark.objects.exists()
    kept = rows()
    assert kept[0], "the sequence counted nothing"
    assert_rollups_match_records(world, months)
    rollups.rebuild(months=months)
    assert rows() == kept


def test_a_change_shows_at_once_on_the_next_read(world):
    """Readers refresh the marks of what they read: no waiting for the task."""
    now = timezone.now()  # received now: in this month even in its first hour
    month = rollups.month_of(now)
    period = Period(world.tinghu, month)
    assert rollups.dispute_figures(period)["received"] == 0
    dispute = register(world, received_at=now)
    assert rollups.dispute_figures(period)["received"] == 1
    services.dispute_transfer(dispute=dispute, actor=world.lead, to_unit=world.louwang, note="属外辖区")
    assert rollups.dispute_figures(Period(world.yandu, month))["received"] == 0  # received at 东城
    assert rollups.branch_figures(Period(world.city, month))[world.yandu.path]["received"] == 0


# ------------------------------------------------------------- reading cost


def _report_queries(world):
    period = Period(world.city, rollups.month_of(timezone.now()))
    rollups.dispute_figures(period)  # built and refreshed
    with CaptureQueriesContext(connection) as queries:
        rollups.dispute_figures(period)
        rollups.branch_figures(period)
    return len(queries)


def test_reading_the_figures_does_not_grow_with_the_cases(world):
    register(world)
    one = _report_queries(world)
    for _ in range(30):
        register(world, unit=world.wuxing, by=world.officer2)
    assert _report_queries(world) == one


def test_dashboard_queries_do_not_grow_with_the_cases(world, client):
    login(client, world.supervisor)

    def dashboard_queries():
        client.get("/reports/dashboard/")  # builds the months, refreshes the marks
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reports/dashboard/?rank=overdue").status_code == 200
        return len(queries)

    register(world)
    one = dashboard_queries()
    for _ in range(30):
        dispute = register(world, unit=world.wuxing, by=world.officer2)
        services.dispute_assess(dispute=dispute, actor=world.lead2, risk_level="low", track=Track.IMMEDIATE)
    assert dispute.status == Status.ASSESSED
    assert dashboard_queries() == one


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_writes_queues_one_refresh(world, settings, monkeypatch):
    """With a real broker, the commits of a window schedule one refresh
    (REFRESH_DELAY seconds on), not one each: the refreshes had kept the
    worker's core busy under load. Their marks wait for it, in the database."""
    from django.core.cache import cache

    from reports import signals
    from reports.tasks import refresh_rollups

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(signals.REFRESH_PENDING)
    queued = []
    monkeypatch.setattr(refresh_rollups, "apply_async", lambda **kw: queued.append(kw))
    for index in range(5):
        register(world, title=f"纠纷{index}")
    assert queued == [{"countdown": signals.REFRESH_DELAY}]
    assert RollupMark.objects.exists()
    cache.delete(signals.REFRESH_PENDING)  # the window is over
    register(world, title="纠纷5")
    assert len(queued) == 2
