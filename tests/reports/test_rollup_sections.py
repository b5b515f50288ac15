"""Rollups of the volunteer and enterprise sections (reports.models.RollupSection):
the sections they give equal the records' (figures.volunteer_section and
figures.enterprise_section, whose hand-worked cases are in test_sections.py)
and each count its drill-down list's length:

- on test_sections.py's hand-made March (rebuilt: the helpers move records
  back in time with UPDATE, which bypasses the models);
- after random sequences of actions through the real services (patrols
  scheduled, signed up, checked in and out, completed or cancelled; tips
  submitted, verified, rejected; outreach; enterprises registered, moved,
  made inactive; visits; requests received, resolved, declined; an alliance
  moved), with the clock crossing month ends: the rows kept by the change
  marks equal a rebuild from scratch, and both equal the records.
"""

import datetime
import random
import zoneinfo

import pytest
from django.utils import timezone

from enterprises import services as enterprise_services
from enterprises.models import Enterprise, EnterpriseRequest
from reports import figures, rollups
from reports.figures import Period
from reports.models import RollupMark, RollupRequestDays, RollupSection
from tests.enterprises.helpers import make_enterprise, request_data
from tests.reports.test_figures import MARCH
from tests.reports.test_sections import APRIL, sections_data  # noqa: F401 - a fixture
from tests.volunteers.conftest import vw  # noqa: F401 - a fixture
from volunteers import services as volunteer_services
from volunteers.models import Patrol, Tip

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def units_of(world):
    return [world.city, world.tinghu, world.dongcheng, world.wuxing, world.yandu, world.louwang]


def assert_sections_match_records(world, months):
    for month in months:
        for unit in units_of(world):
            period = Period(unit=unit, month=month)
            from_rollups = rollups.section_figures(period)
            assert from_rollups == {
                figures.VOLUNTEERS: figures.volunteer_section(period),
                figures.ENTERPRISES: figures.enterprise_section(period),
            }, (unit.code, month)
            for key, (section, figure, _perm) in figures.SECTION_RECORDS.items():
                count = figures.records(key, period).count()
                assert from_rollups[section][figure] == count, (unit.code, month, key)


def rows(months=None):
    sections, days = RollupSection.objects.all(), RollupRequestDays.objects.all()
    if months is not None:
        sections, days = sections.filter(month__in=months), days.filter(month__in=months)
    return (
        sorted((r["unit_id"], r["month"], tuple(r[key] for key in RollupSection.COUNTS))
               for r in sections.values()),
        sorted(days.values_list("unit_id", "month", "days")),
    )


def computed(months):
    """The rows of ``months`` as a build computes them now from the records."""
    sections, days = [], []
    for month in months:
        for unit_id, found in figures.per_unit_sections(Period(figures.EVERYWHERE, month)).items():
            if any(found.counts.values()):
                sections.append((unit_id, month, tuple(found.counts.get(key, 0) for key in RollupSection.COUNTS)))
            days += [(unit_id, month, d) for d in found.days]
    return sorted(sections), sorted(days)


# ------------------------------------------------------------- hand-made data


def test_hand_made_sections_from_rollups_equal_the_records(sections_data):  # noqa: F811
    w = sections_data
    months = [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1),
              MARCH, APRIL]
    rollups.rebuild(months=months)
    march = rollups.section_figures(Period(w.dongcheng, MARCH))
    # test_sections.py's known answers.
    assert march[figures.VOLUNTEERS]["patrol_hours"] == 5.5
    assert march[figures.VOLUNTEERS]["tips_received"] == 4
    assert march[figures.ENTERPRISES]["requests_overdue"] == 2
    assert march[figures.ENTERPRISES]["median_days_to_resolve"] == 4.0
    tinghu = rollups.section_figures(Period(w.tinghu, MARCH))
    assert tinghu[figures.ENTERPRISES]["median_days_to_resolve"] == 3.0
    assert tinghu[figures.ENTERPRISES]["visit_coverage"] == pytest.approx(0.6667)
    assert_sections_match_records(w, months)
    # The whole report from rollups is the report from the records.
    for unit in units_of(w):
        period = Period(unit, MARCH)
        assert rollups.all_figures(period) == figures.all_figures(period), unit.code


def test_every_section_count_is_a_rollup_count():
    counted = {figure for _s, figure, _p in figures.SECTION_RECORDS.values()}
    assert counted <= set(RollupSection.COUNTS) | set(figures.SECTION_NOW)


# ------------------------------------------------------------- random actions


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


ACTIONS = ("patrol", "patrol", "sign_up", "check_in", "check_out", "complete", "cancel", "tip",
           "tip", "verify", "reject", "outreach", "enterprise", "move_enterprise", "deactivate",
           "visit", "visit", "request", "request", "resolve", "decline", "move_alliance")


def _try(step):
    try:
        step()
    except Exception as error:  # a refused step changes nothing
        if type(error).__name__ not in ("TransitionError", "ValidationError", "PermissionDenied"):
            raise


def act(vw, rng, name, made):  # noqa: F811
    w, admin, now = vw.w, vw.w.admin, timezone.now()
    stations = [w.dongcheng, w.wuxing, w.louwang]
    alliances = [vw.dongting, vw.wanjia, vw.shuixiang]
    volunteers = [vw.chen, vw.liu, vw.zhou, vw.wu]
    back = datetime.timedelta(days=rng.choice([0, 0, 1, 6, 35]), hours=rng.randrange(24))
    day = timezone.localdate(now - back)

    def pick(kind):
        ids = made.setdefault(kind, [])
        return rng.choice(ids) if ids else None

    def patrol():
        alliance = rng.choice(alliances)
        alliance.refresh_from_db()
        starts = now - datetime.timedelta(hours=rng.choice([1, 2, 30])) + datetime.timedelta(
            hours=rng.choice([0, 0, 48]))
        made.setdefault("patrol", []).append(volunteer_services.patrol_schedule(
            actor=admin, alliance=alliance, unit=rng.choice(stations), area="夜巡",
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), volunteers_needed=2).pk)

    def on_patrol(step):
        pk = pick("patrol")
        if pk is None:
            return
        found = Patrol.objects.get(pk=pk)
        step(found)

    def enterprise():
        made.setdefault("enterprise", []).append(make_enterprise(
            w, by=admin, unit=rng.choice(stations), name=f"企业{len(made.get('enterprise', []))}",
            active=rng.random() < 0.85).pk)

    def edit_enterprise(**changes):
        pk = pick("enterprise")
        if pk is None:
            return
        found = Enterprise.objects.get(pk=pk)
        fields = {"name": found.name, "credit_code": found.credit_code, "unit": found.unit,
                  "address": found.address, "industry": found.industry,
                  "contact_name": found.contact_name, "contact_phone": found.contact_phone,
                  "active": found.active}
        enterprise_services.enterprise_save(actor=admin, enterprise=found, **{**fields, **changes})

    def request():
        pk = pick("enterprise")
        if pk is None:
            return
        made.setdefault("request", []).append(enterprise_services.request_create(
            actor=admin, enterprise=Enterprise.objects.get(pk=pk),
            data=request_data(received=day, due_in=rng.choice([1, 5, 20]))).pk)

    def answer(how):
        pk = pick("request")
        if pk is None:
            return
        found = EnterpriseRequest.objects.get(pk=pk)
        if how == "resolve":
            enterprise_services.request_resolve(actor=admin, request=found, resolution="已办结")
        else:
            enterprise_services.request_decline(actor=admin, request=found, reason="不属公安职责")

    def tip():
        made.setdefault("tip", []).append(volunteer_services.tip_submit(
            actor=admin, alliance=rng.choice(alliances), unit=rng.choice(stations), kind="dispute",
            description="楼道堆物", place="东城小区", received_at=now - back).pk)

    def handle(how):
        pk = pick("tip")
        if pk is None:
            return
        found = Tip.objects.get(pk=pk)
        if how == "verify":
            volunteer_services.tip_verify(actor=admin, tip=found)
        else:
            volunteer_services.tip_reject(actor=admin, tip=found, note="查无此事")

    def move_alliance():
        alliance = rng.choice(alliances)
        alliance.refresh_from_db()
        volunteer_services.alliance_save(
            actor=admin, alliance=alliance, name=alliance.name, unit=rng.choice(stations),
            focus=alliance.focus)

    steps = {
        "patrol": patrol,
        "sign_up": lambda: on_patrol(lambda p: volunteer_services.patrol_sign_up(
            actor=admin, patrol=p, volunteer=rng.choice(volunteers))),
        "check_in": lambda: on_patrol(lambda p: [
            volunteer_services.attendance_check_in(actor=admin, patrol=p, volunteer=a.volunteer)
            for a in p.attendances.filter(checked_in_at__isnull=True)[:1]]),
        "check_out": lambda: on_patrol(lambda p: [
            volunteer_services.attendance_check_out(actor=admin, patrol=p, volunteer=a.volunteer)
            for a in p.attendances.filter(checked_in_at__isnull=False, checked_out_at__isnull=True)[:1]]),
        "complete": lambda: on_patrol(lambda p: volunteer_services.patrol_complete(
            actor=admin, patrol=p, report="巡逻正常")),
        "cancel": lambda: on_patrol(lambda p: volunteer_services.patrol_cancel(actor=admin, patrol=p)),
        "tip": tip,
        "verify": lambda: handle("verify"),
        "reject": lambda: handle("reject"),
        "outreach": lambda: volunteer_services.outreach_record(
            actor=admin, alliance=rng.choice(alliances), date=day, theme="anti_fraud", place="广场",
            volunteers=rng.sample(volunteers, rng.randrange(3)),
            households_reached=rng.randrange(20), people_reached=rng.randrange(50)),
        "enterprise": enterprise,
        "move_enterprise": lambda: edit_enterprise(unit=rng.choice(stations)),
        "deactivate": lambda: edit_enterprise(active=rng.random() < 0.5),
        "visit": lambda: pick("enterprise") and enterprise_services.visit_log(
            actor=admin, enterprise=Enterprise.objects.get(pk=pick("enterprise")), visited_on=day,
            kind=rng.choice(["routine", "emergency_drill", "security_training"])),
        "request": request,
        "resolve": lambda: answer("resolve"),
        "decline": lambda: answer("decline"),
        "move_alliance": move_alliance,
    }
    _try(steps[name])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_section_rollups_kept_by_changes_equal_a_rebuild_and_the_records(vw, monkeypatch, seed):  # noqa: F811
    rng = random.Random(seed)
    clock = Clock(datetime.datetime(2026, 1, 20, 9, 0, tzinfo=SH))
    monkeypatch.setattr(timezone, "now", clock)
    months = [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1),
              MARCH]
    rollups.ensure_built(months[:2])
    made = {}
    built = months[:2]
    for step in range(60):
        before = clock.now
        clock.now += datetime.timedelta(hours=rng.choice([1, 5, 20, 49, 80]))
        if rollups.month_of(clock.now) != rollups.month_of(before):
            rollups.ensure_built([rollups.month_of(clock.now)])  # the beat at the month's start
            built.append(rollups.month_of(clock.now))
        name = rng.choice(ACTIONS)
        act(vw, rng, name, made)
        # What the task queued after the commit does; then every built month
        # is what a build from the records would make now (a pair the marks
        # missed would stay stale).
        rollups.refresh()
        assert rows(built) == computed(built), (step, name)
    assert not RollupMark.objects.exists()
    kept = rows()
    assert kept[0], "the sequence counted nothing"
    assert_sections_match_records(vw.w, months)
    rollups.rebuild(months=months)
    assert rows() == kept


# ------------------------------------------------------------- first record


def first_record_month_by_definition(unit):
    """The first month of the subtree's records, one plain MIN per table (as
    figures.first_record_month computed it before comparisons asked
    figures.records_before)."""
    from django.db.models import Min

    from disputes.models import Dispute
    from enterprises.models import EnterpriseVisit
    from incidents.models import Incident
    from volunteers.models import Outreach

    path = unit.path
    moments = [
        Dispute.objects.filter(figures._ever_held(unit)).aggregate(m=Min("received_at"))["m"],
        Incident.objects.filter(unit__path__startswith=path).aggregate(m=Min("received_at"))["m"],
        Patrol.objects.filter(unit__path__startswith=path).aggregate(m=Min("starts_at"))["m"],
        Tip.objects.filter(unit__path__startswith=path).aggregate(m=Min("received_at"))["m"],
    ]
    days = [
        Outreach.objects.filter(alliance__unit__path__startswith=path).aggregate(m=Min("date"))["m"],
        EnterpriseVisit.objects.filter(enterprise__unit__path__startswith=path).aggregate(
            m=Min("visited_on"))["m"],
        EnterpriseRequest.objects.filter(enterprise__unit__path__startswith=path).aggregate(
            m=Min("received_on"))["m"],
    ]
    dates = [timezone.localtime(m).date() for m in moments if m is not None]
    dates += [d for d in days if d is not None]
    return min(dates).replace(day=1) if dates else None


def test_records_before_a_day_is_the_first_record_month_before_it(sections_data):  # noqa: F811
    """Comparisons are "no data" against a month before the subtree's first
    record: ``figures.records_before`` asks that of the first day after the
    month, and agrees with the first record's month found by plain MINs."""
    from disputes import services
    from tests.conftest import register

    w = sections_data
    # A case received at 楼王 long ago, then transferred to 东城: it counts in
    # 盐都's subtree (it was held there) and in 亭湖's (held there now).
    old = register(w, by=w.admin, unit=w.louwang,
                   received_at=datetime.datetime(2024, 5, 6, 10, tzinfo=SH))
    services.dispute_transfer(dispute=old, actor=w.admin, to_unit=w.dongcheng, note="属外辖区")
    assert first_record_month_by_definition(w.yandu) == datetime.date(2024, 5, 1)
    assert first_record_month_by_definition(w.wuxing) == datetime.date(2026, 3, 1)  # R6, T6, E3
    days = [datetime.date(2024, 5, 1), datetime.date(2024, 6, 1), datetime.date(2025, 12, 1),
            datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1),
            datetime.date(2026, 4, 1)]
    for unit in units_of(w):
        first = first_record_month_by_definition(unit)
        for day in days:
            expected = first is not None and first < day
            assert figures.records_before(unit, day) == expected, (unit.code, day)
        # All the days at once (the dashboard's one query) agree.
        assert figures.records_before_days(unit, days) == {
            day: first is not None and first < day for day in days}


def test_a_volunteer_deleted_leaves_the_outreach_counts_right(vw):  # noqa: F811
    """The admin site may delete a volunteer: their part in outreach goes too."""
    month = rollups.month_of(timezone.now())
    volunteer_services.outreach_record(
        actor=vw.coord, alliance=vw.dongting, date=timezone.localdate(), theme="anti_fraud",
        place="东城广场", volunteers=[vw.chen, vw.liu], households_reached=3, people_reached=9)
    period = Period(vw.w.dongcheng, month)
    assert rollups.section_figures(period)[figures.VOLUNTEERS]["outreach_attendances"] == 2
    vw.liu.delete()
    assert rollups.section_figures(period)[figures.VOLUNTEERS]["outreach_attendances"] == 1
    assert rows([month]) == computed([month])
