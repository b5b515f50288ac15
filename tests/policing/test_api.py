"""The core REST API: units, 110 calls, the schema and the docs page."""

import datetime
import re

from django.utils import timezone
from rest_framework.test import APIClient

from disputes.models import DisputeEvent
from incidents import services
from incidents.models import Incident
from tests.conftest import register

CALLER_PHONE = "13851234567"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def call(world, **overrides):
    data = {
        "number": "110-20240501-0001",
        "received_at": (timezone.now() - datetime.timedelta(minutes=30)).isoformat(),
        "caller_name": "张三",
        "caller_phone": CALLER_PHONE,
        "address": "东城小区3栋101",
        "unit": world.dongcheng.pk,
        "category": "dispute",
        "summary": "楼上又在装修",
    }
    return {**data, **overrides}


def log_call(world, number="110-1", unit=None, by=None, phone=CALLER_PHONE):
    return services.incident_create(
        actor=by or world.officer,
        number=number,
        received_at=timezone.now() - datetime.timedelta(hours=1),
        caller_name="张三",
        caller_phone=phone,
        address="东城小区3栋101",
        unit=unit or world.dongcheng,
        category="dispute",
        summary="噪音",
    )


# ------------------------------------------------------------------ units


def test_units_are_the_users_subtree(world):
    codes = [u["code"] for u in api(world.officer).get("/api/units/").json()["results"]]
    assert codes == ["TH-DC", "TH-DC-01"]
    codes = {u["code"] for u in api(world.supervisor).get("/api/units/").json()["results"]}
    assert codes == {"TH", "TH-DC", "TH-DC-01", "TH-WX", "TH-WX-01"}


def test_units_filter_by_kind_and_other_units_are_404(world):
    r = api(world.supervisor).get("/api/units/?kind=station")
    assert [u["code"] for u in r.json()["results"]] == ["TH-DC", "TH-WX"]
    assert api(world.officer).get(f"/api/units/{world.wuxing.pk}/").status_code == 404
    assert api(world.officer).get(f"/api/units/{world.city.pk}/").status_code == 404


# ------------------------------------------------------------------ incidents


def test_logging_a_call_masks_the_callers_phone(world):
    r = api(world.officer).post("/api/incidents/", call(world), format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["caller_phone_masked"] == "138****4567"
    assert CALLER_PHONE not in r.content.decode()
    incident = Incident.objects.get()
    assert incident.caller_phone == CALLER_PHONE and incident.handling_officer == world.officer
    listed = api(world.officer).get("/api/incidents/")
    assert CALLER_PHONE not in listed.content.decode()
    assert listed.json()["results"][0]["received_at"].endswith("+08:00")


def test_bad_call_is_400_and_saves_nothing(world):
    client = api(world.officer)
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    for change, field in [
        ({"caller_phone": "12345"}, "caller_phone"),
        ({"category": "ufo"}, "category"),
        ({"received_at": future}, "received_at"),
        ({"unit": world.wuxing.pk}, "unit"),
    ]:
        r = client.post("/api/incidents/", call(world, **change), format="json")
        assert r.status_code == 400 and field in r.json(), change
    assert not Incident.objects.exists()


def test_duplicate_call_number_is_400(world):
    log_call(world, number="110-7")
    r = api(world.officer).post("/api/incidents/", call(world, number="110-7"), format="json")
    assert r.status_code == 400 and "number" in r.json()
    assert Incident.objects.count() == 1


def test_supervisor_cannot_log_calls(world):
    r = api(world.supervisor).post("/api/incidents/", call(world), format="json")
    assert r.status_code == 403
    assert not Incident.objects.exists()


def test_repeat_candidates_and_link(world):
    dispute = register(world)
    register(world, by=world.officer2, unit=world.wuxing)  # same phone, other station
    first, second = log_call(world, "110-1"), log_call(world, "110-2")
    client = api(world.officer)
    r = client.get(f"/api/incidents/{first.pk}/repeat-candidates/")
    assert r.status_code == 200 and [d["id"] for d in r.json()] == [dispute.pk]
    r = client.post(f"/api/incidents/{first.pk}/link/", {"dispute": dispute.pk}, format="json")
    assert r.status_code == 200 and r.json()["dispute"]["id"] == dispute.pk
    assert r.json()["is_repeat"] is False
    r = client.post(f"/api/incidents/{second.pk}/link/", {"dispute": dispute.pk}, format="json")
    assert r.json()["is_repeat"] is True
    second.refresh_from_db()
    assert second.dispute == dispute and second.is_repeat
    assert dispute.events.filter(kind=DisputeEvent.Kind.INCIDENT_LINKED).count() == 2
    r = client.post(f"/api/incidents/{second.pk}/link/", {"dispute": dispute.pk}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "already_linked"


def test_linking_to_another_stations_dispute_is_400(world):
    theirs = register(world, by=world.officer2, unit=world.wuxing)
    incident = log_call(world)
    r = api(world.officer).post(
        f"/api/incidents/{incident.pk}/link/", {"dispute": theirs.pk}, format="json"
    )
    assert r.status_code == 400 and "dispute" in r.json()
    incident.refresh_from_db()
    assert incident.dispute is None


def test_other_stations_calls_are_404_everywhere(world):
    dispute = register(world, by=world.officer2, unit=world.wuxing)
    incident = log_call(world)
    client = api(world.officer2)
    assert client.get("/api/incidents/").json()["results"] == []
    assert client.get(f"/api/incidents/{incident.pk}/").status_code == 404
    assert client.get(f"/api/incidents/{incident.pk}/repeat-candidates/").status_code == 404
    r = client.post(f"/api/incidents/{incident.pk}/link/", {"dispute": dispute.pk}, format="json")
    assert r.status_code == 404
    incident.refresh_from_db()
    assert incident.dispute is None


def test_incident_filters(world):
    log_call(world, "110-1")
    linked = log_call(world, "110-2")
    from incidents.services import incident_link_dispute

    incident_link_dispute(incident=linked, dispute=register(world), actor=world.officer)
    client = api(world.officer)
    r = client.get("/api/incidents/?linked=true")
    assert [i["number"] for i in r.json()["results"]] == ["110-2"]
    r = client.get("/api/incidents/?q=110-1")
    assert [i["number"] for i in r.json()["results"]] == ["110-1"]


# ------------------------------------------------------------------ schema and docs


def test_schema_answers(world):
    r = api(world.officer).get("/api/schema/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "/api/disputes/{id}/assess/" in body and "'409'" in body


def test_docs_page_loads_nothing_from_outside(world):
    client = APIClient()
    client.force_login(world.officer)
    r = client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert sources, "the page loads its assets"
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
    # No inline script, ready for a Content-Security-Policy: the set-up code
    # is served as its own file.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    script = next(s for s in sources if "script" in s)
    assert client.get(script).status_code == 200
