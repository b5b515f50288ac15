"""Every list page exports what it shows, on the demo data: the file holds as
many rows as the page counts for the same filter, only the user's units, and
its query count does not grow with the rows."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import exports as dispute_exports
from disputes import selectors as dispute_selectors
from enterprises import exports as enterprise_exports
from enterprises import selectors as enterprise_selectors
from incidents import selectors as incident_selectors
from incidents.exports import INCIDENTS
from notifications import selectors as notification_selectors
from notifications.exports import NOTIFICATIONS
from tests.conftest import login
from units.listexport import csv_lines
from volunteers import exports as volunteer_exports
from volunteers import selectors as volunteer_selectors

OTHER_STATION = "五星派出所"


@pytest.fixture
def demo(demo_seeded, db):
    return get_user_model().objects


def _rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _page_count(response) -> int:
    if "page_obj" in response.context:
        return response.context["page_obj"].paginator.count
    return sum(len(day["patrols"]) for day in response.context["days"])  # the patrol week


# (page, who reads it, query string)
PAGES = [
    ("disputes:list", "officer", {}),
    ("disputes:list", "supervisor", {"ordering": "-deadline"}),
    ("disputes:mediator_list", "lead", {}),
    ("incidents:list", "officer", {}),
    ("volunteers:volunteer_list", "coordinator", {}),
    ("volunteers:alliance_list", "coordinator", {}),
    ("volunteers:tip_list", "officer", {}),
    ("volunteers:patrol_week", "coordinator", {}),
    ("volunteers:outreach_list", "coordinator", {}),
    ("enterprises:list", "officer", {}),
    ("enterprises:requests", "officer", {"status": "open"}),
    ("notifications:list", "officer", {}),
]


@pytest.mark.parametrize(("name", "username", "params"), PAGES)
def test_the_file_holds_what_the_page_counts(demo, client, name, username, params):
    login(client, demo.get(username=username))
    page = client.get(reverse(name), params)
    assert page.status_code == 200
    assert "export=csv" in page.content.decode()
    rows = _rows(client.get(reverse(name), {**params, "export": "csv"}))
    assert len(rows) - 1 == _page_count(page)
    response = client.get(reverse(name), {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert int(response["X-Export-Rows"]) == _page_count(page)


@pytest.mark.parametrize("name", [
    "disputes:list", "incidents:list", "volunteers:tip_list", "enterprises:list",
    "enterprises:requests",
])
def test_an_officer_never_exports_another_stations_records(demo, client, name):
    login(client, demo.get(username="supervisor"))
    everything = str(_rows(client.get(reverse(name), {"export": "csv", "status": ""})))
    login(client, demo.get(username="officer"))
    own = str(_rows(client.get(reverse(name), {"export": "csv", "status": ""})))
    assert OTHER_STATION in everything, "the demo has no record of the other station here"
    assert OTHER_STATION not in own


# (export, the list's selector, for whom)
DEFINITIONS = [
    (dispute_exports.DISPUTES, dispute_selectors.dispute_list, "supervisor"),
    (dispute_exports.MEDIATORS, dispute_selectors.mediator_list, "supervisor"),
    (INCIDENTS, incident_selectors.incident_list, "supervisor"),
    (volunteer_exports.VOLUNTEERS, volunteer_selectors.volunteer_list, "coordinator"),
    (volunteer_exports.ALLIANCES, volunteer_selectors.alliance_list, "coordinator"),
    (volunteer_exports.PATROLS, volunteer_selectors.patrol_list, "coordinator"),
    (volunteer_exports.TIPS, volunteer_selectors.tip_list, "supervisor"),
    (volunteer_exports.OUTREACH, volunteer_selectors.outreach_list, "coordinator"),
    (enterprise_exports.ENTERPRISES, enterprise_selectors.enterprise_list, "supervisor"),
    (enterprise_exports.REQUESTS, enterprise_selectors.request_list, "supervisor"),
    (NOTIFICATIONS, notification_selectors.notification_list, "lead"),
]


def _queries(export, queryset) -> int:
    with CaptureQueriesContext(connection) as captured:
        lines = list(csv_lines(export, queryset))
    assert len(lines) == queryset.count() + 2  # the byte order mark, the headers
    return len(captured)


@pytest.mark.parametrize(("export", "selector", "username"), DEFINITIONS,
                         ids=[d[0].name for d in DEFINITIONS])
def test_no_query_per_row(demo, export, selector, username):
    queryset = selector(user=demo.get(username=username))
    pks = list(queryset.values_list("pk", flat=True))
    assert len(pks) >= 2, f"the demo has too few {export.name}"
    one = _queries(export, queryset.filter(pk__in=pks[:1]))
    assert _queries(export, queryset.filter(pk__in=pks)) == one
