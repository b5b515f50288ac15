"""110 call pages: list, logging a call, repeat-call candidates and linking, scope."""

import datetime

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import DisputeEvent, Track
from incidents.models import Incident
from incidents.services import incident_create
from tests.conftest import login, register

PHONE = "13851234567"  # the applicant's phone in tests.conftest.register


def make_call(world, *, number="110-0001", phone=PHONE, address="别处", by=None, unit=None, ago=1):
    return incident_create(
        actor=by or world.officer, number=number,
        received_at=timezone.now() - datetime.timedelta(hours=ago),
        caller_name="张三", caller_phone=phone, address=address,
        unit=unit or world.dongcheng, category="noise", summary="楼上噪音扰民。",
    )


def form_data(world, **overrides):
    data = {
        "number": "110-2024-0099",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "caller_name": "钱某",
        "caller_phone": "13800001111",
        "address": "东城小区5栋",
        "unit": world.dongcheng.pk,
        "category": "dispute",
        "summary": "邻居因停车发生争执。",
    }
    data.update(overrides)
    return data


def test_list_shows_calls_of_own_scope_with_phone_masked(world, client):
    own = make_call(world)
    other = make_call(world, number="110-0002", by=world.officer2, unit=world.wuxing)
    response = login(client, world.officer).get(reverse("incidents:list"))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [own]
    content = response.content.decode()
    assert "138****4567" in content and PHONE not in content
    assert other.number not in content


def test_list_query_count_does_not_grow_with_rows(world, client):
    login(client, world.officer)
    make_call(world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("incidents:list")).status_code == 200
        return len(queries)

    few = count()
    for n in range(20):
        make_call(world, number=f"110-1{n:03d}")
    assert count() == few


def test_logging_a_call_saves_it_and_redirects_to_it(world, client):
    response = login(client, world.officer).post(reverse("incidents:create"), form_data(world))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert incident.unit == world.dongcheng and incident.handling_officer == world.officer
    assert incident.caller_phone == "13800001111"


def test_bad_phone_is_a_field_error_and_saves_nothing(world, client):
    response = login(client, world.officer).post(
        reverse("incidents:create"), form_data(world, caller_phone="12345")
    )
    assert response.status_code == 200
    assert "caller_phone" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_future_time_is_a_field_error_and_saves_nothing(world, client):
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    response = login(client, world.officer).post(
        reverse("incidents:create"),
        form_data(world, received_at=tomorrow.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_call_cannot_be_logged_for_a_unit_outside_scope(world, client):
    response = login(client, world.officer).post(
        reverse("incidents:create"), form_data(world, unit=world.wuxing.pk)
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert world.wuxing not in response.context["form"].fields["unit"].queryset
    assert not Incident.objects.exists()


def test_supervisor_cannot_log_calls(world, client):
    response = login(client, world.supervisor).get(reverse("incidents:create"))
    assert response.status_code == 403


def test_detail_offers_cases_sharing_the_callers_phone_or_address(world, client):
    by_phone = register(world, title="电话匹配")
    by_address = register(
        world, title="地址匹配",
        parties=[services.PartyData(name="王五", role="applicant", address="东城小区9栋")],
    )
    unrelated = register(
        world, title="无关", parties=[services.PartyData(name="赵六", role="applicant", phone="13911112222")]
    )
    call = make_call(world, address="东城小区9栋")
    response = login(client, world.officer).get(call.get_absolute_url())
    assert response.status_code == 200
    assert set(response.context["candidates"]) == {by_phone, by_address}
    assert unrelated not in response.context["candidates"]
    content = response.content.decode()
    assert reverse("incidents:link", args=[call.pk]) in content
    assert PHONE not in content and "138****4567" in content


def test_linking_the_second_call_marks_it_a_repeat(world, client):
    dispute = register(world)
    first = make_call(world, number="110-0001", ago=5)
    second = make_call(world, number="110-0002", ago=1)
    login(client, world.officer)
    url = lambda call: reverse("incidents:link", args=[call.pk])  # noqa: E731

    assert client.post(url(first), {"dispute": dispute.pk}).status_code == 302
    response = client.post(url(second), {"dispute": dispute.pk})

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.dispute == dispute and not first.is_repeat
    assert second.dispute == dispute and second.is_repeat
    assert DisputeEvent.objects.filter(dispute=dispute, kind=DisputeEvent.Kind.INCIDENT_LINKED).count() == 2
    page = client.get(second.get_absolute_url())
    assert page.context["candidates"] == []
    assert "badge text-bg-warning" in page.content.decode()


def test_linking_an_already_linked_call_is_refused_with_a_message(world, client):
    dispute, other = register(world), register(world)
    call = make_call(world)
    login(client, world.officer)
    client.post(reverse("incidents:link", args=[call.pk]), {"dispute": dispute.pk})
    response = client.post(reverse("incidents:link", args=[call.pk]), {"dispute": other.pk})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.dispute == dispute
    assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request))


def test_linking_to_a_resolved_case_suggests_reopening(world, client):
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解。")
    call = make_call(world)
    response = login(client, world.officer).post(
        reverse("incidents:link", args=[call.pk]), {"dispute": dispute.pk}
    )
    assert response.status_code == 302
    assert any(m.level_tag == "info" for m in get_messages(response.wsgi_request))


def test_link_requires_post(world, client):
    call = make_call(world)
    response = login(client, world.officer).get(reverse("incidents:link", args=[call.pk]))
    assert response.status_code == 405


def test_supervisor_cannot_link(world, client):
    dispute, call = register(world), make_call(world)
    response = login(client, world.supervisor).post(
        reverse("incidents:link", args=[call.pk]), {"dispute": dispute.pk}
    )
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.dispute is None


def test_officer_of_other_station_gets_404_for_a_call(world, client):
    call = make_call(world)
    response = login(client, world.officer2).get(call.get_absolute_url())
    assert response.status_code == 404


def test_officer_of_other_station_gets_404_when_linking_a_call(world, client):
    call = make_call(world)
    dispute = register(world, by=world.officer2, unit=world.wuxing)
    response = login(client, world.officer2).post(
        reverse("incidents:link", args=[call.pk]), {"dispute": dispute.pk}
    )
    assert response.status_code == 404
    call.refresh_from_db()
    assert call.dispute is None


def test_linking_to_a_case_of_another_station_gets_404(world, client):
    call = make_call(world)
    foreign = register(world, by=world.officer2, unit=world.wuxing)
    response = login(client, world.officer).post(
        reverse("incidents:link", args=[call.pk]), {"dispute": foreign.pk}
    )
    assert response.status_code == 404
    call.refresh_from_db()
    assert call.dispute is None
