"""Where a case counts, through time (DESIGN.md §6): a table of small stories.

Each row is a story told through the real services (registration, assessment,
transfer, outcome, reopening, calls, requests, patrols), with every step then
moved to the time the story gives it, in Asia/Shanghai — as the other report
tests do, since the services stamp "now". The expected figures were worked
out by hand from DESIGN.md §6, not read off the code:

- received: at the unit a case was registered at, in the month of received_at;
- concluded / resolved: at the unit holding the case when the outcome was recorded;
- settled: received in the month and resolved, unresolved or closed at its end;
- overdue / backlog: open at the month's end, at the unit holding it then,
  for every case received before then however late it was entered;
- repeat call: a call about a case that had an earlier call, by the calls' times;
- requests overdue: due on or before the month's last day, unanswered at its end;
- patrols: at the patrol's own unit.

Months: a month ends at 24:00 on its last day, Shanghai time (16:00 UTC).
The immediate track's deadline is 3 days, the joint track's 30; backlog: received
more than 90 days before the month's end.
"""

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from disputes import services
from disputes.models import Dispute, DisputeEvent, Track
from enterprises import services as enterprise_services
from enterprises.models import EnterpriseRequest
from incidents import services as incident_services
from incidents.models import Incident
from reports import figures
from reports.figures import Period
from reports.models import MonthlyReport
from reports.services import report_generate
from tests.conftest import register
from tests.enterprises.helpers import make_enterprise, request_data
from volunteers import services as volunteer_services
from volunteers.models import Patrol, PatrolAttendance

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
DAYS = {Track.IMMEDIATE: 3, Track.JOINT: 30}


def sh(month, day, hour=10, minute=0, second=0, year=2026):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SH)


def M(month, year=2026):
    return datetime.date(year, month, 1)


# ------------------------------------------------------------- a case's story


class Story:
    """One case, each step through disputes.services, then moved to its time."""

    def __init__(self, world, *, at, received, registered=None):
        self.w = world
        self.d = register(world, unit=at, by=self._officer(at), received_at=received)
        self._move(DisputeEvent.Kind.REGISTERED, registered or received)

    def _officer(self, unit):
        return self.w.officer if unit == self.w.dongcheng else self.w.officer2

    def _lead(self):
        self.d.refresh_from_db()
        return self.w.lead if self.d.unit_id == self.w.dongcheng.pk else self.w.lead2

    def _move(self, kind, when, deadline="keep"):
        event = DisputeEvent.objects.filter(dispute=self.d, kind=kind).latest("id")
        changes = {"at": when}
        if deadline != "keep":
            changes["deadline"] = deadline
            Dispute.objects.filter(pk=self.d.pk).update(deadline=deadline)
        DisputeEvent.objects.filter(pk=event.pk).update(**changes)
        self.d.refresh_from_db()
        return self

    def assess(self, when, track=Track.IMMEDIATE, risk="low"):
        services.dispute_assess(dispute=self.d, actor=self._lead(), risk_level=risk, track=track)
        return self._move("assessed", when, when + datetime.timedelta(days=DAYS[track]))

    def dispatch(self, when):
        lead = self._lead()
        services.dispute_dispatch(dispute=self.d, actor=lead, officer=lead)
        return self._move("dispatched", when)

    def resolve(self, when):
        services.dispute_resolve(dispute=self.d, actor=self._lead(), resolution_note="和解")
        return self._move("resolved", when)

    def fail(self, when):
        services.dispute_fail(dispute=self.d, actor=self._lead(),
                              referral=services.ReferralData(target="court", target_name="亭湖区人民法院"))
        return self._move("failed", when)

    def verify(self, when):
        services.dispute_verify(dispute=self.d, actor=self._lead())
        return self._move("verified", when)

    def reopen(self, when):
        services.dispute_reopen(dispute=self.d, actor=self._lead(), note="再次报警")
        track = self.d.track or Track.JOINT
        return self._move("reopened", when, when + datetime.timedelta(days=DAYS[track]))

    def transfer(self, when, to):
        services.dispute_transfer(dispute=self.d, actor=self._lead(), to_unit=to, note="属外辖区")
        return self._move("transferred", when)

    def withdraw(self, when):
        services.dispute_withdraw(dispute=self.d, actor=self._lead(), note="申请人撤回")
        return self._move("withdrawn", when)

    def settle_quickly(self, assessed, outcome_at, outcome="resolve", **kw):
        self.assess(assessed, **kw).dispatch(assessed + datetime.timedelta(minutes=5))
        return getattr(self, outcome)(outcome_at)


def call(world, number, when, dispute, *, unit=None):
    incident = incident_services.incident_create(
        actor=world.officer, number=number, received_at=when, caller_name="张三",
        caller_phone="13851234567", address="东城小区3栋", unit=unit or world.dongcheng,
        category="dispute", summary="楼上噪音",
    )
    if dispute is not None:
        incident_services.incident_link_dispute(incident=incident, dispute=dispute, actor=world.officer)
    return incident


# ------------------------------------------------------------- the stories


def transfer_after_the_month(w):
    # Received and assessed at 东城 on 3-10 (due 3-13); moved to 五星 on 4-20.
    Story(w, at=w.dongcheng, received=sh(3, 10)).assess(sh(3, 10, 11)).transfer(sh(4, 20), w.wuxing)


def transfer_then_resolved_elsewhere(w):
    # Received at 东城 3-02, sent to 五星 3-05, resolved there 3-07.
    s = Story(w, at=w.dongcheng, received=sh(3, 2)).assess(sh(3, 2, 11)).transfer(sh(3, 5), w.wuxing)
    s.settle_quickly(sh(3, 5, 14), sh(3, 7))


def old_case_transferred(w):
    # Received at 东城 2025-11-20 (joint track, never concluded), sent to 五星 on 3-10.
    s = Story(w, at=w.dongcheng, received=sh(11, 20, year=2025))
    s.assess(sh(11, 20, 11, year=2025), track=Track.JOINT).transfer(sh(3, 10), w.wuxing)


def reopened_before_the_month_ended(w):
    # October: received 10-03, resolved 10-10, reopened 10-25 (due again 10-28);
    # resolved again 11-05.
    s = Story(w, at=w.dongcheng, received=sh(10, 3)).settle_quickly(sh(10, 3, 11), sh(10, 10))
    s.reopen(sh(10, 25)).resolve(sh(11, 5))


def entered_four_months_late(w):
    # Received 3-10 at 东城 but registered only on 7-15, assessed then (due 7-18).
    Story(w, at=w.dongcheng, received=sh(3, 10), registered=sh(7, 15)).assess(sh(7, 15, 11))


def month_edges(w):
    # A: received 3-31 10:00, resolved 3-31 23:59:59.  B: received 3-31 11:00,
    # resolved 4-01 00:00:00.  C: received 3-31 23:59:59, open.  D: received 4-01 00:00:00.
    Story(w, at=w.dongcheng, received=sh(3, 31, 10)).settle_quickly(sh(3, 31, 11), sh(3, 31, 23, 59, 59))
    Story(w, at=w.dongcheng, received=sh(3, 31, 11)).settle_quickly(sh(3, 31, 12), sh(4, 1, 0, 0, 0))
    Story(w, at=w.dongcheng, received=sh(3, 31, 23, 59, 59))
    Story(w, at=w.dongcheng, received=sh(4, 1, 0, 0, 0))


def withdrawn_and_failed(w):
    # Withdrawn 3-05 (no outcome); another unresolved (referred) 3-08; a third
    # resolved and verified (closed) 3-09.
    Story(w, at=w.dongcheng, received=sh(3, 2)).withdraw(sh(3, 5))
    Story(w, at=w.dongcheng, received=sh(3, 3)).settle_quickly(sh(3, 3, 11), sh(3, 8), outcome="fail")
    Story(w, at=w.dongcheng, received=sh(3, 4)).settle_quickly(sh(3, 4, 11), sh(3, 6)).verify(sh(3, 9))


def calls_linked_later_first(w):
    # Two calls about one case, on 3-04 and 3-20, the later one linked first.
    case = Story(w, at=w.dongcheng, received=sh(3, 1)).d
    later = call(w, "110-0320", sh(3, 20), None)
    earlier = call(w, "110-0304", sh(3, 4), None)
    incident_services.incident_link_dispute(incident=later, dispute=case, actor=w.officer)
    incident_services.incident_link_dispute(incident=earlier, dispute=case, actor=w.officer)


def calls_across_months(w):
    # A call on 2-25 then one on 3-02 about the same case (linked in that order),
    # a call at 3-31 23:59:59 and an unlinked call in March.
    case = Story(w, at=w.dongcheng, received=sh(2, 24)).d
    call(w, "110-0225", sh(2, 25), case)
    call(w, "110-0302", sh(3, 2), case)
    call(w, "110-0331", sh(3, 31, 23, 59, 59), case)
    call(w, "110-0310", sh(3, 10), None)


def follow_up_then_reopened_and_transferred(w):
    # Resolved at 东城 3-05; follow-up rated satisfied 3-10; reopened 4-02 and sent
    # to 五星 4-03 (after March: March's follow-up stays at 东城).
    s = Story(w, at=w.dongcheng, received=sh(3, 2)).settle_quickly(sh(3, 2, 11), sh(3, 5))
    services.follow_up_record(dispute=s.d, actor=w.officer, method="phone", finding="stable",
                              satisfaction="satisfied", done_at=sh(3, 10))
    s.reopen(sh(4, 2)).transfer(sh(4, 3), w.wuxing)


def request(w, enterprise, received, due, *, answer=None, answered_at=None):
    made = enterprise_services.request_create(
        actor=w.officer, enterprise=enterprise,
        data=request_data(received=received, due_in=(due - received).days),
    )
    if answer == "resolve":
        enterprise_services.request_resolve(actor=w.officer, request=made, resolution="已办结")
    elif answer == "decline":
        enterprise_services.request_decline(actor=w.officer, request=made, reason="不属公安职责")
    if answered_at:
        EnterpriseRequest.objects.filter(pk=made.pk).update(resolved_at=answered_at)


def requests_due_on_the_last_day(w):
    d = datetime.date
    e = make_enterprise(w, name="东城汽车零部件有限公司")
    request(w, e, d(2026, 3, 20), d(2026, 3, 31))                                    # R1 never answered
    request(w, e, d(2026, 3, 20), d(2026, 3, 31), answer="resolve", answered_at=sh(3, 31, 23))  # R2
    request(w, e, d(2026, 3, 20), d(2026, 4, 1))                                     # R3 due 4-01
    request(w, e, d(2026, 3, 20), d(2026, 3, 31), answer="resolve",
            answered_at=sh(4, 1, 0, 0, 30))                                           # R4 late
    request(w, e, d(2026, 3, 25), d(2026, 3, 31), answer="decline", answered_at=sh(3, 30))  # R5


def sub_bureau_alliance_patrols_a_station(w):
    # 亭湖's own alliance patrols 东城's streets on 3-15 (2 volunteers, 2 h each),
    # and 五星's streets on 4-01 00:00:00 (1 volunteer, 1 h).
    coord = w.coordinator
    alliance = volunteer_services.alliance_save(
        actor=coord, name="亭湖平安志愿联盟", unit=w.tinghu, focus="patrol", coordinators=[coord]
    )
    people = []
    for name, phone in (("孙五", "13812340011"), ("钱六", "13812340012")):
        v = volunteer_services.volunteer_save(actor=coord, name=name, phone=phone, unit=w.tinghu)
        volunteer_services.membership_save(actor=coord, volunteer=v, alliance=alliance,
                                           joined_on=datetime.date(2024, 1, 1))
        people.append(v)
    for unit, starts, walkers, hours in ((w.dongcheng, sh(3, 15, 9), people, 2),
                                         (w.wuxing, sh(4, 1, 0, 0, 0), people[:1], 1)):
        soon = datetime.datetime.now(SH) - datetime.timedelta(hours=1)
        made = volunteer_services.patrol_schedule(
            actor=coord, alliance=alliance, unit=unit, area="街面夜巡", starts_at=soon,
            ends_at=soon + datetime.timedelta(hours=3), volunteers_needed=len(walkers),
        )
        for v in walkers:
            volunteer_services.patrol_sign_up(actor=coord, patrol=made, volunteer=v)
            volunteer_services.attendance_check_in(actor=coord, patrol=made, volunteer=v)
        volunteer_services.patrol_complete(actor=coord, patrol=made, report="巡逻正常")
        Patrol.objects.filter(pk=made.pk).update(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
        PatrolAttendance.objects.filter(patrol=made).update(
            checked_in_at=starts, checked_out_at=starts + datetime.timedelta(hours=hours))


# ------------------------------------------------------------- the table


@dataclass
class Row:
    story: Callable
    # (unit attribute of the world, month) → figures expected there
    expected: dict = field(default_factory=dict)


DC, WX, TH, YC, LW = "dongcheng", "wuxing", "tinghu", "city", "louwang"
MARCH, APRIL, MAY, JUNE, JULY = M(3), M(4), M(5), M(6), M(7)

SCENARIOS = {
    # Overdue at the end of March where it was then (东城); after the transfer
    # it is registered afresh at 五星 with no deadline, so overdue nowhere in April.
    "transfer after the month keeps March at 东城": Row(transfer_after_the_month, {
        (DC, MARCH): {"received": 1, "overdue": 1, "settled": 0, "settlement_rate": 0.0},
        (WX, MARCH): {"received": 0, "overdue": 0, "settlement_rate": None},
        (TH, MARCH): {"received": 1, "overdue": 1},
        (DC, APRIL): {"received": 0, "overdue": 0},
        (WX, APRIL): {"received": 0, "overdue": 0},
    }),
    # Received (and settled) where it was received; concluded where it was resolved.
    "resolved after a transfer": Row(transfer_then_resolved_elsewhere, {
        (DC, MARCH): {"received": 1, "concluded": 0, "resolved": 0, "resolution_rate": None,
                      "settled": 1, "settlement_rate": 1.0, "median_days": None},
        (WX, MARCH): {"received": 0, "concluded": 1, "resolved": 1, "resolution_rate": 1.0,
                      "settled": 0, "settlement_rate": None, "median_days": 5.0},
        (TH, MARCH): {"received": 1, "concluded": 1, "resolved": 1, "settled": 1,
                      "settlement_rate": 1.0},
    }),
    # End of February (3-01 00:00) − 90 days = 2025-12-01: received 11-20, backlog at
    # 东城; end of March it is at 五星. Joint track from 11-20: due 12-20, overdue both.
    "old case transferred moves its backlog": Row(old_case_transferred, {
        (DC, M(2)): {"backlog": 1, "overdue": 1},
        (WX, M(2)): {"backlog": 0, "overdue": 0},
        (DC, MARCH): {"backlog": 0, "overdue": 0},
        (WX, MARCH): {"backlog": 1, "overdue": 0},   # registered afresh at 五星: no deadline
        (TH, M(2)): {"backlog": 1},
        (TH, MARCH): {"backlog": 1},
        (DC, M(11, 2025)): {"received": 1},
        (WX, M(11, 2025)): {"received": 0},
    }),
    # Resolved in October but reopened on 10-25: in mediation at the month's end,
    # so not settled, and overdue (due 10-28). Concluded again in November.
    "reopened before the month ended is not settled": Row(reopened_before_the_month_ended, {
        (DC, M(10)): {"received": 1, "concluded": 1, "resolved": 1, "settled": 0,
                      "settlement_rate": 0.0, "overdue": 1},
        (DC, M(11)): {"received": 0, "concluded": 1, "resolved": 1, "settled": 0,
                      "settlement_rate": None, "overdue": 0},
    }),
    # Received 3-10, entered 7-15: open at the end of March to June at 东城;
    # overdue from the immediate track's 3 days counted from 3-10 (3-13); backlog
    # once the month's end is more than 90 days after 3-10 (June: 7-01 − 90 d = 4-02).
    "entered four months late": Row(entered_four_months_late, {
        (DC, MARCH): {"received": 1, "overdue": 1, "backlog": 0, "settled": 0},
        (DC, APRIL): {"received": 0, "overdue": 1, "backlog": 0},
        (DC, MAY): {"overdue": 1, "backlog": 0},
        (DC, JUNE): {"overdue": 1, "backlog": 1},
        (DC, JULY): {"received": 0, "overdue": 1, "backlog": 1},
        (TH, MAY): {"overdue": 1},
        (WX, MAY): {"overdue": 0},
    }),
    "month edges at 23:59:59 and 00:00:00": Row(month_edges, {
        (DC, MARCH): {"received": 3, "concluded": 1, "resolved": 1, "settled": 1,
                      "settlement_rate": 0.3333, "overdue": 0},
        (DC, APRIL): {"received": 1, "concluded": 1, "resolved": 1, "settled": 0,
                      "settlement_rate": 0.0},
    }),
    # Withdrawn: no outcome; unresolved and closed are concluded states.
    "withdrawn, unresolved and closed": Row(withdrawn_and_failed, {
        (DC, MARCH): {"received": 3, "concluded": 2, "resolved": 1, "resolution_rate": 0.5,
                      "settled": 2, "settlement_rate": 0.6667, "overdue": 0},
    }),
    "a follow-up stays where the case was when it was done": Row(follow_up_then_reopened_and_transferred, {
        (DC, MARCH): {"follow_ups_rated": 1, "follow_ups_satisfied": 1, "satisfaction_rate": 1.0,
                      "concluded": 1},
        (WX, MARCH): {"follow_ups_rated": 0, "satisfaction_rate": None, "concluded": 0},
        (TH, MARCH): {"follow_ups_rated": 1},
    }),
    "repeat call whatever the linking order": Row(calls_linked_later_first, {
        (DC, MARCH): {"incidents_linked": 2, "repeat_calls": 1, "repeat_call_rate": 0.5},
    }),
    # February's call is the first; both March calls are repeats; the unlinked
    # call is not counted.
    "repeat calls across months": Row(calls_across_months, {
        (DC, M(2)): {"incidents_linked": 1, "repeat_calls": 0, "repeat_call_rate": 0.0},
        (DC, MARCH): {"incidents_linked": 2, "repeat_calls": 2, "repeat_call_rate": 1.0},
        (DC, APRIL): {"incidents_linked": 0, "repeat_calls": 0, "repeat_call_rate": None},
    }),
    # March: R1 (never answered) and R4 (answered 30 s after the month) are overdue;
    # R2 answered 23:00 on the 31st, R5 declined, R3 due only on 4-01.
    # April: R1 and R3 remain unanswered and due.
    "requests due on the month's last day": Row(requests_due_on_the_last_day, {
        (DC, MARCH): {("enterprises", "requests_overdue"): 2,
                      ("enterprises", "requests_received"): 5},
        (DC, APRIL): {("enterprises", "requests_overdue"): 2,
                      ("enterprises", "requests_resolved"): 1},
        (TH, MARCH): {("enterprises", "requests_overdue"): 2},
    }),
    # The sub-bureau's alliance walking 东城's streets counts at 东城; the patrol at
    # 00:00:00 on 4-01 is April's, at 五星.
    "a sub-bureau alliance patrols a station": Row(sub_bureau_alliance_patrols_a_station, {
        (DC, MARCH): {("volunteers", "patrols_done"): 1, ("volunteers", "patrol_attendances"): 2,
                      ("volunteers", "patrol_hours"): 4.0},
        (WX, MARCH): {("volunteers", "patrols_done"): 0},
        (TH, MARCH): {("volunteers", "patrols_done"): 1, ("volunteers", "patrol_hours"): 4.0},
        (WX, APRIL): {("volunteers", "patrols_done"): 1, ("volunteers", "patrol_hours"): 1.0},
        (DC, APRIL): {("volunteers", "patrols_done"): 0},
        (LW, MARCH): {("volunteers", "patrols_done"): 0},
    }),
}


def _value(data, key):
    if isinstance(key, tuple):
        return data[key[0]][key[1]]
    return data[key]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(world, name):
    row = SCENARIOS[name]
    row.story(world)
    for (unit_name, month), expected in row.expected.items():
        period = Period(getattr(world, unit_name), month)
        data = figures.all_figures(period)
        got = {key: _value(data, key) for key in expected}
        assert got == pytest.approx(expected), (unit_name, f"{month:%Y-%m}")
        # Every count opens the same records it counts.
        for key, value in expected.items():
            drill = key[1] if isinstance(key, tuple) else key
            drill = {"patrols_done": "patrols_done", "patrol_attendances": "patrol_attendances"}.get(
                drill, drill)
            if drill in figures.RECORDS or drill in figures.SECTION_RECORDS:
                assert figures.records(drill, period).count() == value, (unit_name, month, drill)


def test_the_repeat_flag_follows_the_calls_times(world):
    calls_linked_later_first(world)
    assert Incident.objects.get(number="110-0320").is_repeat is True
    assert Incident.objects.get(number="110-0304").is_repeat is False


# ------------------------------------------------------------- snapshots and changes


def _report(unit, month):
    report, _ = MonthlyReport.objects.get_or_create(
        unit=unit, month=month, defaults={"requested_at": sh(month.month, 1)}
    )
    return report_generate(report_id=report.pk)


def test_a_regenerated_old_month_equals_its_snapshot_after_a_transfer(world):
    s = Story(world, at=world.dongcheng, received=sh(3, 10)).assess(sh(3, 10, 11))
    Story(world, at=world.dongcheng, received=sh(3, 12)).settle_quickly(sh(3, 12, 11), sh(3, 20))
    before = {u: _report(getattr(world, u), MARCH).figures for u in (DC, WX, TH)}
    s.transfer(sh(4, 20), world.wuxing)        # April's transfer must not rewrite March
    after = {u: _report(getattr(world, u), MARCH).figures for u in (DC, WX, TH)}
    assert after == before
    assert (before[DC]["received"], before[DC]["overdue"], before[WX]["received"]) == (2, 1, 0)


def test_year_on_year_before_the_first_record_is_no_data(world):
    Story(world, at=world.dongcheng, received=sh(2, 10)).settle_quickly(sh(2, 10, 11), sh(2, 12))
    Story(world, at=world.dongcheng, received=sh(3, 10)).settle_quickly(sh(3, 10, 11), sh(3, 12))
    Story(world, at=world.dongcheng, received=sh(3, 11))
    change = _report(world.dongcheng, MARCH).figures["change"]
    mom, yoy = change["month_on_month"], change["year_on_year"]
    assert (mom["received"], mom["concluded"], mom["resolution_rate"]) == (1, 0, 0.0)
    assert mom["settlement_rate"] == pytest.approx(0.5 - 1.0)
    assert mom["by_track"]["immediate"]["received"] == 0
    assert mom["by_category"]["neighbourhood"]["received"] == 1
    # March 2025 lies before the first record of 东城's subtree: nothing to compare.
    assert all(yoy[key] is None for key in figures.COMPARED)
    assert all(v is None for v in yoy["volunteers"].values())
    assert all(v is None for entry in yoy["by_track"].values() for v in entry.values())
    # 五星 has no record at all: month on month is no data too, never ▲.
    change = _report(world.wuxing, MARCH).figures["change"]
    assert change["month_on_month"]["received"] is None


def test_rate_with_an_empty_denominator_then_is_no_data(world):
    Story(world, at=world.dongcheng, received=sh(2, 10))                       # February: open
    Story(world, at=world.dongcheng, received=sh(3, 10)).settle_quickly(sh(3, 10, 11), sh(3, 12))
    mom = _report(world.dongcheng, MARCH).figures["change"]["month_on_month"]
    assert mom["resolution_rate"] is None      # nothing concluded in February
    assert mom["concluded"] == 1


def test_month_on_month_comes_from_the_records_not_a_stale_snapshot(world):
    Story(world, at=world.dongcheng, received=sh(2, 10))
    _report(world.dongcheng, M(2))             # February's snapshot: 1 received
    # Later, a case received in February is entered late, in March.
    Story(world, at=world.dongcheng, received=sh(2, 20), registered=sh(3, 5))
    Story(world, at=world.dongcheng, received=sh(3, 10))
    mom = _report(world.dongcheng, MARCH).figures["change"]["month_on_month"]
    assert mom["received"] == 1 - 2


def test_the_calls_list_marks_repeats_by_the_same_rule(client, world):
    from django.urls import reverse

    from tests.conftest import login

    calls_linked_later_first(world)
    report = _report(world.dongcheng, MARCH)
    # Whatever the stored flags say, the list marks what the count counted.
    Incident.objects.update(is_repeat=False)
    login(client, world.supervisor)
    response = client.get(reverse("reports:records", args=[report.pk, "repeat_calls"]))
    assert [call.number for call in response.context["page_obj"]] == ["110-0320"]
    assert response.context["page_obj"][0].repeat is True
