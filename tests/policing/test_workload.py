"""Workload: who carries how many open, overdue, high-risk and awaiting-
verification cases, per officer and per mediator on a station's page and the
lead's home, per station above it. Each count is a link to the dispute list
showing exactly the cases counted; the tables cost a constant number of
queries however many people they list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, Mediator, Track
from tests.conftest import login, make_user, register
from units.models import Officer


def mediator(world, name):
    return Mediator.objects.create(name=name, kind=Mediator.Kind.JUDICIAL, unit=world.dongcheng)


def case(world, *, officer, risk="low", mediators=(), overdue=False, resolve=False, unit=None):
    unit = unit or world.dongcheng
    lead = world.lead if unit == world.dongcheng else world.lead2
    dispute = register(world, by=lead, unit=unit)
    services.dispute_assess(dispute=dispute, actor=lead, risk_level=risk, track=Track.JOINT)
    services.dispute_dispatch(dispute=dispute, actor=lead, officer=officer, mediators=mediators)
    if overdue:
        Dispute.objects.filter(pk=dispute.pk).update(
            deadline=timezone.now() - datetime.timedelta(days=1)
        )
    if resolve:
        services.dispute_resolve(dispute=dispute, actor=officer, resolution_note="和解")
    return dispute


@pytest.fixture
def load(world):
    """Worked out by hand — 王警官 (officer): 3 open (1 overdue, 1 high risk)
    and 1 awaiting verification; 李所长 (lead): 1 open, high risk and
    overdue; 孙调解员: on 2 open cases (one high risk) and the resolved one;
    五星: 1 open case of 赵警官; one closed case counts nowhere."""
    sun, zhou = mediator(world, "孙调解员"), mediator(world, "周律师")
    case(world, officer=world.officer, mediators=[sun])
    case(world, officer=world.officer, overdue=True)
    case(world, officer=world.officer, risk="high", mediators=[sun, zhou])
    case(world, officer=world.officer, mediators=[sun], resolve=True)
    case(world, officer=world.lead, risk="high", overdue=True)
    closed = case(world, officer=world.officer, mediators=[zhou], resolve=True)
    services.dispute_verify(dispute=closed, actor=world.lead)
    case(world, officer=world.officer2, unit=world.wuxing)
    return {"sun": sun, "zhou": zhou}


def counts(row):
    return {cell["measure"]: cell["count"] for cell in row["cells"]}


def by_name(rows):
    return {row["name"]: row for row in rows}


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_lead_home_counts_per_officer_as_worked_out_by_hand(world, client, load):
    response = login(client, world.lead).get("/")
    rows = by_name(response.context["officer_workload"])
    assert counts(rows["王警官"]) == {
        "open": 3, "overdue": 1, "high_risk": 1, "awaiting_verification": 1,
    }
    assert counts(rows["李所长"]) == {
        "open": 1, "overdue": 1, "high_risk": 1, "awaiting_verification": 0,
    }
    assert "赵警官" not in rows  # another station's officer
    mediators = by_name(response.context["mediator_workload"])
    assert counts(mediators["孙调解员"]) == {
        "open": 2, "overdue": 0, "high_risk": 1, "awaiting_verification": 1,
    }
    assert counts(mediators["周律师"]) == {
        "open": 1, "overdue": 0, "high_risk": 1, "awaiting_verification": 0,
    }


def test_every_workload_link_lists_exactly_the_cases_counted(world, client, load):
    login(client, world.lead)
    response = client.get("/")
    rows = response.context["officer_workload"] + response.context["mediator_workload"]
    checked = 0
    for row in rows:
        for cell in row["cells"]:
            assert listed(client, cell["url"]) == cell["count"], (row["name"], cell["measure"])
            checked += 1
    assert checked == 16
    assert 'data-measure="overdue"' in response.content.decode()


def test_supervisor_sees_the_same_per_station_on_home_and_unit_page(world, client, load):
    login(client, world.supervisor)
    home = client.get("/").context["branch_rows"]
    dongcheng = next(row for row in home if row["unit"] == world.dongcheng)
    assert (dongcheng["open"], dongcheng["overdue"], dongcheng["high_risk"],
            dongcheng["awaiting_verification"]) == (4, 2, 2, 1)
    for measure, url in dongcheng["links"].items():
        assert listed(client, url) == dongcheng[measure]

    page = client.get(world.tinghu.get_absolute_url())
    stations = by_name(page.context["station_workload"])
    assert set(stations) == {"东城派出所", "五星派出所"}
    assert counts(stations["五星派出所"])["open"] == 1
    for row in stations.values():
        for cell in row["cells"]:
            assert listed(client, cell["url"]) == cell["count"]


def test_station_page_lists_its_officers_with_nothing_as_zeros(world, client, load):
    idle = make_user("idle", world.dongcheng, Officer.Role.OFFICER, first_name="闲警官")
    page = login(client, world.supervisor).get(world.dongcheng.get_absolute_url())
    rows = by_name(page.context["officer_workload"])
    assert counts(rows[idle.get_full_name()]) == dict.fromkeys(
        ["open", "overdue", "high_risk", "awaiting_verification"], 0
    )
    assert list(rows)[0] == "王警官"  # the busiest first


def test_an_officer_of_another_station_cannot_see_its_workload(world, client, load):
    assert login(client, world.officer2).get(world.dongcheng.get_absolute_url()).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_officers(world, start, n):
    for i in range(start, start + n):
        user = make_user(f"extra{i}", world.dongcheng, Officer.Role.OFFICER, first_name=f"警官{i}")
        case(world, officer=user, mediators=[mediator(world, f"调解员{i}")], overdue=i % 2 == 0)


@pytest.mark.parametrize("who, url", [("lead", "/"), ("supervisor", "dongcheng"),
                                      ("supervisor", "tinghu")])
def test_workload_queries_do_not_grow_with_officers(world, client, who, url):
    _more_officers(world, 0, 2)
    login(client, getattr(world, who))
    url = getattr(world, url).get_absolute_url() if url != "/" else url
    few = _queries(client, url)
    _more_officers(world, 2, 8)
    many = _queries(client, url)
    assert few == many
