"""Patrol attendance corrections (issue 11 point 10): corrected times with a
reason kept in the history, undoing a check-out within 15 minutes, and the
sheet offering only what the server accepts — the same refusals as 409s in
the API and messages on the page."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.volunteers.conftest import at, patrol
from volunteers import services
from volunteers.models import Patrol, PatrolAttendance

JSON = "application/json"


def _checked_in(vw, **kwargs):
    """A patrol that started an hour ago (three hours long), 陈一 checked in."""
    p = patrol(vw, **kwargs)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen)
    return p


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _correct(client, p, **data):
    return client.post(f"/api/patrols/{p.pk}/correct-attendance/",
                       {"volunteer": p.attendances.get().volunteer_id, **data}, content_type=JSON)


# Corrections ---------------------------------------------------------------------------


def test_correction_sets_the_times_and_keeps_the_reason_in_history(client, vw):
    p = _checked_in(vw)
    came, left = p.starts_at + datetime.timedelta(minutes=5), p.starts_at + datetime.timedelta(minutes=50)
    response = _correct(login(client, vw.coord), p, checked_in_at=came.isoformat(),
                        checked_out_at=left.isoformat(), reason="纸质签到表 19:05")
    assert response.status_code == 200
    [row] = response.json()["attendances"]
    assert row["hours"] == 0.75  # 45 minutes
    attendance = p.attendances.get()
    assert (attendance.checked_in_at, attendance.checked_out_at) == (came, left)
    assert attendance.history.latest().history_change_reason == "纸质签到表 19:05"
    # The supervisor reads who changed what, and why, on the patrol's history page.
    page = login(client, vw.w.supervisor).get(reverse("history", args=["patrol", p.pk]))
    assert page.status_code == 200 and "纸质签到表 19:05" in page.text


def test_correction_needs_a_reason(client, vw):
    p = _checked_in(vw)
    response = _correct(login(client, vw.coord), p, checked_in_at=p.starts_at.isoformat(),
                        reason="  ")
    assert response.status_code == 400 and "reason" in response.json()
    assert p.attendances.get().checked_in_at != p.starts_at


def test_correction_times_are_checked_against_the_patrol(client, vw):
    p = _checked_in(vw)  # 09:00–12:00 say; now is 10:00
    login(client, vw.coord)
    too_early = p.starts_at - datetime.timedelta(hours=1, minutes=1)
    response = _correct(client, p, checked_in_at=too_early.isoformat(), reason="x")
    assert response.status_code == 400 and "checked_in_at" in response.json()
    # Check-out before check-in.
    response = _correct(client, p, checked_in_at=(p.starts_at + datetime.timedelta(minutes=30)).isoformat(),
                        checked_out_at=(p.starts_at + datetime.timedelta(minutes=10)).isoformat(),
                        reason="x")
    assert response.status_code == 400 and "checked_out_at" in response.json()
    # Check-out still to come.
    response = _correct(client, p, checked_in_at=p.starts_at.isoformat(),
                        checked_out_at=at(hours=1).isoformat(), reason="x")
    assert response.status_code == 400 and "checked_out_at" in response.json()
    # Exactly an hour early is allowed.
    edge = p.starts_at - datetime.timedelta(hours=1)
    assert _correct(client, p, checked_in_at=edge.isoformat(), reason="x").status_code == 200


def test_a_done_patrol_is_corrected_with_both_times_up_to_three_hours_after_its_end(client, vw):
    # Moved back to five hours ago, two hours long: it ended three hours ago.
    p = _checked_in(vw)
    Patrol.objects.filter(pk=p.pk).update(starts_at=at(hours=-5), ends_at=at(hours=-3))
    PatrolAttendance.objects.filter(patrol=p).update(checked_in_at=at(hours=-5))
    p.refresh_from_db()
    services.patrol_complete(actor=vw.coord, patrol=p, report="平安")
    login(client, vw.coord)
    response = _correct(client, p, checked_in_at=p.starts_at.isoformat(), checked_out_at=None,
                        reason="x")
    assert response.status_code == 400 and "checked_out_at" in response.json()
    late = p.ends_at + datetime.timedelta(hours=3, minutes=1)
    response = _correct(client, p, checked_in_at=p.starts_at.isoformat(),
                        checked_out_at=late.isoformat(), reason="x")
    assert response.status_code == 400 and "checked_out_at" in response.json()
    response = _correct(client, p, checked_in_at=p.starts_at.isoformat(),
                        checked_out_at=p.ends_at.isoformat(), reason="晚点名后补录")
    assert response.status_code == 200
    assert response.json()["attendances"][0]["hours"] == 2.0


def test_planned_and_cancelled_patrols_refuse_corrections_with_409(client, vw):
    planned = patrol(vw, starts=at(days=2))
    services.patrol_sign_up(actor=vw.coord, patrol=planned, volunteer=vw.chen)
    login(client, vw.coord)
    response = _correct(client, planned, checked_in_at=planned.starts_at.isoformat(), reason="x")
    assert response.status_code == 409 and response.json()["code"] == "not_started"
    services.patrol_cancel(actor=vw.coord, patrol=planned, note="暴雨")
    response = _correct(client, planned, checked_in_at=planned.starts_at.isoformat(), reason="x")
    assert response.status_code == 409 and response.json()["code"] == "patrol_cancelled"
    assert planned.attendances.get().checked_in_at is None


def test_correction_page_saves_and_shows_field_errors_in_the_users_language(client, vw):
    p = _checked_in(vw)
    attendance = p.attendances.get()
    url = reverse("volunteers:attendance_correct", args=[p.pk, attendance.pk])
    login(client, vw.coord)
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "checked_in_at": _local(p.starts_at + datetime.timedelta(minutes=30)),
        "checked_out_at": _local(p.starts_at + datetime.timedelta(minutes=10)), "reason": "补录",
    })
    assert response.status_code == 200 and "签退必须晚于签到" in response.text
    response = client.post(url, {
        "checked_in_at": _local(p.starts_at + datetime.timedelta(minutes=10)),
        "checked_out_at": "", "reason": "补录",
    })
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.checked_in_at == p.starts_at + datetime.timedelta(minutes=10)


def test_correction_page_of_a_cancelled_patrol_says_why_and_offers_no_form(client, vw):
    p = patrol(vw, starts=at(days=1))
    attendance = services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    services.patrol_cancel(actor=vw.coord, patrol=p)
    url = reverse("volunteers:attendance_correct", args=[p.pk, attendance.pk])
    login(client, vw.coord)
    response = client.post(url, {"checked_in_at": _local(p.starts_at), "reason": "x"})
    assert response.status_code == 200 and "已取消" in response.text
    assert 'name="reason"' not in response.text
    assert PatrolAttendance.objects.get(pk=attendance.pk).checked_in_at is None


def test_another_sub_bureaus_attendance_cannot_be_corrected(client, vw):
    p = patrol(vw, alliance=vw.shuixiang, by=vw.coord_yd)
    attendance = services.patrol_sign_up(actor=vw.coord_yd, patrol=p, volunteer=vw.wu)
    login(client, vw.coord)
    url = reverse("volunteers:attendance_correct", args=[p.pk, attendance.pk])
    assert client.get(url).status_code == 404
    response = client.post(f"/api/patrols/{p.pk}/correct-attendance/", {
        "volunteer": vw.wu.pk, "checked_in_at": p.starts_at.isoformat(), "reason": "x",
    }, content_type=JSON)
    assert response.status_code in (400, 404)
    assert PatrolAttendance.objects.get(pk=attendance.pk).checked_in_at is None


# Undo a check-out ------------------------------------------------------------------------


def test_check_out_can_be_undone_within_fifteen_minutes(client, vw):
    p = _checked_in(vw)
    services.attendance_check_out(actor=vw.coord, patrol=p, volunteer=vw.chen)
    login(client, vw.coord)
    undo = f"/api/patrols/{p.pk}/undo-check-out/"
    response = client.post(undo, {"volunteer": vw.chen.pk}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["attendances"][0]["checked_out_at"] is None
    response = client.post(undo, {"volunteer": vw.chen.pk}, content_type=JSON)
    assert response.status_code == 409 and response.json()["code"] == "not_checked_out"
    # Out again, pressed sixteen minutes ago: too late, correct the times instead.
    services.attendance_check_out(actor=vw.coord, patrol=p, volunteer=vw.chen)
    PatrolAttendance.objects.filter(patrol=p).update(
        checked_out_recorded_at=timezone.now() - datetime.timedelta(minutes=16))
    response = client.post(undo, {"volunteer": vw.chen.pk}, content_type=JSON)
    assert response.status_code == 409 and response.json()["code"] == "undo_expired"
    assert p.attendances.get().checked_out_at is not None


def test_undo_on_the_page_and_not_after_the_patrol_is_done(client, vw):
    p = _checked_in(vw)
    attendance = p.attendances.get()
    services.attendance_check_out(actor=vw.coord, patrol=p, volunteer=vw.chen)
    login(client, vw.coord)
    page = client.get(p.get_absolute_url())
    undo_url = reverse("volunteers:patrol_attendance", args=[p.pk, attendance.pk, "undo_check_out"])
    assert undo_url in page.text and "15 分钟内可撤销" in page.text
    assert client.post(undo_url).status_code == 302
    attendance.refresh_from_db()
    assert attendance.checked_out_at is None
    services.attendance_check_out(actor=vw.coord, patrol=p, volunteer=vw.chen)
    services.patrol_complete(actor=vw.coord, patrol=p, report="平安")
    page = client.get(p.get_absolute_url())
    assert undo_url not in page.text
    response = client.post(undo_url, follow=True)
    assert "不能再修改" in response.text  # patrol_closed, as a message
    attendance.refresh_from_db()
    assert attendance.checked_out_at is not None


# Actions only when they make sense -----------------------------------------------------


def test_sheet_before_the_patrols_day_offers_no_check_in_or_completion(client, vw):
    p = patrol(vw, starts=at(days=2))
    attendance = services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    page = login(client, vw.coord).get(p.get_absolute_url())
    check_in = reverse("volunteers:patrol_attendance", args=[p.pk, attendance.pk, "check_in"])
    assert check_in not in page.text
    assert reverse("volunteers:patrol_complete", args=[p.pk]) not in page.text
    assert reverse("volunteers:attendance_correct", args=[p.pk, attendance.pk]) not in page.text
    assert "签到将于" in page.text  # when check-in opens
    # The server refuses the same, with a message on the page.
    response = client.post(check_in, follow=True)
    assert "巡防开始前一小时起可签到" in response.text
    assert client.post(f"/api/patrols/{p.pk}/complete/", {"report": "x"},
                       content_type=JSON).json()["code"] == "not_started"


def test_sheet_offers_check_out_only_after_check_in_and_nothing_but_corrections_when_done(client, vw):
    p = patrol(vw)
    attendance = services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    login(client, vw.coord)

    def offered(action):
        page = client.get(p.get_absolute_url()).text
        if action == "correct":
            return reverse("volunteers:attendance_correct", args=[p.pk, attendance.pk]) in page
        return reverse("volunteers:patrol_attendance", args=[p.pk, attendance.pk, action]) in page

    assert offered("check_in") and not offered("check_out") and not offered("correct")
    services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen)
    assert offered("check_out") and offered("correct") and not offered("check_in")
    services.patrol_complete(actor=vw.coord, patrol=p, report="平安")
    assert offered("correct")
    assert not any(offered(a) for a in ("check_in", "check_out", "undo_check_out"))
    assert reverse("volunteers:patrol_complete", args=[p.pk]) not in client.get(p.get_absolute_url()).text


def test_sheet_queries_do_not_grow_with_volunteers(client, vw):
    # A third member keeps the sign-up list non-empty in both reads.
    sun = services.volunteer_save(actor=vw.coord, name="孙五", phone="13812340005",
                                  unit=vw.w.dongcheng)
    services.membership_save(actor=vw.coord, volunteer=sun, alliance=vw.dongting)
    p = patrol(vw, needed=3)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    login(client, vw.coord).get(p.get_absolute_url())  # the session's first read
    with CaptureQueriesContext(connection) as one:
        client.get(p.get_absolute_url())
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.liu)
    services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.liu)
    with CaptureQueriesContext(connection) as two:
        client.get(p.get_absolute_url())
    assert len(two) == len(one)
