"""/api/enterprises/, /api/enterprise-visits/, /api/enterprise-requests/:
scope, masking, nested requests all or nothing, actions answering 409."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from disputes.models import Dispute
from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from tests.enterprises.helpers import (
    days_ago,
    log_visit,
    make_enterprise,
    make_request,
    new_code,
    wrong_check,
)


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _enterprise_payload(world, **kw):
    return {
        "name": "盐城顺达供应链物流有限公司", "credit_code": new_code(), "unit": world.dongcheng.pk,
        "address": "东进路218号", "industry": "logistics", "logistics": True,
        "contact_name": "周经理", "contact_phone": "13912345678", **kw,
    }


def test_list_masks_phone_and_shows_last_visit(world):
    enterprise = make_enterprise(world)
    log_visit(world, enterprise, days=2)
    response = api(world.officer).get("/api/enterprises/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["contact_phone_masked"] == "138****4567"
    assert "contact_phone" not in row
    assert row["last_visit"] == days_ago(2).isoformat()


def test_list_filter_not_visited(world):
    visited = make_enterprise(world, name="甲")
    make_enterprise(world, name="乙")
    log_visit(world, visited, days=1)
    response = api(world.officer).get("/api/enterprises/", {"not_visited_days": 7})
    assert [row["name"] for row in response.json()["results"]] == ["乙"]


def test_list_query_count_does_not_grow(world):
    client = api(world.officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/enterprises/").status_code == 200
        return len(ctx)

    make_enterprise(world, liaison_officer=world.officer)
    one = count()
    for n in range(15):
        make_enterprise(world, name=f"公司{n}", liaison_officer=world.lead)
    assert count() == one


def test_create_enterprise(world):
    response = api(world.officer).post("/api/enterprises/", _enterprise_payload(world), format="json")
    assert response.status_code == 201, response.json()
    enterprise = Enterprise.objects.get()
    assert enterprise.logistics and enterprise.contact_phone == "13912345678"
    assert response.json()["contact_phone_masked"] == "139****5678"


def test_create_with_wrong_check_character_is_400(world):
    payload = _enterprise_payload(world, credit_code=wrong_check(new_code()))
    response = api(world.officer).post("/api/enterprises/", payload, format="json")
    assert response.status_code == 400
    assert "check character" in response.json()["credit_code"][0]
    assert not Enterprise.objects.exists()


def test_create_with_duplicate_credit_code_is_400(world):
    existing = make_enterprise(world)
    payload = _enterprise_payload(world, credit_code=existing.credit_code)
    response = api(world.officer).post("/api/enterprises/", payload, format="json")
    assert response.status_code == 400
    assert "already registered" in response.json()["credit_code"][0]
    assert Enterprise.objects.count() == 1


def test_create_at_another_station_is_400_as_unknown_unit(world):
    response = api(world.officer2).post("/api/enterprises/", _enterprise_payload(world), format="json")
    assert response.status_code == 400
    assert "unit" in response.json()


def test_patch_changes_only_given_fields(world):
    enterprise = make_enterprise(world)
    response = api(world.lead).patch(
        f"/api/enterprises/{enterprise.pk}/", {"active": False}, format="json"
    )
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert not enterprise.active
    assert enterprise.contact_phone == "13851234567"


def test_supervisor_cannot_create_enterprises(world):
    response = api(world.supervisor).post("/api/enterprises/", _enterprise_payload(world), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("user", ["officer2", "outsider"])
def test_other_units_get_404_for_the_enterprise_its_visits_and_requests(world, user):
    enterprise = make_enterprise(world)
    item = make_request(world, enterprise)
    client = api(getattr(world, user))
    assert client.get(f"/api/enterprises/{enterprise.pk}/").status_code == 404
    assert client.patch(f"/api/enterprises/{enterprise.pk}/", {"active": False}).status_code == 404
    assert client.get(f"/api/enterprise-visits/{item.visit_id}/").status_code == 404
    assert client.get(f"/api/enterprise-requests/{item.pk}/").status_code == 404
    for action in ("start", "resolve", "decline", "convert"):
        response = client.post(f"/api/enterprise-requests/{item.pk}/{action}/", {})
        assert response.status_code == 404
    assert client.get("/api/enterprises/").json()["count"] == 0
    assert client.get("/api/enterprise-requests/").json()["count"] == 0
    item.refresh_from_db()
    assert item.status == "open"


def test_supervisor_reads_the_stations_enterprises(world):
    make_enterprise(world)
    make_enterprise(world, unit=world.wuxing, by=world.officer2, name="五星公司")
    make_enterprise(world, unit=world.louwang, by=world.outsider, name="楼王公司")
    response = api(world.supervisor).get("/api/enterprises/")
    assert response.json()["count"] == 2


def _visit_payload(enterprise, **kw):
    today = days_ago(0)
    return {
        "enterprise": enterprise.pk, "visited_on": today.isoformat(), "kind": "security_training",
        "requests": [
            {"category": "exit_entry", "description": "外籍员工居留许可到期",
             "due_on": (today + datetime.timedelta(days=5)).isoformat(), "green_channel": True},
            {"category": "dispute", "description": "与相邻企业通道纠纷",
             "due_on": (today + datetime.timedelta(days=7)).isoformat()},
        ],
        **kw,
    }


def test_create_visit_with_nested_requests(world):
    enterprise = make_enterprise(world)
    response = api(world.officer).post(
        "/api/enterprise-visits/", _visit_payload(enterprise, officers=[world.lead.pk]), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["requests"]) == 2
    assert {o["username"] for o in body["officers"]} == {"officer", "lead"}
    assert EnterpriseRequest.objects.filter(visit_id=body["id"], green_channel=True).count() == 1


def test_visit_in_the_future_is_400_and_nothing_saved(world):
    enterprise = make_enterprise(world)
    payload = _visit_payload(enterprise, visited_on=days_ago(-1).isoformat())
    response = api(world.officer).post("/api/enterprise-visits/", payload, format="json")
    assert response.status_code == 400
    assert "visited_on" in response.json()
    assert not EnterpriseVisit.objects.exists()
    assert not EnterpriseRequest.objects.exists()


def test_nested_request_due_before_visit_is_400_and_nothing_saved(world):
    enterprise = make_enterprise(world)
    payload = _visit_payload(enterprise)
    payload["requests"][1]["due_on"] = days_ago(3).isoformat()
    response = api(world.officer).post("/api/enterprise-visits/", payload, format="json")
    assert response.status_code == 400
    assert "due date cannot be before" in str(response.json()["requests"])
    assert not EnterpriseVisit.objects.exists()


def test_nested_request_field_errors_keep_positions(world):
    enterprise = make_enterprise(world)
    payload = _visit_payload(enterprise)
    payload["requests"][1]["category"] = "nonsense"
    response = api(world.officer).post("/api/enterprise-visits/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["requests"]
    assert errors[0] == {} and "category" in errors[1]


def test_visit_for_another_stations_enterprise_is_400(world):
    enterprise = make_enterprise(world)
    response = api(world.officer2).post(
        "/api/enterprise-visits/", _visit_payload(enterprise), format="json"
    )
    assert response.status_code == 400
    assert "enterprise" in response.json()


def test_request_actions_and_409(world):
    item = make_request(world, make_enterprise(world))
    client = api(world.officer)
    url = f"/api/enterprise-requests/{item.pk}"
    assert client.post(f"{url}/start/").json()["status"] == "in_progress"
    response = client.post(f"{url}/resolve/", {"resolution": ""}, format="json")
    assert response.status_code == 400
    response = client.post(f"{url}/resolve/", {"resolution": "已办结"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    response = client.post(f"{url}/start/")
    assert response.status_code == 409
    assert response.json()["code"] == "request_state"
    response = client.post(f"{url}/decline/", {"reason": "x"}, format="json")
    assert response.status_code == 409
    item.refresh_from_db()
    assert (item.status, item.resolution) == ("resolved", "已办结")


def test_convert_action_creates_the_linked_dispute_once(world):
    item = make_request(world, make_enterprise(world), category="dispute")
    client = api(world.officer)
    url = f"/api/enterprise-requests/{item.pk}/convert/"
    response = client.post(url, {"title": "通道纠纷", "category": "neighbourhood"}, format="json")
    assert response.status_code == 200
    dispute = Dispute.objects.get()
    assert response.json()["dispute"]["reference"] == dispute.reference
    response = client.post(url, {"title": "通道纠纷", "category": "neighbourhood"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_converted"
    assert Dispute.objects.count() == 1


def test_convert_of_another_category_is_409(world):
    item = make_request(world, make_enterprise(world), category="vehicles")
    response = api(world.officer).post(
        f"/api/enterprise-requests/{item.pk}/convert/",
        {"title": "x", "category": "other"}, format="json",
    )
    assert response.status_code == 409
    assert not Dispute.objects.exists()


def test_supervisor_cannot_resolve(world):
    item = make_request(world, make_enterprise(world))
    response = api(world.supervisor).post(
        f"/api/enterprise-requests/{item.pk}/resolve/", {"resolution": "x"}, format="json"
    )
    assert response.status_code == 403


def test_requests_filter_overdue_and_order(world):
    enterprise = make_enterprise(world)
    make_request(world, enterprise, received=days_ago(1), due_in=10)
    late = make_request(world, enterprise, received=days_ago(10), due_in=2)
    client = api(world.officer)
    body = client.get("/api/enterprise-requests/", {"overdue": "true"}).json()
    assert [row["id"] for row in body["results"]] == [late.pk]
    body = client.get("/api/enterprise-requests/").json()
    assert body["results"][0]["id"] == late.pk and body["results"][0]["overdue"] is True


def test_a_request_phoned_in_is_logged_without_a_visit(world):
    enterprise = make_enterprise(world)
    today = datetime.date.today()
    payload = {
        "enterprise": enterprise.pk, "category": "exit_entry", "description": "外籍员工签证续签",
        "received_on": today.isoformat(), "due_on": (today + datetime.timedelta(days=5)).isoformat(),
        "green_channel": True,
    }
    response = api(world.officer).post("/api/enterprise-requests/", payload, format="json")
    assert response.status_code == 201, response.content
    item = EnterpriseRequest.objects.get()
    assert item.visit is None and item.green_channel and item.enterprise == enterprise
    assert response.json()["id"] == item.pk

    future = dict(payload, received_on=(today + datetime.timedelta(days=2)).isoformat())
    assert api(world.officer).post("/api/enterprise-requests/", future, format="json").status_code == 400
    assert api(world.officer2).post("/api/enterprise-requests/", payload, format="json").status_code == 400
    assert api(world.supervisor).post("/api/enterprise-requests/", payload, format="json").status_code == 403
    assert EnterpriseRequest.objects.count() == 1


def test_a_request_phoned_in_is_logged_on_its_page(client, world):
    from django.urls import reverse

    from tests.conftest import login

    enterprise = make_enterprise(world)
    today = datetime.date.today()
    login(client, world.officer)
    url = reverse("enterprises:request_create", args=[enterprise.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "received_on": today.isoformat(), "category": "household", "description": "集体户口迁入",
        "due_on": (today + datetime.timedelta(days=3)).isoformat(),
    })
    assert response.status_code == 302
    item = EnterpriseRequest.objects.get()
    assert response["Location"] == item.get_absolute_url() and item.visit is None
    assert login(client, world.officer2).get(url).status_code == 404
