"""Lists that seek (issue 16): the scope as a subtree of unit ids, the
dispute search as one union of index reads, a total order for every sort, and
the API's pages that stop at an offset bound and go on with a cursor."""

import datetime

import pytest
from django.utils import timezone

from disputes import services
from disputes.filters import DisputeFilter
from disputes.models import Dispute
from tests.conftest import login, register
from units import pagination
from units.pagination import CappedPaginator, ListPagination

API = "/api/disputes/"
LIST = "/disputes/"


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def many(world):
    """Seven cases of 东城 received an hour apart, one of 五星, one of 楼王."""
    now = timezone.now()
    own = [
        register(world, title=f"纠纷{index}", received_at=now - datetime.timedelta(hours=index + 1))
        for index in range(7)
    ]
    register(world, by=world.officer2, unit=world.wuxing, title="五星的纠纷")
    register(world, by=world.outsider, unit=world.louwang, title="楼王的纠纷")
    return own


@pytest.mark.django_db
def test_the_scope_is_the_users_subtree(client, world, many):
    assert {d.unit_id for d in Dispute.objects.all()} >= {world.louwang.pk, world.wuxing.pk}
    login(client, world.supervisor)
    titles = {row["title"] for row in client.get(API + "?page_size=50").json()["results"]}
    assert "五星的纠纷" in titles and "楼王的纠纷" not in titles and len(titles) == 8
    login(client, world.officer)
    assert len(client.get(API).json()["results"]) == 7
    response = client.get(API + f"?unit={world.wuxing.pk}")
    assert response.status_code == 400  # another station is no choice of 东城's officer


@pytest.mark.django_db
def test_search_by_title_reference_name_and_full_id_number(client, world, many):
    login(client, world.supervisor)
    target = many[3]
    assert _ids(client.get(API + "?q=纠纷3")) == [target.pk]
    assert _ids(client.get(API + f"?q={target.reference[-6:]}")) == [target.pk]
    odd = register(world, title="车位纠纷", parties=[
        services.PartyData(name="欧阳明月", role="applicant", id_number="32090219850505100X",
                           phone="13700002222", address="东城"),
    ])
    assert _ids(client.get(API + "?q=阳明")) == [odd.pk]
    assert _ids(client.get(API + "?q=32090219850505100x")) == [odd.pk]
    assert _ids(client.get(API + "?q=13700002222")) == [odd.pk]
    # Never a partial match on personal data.
    assert _ids(client.get(API + "?q=198505051")) == []


@pytest.mark.django_db
@pytest.mark.parametrize("listed", [5_000, 2])
def test_a_search_finds_the_same_cases_listed_or_as_a_subquery(client, world, many, monkeypatch, listed):
    """Its ids are read first and listed when few (PostgreSQL misjudged the
    matches and read the whole scope), and searched as a subquery past
    SEARCH_IDS_LISTED: the same cases, in scope, either way."""
    monkeypatch.setattr(DisputeFilter, "SEARCH_IDS_LISTED", listed)
    login(client, world.officer)
    # 纠纷0–纠纷6 of 东城 and 五星's and 楼王's: the officer's scope holds the seven.
    assert sorted(_ids(client.get(API + "?q=纠纷"))) == sorted(d.pk for d in many)
    assert _ids(client.get(API + "?q=纠纷5")) == [many[5].pk]
    page = client.get(LIST + "?q=纠纷").content.decode()
    assert "纠纷6" in page and "五星的纠纷" not in page


@pytest.mark.django_db
def test_every_ordering_is_total_and_pages_do_not_repeat(client, world, many, monkeypatch):
    monkeypatch.setattr(ListPagination, "page_size", 3)
    login(client, world.officer)
    for ordering in ["status", "-status", "risk_level", "reference", "-received_at"]:
        seen, url = [], API + f"?ordering={ordering}"
        for _ in range(5):
            body = client.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
            if not url:
                break
        assert sorted(seen) == sorted(d.pk for d in many), ordering


@pytest.mark.django_db
def test_pages_stop_at_the_offset_bound_and_next_goes_on_with_a_cursor(
    client, world, many, monkeypatch
):
    monkeypatch.setattr(ListPagination, "page_size", 2)
    monkeypatch.setattr(pagination, "MAX_OFFSET", 4)
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    login(client, world.officer)
    first = client.get(API).json()
    assert first["count"] == 3 and first["count_capped"] is True
    assert client.get(API + "?page=3").status_code == 400
    refused = client.get(API + "?page=3").json()
    assert "page" in refused
    # Page 2 is the last page number (offset 2 < 4); its next link is a cursor.
    second = client.get(API + "?page=2").json()
    assert "cursor=" in second["next"] and "page=" not in second["next"]
    newest_first = [d.pk for d in sorted(many, key=lambda d: d.received_at, reverse=True)]
    walked, url = [], API
    for _ in range(10):
        body = client.get(url).json()
        walked += [row["id"] for row in body["results"]]
        url = body["next"]
        if not url:
            break
    assert walked == newest_first
    assert client.get(API + "?cursor=bm9wZQ").status_code == 400
    last = client.get(API + "?page=last")
    assert last.status_code == 200 and last.json()["next"].count("cursor=") == 1


@pytest.mark.django_db
def test_a_cursor_keeps_the_filters_and_the_ordering(client, world, many, monkeypatch):
    monkeypatch.setattr(ListPagination, "page_size", 2)
    monkeypatch.setattr(pagination, "MAX_OFFSET", 2)
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    login(client, world.officer)
    url, walked = API + "?ordering=reference&q=%E7%BA%A0%E7%BA%B7", []  # 纠纷
    for _ in range(10):
        body = client.get(url).json()
        walked += [row["reference"] for row in body["results"]]
        url = body["next"]
        if not url:
            break
    assert walked == sorted(d.reference for d in many)


@pytest.mark.django_db
def test_the_list_page_sorts_with_the_id_as_the_last_key(client, world, many):
    login(client, world.officer)
    response = client.get(LIST + "?ordering=-status")
    rows = list(response.context["page_obj"].object_list)
    assert [d.pk for d in rows] == sorted((d.pk for d in many), reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["五星", "五星派出所", "TH-WX", "th-wx", "五星派出所 (TH-WX)"])
def test_the_unit_picker_matches_typed_text_on_the_server(client, world, many, typed):
    login(client, world.supervisor)
    response = client.get(LIST, {"unit": typed})
    assert [d.title for d in response.context["page_obj"].object_list] == ["五星的纠纷"]
    html = response.content.decode()
    assert 'value="五星派出所 (TH-WX)"' in html and 'role="combobox"' in html
    assert "<option value=\"%d\"" % world.wuxing.pk not in html  # no list of units


@pytest.mark.django_db
def test_the_unit_picker_refuses_an_ambiguous_or_foreign_name(client, world, many):
    login(client, world.supervisor)
    response = client.get(LIST, {"unit": "派出所"})  # 东城 and 五星
    assert "五星派出所 (TH-WX)" in response.content.decode()
    assert response.context["filter"].form.errors["unit"]
    response = client.get(LIST, {"unit": "楼王"})  # another sub-bureau's station
    assert response.context["filter"].form.errors["unit"]
    assert client.get(API, {"unit": world.louwang.pk}).status_code == 400
    assert _ids(client.get(API, {"unit": world.wuxing.pk})) == [
        d.pk for d in Dispute.objects.filter(unit=world.wuxing)
    ]


@pytest.mark.django_db
def test_the_unit_pickers_search_is_the_units_api_scoped(client, world):
    login(client, world.supervisor)
    names = lambda q: [u["name"] for u in client.get("/api/units/", q).json()["results"]]  # noqa: E731
    assert names({"q": "派出所"}) == ["东城派出所", "五星派出所"]
    assert names({"q": "东城"}) == ["东城派出所", "东城一警区"]
    assert names({"q": "东城", "beats": "false"}) == ["东城派出所"]
    assert names({"q": "楼王"}) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "params", "scope_first"), [
    ("officer", "", True),  # a station's cases: read through the unit index, then sorted
    ("supervisor", "", True),
    ("admin", "", False),  # everything: walk the reference index
    ("admin", "&unit=TH-DC", True),
])
def test_references_sort_scope_first_within_a_narrow_scope(
    client, world, many, role, params, scope_first
):
    """References begin with the station's code, so a scope's references sit
    together in the reference index: a narrow scope sorts its own rows (the
    expression no index gives) rather than walk the index to them. The order
    shown is the references' order either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, getattr(world, role))
    for ordering, reverse in [("reference", False), ("-reference", True)]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST + f"?ordering={ordering}{params}")
        shown = [d.reference for d in response.context["page_obj"].object_list]
        assert shown == sorted(shown, reverse=reverse) and len(shown) >= 7
        listing = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]
                   and '"disputes_dispute"."reference"' in q["sql"].split("ORDER BY")[-1]]
        assert listing, "the list's query"
        assert ("|| ''" in listing[-1].split("ORDER BY")[-1]) is scope_first
