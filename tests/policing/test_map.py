"""The beat map: outlines checked when set, records located inside them, the
map's GeoJSON scoped to the user's units, counts worked out by hand."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.test import Client
from rest_framework.test import APIClient

from disputes import services
from disputes.models import Dispute, Track
from incidents import services as incident_services
from policing import maps
from reports.months import current_month, month_bounds
from seeds.geography import rectangle
from tests.conftest import login, register
from units.models import Unit
from units.services import unit_set_boundary

# Rectangles (west, south, east, north): the beat inside the station inside the sub-bureau.
TINGHU = (120.10, 33.30, 120.30, 33.45)
DONGCHENG = (120.12, 33.32, 120.20, 33.40)
DC_BEAT = (120.13, 33.33, 120.16, 33.36)


def outline(world):
    for unit, box in ((world.tinghu, TINGHU), (world.dongcheng, DONGCHENG), (world.dc_beat, DC_BEAT)):
        unit.refresh_from_db()
        unit_set_boundary(actor=None, unit=unit, geometry=rectangle(box))


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# ------------------------------------------------------------------ outlines


def test_an_open_ring_is_refused_with_a_clear_message(world):
    ring = [[120.1, 33.3], [120.2, 33.3], [120.2, 33.4], [120.1, 33.4]]
    with pytest.raises(ValidationError) as error:
        unit_set_boundary(actor=None, unit=world.tinghu, geometry={"type": "Polygon", "coordinates": [ring]})
    assert "not closed" in " ".join(error.value.messages) or "闭合" in " ".join(error.value.messages)


def test_a_ring_crossing_itself_is_refused(world):
    bowtie = [[120.1, 33.3], [120.2, 33.4], [120.2, 33.3], [120.1, 33.4], [120.1, 33.3]]
    with pytest.raises(ValidationError):
        unit_set_boundary(actor=None, unit=world.tinghu, geometry={"type": "Polygon", "coordinates": [bowtie]})
    world.tinghu.refresh_from_db()
    assert world.tinghu.boundary is None


def test_a_beat_outside_its_station_is_refused(world):
    outline(world)
    world.dc_beat.refresh_from_db()
    outside = rectangle((120.25, 33.33, 120.28, 33.36))  # in the sub-bureau, not the station
    with pytest.raises(ValidationError):
        unit_set_boundary(actor=None, unit=world.dc_beat, geometry=outside)


def test_a_station_cannot_shrink_away_from_its_beats(world):
    outline(world)
    world.dongcheng.refresh_from_db()
    with pytest.raises(ValidationError):
        unit_set_boundary(actor=None, unit=world.dongcheng, geometry=rectangle((120.17, 33.32, 120.20, 33.40)))


def test_import_command_sets_a_tree_or_nothing(world, tmp_path):
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": unit.code}, "geometry": rectangle(box)}
        # Children first in the file: the command sets parents first anyway.
        for unit, box in ((world.dc_beat, DC_BEAT), (world.dongcheng, DONGCHENG), (world.tinghu, TINGHU))
    ]}
    path = tmp_path / "beats.geojson"
    path.write_text(json.dumps(good), encoding="utf-8")
    call_command("import_boundaries", str(path))
    assert Unit.objects.filter(boundary__isnull=False).count() == 3

    Unit.objects.update(boundary=None)
    bad = json.loads(json.dumps(good))
    bad["features"][0]["geometry"] = rectangle((120.25, 33.33, 120.28, 33.36))
    bad["features"].append({"type": "Feature", "properties": {"code": "NOPE"}, "geometry": None})
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_boundaries", str(path))
    assert "NOPE" in str(error.value) and world.dc_beat.code in str(error.value)
    assert Unit.objects.filter(boundary__isnull=False).count() == 0


# ------------------------------------------------------------------ locations


def test_registration_takes_a_location_and_refuses_half_of_one(world):
    dispute = register(world, latitude=Decimal("33.345"), longitude=Decimal("120.145"))
    assert (dispute.latitude, dispute.longitude) == (Decimal("33.345000"), Decimal("120.145000"))
    with pytest.raises(ValidationError):
        register(world, latitude=Decimal("33.345"))


def test_api_registers_a_located_call(world):
    response = api(world.officer).post("/api/incidents/", {
        "number": "110-MAP-1", "received_at": timezone.now().isoformat(), "caller_name": "王五",
        "caller_phone": "13812345678", "address": "东城小区", "unit": world.dongcheng.pk,
        "category": "dispute", "summary": "争吵", "latitude": "33.35", "longitude": "120.14",
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["latitude"] == "33.350000"


# ------------------------------------------------------------------ the map


def _this_month() -> datetime.datetime:
    """An hour ago, or the month's first instant in its first hour: "this
    month" whatever the time the test runs."""
    return max(timezone.now() - datetime.timedelta(hours=1), month_bounds(current_month())[0])


def _located_case(world, *, overdue=False):
    dispute = register(world, beat=world.dc_beat, latitude=Decimal("33.34"), longitude=Decimal("120.14"),
                       received_at=_this_month())
    if overdue:
        services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT)
        Dispute.objects.filter(pk=dispute.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    return dispute


def test_beats_carry_their_figures_counted_by_hand(world):
    outline(world)
    _located_case(world)
    _located_case(world, overdue=True)
    closed = _located_case(world)
    Dispute.objects.filter(pk=closed.pk).update(status="closed")
    data = api(world.officer).get("/api/map/beats/").json()
    beat = next(f for f in data["features"] if f["id"] == world.dc_beat.pk)
    # 3 cases this month in the beat; 2 of them open, 1 of those overdue; no calls, no tips.
    assert beat["properties"]["open"] == 2 and beat["properties"]["overdue"] == 1
    assert beat["properties"]["received"] == 3
    assert beat["properties"]["repeat_rate"] is None and beat["properties"]["tips"] == 0
    assert beat["geometry"]["type"] == "Polygon"


def test_another_stations_officer_sees_none_of_it(world):
    outline(world)
    _located_case(world)
    assert api(world.officer2).get("/api/map/beats/").json()["features"] == []
    assert api(world.officer2).get("/api/map/points/").json()["features"] == []
    assert api(world.coordinator).get("/api/map/beats/").status_code == 403


def test_points_filter_by_status_and_category(world):
    outline(world)
    case = _located_case(world)
    client = api(world.officer)
    points = client.get("/api/map/points/", {"kind": "dispute"}).json()
    assert [f["id"] for f in points["features"]] == [case.pk]
    assert client.get("/api/map/points/", {"status": "closed"}).json()["features"] == []
    assert client.get("/api/map/points/", {"category": "labour"}).json()["features"] == []
    assert client.get("/api/map/points/", {"status": "nonsense"}).status_code == 400


def test_points_zoomed_in_are_those_inside_the_view(world):
    """The map sends its view's box when zoomed in: south,west,north,east."""
    outline(world)
    inside = _located_case(world)  # 33.34 N, 120.14 E
    elsewhere = register(world, beat=world.dc_beat, latitude=Decimal("33.50"), longitude=Decimal("120.30"))
    client = api(world.officer)
    ids = lambda box: [f["id"] for f in client.get("/api/map/points/", {"bbox": box}).json()["features"]]
    assert ids("33.30,120.10,33.40,120.20") == [inside.pk]
    assert ids("33.45,120.25,33.55,120.35") == [elsewhere.pk]
    assert sorted(ids("33.0,120.0,34.0,121.0")) == sorted([inside.pk, elsewhere.pk])
    assert ids("33.41,120.10,33.44,120.20") == []
    for wrong in ("33.4,120.2,33.3,120.1", "north", "1,2,3", "91,0,92,1"):
        response = client.get("/api/map/points/", {"bbox": wrong}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "bbox" in response.json(), wrong


def test_many_points_become_grid_cells_in_one_query(world, monkeypatch):
    from policing import maps

    outline(world)
    for _ in range(4):
        _located_case(world)
    monkeypatch.setattr(maps, "POINT_CAP", 2)
    data = api(world.officer).get("/api/map/points/").json()
    assert data["total"] == 4
    assert data["features"] == [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [120.14, 33.34]},
        "properties": {"cluster": True, "count": 4},
    }]


def test_grid_cells_are_sized_to_the_view(world, monkeypatch):
    """A city's view gets cells of 0.1° (1.2° / 8 across = 0.15); a few streets'
    view cells of 0.01°. Each cell sits at its records' centre."""
    from policing import maps

    outline(world)
    for _ in range(3):
        _located_case(world)  # 33.34 N, 120.14 E
    register(world, beat=world.dc_beat, latitude=Decimal("33.37"), longitude=Decimal("120.17"),
             received_at=_this_month())
    monkeypatch.setattr(maps, "POINT_CAP", 2)
    client = api(world.officer)

    city = client.get("/api/map/points/", {"bbox": "33.0,120.0,34.2,121.2"}).json()
    assert city["total"] == 4 and city["cell"] == 0.1
    assert [(f["geometry"]["coordinates"], f["properties"]["count"]) for f in city["features"]] == [
        ([120.1475, 33.3475], 4),
    ]
    streets = client.get("/api/map/points/", {"bbox": "33.30,120.10,33.42,120.22"}).json()
    assert streets["cell"] == 0.01
    assert sorted((f["geometry"]["coordinates"], f["properties"]["count"])
                  for f in streets["features"]) == [([120.14, 33.34], 3), ([120.17, 33.37], 1)]


@pytest.mark.parametrize(("box", "size"), [
    ((33.0, 120.0, 34.2, 121.2), "0.1"),      # 1.2° / 8 = 0.15
    ((32.0, 119.0, 34.0, 120.0), "0.2"),      # the longer side: 2° / 8 = 0.25
    ((33.0, 120.0, 33.7, 120.3), "0.05"),     # 0.7° / 8 = 0.0875
    ((33.30, 120.10, 33.33, 120.12), "0.002"),  # 0.03° / 8 = 0.00375
    ((33.3, 120.1, 33.3001, 120.1001), "0.0001"),  # never finer than ten metres
])
def test_cell_size_rounds_down_to_one_two_or_five(box, size):
    from policing.maps import cell_size

    assert cell_size(box) == Decimal(size)
    assert cell_size(None) == Decimal("0.01")


def test_map_queries_do_not_grow_with_beats_or_records(world):
    outline(world)
    client = api(world.officer)
    client.get("/api/map/beats/")  # the user's permissions are cached from here on
    with CaptureQueriesContext(connection) as few:
        client.get("/api/map/beats/")
    for _ in range(5):
        _located_case(world)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/map/beats/")
    assert len(many) == len(few)


def test_map_page_loads_leaflet_from_the_app(client, world):
    login(client, world.officer)
    page = client.get(reverse("map")).content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in page and "/api/map/beats/" in page
    assert "http://" not in page.split("<body", 1)[1].replace("http://testserver", "")


def test_disputes_list_filters_by_beat(client, world):
    case = _located_case(world)
    register(world)  # no beat
    login(client, world.officer)
    page = client.get(reverse("disputes:list"), {"beat": world.dc_beat.pk})
    assert [d.pk for d in page.context["page_obj"]] == [case.pk]


def test_hotspots_rank_beats_and_find_repeat_call_addresses(world):
    from incidents import services as incident_services

    outline(world)
    _located_case(world)
    _located_case(world, overdue=True)
    for n in range(3):
        incident_services.incident_create(
            actor=world.officer, number=f"110-HOT-{n}", received_at=timezone.now(),
            caller_name="王五", caller_phone="13812345678", address="东城小区7栋",
            unit=world.dongcheng, category="noise", summary="噪音",
        )
    data = api(world.officer).get("/api/map/hotspots/", {"figure": "overdue"}).json()
    assert [(b["id"], b["value"]) for b in data["beats"]] == [(world.dc_beat.pk, 1)]
    assert data["addresses"] == [{"address": "东城小区7栋", "calls": 3, "cases": 0}]
    assert api(world.officer).get("/api/map/hotspots/", {"figure": "x"}).status_code == 400
    nothing = api(world.officer2).get("/api/map/hotspots/").json()
    assert (nothing["beats"], nothing["addresses"]) == ([], [])


def test_unit_page_shows_its_outline_with_the_units_below(client, world):
    outline(world)
    login(client, world.officer)
    page = client.get(world.dongcheng.get_absolute_url())
    data = page.context["outline"]
    assert [f["properties"]["name"] for f in data["features"]] == [world.dongcheng.name, world.dc_beat.name]
    assert 'id="unit-outline"' in page.content.decode()


def test_admin_refuses_an_outline_outside_the_parent(client, world):
    outline(world)
    login(client, world.admin)  # with the second factor confirmed
    unit = world.dc_beat
    response = client.post(f"/admin/units/unit/{unit.pk}/change/", {
        "name": unit.name, "code": unit.code, "kind": unit.kind, "parent": unit.parent_id,
        "boundary": json.dumps(rectangle((120.25, 33.33, 120.28, 33.36))),
    })
    assert response.status_code == 200 and response.context["adminform"].form.errors["boundary"]
    unit.refresh_from_db()
    assert unit.boundary == rectangle(DC_BEAT)


# ------------------------------------------------------------------ a wide scope: the units below

# Beside 东城一警区 (120.13–120.16): a second beat of 东城派出所; 五星 further east.
DC_BEAT2 = (120.165, 33.33, 120.19, 33.36)
WUXING = (120.21, 33.32, 120.29, 33.40)
WX_BEAT = (120.22, 33.33, 120.25, 33.36)


@pytest.fixture
def two_stations(world):
    """东城 with two outlined beats and 五星 with one, under 亭湖 (outlined)."""
    outline(world)
    world.dc_beat2 = Unit.objects.create(name="东城二警区", code="TH-DC-02", kind=Unit.Kind.BEAT,
                                         parent=world.dongcheng)
    for unit, box in ((world.dc_beat2, DC_BEAT2), (world.wuxing, WUXING), (world.wx_beat, WX_BEAT)):
        unit.refresh_from_db()
        unit_set_boundary(actor=None, unit=unit, geometry=rectangle(box))
    return world


def _case_with_calls(world, beat, *, calls=0, by=None):
    """An open case of ``beat`` this month with ``calls`` calls linked (every
    call after the first a repeat call)."""
    by = by or world.officer
    case = register(world, by=by, unit=beat.parent, beat=beat, received_at=_this_month())
    for n in range(calls):
        call = incident_services.incident_create(
            actor=by, number=f"110-{beat.code}-{n}", received_at=_this_month(), caller_name="王五",
            caller_phone="13812345678", address="东城小区", unit=beat.parent, category="noise",
            summary="噪音",
        )
        incident_services.incident_link_dispute(actor=by, incident=call, dispute=case)
    return case


def _figures_of(data, unit) -> dict:
    feature = next(f for f in data["features"] if f["id"] == unit.pk)
    return {key: feature["properties"][key] for key in ("open", "overdue", "received", "repeat_rate", "tips")}


@pytest.fixture
def summed(two_stations, monkeypatch):
    """Cases, calls and a tip in three beats, worked out by hand below."""
    from volunteers import services as vs

    world = two_stations
    # 东城一警区: 2 open cases (1 overdue) and 1 closed, all this month; 1 call, not a repeat.
    _case_with_calls(world, world.dc_beat, calls=1)
    _located_case(world, overdue=True)
    closed = _located_case(world)
    Dispute.objects.filter(pk=closed.pk).update(status="closed")
    # 东城二警区: 1 open case with 2 calls (the second a repeat call); 1 tip.
    _case_with_calls(world, world.dc_beat2, calls=2)
    alliance = vs.alliance_save(actor=world.coordinator, name="东亭有义平安联盟",
                                unit=world.dongcheng, focus="patrol")
    vs.tip_submit(actor=world.coordinator, alliance=alliance, unit=world.dc_beat2,
                  kind="safety_hazard", description="井盖缺失", place="东城小区北门")
    # 五星一警区: 1 open case.
    _case_with_calls(world, world.wx_beat, by=world.officer2)
    # Three outlined beats under 亭湖: above two, the map shows its stations.
    monkeypatch.setattr(maps, "BEAT_LIMIT", 2)
    return world


def test_a_wide_users_map_shows_the_units_below_with_their_beats_figures_summed(summed):
    data = api(summed.supervisor).get("/api/map/beats/").json()
    assert data["level"] == "units"
    assert [f["id"] for f in data["features"]] == [summed.dongcheng.pk, summed.wuxing.pk]
    # 东城 = 东城一 + 东城二: open 2 + 1, overdue 1 + 0, received 3 + 1, tips 0 + 1; the
    # repeat-call rate from the summed calls, 1 repeat of 3 (not the beats' 0 and 0.5 averaged).
    assert _figures_of(data, summed.dongcheng) == {
        "open": 3, "overdue": 1, "received": 4, "repeat_rate": 0.3333, "tips": 1,
    }
    assert _figures_of(data, summed.wuxing) == {
        "open": 1, "overdue": 0, "received": 1, "repeat_rate": None, "tips": 0,
    }
    dongcheng = data["features"][0]
    assert dongcheng["geometry"] == rectangle(DONGCHENG)
    assert dongcheng["properties"]["beats_url"] == f"/api/map/beats/?unit={summed.dongcheng.pk}"
    assert data["trail"] == [{"id": summed.tinghu.pk, "name": "亭湖分局"}]


def test_drilling_down_shows_that_units_beats_with_their_own_figures(summed):
    data = api(summed.supervisor).get("/api/map/beats/", {"unit": summed.dongcheng.pk}).json()
    assert data["level"] == "beats"
    assert [f["id"] for f in data["features"]] == [summed.dc_beat.pk, summed.dc_beat2.pk]
    assert _figures_of(data, summed.dc_beat2) == {
        "open": 1, "overdue": 0, "received": 1, "repeat_rate": 0.5, "tips": 1,
    }
    assert data["unit"] == {"id": summed.dongcheng.pk, "name": "东城派出所"}
    assert [step["name"] for step in data["trail"]] == ["亭湖分局", "东城派出所"]


def test_drilling_down_stays_in_the_users_units(summed):
    supervisor, officer = api(summed.supervisor), api(summed.officer)
    # 楼王 is under 盐都, not 亭湖; 亭湖 is above the officer's 东城.
    assert supervisor.get("/api/map/beats/", {"unit": summed.louwang.pk}).status_code == 404
    assert officer.get("/api/map/beats/", {"unit": summed.tinghu.pk}).status_code == 404
    assert officer.get("/api/map/hotspots/", {"unit": summed.wuxing.pk}).status_code == 404
    response = supervisor.get("/api/map/beats/", {"unit": "东城"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "unit" in response.json()
    client = Client()
    login(client, summed.supervisor)
    assert client.get(reverse("map"), {"unit": summed.louwang.pk}).status_code == 404


def test_a_city_user_sees_beats_and_a_superuser_the_top_units(summed, monkeypatch):
    monkeypatch.setattr(maps, "BEAT_LIMIT", 1500)
    data = api(summed.supervisor).get("/api/map/beats/").json()
    assert data["level"] == "beats" and len(data["features"]) == 3
    monkeypatch.setattr(maps, "BEAT_LIMIT", 2)
    top = api(summed.admin).get("/api/map/beats/").json()
    assert top["level"] == "units" and top["unit"] is None and top["trail"] == []
    # The one city bureau: the four open cases of its three beats, and no outline of
    # its own: a point at the centre of its beats' box (120.13–120.25 E, 33.33–33.36 N).
    assert [f["id"] for f in top["features"]] == [summed.city.pk]
    assert top["features"][0]["properties"]["open"] == 4
    assert top["features"][0]["geometry"] == {"type": "Point", "coordinates": [120.19, 33.345]}


def test_outlines_are_served_to_five_decimals(world):
    outline(world)
    ring = [[120.131234, 33.33], [120.16, 33.33], [120.16, 33.359876], [120.131234, 33.359876],
            [120.131234, 33.33]]
    Unit.objects.filter(pk=world.dc_beat.pk).update(boundary={"type": "Polygon", "coordinates": [ring]})
    beat = api(world.officer).get("/api/map/beats/").json()["features"][0]
    assert beat["geometry"]["coordinates"][0][0] == [120.13123, 33.33]
    assert beat["geometry"]["coordinates"][0][2] == [120.16, 33.35988]


def test_hotspots_follow_the_unit_and_rank_the_repeat_call_rate(summed):
    client = api(summed.supervisor)
    data = client.get("/api/map/hotspots/", {"figure": "repeat_rate"}).json()
    # 东城二警区 0.5; 东城一警区's rate is 0 and 五星一警区 has no call: not hot.
    assert [(b["id"], b["value"]) for b in data["beats"]] == [(summed.dc_beat2.pk, 0.5)]
    opened = client.get("/api/map/hotspots/", {"figure": "open"}).json()["beats"]
    assert [(b["name"], b["value"]) for b in opened] == [("东城一警区", 2), ("东城二警区", 1), ("五星一警区", 1)]
    wuxing = client.get("/api/map/hotspots/", {"figure": "open", "unit": summed.wuxing.pk}).json()
    assert [b["name"] for b in wuxing["beats"]] == ["五星一警区"]


def test_the_units_level_queries_do_not_grow_with_beats_or_records(summed):
    client = api(summed.admin)
    for path in ("/api/map/beats/", f"/api/map/beats/?unit={summed.city.pk}"):
        client.get(path)  # permissions and the centres of units without an outline kept
        with CaptureQueriesContext(connection) as few:
            assert client.get(path).json()["level"] == "units"
        assert len(few) <= 12
        beat = Unit.objects.create(name=f"五星二警区{len(path)}", code=f"TH-WX-{len(path)}",
                                   kind=Unit.Kind.BEAT, parent=summed.wuxing)
        _case_with_calls(summed, beat, calls=2, by=summed.officer2)
        with CaptureQueriesContext(connection) as many:
            client.get(path)
        assert len(many) == len(few), path


def test_a_wide_users_points_come_for_a_box_only(summed):
    """Above BEAT_LIMIT outlined beats (set to 2 here), the points API asks
    for the view's box, with a field error, rather than read the province;
    the page tells its script so; a box inside the scope still answers."""
    client = api(summed.supervisor)
    response = client.get("/api/map/points/?kind=dispute&status=registered")
    assert response.status_code == 400
    assert "bbox" in response.json()
    boxed = client.get("/api/map/points/?kind=dispute&bbox=33.0,119.0,34.0,121.0")
    assert boxed.status_code == 200
    page = Client()
    login(page, summed.supervisor)
    assert 'data-points-need-box="true"' in page.get(reverse("map")).content.decode()
