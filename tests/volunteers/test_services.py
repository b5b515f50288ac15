"""Volunteer services: patrols and attendance, tips, figures — and bad input."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from disputes.models import Source
from disputes.services import PartyData
from tests.volunteers.conftest import at, patrol, tip
from units.errors import TransitionError
from volunteers import selectors, services
from volunteers.models import Patrol, PatrolAttendance, Tip


def test_sign_up_check_in_check_out_gives_hours(vw):
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen)
    p.refresh_from_db()
    assert p.status == Patrol.Status.UNDER_WAY
    attendance = services.attendance_check_out(actor=vw.coord, patrol=p, volunteer=vw.chen)
    assert attendance.checked_out_at >= attendance.checked_in_at
    assert attendance.hours is not None


def test_check_out_before_check_in_is_refused(vw):
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    with pytest.raises(TransitionError):
        services.attendance_check_out(actor=vw.coord, patrol=p, volunteer=vw.chen)
    assert PatrolAttendance.objects.get().checked_out_at is None


def test_second_check_in_is_refused(vw):
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    first = services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen).checked_in_at
    with pytest.raises(TransitionError):
        services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen)
    assert PatrolAttendance.objects.get().checked_in_at == first


def test_sign_up_beyond_needed_is_refused(vw):
    p = patrol(vw, needed=1)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    with pytest.raises(TransitionError) as error:
        services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.liu)
    assert error.value.code == "patrol_full"
    assert p.attendances.count() == 1


def test_sign_up_after_patrol_ended_is_refused(vw):
    p = patrol(vw, starts=at(hours=-5), hours=2)
    with pytest.raises(TransitionError) as error:
        services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    assert error.value.code == "patrol_ended"
    assert not p.attendances.exists()


def test_one_volunteer_in_two_overlapping_patrols_is_refused(vw):
    first = patrol(vw, starts=at(hours=1), hours=3)
    second = patrol(vw, starts=at(hours=2), hours=3)
    later = patrol(vw, starts=at(hours=4), hours=1)
    services.patrol_sign_up(actor=vw.coord, patrol=first, volunteer=vw.chen)
    with pytest.raises(ValidationError) as error:
        services.patrol_sign_up(actor=vw.coord, patrol=second, volunteer=vw.chen)
    assert "volunteer" in error.value.message_dict
    services.patrol_sign_up(actor=vw.coord, patrol=later, volunteer=vw.chen)
    assert vw.chen.attendances.count() == 2


def test_only_members_of_the_alliance_sign_up(vw):
    with pytest.raises(ValidationError):
        services.patrol_sign_up(actor=vw.coord, patrol=patrol(vw), volunteer=vw.zhou)


def test_patrol_must_end_after_it_starts(vw):
    with pytest.raises(ValidationError) as error:
        patrol(vw, hours=0)
    assert "ends_at" in error.value.message_dict


def test_complete_closes_open_attendances_and_refuses_more(vw):
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen)
    services.patrol_complete(actor=vw.coord, patrol=p, report="一切正常")
    assert p.status == Patrol.Status.DONE
    assert PatrolAttendance.objects.get().checked_out_at is not None
    with pytest.raises(TransitionError):
        services.patrol_cancel(actor=vw.coord, patrol=p)
    with pytest.raises(TransitionError):
        services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen)


def test_coordinator_of_other_sub_bureau_cannot_touch_patrol(vw):
    p = patrol(vw)
    with pytest.raises(Http404):
        services.patrol_sign_up(actor=vw.coord_yd, patrol=p, volunteer=vw.chen)


def test_convert_dispute_tip_registers_linked_dispute_once(vw):
    t = tip(vw)
    dispute = services.tip_convert(
        actor=vw.w.officer, tip=t, title="楼道堆物纠纷", category="neighbourhood",
        parties=[PartyData(name="甲", role="applicant", phone="13900002222")],
    )
    t.refresh_from_db()
    assert t.status == Tip.Status.CONVERTED and t.dispute == dispute
    assert dispute.tip == t
    assert dispute.source == Source.VOLUNTEER_TIP and dispute.unit == vw.w.dongcheng
    assert t.handled_by == vw.w.officer
    with pytest.raises(TransitionError) as error:
        services.tip_convert(actor=vw.w.officer, tip=t, title="x", category="other",
                             parties=[PartyData(name="乙", role="applicant")])
    assert error.value.code == "already_converted"
    assert vw.w.dongcheng.disputes.count() == 1


def test_convert_from_beat_registers_at_its_station(vw):
    t = tip(vw, unit=vw.w.dc_beat)
    dispute = services.tip_convert(actor=vw.w.officer, tip=t, title="t", category="other",
                                   parties=[PartyData(name="甲", role="applicant")])
    assert dispute.unit == vw.w.dongcheng and dispute.beat == vw.w.dc_beat


def test_tip_of_another_kind_does_not_convert(vw):
    t = tip(vw, kind="safety_hazard")
    with pytest.raises(TransitionError) as error:
        services.tip_convert(actor=vw.w.officer, tip=t, title="t", category="other",
                             parties=[PartyData(name="甲", role="applicant")])
    assert error.value.code == "not_a_dispute_tip"
    t.refresh_from_db()
    assert t.status == Tip.Status.NEW and not vw.w.dongcheng.disputes.exists()


def test_failed_registration_leaves_tip_unconverted(vw):
    t = tip(vw)
    with pytest.raises(ValidationError):
        services.tip_convert(actor=vw.w.officer, tip=t, title="t", category="other",
                             parties=[PartyData(name="甲", role="applicant", phone="123")])
    t.refresh_from_db()
    assert t.status == Tip.Status.NEW and t.dispute is None
    assert not vw.w.dongcheng.disputes.exists()


def test_officer_of_other_station_cannot_handle_tip(vw):
    with pytest.raises(Http404):
        services.tip_verify(actor=vw.w.officer2, tip=tip(vw))


def test_reject_needs_a_reason_and_verified_cannot_be_verified_again(vw):
    t = tip(vw)
    with pytest.raises(ValidationError):
        services.tip_reject(actor=vw.w.officer, tip=t, note=" ")
    services.tip_verify(actor=vw.w.officer, tip=t)
    with pytest.raises(TransitionError):
        services.tip_verify(actor=vw.w.officer, tip=t)
    services.tip_reject(actor=vw.w.officer, tip=t, note="查无此事")
    assert t.status == Tip.Status.REJECTED


def test_tip_selectors_are_scoped(vw):
    own = tip(vw)
    other = tip(vw, unit=vw.w.louwang, alliance=vw.shuixiang, by=vw.coord_yd)
    assert list(selectors.tip_list(user=vw.w.officer)) == [own]
    assert list(selectors.tips_for_officer_home(user=vw.w.officer)) == [own]
    assert list(selectors.tip_list(user=vw.w.outsider)) == [other]
    assert set(selectors.tip_list(user=vw.w.supervisor)) == {own}
    assert not selectors.tip_list(user=vw.w.officer2).exists()


def test_figures_with_known_answers(vw, django_assert_max_num_queries):
    start = at(hours=-4)
    p = patrol(vw, starts=start, hours=3, needed=3)
    for v in (vw.chen, vw.liu):
        PatrolAttendance.objects.create(
            patrol=p, volunteer=v, signed_up_at=start - datetime.timedelta(days=1),
            checked_in_at=start, checked_out_at=start + datetime.timedelta(hours=2, minutes=30),
        )
    Patrol.objects.filter(pk=p.pk).update(status=Patrol.Status.DONE)
    services.outreach_record(actor=vw.coord, alliance=vw.dongting, date=timezone.localdate(),
                             theme="anti_fraud", place="东城社区", volunteers=[vw.chen, vw.liu],
                             households_reached=120, people_reached=300)
    services.outreach_record(actor=vw.coord, alliance=vw.wanjia, date=timezone.localdate(),
                             theme="fire_safety", place="五星社区", volunteers=[vw.zhou],
                             households_reached=30, people_reached=40)
    t1, t2, _t3 = tip(vw), tip(vw, kind="crime_lead"), tip(vw)
    services.tip_convert(actor=vw.w.officer, tip=t1, title="t", category="other",
                         parties=[PartyData(name="甲", role="applicant")])
    services.tip_reject(actor=vw.w.officer, tip=t2, note="无")
    tip(vw, unit=vw.w.louwang, alliance=vw.shuixiang, by=vw.coord_yd)  # other sub-bureau
    today = timezone.localdate()
    with django_assert_max_num_queries(8):
        figures = selectors.volunteer_figures(unit=vw.w.tinghu, start=today - datetime.timedelta(days=1), end=today)
    assert figures == {
        "active_volunteers": 3, "patrols_done": 1, "patrol_attendances": 2, "patrol_hours": 5.0,
        "outreach_sessions": 2, "outreach_attendances": 3, "households_reached": 150,
        "people_reached": 340, "tips_received": 3, "tips_verified": 1, "tips_converted": 1,
        "tips_rejected": 1, "tips_pending": 1,
    }
    alliance = selectors.volunteer_figures(alliance=vw.wanjia, start=today, end=today)
    assert alliance["active_volunteers"] == 1 and alliance["households_reached"] == 30
    assert alliance["patrol_attendances"] == 0 and alliance["tips_received"] == 0
    long_ago = selectors.volunteer_figures(unit=vw.w.tinghu, start=datetime.date(2020, 1, 1),
                                           end=datetime.date(2020, 1, 31))
    assert long_ago["patrol_attendances"] == 0 and long_ago["tips_received"] == 0
