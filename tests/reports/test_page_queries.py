"""Constant, few queries (issue 16, point 4) on the reports' pages: the
dashboard (cold, and warm: its figures, ranking and hotspots kept a few minutes), the
report list and a report's page run at most 12 SQL queries, as many with 50
cases or reports as with one."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import rollups
from reports.models import MonthlyReport
from reports.months import add_months, current_month, month_bounds
from tests.conftest import login, register

MAX_QUERIES = 12


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _add_cases(world, count):
    # Between the month's start and now, even in the month's first minutes.
    start = month_bounds(current_month())[0]
    step = (timezone.now() - start) / 200
    for index in range(count):
        register(world, title=f"纠纷{index}", received_at=start + step * (index + 1))
    rollups.refresh()  # as the Celery task does once the changes commit


def _add_reports(world, count):
    """``count`` more done reports of 亭湖 and 东城, a month earlier each."""
    figures = {"received": 1, "concluded": 0, "resolved": 0}
    first = MonthlyReport.objects.count()
    for index in range(first, first + count):
        MonthlyReport.objects.create(
            unit=world.dongcheng if index % 2 else world.tinghu,
            month=add_months(current_month(), -(index // 2) - 1),
            state=MonthlyReport.State.DONE, figures=figures,
            requested_at=timezone.now(), generated_at=timezone.now(),
            requested_by=world.supervisor,
        )


def _dashboard(client) -> tuple[int, int]:
    """The queries of the dashboard cold (nothing kept) and then warm."""
    url = reverse("reports:dashboard")
    cache.clear()
    cold = _queries(client, url)
    return cold, _queries(client, url)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "supervisor", "admin"])
def test_dashboard_runs_few_queries_whatever_the_cases(client, world, role):
    login(client, getattr(world, role))
    _add_cases(world, 1)
    _dashboard(client)  # the per-process caches (permissions' content types)
    one = _dashboard(client)
    _add_cases(world, 49)
    fifty = _dashboard(client)
    # Cold too: the figures, the ranking, the trend and the hotspots read
    # in a few packed queries, not one per month, median and list.
    assert one[0] <= MAX_QUERIES and one[1] <= MAX_QUERIES
    assert fifty == one


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_report_list_and_page_run_few_queries_whatever_the_reports(client, world, role):
    login(client, getattr(world, role))
    _add_reports(world, 2)  # one of each unit: no list is empty
    report = MonthlyReport.objects.first()
    pages = [reverse("reports:list"), report.get_absolute_url(),
             reverse("reports:list") + f"?unit={world.dongcheng.pk}"]
    for url in pages:
        _queries(client, url)
    one = {url: _queries(client, url) for url in pages}
    _add_reports(world, 48)
    fifty = {url: _queries(client, url) for url in pages}
    assert {url: n for url, n in one.items() if n > MAX_QUERIES} == {}
    assert fifty == one
