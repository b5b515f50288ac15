"""The home page shows each role its own work, with a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, FollowUp, Status, Track
from tests.conftest import login, register


def assess(world, dispute, track=Track.IMMEDIATE, risk="low", by=None):
    return services.dispute_assess(
        dispute=dispute, actor=by or world.officer, risk_level=risk, track=track
    )


def to_mediation(world, dispute, track=Track.IMMEDIATE, risk="low"):
    assess(world, dispute, track, risk)
    dispatcher = world.officer if track == Track.IMMEDIATE else world.lead
    services.dispute_dispatch(dispute=dispute, actor=dispatcher, officer=dispute.assigned_officer)
    return dispute


def resolve(world, dispute):
    to_mediation(world, dispute)
    return services.dispute_resolve(
        dispute=dispute, actor=world.officer, resolution_note="双方握手言和。"
    )


def make_overdue(dispute):
    Dispute.objects.filter(pk=dispute.pk).update(
        deadline=timezone.now() - datetime.timedelta(days=2)
    )


def home(client, user):
    response = login(client, user).get(reverse("home"))
    assert response.status_code == 200
    return response


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_officer_sees_own_open_cases_by_deadline_and_a_due_follow_up(world, client):
    later = assess(world, register(world, title="欠薪纠纷"), track=Track.JOINT)
    sooner = assess(world, register(world, title="噪音纠纷"))
    make_overdue(sooner)
    not_mine = register(world, by=world.lead, title="物业纠纷")
    closed_case = resolve(world, register(world, title="消费纠纷"))
    FollowUp.objects.filter(dispute=closed_case).update(due_on=timezone.localdate())

    response = home(client, world.officer)

    assert list(response.context["my_cases"]) == [sooner, later]
    assert not_mine not in response.context["my_cases"]
    assert {f.dispute for f in response.context["my_follow_ups"]} == {closed_case}
    content = response.content.decode()
    assert sooner.reference in content and closed_case.reference in content
    assert 'class="overdue"' in content


def test_follow_up_not_yet_due_is_not_shown(world, client):
    resolve(world, register(world))  # follow-ups fall due in 7 and 30 days
    response = home(client, world.officer)
    assert list(response.context["my_follow_ups"]) == []


def test_officer_sees_unlinked_calls_of_own_station_only(world, client):
    from incidents.services import incident_create

    def call(actor, unit, number):
        return incident_create(
            actor=actor, number=number, received_at=timezone.now(), caller_name="钱某",
            caller_phone="13800001111", address="东城小区", unit=unit, category="noise",
            summary="噪音扰民",
        )

    own = call(world.officer, world.dongcheng, "110-A")
    other = call(world.officer2, world.wuxing, "110-B")
    calls = home(client, world.officer).context["unlinked_calls"]
    assert own in calls and other not in calls


def test_lead_sees_dispatch_overdue_and_verification_queues(world, client):
    waiting = assess(world, register(world, title="待派单"), track=Track.JOINT)
    late = to_mediation(world, register(world, title="超期"))
    make_overdue(late)
    concluded = resolve(world, register(world, title="待核查"))
    elsewhere = assess(
        world, register(world, by=world.officer2, unit=world.wuxing), Track.JOINT, by=world.officer2
    )

    response = home(client, world.lead)

    context = response.context
    assert list(context["awaiting_dispatch"]) == [waiting]
    assert list(context["overdue"]) == [late]
    assert list(context["awaiting_verification"]) == [concluded]
    assert context["awaiting_dispatch_count"] == 1
    assert elsewhere not in context["awaiting_dispatch"]
    assert context["my_cases_count"] == 0


def test_supervisor_sees_counts_per_station(world, client):
    high = assess(world, register(world), risk="high")
    late = assess(world, register(world))
    make_overdue(late)
    resolve(world, register(world))  # concluded: not open
    services.dispute_assess(
        dispute=register(world, by=world.officer2, unit=world.wuxing),
        actor=world.officer2, risk_level="high", track=Track.IMMEDIATE,
    )
    register(world, by=world.outsider, unit=world.louwang)  # outside 亭湖分局

    response = home(client, world.supervisor)

    rows = {row["unit"]: row for row in response.context["branch_rows"]}
    assert set(rows) == {world.dongcheng, world.wuxing}
    assert (rows[world.dongcheng]["open"], rows[world.dongcheng]["overdue"], rows[world.dongcheng]["high_risk"]) == (2, 1, 1)
    assert (rows[world.wuxing]["open"], rows[world.wuxing]["overdue"], rows[world.wuxing]["high_risk"]) == (1, 0, 1)
    assert response.context["branch_totals"] == {
        "open": 3, "overdue": 1, "high_risk": 2, "awaiting_verification": 1,
    }
    assert high.status == Status.ASSESSED


def test_admin_sees_counts_of_top_level_units(world, client):
    register(world)
    register(world, by=world.outsider, unit=world.louwang)
    rows = home(client, world.admin).context["branch_rows"]
    assert [(row["unit"], row["open"]) for row in rows] == [(world.city, 2)]


def test_coordinator_sees_their_unit(world, client):
    response = home(client, world.coordinator)
    assert world.tinghu.name in response.content.decode()
    assert "my_cases" not in response.context


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["officer", "lead", "supervisor"])
def test_home_query_count_does_not_grow_with_cases(world, client, role):
    def add_cases(n):
        for _ in range(n):
            resolve(world, register(world))
            late = assess(world, register(world), track=Track.JOINT, risk="high")
            make_overdue(late)
        FollowUp.objects.update(due_on=timezone.localdate())

    login(client, getattr(world, role))
    add_cases(1)
    few = _count_queries(client)
    add_cases(10)
    many = _count_queries(client)
    assert few == many
