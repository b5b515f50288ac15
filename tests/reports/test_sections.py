"""The volunteer and enterprise sections of the monthly report (DESIGN.md §6),
with hand-built data and known answers.

Everything is made through volunteers.services and enterprises.services, then
moved back into March 2026 (the services stamp "now"), as the dispute tests do.

March 2026, 东城派出所 (dongcheng) — 亭湖分局 (tinghu) adds 五星 (wuxing):

    patrols      P1 3-31 23:59 done, 陈一 2 h + 刘二 2 h        dongcheng
                 P2 4-01 00:01 done, 陈一 1 h                   April
                 P3 3-10 done, 陈一 1.5 h, 刘二 signed up only   dongcheng
                 P4 3-15 done, 周三 3 h                          wuxing
                 P5 3-15 done, 吴四 1 h                          楼王 (outside)
                 P6 3-20 cancelled                               dongcheng
    outreach     3-05 陈一+刘二, 30 households, 80 people       dongcheng
                 4-01 陈一                                       April
                 3-31 周三, 5 households, 12 people              wuxing
    tips         T1 3-31 23:59 new; T2 4-01 00:01 new (April);
                 T3 verified; T4 rejected; T5 converted           dongcheng
                 T6 verified                                     wuxing
    enterprises  E1 routine 3-05, drill 2-10; E2 routine 2025-12-20,
                 training 4-01; E4 inactive (visited 3-10)        dongcheng
                 E3 routine 3-31                                  wuxing
    requests     R1 3-02 due 3-07 resolved 3-06; R2 3-20 due 3-25 open;
                 R3 2-25 due 3-05 resolved 4-01 00:01; R4 3-31 due 4-05 open;
                 R5 3-10 due 3-12 declined 3-11                   dongcheng
                 R6 3-03 due 3-08 resolved 3-05                   wuxing
"""

import datetime
from types import SimpleNamespace

import pytest

from disputes.services import PartyData
from enterprises import services as enterprise_services
from enterprises.models import EnterpriseRequest
from reports import figures, queue
from reports.figures import Period
from reports.models import MonthlyReport
from tests.enterprises.helpers import make_enterprise, request_data
from tests.reports.test_figures import MARCH, t
from tests.volunteers.conftest import at, patrol, vw  # noqa: F401 - vw is a fixture
from volunteers import services as volunteer_services
from volunteers.models import Patrol, PatrolAttendance, Tip

APRIL = datetime.date(2026, 4, 1)


def done_patrol(vw, *, alliance, starts, hours_each, by=None, absent=()):  # noqa: F811
    """A patrol done through the services, then moved to ``starts``; each
    volunteer in ``hours_each`` checked in at the start for that many hours."""
    by = by or vw.coord
    people = [*hours_each, *absent]
    made = patrol(vw, alliance=alliance, by=by, needed=len(people))
    for volunteer in people:
        volunteer_services.patrol_sign_up(actor=by, patrol=made, volunteer=volunteer)
    for volunteer in hours_each:
        volunteer_services.attendance_check_in(actor=by, patrol=made, volunteer=volunteer)
    volunteer_services.patrol_complete(actor=by, patrol=made, report="巡逻正常")
    Patrol.objects.filter(pk=made.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)
    )
    for volunteer, hours in hours_each.items():
        PatrolAttendance.objects.filter(patrol=made, volunteer=volunteer).update(
            checked_in_at=starts, checked_out_at=starts + datetime.timedelta(hours=hours)
        )
    return made


def cancelled_patrol(vw, *, starts):  # noqa: F811
    made = patrol(vw, starts=at(days=1))
    volunteer_services.patrol_cancel(actor=vw.coord, patrol=made, note="下雨")
    Patrol.objects.filter(pk=made.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)
    )
    return made


def a_tip(vw, when, *, unit=None, alliance=None):  # noqa: F811
    return volunteer_services.tip_submit(
        actor=vw.coord, alliance=alliance or vw.dongting, unit=unit or vw.w.dongcheng,
        kind="dispute", description="两户因楼道堆物争吵", place="东城小区5栋", received_at=when,
    )


def build_volunteers(vw):  # noqa: F811
    w = vw.w
    done_patrol(vw, alliance=vw.dongting, starts=t(3, 31, 23, 59),
                hours_each={vw.chen: 2, vw.liu: 2})
    done_patrol(vw, alliance=vw.dongting, starts=t(4, 1, 0, 1), hours_each={vw.chen: 1})
    done_patrol(vw, alliance=vw.dongting, starts=t(3, 10, 9), hours_each={vw.chen: 1.5},
                absent=[vw.liu])
    done_patrol(vw, alliance=vw.wanjia, starts=t(3, 15, 9), hours_each={vw.zhou: 3})
    done_patrol(vw, alliance=vw.shuixiang, starts=t(3, 15, 9), hours_each={vw.wu: 1},
                by=vw.coord_yd)
    cancelled_patrol(vw, starts=t(3, 20, 9))

    record = volunteer_services.outreach_record
    record(actor=vw.coord, alliance=vw.dongting, date=datetime.date(2026, 3, 5), theme="anti_fraud",
           place="东城广场", volunteers=[vw.chen, vw.liu], households_reached=30, people_reached=80)
    record(actor=vw.coord, alliance=vw.dongting, date=datetime.date(2026, 4, 1), theme="traffic",
           place="东城小学", volunteers=[vw.chen], households_reached=10, people_reached=20)
    record(actor=vw.coord, alliance=vw.wanjia, date=datetime.date(2026, 3, 31), theme="fire_safety",
           place="五星菜场", volunteers=[vw.zhou], households_reached=5, people_reached=12)

    a_tip(vw, t(3, 31, 23, 59))                                                   # T1 pending
    a_tip(vw, t(4, 1, 0, 1))                                                      # T2 April
    volunteer_services.tip_verify(actor=w.officer, tip=a_tip(vw, t(3, 10)))       # T3
    volunteer_services.tip_reject(actor=w.officer, tip=a_tip(vw, t(3, 11)), note="查无此事")
    volunteer_services.tip_convert(
        actor=w.officer, tip=a_tip(vw, t(3, 12)), title="楼道堆物纠纷", category="neighbourhood",
        parties=[PartyData(name="甲", role="applicant", phone="13900002222")],
    )                                                                             # T5
    volunteer_services.tip_verify(
        actor=w.officer2, tip=a_tip(vw, t(3, 12), unit=w.wuxing, alliance=vw.wanjia)
    )                                                                             # T6


def visit(world, enterprise, day, kind="routine", by=None):
    return enterprise_services.visit_log(actor=by or world.officer, enterprise=enterprise,
                                       visited_on=day, kind=kind)


def a_request(world, enterprise, received, due_in, *, by=None, answer=None, answered_at=None):
    by = by or world.officer
    made = enterprise_services.request_create(
        actor=by, enterprise=enterprise, data=request_data(received=received, due_in=due_in)
    )
    if answer == "resolved":
        enterprise_services.request_resolve(actor=by, request=made, resolution="已办结")
    elif answer == "declined":
        enterprise_services.request_decline(actor=by, request=made, reason="不属公安职责")
    if answered_at:
        EnterpriseRequest.objects.filter(pk=made.pk).update(resolved_at=answered_at)
    return made


def build_enterprises(world):
    d = datetime.date
    e1 = make_enterprise(world, name="东城汽车零部件有限公司")
    e2 = make_enterprise(world, name="东城物流有限公司", industry="logistics")
    e3 = make_enterprise(world, name="五星电子有限公司", by=world.officer2, unit=world.wuxing)
    e4 = make_enterprise(world, name="东城旧厂", active=False)
    visit(world, e1, d(2026, 3, 5))
    visit(world, e1, d(2026, 2, 10), kind="emergency_drill")
    visit(world, e2, d(2025, 12, 20))
    visit(world, e2, d(2026, 4, 1), kind="security_training")
    visit(world, e3, d(2026, 3, 31), by=world.officer2)
    visit(world, e4, d(2026, 3, 10))
    a_request(world, e1, d(2026, 3, 2), 5, answer="resolved", answered_at=t(3, 6))        # R1
    a_request(world, e1, d(2026, 3, 20), 5)                                              # R2
    a_request(world, e2, d(2026, 2, 25), 8, answer="resolved", answered_at=t(4, 1, 0, 1))  # R3
    a_request(world, e2, d(2026, 3, 31), 5)                                              # R4
    a_request(world, e2, d(2026, 3, 10), 2, answer="declined", answered_at=t(3, 11))      # R5
    a_request(world, e3, d(2026, 3, 3), 5, by=world.officer2, answer="resolved",
              answered_at=t(3, 5))                                                     # R6
    return SimpleNamespace(e1=e1, e2=e2, e3=e3, e4=e4)


@pytest.fixture
def sections_data(vw):  # noqa: F811
    build_volunteers(vw)
    build_enterprises(vw.w)
    return vw.w


# ----------------------------------------------------------------- known answers


def test_volunteer_section_of_a_station(sections_data):
    data = figures.volunteer_section(Period(sections_data.dongcheng, MARCH))
    assert data == {
        "active_volunteers": 2,
        "patrols_done": 2,            # P1 (23:59 on the 31st) and P3; not P2, not cancelled P6
        "patrol_attendances": 3,      # 陈一 and 刘二 on P1, 陈一 on P3 (刘二 never checked in)
        "patrol_hours": 5.5,
        "outreach_sessions": 1,
        "outreach_attendances": 2,
        "households_reached": 30,
        "people_reached": 80,
        "tips_received": 4,           # T1 (23:59 on the 31st), T3-T5; not T2 (00:01 on the 1st)
        "tips_verified": 2,           # T3 verified, T5 converted
        "tips_converted": 1,
        "tips_rejected": 1,
        "tips_pending": 1,
    }


def test_volunteer_section_rolls_up_to_the_sub_bureau(sections_data):
    data = figures.volunteer_section(Period(sections_data.tinghu, MARCH))
    assert data["active_volunteers"] == 3
    assert (data["patrols_done"], data["patrol_attendances"]) == (3, 4)
    assert data["patrol_hours"] == 8.5
    assert (data["outreach_sessions"], data["outreach_attendances"]) == (2, 3)
    assert (data["households_reached"], data["people_reached"]) == (35, 92)
    assert (data["tips_received"], data["tips_verified"]) == (5, 3)
    april = figures.volunteer_section(Period(sections_data.dongcheng, APRIL))
    assert (april["patrols_done"], april["tips_received"], april["outreach_sessions"]) == (1, 1, 1)


def test_enterprise_section_of_a_station(sections_data):
    data = figures.enterprise_section(Period(sections_data.dongcheng, MARCH))
    assert data == {
        "enterprises": 2,             # E4 is inactive
        "visited": 1,                 # E1 on 3-05
        "visited_ytd": 1,             # E1 (twice); E2 only last December
        "drilled_ytd": 1,
        "trained_ytd": 0,             # E2's training is in April
        "visit_coverage": 0.5,
        "drill_coverage": 0.5,
        "training_coverage": 0.0,     # counted and none: 0 %, not "no data"
        "requests_received": 4,       # R1, R2, R4, R5
        "requests_resolved": 1,       # R1; R3 was answered at 00:01 on 1 April
        "requests_overdue": 2,        # R2 open, R3 answered after the month
        "median_days_to_resolve": 4.0,
    }


def test_enterprise_section_rolls_up_and_handles_the_boundary(sections_data):
    data = figures.enterprise_section(Period(sections_data.tinghu, MARCH))
    assert (data["enterprises"], data["visited"], data["visited_ytd"]) == (3, 2, 2)
    assert data["visit_coverage"] == pytest.approx(0.6667)
    assert data["requests_received"] == 5
    assert (data["requests_resolved"], data["requests_overdue"]) == (2, 2)
    assert data["median_days_to_resolve"] == 3.0  # R1 4 days, R6 2 days
    april = figures.enterprise_section(Period(sections_data.dongcheng, APRIL))
    assert april["requests_resolved"] == 1  # R3, at 00:01 on 1 April Shanghai time
    assert april["trained_ytd"] == 1


def test_empty_unit_gives_no_data_rates_and_zero_counts(world):
    data = figures.all_figures(Period(world.louwang, MARCH))
    for key in ("visit_coverage", "drill_coverage", "training_coverage", "median_days_to_resolve"):
        assert data["enterprises"][key] is None, key
    assert data["enterprises"]["enterprises"] == 0
    assert data["volunteers"]["patrol_hours"] == 0.0
    assert all(v == 0 for v in data["volunteers"].values())


@pytest.mark.parametrize("unit", ["dongcheng", "tinghu", "louwang"])
def test_every_section_count_matches_its_records(sections_data, unit):
    period = Period(getattr(sections_data, unit), MARCH)
    data = figures.all_figures(period)
    for key, (section, figure, _perm) in figures.SECTION_RECORDS.items():
        listed = list(figures.records(key, period))
        assert len(listed) == data[section][figure], key
        assert len({row.pk for row in listed}) == len(listed), key  # no duplicates


def test_section_records_cannot_be_narrowed_by_track(sections_data):
    with pytest.raises(ValueError):
        figures.records("tips_received", Period(sections_data.dongcheng, MARCH), track="joint")


# ------------------------------------------------------------ the stored report


def test_report_stores_both_sections_and_their_changes(
    sections_data, django_capture_on_commit_callbacks
):

    w = sections_data
    with django_capture_on_commit_callbacks(execute=True):
        report = queue.report_request(actor=w.supervisor, unit=w.dongcheng, month=MARCH)
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.DONE
    assert report.figures["volunteers"]["patrol_hours"] == 5.5
    assert report.figures["enterprises"]["requests_overdue"] == 2
    assert "unit" not in report.figures["enterprises"]  # a JSON snapshot holds figures only
    mom = report.figures["change"]["month_on_month"]
    yoy = report.figures["change"]["year_on_year"]
    # February: nothing but E1's drill (visit coverage 1 of 2) and R3 received.
    assert mom["volunteers"]["patrols_done"] == 2
    assert mom["volunteers"]["tips_received"] == 4
    assert mom["enterprises"]["visit_coverage"] == 0.0
    assert mom["enterprises"]["visited"] == 0  # E1 in both months (the drill on 2-10)
    assert mom["enterprises"]["requests_received"] == 3  # 4 in March, 1 (R3) in February
    assert mom["enterprises"]["median_days_to_resolve"] is None  # none resolved in February
    # A year before, nothing of the subtree was on record yet: no data, not ▲.
    assert yoy["enterprises"]["visit_coverage"] is None
    assert yoy["volunteers"]["patrol_attendances"] is None
    assert yoy["received"] is None
    # The dispute part is unchanged.
    assert mom["received"] == report.figures["received"]


def test_change_keeps_none_for_a_report_made_before_the_sections():
    current = {"received": 3, "volunteers": {"patrols_done": 2}, "enterprises": {"visited": 1}}
    result = figures.change(current, {"received": 1})
    assert result["received"] == 2
    assert result["volunteers"]["patrols_done"] is None
    assert result["enterprises"]["visited"] is None
    # Dispute-only figures give dispute-only changes, as before.
    assert "volunteers" not in figures.change({"received": 1}, {"received": 1})


def test_tip_changed_after_the_snapshot_shows_in_its_list(
    sections_data, django_capture_on_commit_callbacks
):

    w = sections_data
    with django_capture_on_commit_callbacks(execute=True):
        report = queue.report_request(actor=w.supervisor, unit=w.dongcheng, month=MARCH)
    report.refresh_from_db()
    pending = Tip.objects.get(status=Tip.Status.NEW, received_at=t(3, 31, 23, 59))
    volunteer_services.tip_verify(actor=w.officer, tip=pending)
    period = Period(w.dongcheng, MARCH)
    assert figures.records("tips_verified", period).count() == 3
    assert figures.snapshot_count(report.figures, "tips_verified") == 2
