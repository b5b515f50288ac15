"""Volunteer API: flows, 409 refusals, 400 field errors, 404 scope, masking, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rest_framework.test import APIClient

from tests.conftest import login
from tests.volunteers.conftest import patrol, tip
from tests.volunteers.test_pages import _make_rows
from volunteers.models import Patrol, Tip


def test_patrol_actions_through_api(client, vw):
    p = patrol(vw)
    login(client, vw.coord)
    base = f"/api/patrols/{p.pk}"
    response = client.post(f"{base}/check-out/", {"volunteer": vw.chen.pk}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_signed_up"
    assert client.post(f"{base}/sign-up/", {"volunteer": vw.chen.pk}, content_type="application/json").status_code == 200
    response = client.post(f"{base}/check-out/", {"volunteer": vw.chen.pk}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_checked_in"
    assert client.post(f"{base}/check-in/", {"volunteer": vw.chen.pk}, content_type="application/json").status_code == 200
    assert client.post(f"{base}/check-in/", {"volunteer": vw.chen.pk}, content_type="application/json").status_code == 409
    response = client.post(f"{base}/check-out/", {"volunteer": vw.chen.pk}, content_type="application/json")
    assert response.status_code == 200
    [row] = response.json()["attendances"]
    assert row["volunteer"]["phone_masked"] == "138****0001" and row["checked_out_at"]
    response = client.post(f"{base}/complete/", {"report": ""}, content_type="application/json")
    assert response.status_code == 400 and "report" in response.json()
    assert client.post(f"{base}/complete/", {"report": "ok"}, content_type="application/json").status_code == 200
    assert client.post(f"{base}/cancel/", {}, content_type="application/json").status_code == 409
    p.refresh_from_db()
    assert p.status == Patrol.Status.DONE


def test_create_patrol_with_bad_times_is_400(client, vw):
    response = login(client, vw.coord).post("/api/patrols/", {
        "alliance": vw.dongting.pk, "unit": vw.w.dongcheng.pk, "area": "x",
        "starts_at": "2030-01-01T20:00:00+08:00", "ends_at": "2030-01-01T19:00:00+08:00",
        "volunteers_needed": 2,
    }, content_type="application/json")
    assert response.status_code == 400 and "ends_at" in response.json()


def test_scope_other_sub_bureau_is_404(client, vw):
    other = patrol(vw, alliance=vw.shuixiang, by=vw.coord_yd)
    login(client, vw.coord)
    assert client.get(f"/api/alliances/{vw.shuixiang.pk}/").status_code == 404
    assert client.get(f"/api/volunteers/{vw.wu.pk}/").status_code == 404
    assert client.get(f"/api/patrols/{other.pk}/").status_code == 404
    response = client.post(f"/api/patrols/{other.pk}/sign-up/", {"volunteer": vw.wu.pk}, content_type="application/json")
    assert response.status_code == 404
    names = [a["name"] for a in client.get("/api/alliances/").json()["results"]]
    assert sorted(names) == sorted(["东亭有义平安联盟", "万家卫士志愿联盟"])


def test_volunteers_api_masks_personal_data(client, vw):
    response = login(client, vw.coord).post("/api/volunteers/", {
        "name": "新人", "phone": "13700001111", "id_number": "320902199001011236",
        "unit": vw.w.dongcheng.pk,
    }, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["phone_masked"] == "137****1111" and body["id_number_masked"] == "320902********1236"
    assert "13700001111" not in response.content.decode()
    listing = client.get("/api/volunteers/").content.decode()
    assert "13812340001" not in listing and "138****0001" in listing
    response = client.post("/api/volunteers/", {"name": "x", "phone": "12345", "unit": vw.w.dongcheng.pk},
                           content_type="application/json")
    assert response.status_code == 400 and "phone" in response.json()


def test_tip_convert_through_api_once(client, vw):
    t = tip(vw)
    login(client, vw.w.officer)
    body = {"title": "楼道堆物纠纷", "category": "neighbourhood",
            "parties": [{"name": "甲", "role": "applicant", "phone": "13900002222"}]}
    response = client.post(f"/api/tips/{t.pk}/convert/", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "converted" and response.json()["dispute"]["reference"]
    response = client.post(f"/api/tips/{t.pk}/convert/", body, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "already_converted"
    other = tip(vw, kind="crime_lead")
    response = client.post(f"/api/tips/{other.pk}/convert/", body, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_a_dispute_tip"
    response = client.post(f"/api/tips/{tip(vw).pk}/convert/", {**body, "parties": []}, content_type="application/json")
    assert response.status_code == 400
    assert vw.w.dongcheng.disputes.count() == 1


def test_officer_sees_only_tips_of_subtree(client, vw):
    own = tip(vw)
    other = tip(vw, unit=vw.w.louwang, alliance=vw.shuixiang, by=vw.coord_yd)
    login(client, vw.w.officer)
    assert [t["id"] for t in client.get("/api/tips/").json()["results"]] == [own.pk]
    assert client.get(f"/api/tips/{other.pk}/").status_code == 404
    assert client.post(f"/api/tips/{other.pk}/verify/", {}, content_type="application/json").status_code == 404
    login(client, vw.w.officer2)
    assert client.get("/api/tips/").json()["count"] == 0
    assert client.post(f"/api/tips/{own.pk}/reject/", {"note": "x"}, content_type="application/json").status_code == 404
    own.refresh_from_db()
    assert own.status == Tip.Status.NEW


def test_tips_filter_by_status(client, vw):
    t = tip(vw)
    tip(vw)
    login(client, vw.w.officer)
    client.post(f"/api/tips/{t.pk}/verify/", {}, content_type="application/json")
    assert [x["id"] for x in client.get("/api/tips/?status=verified").json()["results"]] == [t.pk]


def test_outreach_api(client, vw):
    login(client, vw.coord)
    response = client.post("/api/outreach/", {
        "alliance": vw.dongting.pk, "date": "2024-06-01", "theme": "anti_fraud", "place": "东城社区",
        "volunteers": [vw.chen.pk], "households_reached": 10, "people_reached": 25,
    }, content_type="application/json")
    assert response.status_code == 201 and response.json()["volunteer_count"] == 1
    response = client.post("/api/outreach/", {
        "alliance": vw.dongting.pk, "date": "2024-06-01", "theme": "anti_fraud", "place": "x",
        "volunteers": [vw.zhou.pk],
    }, content_type="application/json")
    assert response.status_code == 400 and "volunteers" in response.json()


@pytest.mark.parametrize("endpoint", ["alliances", "volunteers", "patrols", "tips", "outreach"])
def test_list_endpoint_queries_do_not_grow_with_rows(client, vw, endpoint):
    login(client, vw.coord)
    _make_rows(vw, 0, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/api/{endpoint}/").status_code == 200
    _make_rows(vw, 1, 20)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(f"/api/{endpoint}/").status_code == 200
    assert len(twenty) == len(one)


def test_schema_lists_volunteer_endpoints(client, vw):
    response = login(client, vw.coord).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/alliances/", "/api/patrols/{id}/sign-up/", "/api/tips/{id}/convert/", "/api/outreach/"):
        assert path in text


def test_coordinator_adds_and_removes_a_member_through_the_api(vw):
    from volunteers.models import Membership

    client = APIClient()
    client.force_authenticate(vw.coord)
    url = f"/api/alliances/{vw.dongting.pk}/members/"
    response = client.post(url, {"volunteer": vw.zhou.pk, "role": "member"}, format="json")
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(alliance=vw.dongting, volunteer=vw.zhou)
    future = client.post(url, {"volunteer": vw.zhou.pk, "joined_on": "2999-01-01"}, format="json")
    assert future.status_code == 400 and "joined_on" in future.json()

    response = client.post(f"{url}{membership.pk}/remove/")
    assert response.status_code == 200 and response.json()["id"] == vw.dongting.pk
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_members_of_another_units_alliance_are_404_and_officers_get_403(vw, world):
    outsider = APIClient()
    outsider.force_authenticate(vw.coord_yd)
    url = f"/api/alliances/{vw.dongting.pk}/members/"
    assert outsider.post(url, {"volunteer": vw.wu.pk}, format="json").status_code == 404
    officer = APIClient()
    officer.force_authenticate(world.officer)
    assert officer.post(url, {"volunteer": vw.liu.pk}, format="json").status_code in (403, 404)
