"""The unit page: the unit, its children and officers, and subtree counts."""

import datetime

from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import Dispute
from tests.conftest import login, register


def test_unit_page_shows_children_officers_and_subtree_counts(world, client):
    late = register(world)
    services.dispute_assess(dispute=late, actor=world.officer, risk_level="low", track="immediate")
    Dispute.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    register(world)
    register(world, by=world.officer2, unit=world.wuxing)
    register(world, by=world.outsider, unit=world.louwang)

    response = login(client, world.supervisor).get(world.tinghu.get_absolute_url())

    assert response.status_code == 200
    assert list(response.context["children"]) == [world.dongcheng, world.wuxing]
    assert response.context["counts"] == {"open": 3, "overdue": 1}
    assert {o.user for o in response.context["officers"]} == {world.coordinator, world.supervisor}


def test_station_page_lists_its_officers_and_beats(world, client):
    response = login(client, world.officer).get(world.dongcheng.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["children"]) == [world.dc_beat]
    assert {o.user for o in response.context["officers"]} == {world.officer, world.lead}
    assert response.context["parent_visible"] is False


def test_officer_of_other_station_gets_404_for_unit_page(world, client):
    response = login(client, world.officer2).get(world.dongcheng.get_absolute_url())
    assert response.status_code == 404


def test_unit_above_own_unit_is_404(world, client):
    response = login(client, world.officer).get(reverse("policing:unit_detail", args=[world.tinghu.pk]))
    assert response.status_code == 404
