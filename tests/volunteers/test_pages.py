"""Volunteer pages: each flow, the refusals shown as messages, scope, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.volunteers.conftest import at, patrol, tip
from volunteers import services
from volunteers.models import Alliance, Patrol, PatrolAttendance, Tip, Volunteer


def test_alliance_list_shows_subtree_only(client, vw):
    response = login(client, vw.coord).get(reverse("volunteers:alliance_list"))
    assert response.status_code == 200
    assert "东亭有义平安联盟" in response.text and "万家卫士志愿联盟" in response.text
    assert "水乡平安服务队" not in response.text


def test_coordinator_gets_404_for_alliance_of_other_sub_bureau(client, vw):
    login(client, vw.coord)
    assert client.get(vw.shuixiang.get_absolute_url()).status_code == 404
    assert client.get(reverse("volunteers:alliance_edit", args=[vw.shuixiang.pk])).status_code == 404
    assert client.get(vw.wu.get_absolute_url()).status_code == 404
    p = patrol(vw, alliance=vw.shuixiang, by=vw.coord_yd)
    assert client.get(p.get_absolute_url()).status_code == 404
    response = client.post(reverse("volunteers:patrol_sign_up", args=[p.pk]), {"volunteer": vw.wu.pk})
    assert response.status_code == 404
    assert not p.attendances.exists()


def test_roster_shows_masked_phones_and_figures(client, vw):
    response = login(client, vw.coord).get(vw.dongting.get_absolute_url())
    assert response.status_code == 200
    assert "陈一" in response.text and "138****0001" in response.text
    assert "13812340001" not in response.text
    assert response.context["figures"]["active_volunteers"] == 2


def test_create_alliance_and_add_member(client, vw):
    login(client, vw.coord)
    response = client.post(reverse("volunteers:alliance_create"), {
        "name": "益海志愿联盟", "unit": vw.w.wuxing.pk, "focus": "anti_fraud", "active": "on",
        "coordinators": [vw.coord.pk],
    })
    alliance = Alliance.objects.get(name="益海志愿联盟")
    assert response.status_code == 302 and alliance.unit == vw.w.wuxing
    response = client.post(reverse("volunteers:membership_add", args=[alliance.pk]), {
        "volunteer": vw.zhou.pk, "role": "leader", "joined_on": "2024-05-01",
    })
    assert response.status_code == 302
    assert alliance.memberships.get().role == "leader"


def test_coordinator_cannot_create_alliance_outside_subtree(client, vw):
    response = login(client, vw.coord).post(reverse("volunteers:alliance_create"), {
        "name": "x", "unit": vw.w.louwang.pk, "focus": "patrol",
    })
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Alliance.objects.filter(name="x").exists()


def test_volunteer_profile_shows_history(client, vw):
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    t = tip(vw, volunteer=vw.chen)
    response = login(client, vw.coord).get(vw.chen.get_absolute_url())
    assert response.status_code == 200
    assert response.context["attendances"][0].patrol == p
    assert list(response.context["tips"]) == [t]
    assert "13812340001" not in response.text


def test_new_volunteer_with_duplicate_phone_is_refused(client, vw):
    response = login(client, vw.coord).post(reverse("volunteers:volunteer_create"), {
        "name": "重复", "phone": "13812340001", "unit": vw.w.dongcheng.pk, "active": "on",
    })
    assert response.status_code == 200 and "phone" in response.context["form"].errors
    assert Volunteer.objects.filter(phone="13812340001").count() == 1


def test_week_calendar_marks_understaffed(client, vw):
    monday = datetime.date(2030, 3, 4)
    starts = datetime.datetime(2030, 3, 6, 19, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    p = patrol(vw, starts=starts, needed=3)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    response = login(client, vw.coord).get(reverse("volunteers:patrol_week"), {"week": "2030-03-06"})
    assert response.status_code == 200
    days = response.context["days"]
    assert len(days) == 7 and days[0]["date"] == monday
    [shown] = days[2]["patrols"]
    assert shown == p and shown.signed_up == 1 and shown.understaffed
    assert "Understaffed" in response.text or "人手不足" in response.text or "badge text-bg-danger" in response.text


def test_check_in_sheet_flow_and_refusals(client, vw):
    p = patrol(vw)
    login(client, vw.coord)
    client.post(reverse("volunteers:patrol_sign_up", args=[p.pk]), {"volunteer": vw.chen.pk})
    attendance = PatrolAttendance.objects.get(patrol=p, volunteer=vw.chen)
    url = lambda action: reverse("volunteers:patrol_attendance", args=[p.pk, attendance.pk, action])  # noqa: E731
    response = client.post(url("check_out"), follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    attendance.refresh_from_db()
    assert attendance.checked_out_at is None
    assert client.post(url("check_in")).status_code == 302
    response = client.post(url("check_in"), follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assert client.post(url("check_out")).status_code == 302
    attendance.refresh_from_db()
    assert attendance.checked_in_at and attendance.checked_out_at
    response = client.post(reverse("volunteers:patrol_complete", args=[p.pk]), {"report": ""})
    assert response.status_code == 200 and response.context["complete_form"].errors
    client.post(reverse("volunteers:patrol_complete", args=[p.pk]), {"report": "平安无事"})
    p.refresh_from_db()
    assert p.status == Patrol.Status.DONE and p.report == "平安无事"


def test_sign_up_to_full_patrol_shows_message(client, vw):
    p = patrol(vw, needed=1)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    response = login(client, vw.coord).post(
        reverse("volunteers:patrol_sign_up", args=[p.pk]), {"volunteer": vw.liu.pk}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert p.attendances.count() == 1


def test_officer_sees_and_converts_tip_of_own_station(client, vw):
    t = tip(vw)
    login(client, vw.w.officer)
    assert client.get(t.get_absolute_url()).status_code == 200
    response = client.post(reverse("volunteers:tip_convert", args=[t.pk]), {
        "title": "楼道堆物纠纷", "category": "neighbourhood", "place": "", "summary": "",
        "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1", "parties-MAX_NUM_FORMS": "20",
        "parties-0-name": "甲", "parties-0-role": "applicant", "parties-0-phone": "13900002222",
    })
    t.refresh_from_db()
    assert response.status_code == 302 and response.url == t.dispute.get_absolute_url()
    assert t.status == Tip.Status.CONVERTED
    response = client.get(t.get_absolute_url())
    assert t.dispute.reference in response.text and not response.context["can_convert"]
    # The link the other way: the dispute's page shows the tip it came from.
    page = client.get(t.dispute.get_absolute_url())
    assert reverse("volunteers:tip_detail", args=[t.pk]) in page.text
    assert page.context["tip"] == t


def test_officer_home_lists_tips_of_own_station_only(client, vw):
    t = tip(vw)
    login(client, vw.w.officer)
    page = client.get("/")
    assert reverse("volunteers:tip_detail", args=[t.pk]) in page.text
    assert page.context["tips_count"] == 1
    login(client, vw.w.officer2)
    assert client.get("/").context["tips_count"] == 0


def test_convert_without_party_saves_nothing(client, vw):
    t = tip(vw)
    response = login(client, vw.w.officer).post(reverse("volunteers:tip_convert", args=[t.pk]), {
        "title": "t", "category": "other",
        "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1", "parties-MAX_NUM_FORMS": "20",
    })
    assert response.status_code == 200
    t.refresh_from_db()
    assert t.status == Tip.Status.NEW and t.dispute is None


def test_converting_tip_of_other_kind_shows_message(client, vw):
    t = tip(vw, kind="livelihood")
    response = login(client, vw.w.officer).post(reverse("volunteers:tip_convert", args=[t.pk]), {
        "title": "t", "category": "other",
        "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1", "parties-MAX_NUM_FORMS": "20",
        "parties-0-name": "甲", "parties-0-role": "applicant",
    })
    assert response.status_code == 200
    assert response.context["convert_form"].non_field_errors()
    t.refresh_from_db()
    assert t.status == Tip.Status.NEW


def test_officer_gets_404_for_tip_of_other_station(client, vw):
    t = tip(vw)
    login(client, vw.w.officer2)
    assert client.get(t.get_absolute_url()).status_code == 404
    assert client.post(reverse("volunteers:tip_handle", args=[t.pk, "verify"])).status_code == 404
    t.refresh_from_db()
    assert t.status == Tip.Status.NEW


def test_verify_and_reject_pages(client, vw):
    t = tip(vw)
    login(client, vw.w.officer)
    assert client.post(reverse("volunteers:tip_handle", args=[t.pk, "verify"]), {"note": ""}).status_code == 302
    response = client.post(reverse("volunteers:tip_handle", args=[t.pk, "reject"]), {"note": ""})
    assert response.status_code == 200 and response.context["note_form"].errors
    t.refresh_from_db()
    assert t.status == Tip.Status.VERIFIED and t.handled_by == vw.w.officer


def test_coordinator_cannot_handle_tips(client, vw):
    t = tip(vw)
    response = login(client, vw.coord).post(reverse("volunteers:tip_handle", args=[t.pk, "verify"]))
    assert response.status_code == 403


def test_outreach_log_and_create(client, vw):
    login(client, vw.coord)
    response = client.post(reverse("volunteers:outreach_create"), {
        "alliance": vw.dongting.pk, "date": "2024-06-01", "theme": "anti_fraud", "place": "东城社区",
        "volunteers": [vw.chen.pk, vw.liu.pk], "households_reached": "80", "people_reached": "200",
    })
    assert response.status_code == 302
    response = client.get(reverse("volunteers:outreach_list"))
    assert response.status_code == 200
    [item] = response.context["page_obj"]
    assert item.volunteer_count == 2 and item.households_reached == 80


def test_figures_page_for_unit(client, vw):
    login(client, vw.w.supervisor)
    response = client.get(reverse("volunteers:figures"), {"unit": vw.w.tinghu.pk, "start": "2024-01-01", "end": "2030-01-01"})
    assert response.status_code == 200 and response.context["figures"]["active_volunteers"] == 3
    response = client.get(reverse("volunteers:figures"), {"unit": vw.w.louwang.pk})
    assert response.context["figures"] is None


def _make_rows(vw, start, stop):
    for i in range(start, stop):
        a = services.alliance_save(actor=vw.coord, name=f"联盟{i}", unit=vw.w.dongcheng,
                                   focus="patrol", coordinators=[vw.coord])
        v = services.volunteer_save(actor=vw.coord, name=f"志愿者{i}", phone=f"1390000{i:04d}",
                                    unit=vw.w.dongcheng)
        services.membership_save(actor=vw.coord, volunteer=v, alliance=a)
        p = patrol(vw, alliance=a, starts=at(days=1, hours=i % 5))
        services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=v)
        tip(vw, alliance=a)
        services.outreach_record(actor=vw.coord, alliance=a, date=datetime.date(2024, 1, 1),
                                 theme="other", place="x", volunteers=[v])


@pytest.mark.parametrize("name", [
    "alliance_list", "volunteer_list", "patrol_week", "tip_list", "outreach_list",
])
def test_list_page_queries_do_not_grow_with_rows(client, vw, name):
    url = reverse(f"volunteers:{name}")
    params = {"week": at(days=1).date().isoformat()} if name == "patrol_week" else {}
    login(client, vw.coord)
    _make_rows(vw, 0, 1)
    client.get(url, params)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, params).status_code == 200
    _make_rows(vw, 1, 20)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url, params)
        assert response.status_code == 200
    assert len(twenty) == len(one)


@pytest.mark.parametrize("name", [
    "alliance_create", "volunteer_create", "patrol_create", "tip_create", "outreach_create",
    "import", "figures",
])
def test_coordinator_form_pages_render(client, vw, name):
    assert login(client, vw.coord).get(reverse(f"volunteers:{name}")).status_code == 200


def test_detail_and_edit_pages_render(client, vw):
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    login(client, vw.coord)
    for url in (p.get_absolute_url(), reverse("volunteers:alliance_edit", args=[vw.dongting.pk]),
                reverse("volunteers:volunteer_edit", args=[vw.chen.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "13812340001" not in response.text


def test_edit_volunteer_keeps_phone_when_left_empty(client, vw):
    response = login(client, vw.coord).post(reverse("volunteers:volunteer_edit", args=[vw.chen.pk]), {
        "name": "陈一一", "phone": "", "id_number": "", "skills": "摄影", "unit": vw.w.dongcheng.pk,
        "active": "on",
    })
    assert response.status_code == 302
    vw.chen.refresh_from_db()
    assert vw.chen.name == "陈一一" and vw.chen.phone == "13812340001"


def test_supervisor_reads_but_cannot_write(client, vw):
    login(client, vw.w.supervisor)
    assert client.get(vw.dongting.get_absolute_url()).status_code == 200
    assert client.get(reverse("volunteers:alliance_create")).status_code == 403
    assert client.get(reverse("volunteers:tip_list")).status_code == 200
