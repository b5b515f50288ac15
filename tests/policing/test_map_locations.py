"""Locations on tips, enterprises, outreach and patrol check-ins (issue 17
point 1): optional, both or neither, inside China; taken by the forms, the
check-in button and the API, returned by the API, and shown on the map as
point layers with the kind, time and status filters."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises import services as enterprise_services
from tests.conftest import login
from tests.volunteers.conftest import patrol, tip, vw  # noqa: F401  (the fixture)
from units.geo import clean_location
from units.validators import credit_code_check_char
from volunteers import services
from volunteers.models import Outreach, Tip

JSON = "application/json"
HERE = {"latitude": "33.345", "longitude": "120.145"}  # 东城一警区, Yancheng
CREDIT_CODE = "91320900MA1MXXXX0" + credit_code_check_char("91320900MA1MXXXX0")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _tip_input(vw, **extra):
    return {"alliance": vw.dongting.pk, "unit": vw.w.dc_beat.pk, "kind": "safety_hazard",
            "description": "井盖缺失", "place": "东城小区北门", **extra}


# Validation ------------------------------------------------------------------------------


def test_a_location_is_both_coordinates_or_neither_and_inside_china():
    assert clean_location(None, "") == (None, None)
    assert clean_location("33.345", "120.145") == (Decimal("33.345000"), Decimal("120.145000"))
    with pytest.raises(ValidationError):
        clean_location("33.345", None)
    with pytest.raises(ValidationError):
        clean_location("48.8566", "2.3522")  # Paris
    with pytest.raises(ValidationError):
        clean_location("120.145", "33.345")  # swapped


# The API, in and out --------------------------------------------------------------------


def test_tip_api_takes_and_returns_a_location(vw):
    response = api(vw.coord).post("/api/tips/", _tip_input(vw, **HERE), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["latitude"], response.json()["longitude"]) == ("33.345000", "120.145000")
    response = api(vw.coord).post("/api/tips/", _tip_input(vw, latitude="33.3"), format="json")
    assert response.status_code == 400 and "latitude" in response.json()
    response = api(vw.coord).post("/api/tips/", _tip_input(vw, latitude="48.8566",
                                                          longitude="2.3522"), format="json")
    assert response.status_code == 400 and "latitude" in response.json()
    assert Tip.objects.count() == 1


def test_outreach_api_takes_a_location(vw):
    response = api(vw.coord).post("/api/outreach/", {
        "alliance": vw.dongting.pk, "date": timezone.localdate().isoformat(), "theme": "anti_fraud",
        "place": "东城社区广场", "volunteers": [vw.chen.pk], **HERE,
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["latitude"] == "33.345000"


def test_enterprise_api_takes_a_location_and_a_partial_change_keeps_it(world):
    client = api(world.officer)
    response = client.post("/api/enterprises/", {
        "name": "盐城华盛机械制造有限公司", "credit_code": CREDIT_CODE, "unit": world.dongcheng.pk,
        "address": "东城工业园8号", "industry": "manufacturing", "contact_name": "周经理",
        "contact_phone": "13812345678", **HERE,
    }, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["latitude"] == "33.345000"
    response = client.patch(f"/api/enterprises/{pk}/", {"address": "东城工业园9号"}, format="json")
    assert response.status_code == 200 and response.json()["longitude"] == "120.145000"


def test_check_in_through_the_api_records_where(vw):
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    response = api(vw.coord).post(f"/api/patrols/{p.pk}/check-in/",
                                  {"volunteer": vw.chen.pk, **HERE}, format="json")
    assert response.status_code == 200, response.content
    [row] = response.json()["attendances"]
    assert (row["latitude"], row["longitude"]) == ("33.345000", "120.145000")


# Pages -------------------------------------------------------------------------------


def test_tip_form_offers_use_my_location_and_saves_it(client, vw):
    login(client, vw.coord)
    page = client.get(reverse("volunteers:tip_create"))
    assert "data-geolocate" in page.text
    response = client.post(reverse("volunteers:tip_create"), {
        "alliance": vw.dongting.pk, "unit": vw.w.dc_beat.pk, "kind": "safety_hazard",
        "place": "东城小区北门", "description": "井盖缺失",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "latitude": "33.345",
        "longitude": "",
    })
    assert response.status_code == 200 and "经度和纬度须同时填写，或都不填。" in response.text
    assert not Tip.objects.exists()
    client.post(reverse("volunteers:tip_create"), {
        "alliance": vw.dongting.pk, "unit": vw.w.dc_beat.pk, "kind": "safety_hazard",
        "place": "东城小区北门", "description": "井盖缺失",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), **HERE,
    })
    assert Tip.objects.get().latitude == Decimal("33.345000")


def test_outreach_form_saves_a_location(client, vw):
    login(client, vw.coord)
    assert "data-geolocate" in client.get(reverse("volunteers:outreach_create")).text
    response = client.post(reverse("volunteers:outreach_create"), {
        "alliance": vw.dongting.pk, "date": timezone.localdate().isoformat(), "theme": "anti_fraud",
        "place": "东城社区广场", "households_reached": 10, "people_reached": 20, **HERE,
    })
    assert response.status_code == 302
    assert Outreach.objects.get().longitude == Decimal("120.145000")


def test_enterprise_form_offers_use_my_location(client, world):
    login(client, world.officer)
    assert "data-geolocate" in client.get(reverse("enterprises:create")).text


def test_check_in_button_sends_the_phones_position_and_goes_ahead_without_one(client, vw):
    p = patrol(vw)
    chen = services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    liu = services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.liu)
    login(client, vw.coord)
    page = client.get(p.get_absolute_url()).text
    assert "data-locate-on-submit" in page
    url = reverse("volunteers:patrol_attendance", args=[p.pk, chen.pk, "check_in"])
    assert client.post(url, HERE).status_code == 302
    chen.refresh_from_db()
    assert chen.checked_in_at and chen.latitude == Decimal("33.345000")
    # A position the browser did not give (or gave half of) is left out.
    url = reverse("volunteers:patrol_attendance", args=[p.pk, liu.pk, "check_in"])
    assert client.post(url, {"latitude": "33.3", "longitude": ""}).status_code == 302
    liu.refresh_from_db()
    assert liu.checked_in_at and liu.latitude is None


# The map -----------------------------------------------------------------------------


@pytest.fixture
def located(vw):
    """One located record of each new kind in 东城派出所's area, and a tip of 五星."""
    w = vw.w
    new = services.tip_submit(actor=vw.coord, alliance=vw.dongting, unit=w.dc_beat,
                              kind="safety_hazard", description="井盖缺失", place="北门",
                              latitude=Decimal("33.34"), longitude=Decimal("120.14"))
    verified = services.tip_submit(actor=vw.coord, alliance=vw.dongting, unit=w.dongcheng,
                                   kind="livelihood", description="路灯坏", place="南门",
                                   latitude=Decimal("33.35"), longitude=Decimal("120.15"))
    services.tip_verify(actor=w.officer, tip=verified)
    tip(vw)  # no location: not on the map
    wuxing = services.tip_submit(actor=vw.coord, alliance=vw.wanjia, unit=w.wuxing,
                                 kind="livelihood", description="x", place="五星路",
                                 latitude=Decimal("33.30"), longitude=Decimal("120.20"))
    outreach = services.outreach_record(
        actor=vw.coord, alliance=vw.dongting, date=timezone.localdate() - datetime.timedelta(days=3),
        theme="anti_fraud", place="东城社区广场", latitude=Decimal("33.36"), longitude=Decimal("120.16"),
    )
    p = patrol(vw)
    services.patrol_sign_up(actor=vw.coord, patrol=p, volunteer=vw.chen)
    check_in = services.attendance_check_in(actor=vw.coord, patrol=p, volunteer=vw.chen,
                                            latitude=Decimal("33.33"), longitude=Decimal("120.13"))
    enterprise = enterprise_services.enterprise_save(
        actor=w.officer, name="盐城华盛机械制造有限公司", credit_code=CREDIT_CODE,
        unit=w.dongcheng, address="东城工业园8号", industry="manufacturing", contact_name="周经理",
        contact_phone="13812345678", latitude=Decimal("33.37"), longitude=Decimal("120.17"),
    )
    return {"new": new, "verified": verified, "wuxing": wuxing, "outreach": outreach,
            "check_in": check_in, "patrol": p, "enterprise": enterprise}


def _ids(client, **params):
    response = client.get("/api/map/points/", params)
    assert response.status_code == 200, response.content
    return sorted(f["id"] for f in response.json()["features"])


def test_map_shows_each_new_kind_as_points_scoped_to_the_user(vw, located):
    officer = api(vw.w.officer)  # 东城派出所
    assert _ids(officer, kind="tip") == sorted([located["new"].pk, located["verified"].pk])
    assert _ids(officer, kind="enterprise") == [located["enterprise"].pk]
    # Officers do not read patrols or outreach; the sub-bureau's supervisor does.
    assert _ids(officer, kind="check_in") == _ids(officer, kind="outreach") == []
    supervisor = api(vw.w.supervisor)
    assert _ids(supervisor, kind="check_in") == [located["check_in"].pk]
    assert _ids(supervisor, kind="outreach") == [located["outreach"].pk]
    assert _ids(supervisor, kind="tip") == sorted(
        [located["new"].pk, located["verified"].pk, located["wuxing"].pk])
    feature = supervisor.get("/api/map/points/", {"kind": "check_in"}).json()["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [120.13, 33.33]}
    assert feature["properties"]["kind"] == "check_in"
    assert feature["properties"]["url"] == located["patrol"].get_absolute_url()
    # 五星's officer sees 五星's tip only.
    assert _ids(api(vw.w.officer2), kind="tip") == [located["wuxing"].pk]


def test_map_points_filter_by_status_and_time_per_kind(vw, located):
    officer = api(vw.w.supervisor)
    assert _ids(officer, kind="tip", status="verified") == [located["verified"].pk]
    assert _ids(officer, kind="check_in", status="under_way") == [located["check_in"].pk]
    assert _ids(officer, kind="check_in", status="done") == []
    # A dispute status means nothing for tips: a field error, not an empty map.
    response = officer.get("/api/map/points/", {"kind": "tip", "status": "in_mediation"})
    assert response.status_code == 400 and "status" in response.json()
    three_days_ago = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    assert _ids(officer, kind="outreach", received_after=three_days_ago) == [located["outreach"].pk]
    assert _ids(officer, kind="outreach", received_before=(
        timezone.localdate() - datetime.timedelta(days=4)).isoformat()) == []


def test_map_page_offers_the_kinds_the_user_may_read_with_their_own_statuses(client, vw):
    login(client, vw.w.supervisor)
    page = client.get(reverse("map")).text
    for kind in ("tip", "enterprise", "outreach", "check_in"):
        assert f'<option value="{kind}"' in page
    assert 'data-kind="tip"' in page and 'data-kind="check_in"' in page
    login(client, vw.w.officer)
    page = client.get(reverse("map")).text
    assert '<option value="tip"' in page and '<option value="check_in"' not in page
