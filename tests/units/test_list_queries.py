"""Constant, few queries (issue 16): every list page and API list runs at
most 12 SQL queries, the same number at 1 row as at 50."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login, register

MAX_QUERIES = 12
LISTS = [
    "/disputes/", "/disputes/?q=纠纷", "/disputes/?ordering=deadline", "/disputes/?unit=TH-DC",
    "/api/disputes/", "/api/disputes/?ordering=-status", "/api/units/?q=东城",
    "/incidents/", "/enterprises/", "/volunteers/", "/volunteers/patrols/", "/volunteers/tips/",
    "/reports/", "/api/incidents/", "/api/enterprises/", "/api/volunteers/", "/api/reports/",
]


def _queries(client, url) -> int | None:
    """The queries of one request; None for a list the role may not read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 403), url
    return len(queries) if response.status_code == 200 else None


def _add(world, count):
    now = timezone.now()
    for index in range(count):
        register(world, title=f"纠纷{index}", received_at=now - datetime.timedelta(minutes=index + 1))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "supervisor", "admin"])
def test_lists_run_few_queries_whatever_the_rows(client, world, role):
    login(client, getattr(world, role))
    _add(world, 1)
    for url in LISTS:
        _queries(client, url)  # warm the per-process caches (permissions' content types)
    one = {url: _queries(client, url) for url in LISTS}
    _add(world, 49)
    fifty = {url: _queries(client, url) for url in LISTS}
    assert {u: n for u, n in one.items() if n is not None and n > MAX_QUERIES} == {}
    assert one["/disputes/"] is not None and one["/api/disputes/"] is not None
    assert fifty == one
