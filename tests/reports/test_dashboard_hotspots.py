"""The supervisor's dashboard lists the hotspots of the beat map (issue 17
point 5): the beats under the chosen unit with the most of one figure this
month, each linked to its filtered list and to the map, and the addresses
with repeat calls; in a constant number of queries."""

import datetime
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, Track
from incidents import services as incident_services
from tests.conftest import login, register


def _case(world, beat, *, overdue=False, by=None):
    dispute = register(world, beat=beat, by=by, unit=beat.parent)
    if overdue:
        services.dispute_assess(dispute=dispute, actor=by or world.officer, risk_level="low",
                                track=Track.JOINT)
        Dispute.objects.filter(pk=dispute.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    return dispute


def _call(world, n, address="东城小区7栋"):
    incident_services.incident_create(
        actor=world.officer, number=f"110-DASH-{n}", received_at=timezone.now(),
        caller_name="王五", caller_phone="13812345678", address=address,
        unit=world.dongcheng, category="noise", summary="噪音",
    )


def test_dashboard_ranks_beats_and_links_each_to_its_list_and_the_map(client, world):
    # 东城一警区: 3 open (1 overdue); 五星一警区: 1 open.
    for overdue in (False, False, True):
        _case(world, world.dc_beat, overdue=overdue)
    _case(world, world.wx_beat, by=world.officer2)
    for n in range(2):
        _call(world, n)
    login(client, world.supervisor)
    page = client.get(reverse("reports:dashboard"), {"unit": world.tinghu.pk})
    hot = page.context["hotspots"]
    assert [(b["name"], b["value"]) for b in hot["beats"]] == [("东城一警区", 3), ("五星一警区", 1)]
    assert hot["addresses"] == [{"address": "东城小区7栋", "calls": 2, "cases": 0}]
    text = page.content.decode()
    assert 'id="hotspots"' in text and reverse("map") in text
    # The figure links to the beat's open cases: following it lists exactly those.
    link = urlsplit(hot["beats"][0]["list_url"])
    assert link.path == reverse("disputes:list") and parse_qs(link.query)["beat"] == [str(world.dc_beat.pk)]
    listed = client.get(hot["beats"][0]["list_url"])
    assert len(listed.context["page_obj"]) == 3

    overdue = client.get(reverse("reports:dashboard"), {"unit": world.tinghu.pk, "hotspot": "overdue"})
    beats = overdue.context["hotspots"]["beats"]
    assert [(b["name"], b["value"]) for b in beats] == [("东城一警区", 1)]
    assert len(client.get(beats[0]["list_url"]).context["page_obj"]) == 1


def test_dashboard_hotspots_follow_the_chosen_unit(client, world):
    _case(world, world.dc_beat)
    _case(world, world.wx_beat, by=world.officer2)
    login(client, world.supervisor)
    page = client.get(reverse("reports:dashboard"), {"unit": world.wuxing.pk})
    assert [b["name"] for b in page.context["hotspots"]["beats"]] == ["五星一警区"]


def test_dashboard_hotspot_queries_do_not_grow_with_beats_or_records(client, world):
    login(client, world.supervisor)
    url = reverse("reports:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        _case(world, world.dc_beat, overdue=n == 0)
        _case(world, world.wx_beat, by=world.officer2)
        _call(world, n, address=f"东城小区{n % 2}栋")
    # The first read after the changes brings the rollups up to date (their
    # own cost, reports.rollups); the hotspots' queries are measured after.
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
