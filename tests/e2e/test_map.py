"""The beat map in a real browser: it draws the beats and the located cases,
a filter changes what is shown, and "use my location" fills a form from the
browser's geolocation — at a phone's and a laptop's width."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes.models import Dispute
from seeds.geography import rectangle
from tests.conftest import PASSWORD, build_world, register
from tests.e2e.test_accessibility import (
    AXE,
    AXE_TAGS,
    RUN_AXE,
    confirm_second_factor,
    enrol_second_factor,
)
from units.services import unit_set_boundary

BOXES = {"tinghu": (120.10, 33.30, 120.30, 33.45), "dongcheng": (120.12, 33.32, 120.20, 33.40),
         "dc_beat": (120.13, 33.33, 120.16, 33.36)}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    for name, box in BOXES.items():
        unit = getattr(world, name)
        unit.refresh_from_db()
        unit_set_boundary(actor=None, unit=unit, geometry=rectangle(box))
    for n in range(3):
        register(world, title=f"地图纠纷{n}", beat=world.dc_beat,
                 latitude=Decimal("33.34") + Decimal(n) / 1000, longitude=Decimal("120.14"))
    return world


def _sign_in(chromium, live_server, width, **context):
    browser = chromium.new_context(viewport={"width": width, "height": 844}, locale="zh-CN",
                                   **context)
    browser.set_default_timeout(15_000)
    page = browser.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    return browser, page


@pytest.mark.parametrize("width", [390, 1366])
def test_map_draws_beats_and_points_and_a_filter_changes_them(
    world, chromium, live_server, shots, width
):
    browser, page = _sign_in(chromium, live_server, width)
    page.goto(live_server.url + "/map/")
    page.wait_for_selector("#beat-map[data-loaded=true]")
    page.wait_for_selector("path.leaflet-interactive")
    # One beat outlined, three cases as points (all SVG paths of Leaflet).
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 1
    assert page.locator(".leaflet-records-pane path.leaflet-interactive").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / f"map-{width}.png"), full_page=True)

    Dispute.objects.filter(title="地图纠纷0").update(status="closed")
    page.evaluate("document.getElementById('beat-map').dataset.loaded = ''")
    page.select_option("#map-status", "closed")
    page.wait_for_selector("#beat-map[data-loaded=true]")
    assert page.locator(".leaflet-records-pane path.leaflet-interactive").count() == 1
    browser.close()


def test_use_my_location_fills_the_call_form(world, chromium, live_server, shots):
    browser, page = _sign_in(
        chromium, live_server, 390,
        geolocation={"latitude": 33.3512, "longitude": 120.1634}, permissions=["geolocation"],
    )
    page.goto(live_server.url + "/incidents/new/")
    page.click("[data-geolocate]")
    page.wait_for_function("document.querySelector('#id_latitude').value !== ''")
    assert page.input_value("#id_latitude") == "33.351200"
    assert page.input_value("#id_longitude") == "120.163400"
    page.screenshot(path=str(shots / "call-form-located.png"), full_page=True)
    page.fill("[name=number]", "110-E2E-MAP")
    page.fill("[name=received_at]", (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=caller_name]", "王五")
    page.fill("[name=caller_phone]", "13812345678")
    page.fill("[name=address]", "东城小区")
    page.fill("[name=summary]", "争吵")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    from incidents.models import Incident

    call = Incident.objects.get(number="110-E2E-MAP")
    assert (call.latitude, call.longitude) == (Decimal("33.351200"), Decimal("120.163400"))
    browser.close()


def _located_tip(world):
    from volunteers import services as vs

    alliance = vs.alliance_save(actor=world.coordinator, name="东亭有义平安联盟",
                                unit=world.dongcheng, focus="patrol")
    return vs.tip_submit(actor=world.coordinator, alliance=alliance, unit=world.dc_beat,
                         kind="safety_hazard", description="井盖缺失", place="东城小区北门",
                         latitude=Decimal("33.345"), longitude=Decimal("120.145"))


@pytest.mark.parametrize("width", [390, 1366])
def test_the_tip_layer_shows_tips_and_filters_by_their_status(world, chromium, live_server, shots, width):
    _located_tip(world)
    browser, page = _sign_in(chromium, live_server, width)
    page.goto(live_server.url + "/map/")
    page.wait_for_selector("#beat-map[data-loaded=true]")
    page.evaluate("document.getElementById('beat-map').dataset.loaded = ''")
    page.select_option("#map-kind", "tip")
    page.wait_for_selector("#beat-map[data-loaded=true]")
    assert page.locator(".leaflet-records-pane path.leaflet-interactive").count() == 1
    # Tips have no category; their own statuses only.
    assert page.is_disabled("#map-category")
    assert page.locator('#map-status optgroup[data-kind="dispute"]').get_attribute("hidden") is not None
    page.screenshot(path=str(shots / f"map-tips-{width}.png"), full_page=True)
    page.evaluate("document.getElementById('beat-map').dataset.loaded = ''")
    page.select_option("#map-status", "verified")
    page.wait_for_selector("#beat-map[data-loaded=true]")
    assert page.locator(".leaflet-records-pane path.leaflet-interactive").count() == 0
    browser.close()


def test_the_check_in_button_sends_the_phones_position(world, chromium, live_server, shots):
    from volunteers import services as vs
    from volunteers.models import PatrolAttendance

    alliance = vs.alliance_save(actor=world.coordinator, name="东亭有义平安联盟",
                                unit=world.dongcheng, focus="patrol")
    volunteer = vs.volunteer_save(actor=world.coordinator, name="陈一", phone="13812340001",
                                  unit=world.dongcheng)
    vs.membership_save(actor=world.coordinator, volunteer=volunteer, alliance=alliance)
    starts = timezone.now() - datetime.timedelta(minutes=30)
    patrol = vs.patrol_schedule(actor=world.coordinator, alliance=alliance, unit=world.dongcheng,
                                area="东城小区夜巡", starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=2), volunteers_needed=2)
    vs.patrol_sign_up(actor=world.coordinator, patrol=patrol, volunteer=volunteer)
    browser = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                   geolocation={"latitude": 33.3456, "longitude": 120.1456},
                                   permissions=["geolocation"])
    browser.set_default_timeout(15_000)
    browser.add_init_script(script=AXE)
    page = browser.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + patrol.get_absolute_url())
    with page.expect_navigation():
        page.click("#sheet .btn-success")
    attendance = PatrolAttendance.objects.get(patrol=patrol)
    assert attendance.checked_in_at is not None
    assert (attendance.latitude, attendance.longitude) == (Decimal("33.345600"), Decimal("120.145600"))
    # Now 签退 and 更正时间, with nothing wider than the phone.
    assert page.locator("#sheet .btn-field").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "patrol-checked-in-390.png"), full_page=True)
    assert page.evaluate(RUN_AXE, AXE_TAGS) == []
    page.click("#sheet a[href$='/correct/']")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The correction page is not in the accessibility run's list (it needs a
    # checked-in volunteer): axe-core checks it here.
    assert page.evaluate(RUN_AXE, AXE_TAGS) == []
    page.screenshot(path=str(shots / "attendance-correct-390.png"), full_page=True)
    browser.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_a_wide_map_shows_units_and_drills_down_to_beats_and_back(
    world, chromium, live_server, shots, width, monkeypatch
):
    """Above BEAT_LIMIT outlined beats the supervisor's map shows 亭湖's two
    stations; "look inside" one shows its beat, and the trail goes back."""
    from policing import maps

    for unit, box in ((world.wuxing, (120.21, 33.32, 120.29, 33.40)),
                      (world.wx_beat, (120.22, 33.33, 120.25, 33.36))):
        unit.refresh_from_db()
        unit_set_boundary(actor=None, unit=unit, geometry=rectangle(box))
    monkeypatch.setattr(maps, "BEAT_LIMIT", 1)
    browser = chromium.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
    browser.set_default_timeout(15_000)
    page = browser.new_page()
    enrol_second_factor("supervisor")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    confirm_second_factor(page, "supervisor")
    page.goto(live_server.url + "/map/")
    page.wait_for_selector("#beat-map[data-level=units]")
    units = page.locator(".leaflet-overlay-pane path.leaflet-interactive")
    assert units.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / f"map-units-{width}.png"), full_page=True)

    units.first.click()
    page.click(".leaflet-popup [data-drill]")
    page.wait_for_selector("#beat-map[data-level=beats]")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 1
    assert f"unit={world.dongcheng.pk}" in page.url
    assert page.locator("#map-trail").is_visible()
    assert page.locator("#map-trail [aria-current=page]").inner_text() == "东城派出所"
    page.screenshot(path=str(shots / f"map-drilled-{width}.png"), full_page=True)

    page.click("#map-trail a")
    page.wait_for_selector("#beat-map[data-level=units]")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 2
    assert page.locator("#map-trail").is_hidden()
    browser.close()
