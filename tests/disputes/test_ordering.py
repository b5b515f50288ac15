"""Sorting the dispute list by risk level and by status in the domain's order
(high risk first when descending, the flow's order for status), on the page
and in the API, and paging through either with the API's cursor."""

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes import services
from disputes.models import Dispute
from tests.conftest import login, register
from units import pagination
from units.pagination import CappedPaginator, ListPagination

LIST = "/disputes/"
API = "/api/disputes/"

# The cases of the fixture, registered in this order (so their ids ascend):
# title, status, risk level.
CASES = [
    ("登记", "registered", ""),
    ("评估", "assessed", "high"),
    ("调解中", "in_mediation", "medium"),
    ("已化解", "resolved", "low"),
    ("未化解", "unresolved", "high"),
    ("已结案", "closed", "medium"),
    ("已撤回", "withdrawn", ""),
]

# Worked out by hand from CASES: ties (same rank) by id in the sort's direction.
EXPECTED = {
    "status": ["登记", "评估", "调解中", "已化解", "未化解", "已结案", "已撤回"],
    "-status": ["已撤回", "已结案", "未化解", "已化解", "调解中", "评估", "登记"],
    # High, medium, low, then not yet assessed.
    "-risk_level": ["未化解", "评估", "已结案", "调解中", "已化解", "已撤回", "登记"],
    "risk_level": ["登记", "已撤回", "已化解", "调解中", "已结案", "评估", "未化解"],
}


def _move(world, dispute: Dispute, status: str, risk_level: str) -> None:
    """Take a registered case to ``status`` through the services."""
    officer, lead = world.officer, world.lead
    if status == "withdrawn":
        services.dispute_withdraw(dispute=dispute, actor=officer, note="当事人已和好")
        return
    if status == "registered":
        return
    services.dispute_assess(dispute=dispute, actor=officer, risk_level=risk_level, track="immediate")
    if status == "assessed":
        return
    services.dispute_dispatch(dispute=dispute, actor=officer, officer=officer)
    if status == "unresolved":
        services.dispute_fail(dispute=dispute, actor=officer, referral=services.ReferralData(
            target="court", target_name="亭湖区人民法院"))
    elif status in ("resolved", "closed"):
        services.dispute_resolve(dispute=dispute, actor=officer, resolution_note="当场和解")
    if status == "closed":
        services.dispute_verify(dispute=dispute, actor=lead)


@pytest.fixture
def ranked(world):
    for title, status, risk_level in CASES:
        _move(world, register(world, title=title), status, risk_level)
    assert sorted(Dispute.objects.values_list("title", "status", "risk_level")) == sorted(CASES)


def _page_titles(client, ordering: str) -> list[str]:
    response = client.get(LIST + f"?ordering={ordering}")
    assert response.status_code == 200
    return [d.title for d in response.context["page_obj"].object_list]


def _walk(client, url: str) -> list[str]:
    """Follow the API's ``next`` links from ``url``; every title seen."""
    titles = []
    for _ in range(20):
        body = client.get(url).json()
        titles += [row["title"] for row in body["results"]]
        url = body["next"]
        if not url:
            return titles
    raise AssertionError("the next links do not end")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "admin"])  # scope first; the index walk
@pytest.mark.parametrize("ordering", list(EXPECTED))
def test_the_page_lists_risk_and_status_in_the_domains_order(
    client, world, ranked, ordering, role
):
    login(client, getattr(world, role))
    assert _page_titles(client, ordering) == EXPECTED[ordering]


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["-risk_level", "status"])
def test_page_numbers_hold_in_a_ranked_order(client, world, ranked, settings, ordering):
    """Three cases a page: the pages, in turn, are the order cut in threes."""
    settings.FENGQIAO = {**settings.FENGQIAO, "PAGE_SIZE": 3}
    login(client, world.supervisor)
    pages = [_page_titles(client, f"{ordering}&page={number}") for number in (1, 2, 3)]
    expected = EXPECTED[ordering]
    assert pages == [expected[:3], expected[3:6], expected[6:]]


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", list(EXPECTED))
def test_the_api_lists_risk_and_status_in_the_domains_order(client, world, ranked, ordering):
    login(client, world.supervisor)
    body = client.get(API + f"?ordering={ordering}").json()
    assert [row["title"] for row in body["results"]] == EXPECTED[ordering]


@pytest.mark.django_db
def test_a_case_moves_up_the_risk_order_when_assessed(client, world, ranked):
    """The rank follows the code when a case changes: the registered case,
    assessed as high risk, joins the high ones (the first registered, so
    the last of them) ahead of every medium one."""
    services.dispute_assess(dispute=Dispute.objects.get(title="登记"), actor=world.officer,
                            risk_level="high", track="joint")
    login(client, world.officer)
    assert _page_titles(client, "-risk_level")[:3] == ["未化解", "评估", "登记"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "admin"])  # scope first; the index walk
@pytest.mark.parametrize("ordering", list(EXPECTED))
def test_the_cursor_pages_through_a_ranked_ordering_without_loss_or_repeats(
    client, world, ranked, monkeypatch, ordering, role
):
    """Two rows a page and an offset bound of two rows: every ``next`` link
    is a cursor, and page boundaries fall inside ties (two blank risks)."""
    monkeypatch.setattr(ListPagination, "page_size", 2)
    monkeypatch.setattr(pagination, "MAX_OFFSET", 2)
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    login(client, getattr(world, role))
    first = client.get(API + f"?ordering={ordering}").json()
    assert "cursor=" in first["next"]
    assert _walk(client, API + f"?ordering={ordering}") == EXPECTED[ordering]


@pytest.mark.django_db
def test_the_last_page_number_goes_on_with_a_cursor_in_the_ranked_order(
    client, world, ranked, monkeypatch
):
    monkeypatch.setattr(ListPagination, "page_size", 2)
    monkeypatch.setattr(pagination, "MAX_OFFSET", 4)
    login(client, world.officer)
    second = client.get(API + "?ordering=-risk_level&page=2").json()
    assert [row["title"] for row in second["results"]] == ["已结案", "调解中"]
    assert "cursor=" in second["next"] and "page=" not in second["next"]
    assert _walk(client, second["next"]) == ["已化解", "已撤回", "登记"]


@pytest.mark.django_db
def test_a_cursor_whose_rank_is_not_a_number_is_refused(client, world, ranked):
    login(client, world.officer)
    forged = base64.urlsafe_b64encode(json.dumps(["high", "3"]).encode()).decode().rstrip("=")
    response = client.get(API + f"?ordering=-risk_level&cursor={forged}")
    assert response.status_code == 400 and "cursor" in response.json()


@pytest.mark.django_db
def test_the_risk_header_toggles_its_order(client, world, ranked):
    login(client, world.officer)
    response = client.get(LIST + "?ordering=-risk_level")
    assert response.context["sort"]["risk_level"] == {"next": "risk_level", "arrow": "▼"}
    assert "?ordering=risk_level" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "params", "scope_first"), [
    ("officer", "", True),  # a station's cases: its ids sorted, then its rows read
    ("supervisor", "", True),
    ("admin", "", False),  # everything: walk the (rank, id) index
    ("admin", "&unit=TH-DC", True),
])
@pytest.mark.parametrize("ordering", ["-risk_level", "status"])
def test_a_narrow_scope_sorts_its_own_ranks_and_reads_the_ids_first(
    client, world, ranked, role, params, scope_first, ordering
):
    """Within a narrow scope a rank is sorted as the expression ``rank + 0``,
    which no index gives, over the scope's ids (a subquery that takes the
    page's ids), and the page's rows are read by those ids; everything, for
    the administrator, reads down the rank's index."""
    login(client, getattr(world, role))
    rank = "risk_rank" if "risk" in ordering else "status_rank"
    with CaptureQueriesContext(connection) as queries:
        assert _page_titles(client, ordering + params) == EXPECTED[ordering]
    listing = [q["sql"] for q in queries.captured_queries
               if f'"{rank}"' in q["sql"].rpartition("ORDER BY")[2]]
    assert len(listing) == 1, "the list's one query"
    assert (f'"{rank}" + 0)' in listing[0]) is scope_first
    assert ('"disputes_dispute"."id" IN (SELECT' in listing[0]) is scope_first


@pytest.mark.django_db
def test_a_cursor_page_of_a_narrow_scope_stays_scope_first(client, world, ranked, monkeypatch):
    """From a position at the end of a rank, the rank's index would be
    walked past every other scope's cases of the next rank."""
    monkeypatch.setattr(ListPagination, "page_size", 2)
    monkeypatch.setattr(pagination, "MAX_OFFSET", 2)
    login(client, world.officer)
    cursor = client.get(API + "?ordering=-risk_level").json()["next"]
    with CaptureQueriesContext(connection) as queries:
        body = client.get(cursor).json()
    assert [row["title"] for row in body["results"]] == ["已结案", "调解中"]
    listing = [q["sql"] for q in queries.captured_queries if '"risk_rank" + 0)' in q["sql"]]
    assert len(listing) == 1 and '"disputes_dispute"."id" IN (SELECT' in listing[0]


@pytest.mark.django_db
def test_a_ranked_order_holds_with_a_status_filter(client, world, ranked):
    """Several statuses chosen make the query DISTINCT; its page of ids still
    holds the order."""
    login(client, world.officer)
    query = "status=assessed&status=unresolved&status=in_mediation&ordering=-risk_level"
    response = client.get(LIST + "?" + query)
    assert [d.title for d in response.context["page_obj"].object_list] == ["未化解", "评估", "调解中"]
    body = client.get(API + "?" + query).json()
    assert [row["title"] for row in body["results"]] == ["未化解", "评估", "调解中"]
