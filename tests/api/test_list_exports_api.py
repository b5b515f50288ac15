"""The API exports every list its page exports (GET /api/<list>/export/):
same filter parameters, same columns, format by ?format= or Accept, a too
large XLSX refused in JSON. Every response here also passes the schema hook
(tests/conftest.py), which checks the file's media type is documented."""

import csv
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from disputes.exports import DISPUTES
from tests.conftest import register
from units import listexport
from units.models import ExportEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rows(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def cases(world):
    register(world, title="=HYPERLINK(\"x\")", summary="电话13851234567")
    register(world, title="停车位纠纷", category="property")
    register(world, by=world.outsider, unit=world.louwang, title="盐都的纠纷")


def test_csv_by_default_with_the_lists_filter_and_the_pages_columns(world, cases):
    response = api(world.officer).get("/api/disputes/export/", {"ordering": "-reference"},
                                      HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    table = rows(response)
    with translation.override("en"):
        assert table[0] == DISPUTES.headers()
    assert [row[1] for row in table[1:]] == ["停车位纠纷", "'=HYPERLINK(\"x\")"]
    assert "13851234567" not in str(table) and "138****4567" in str(table)
    only = rows(api(world.officer).get("/api/disputes/export/", {"category": "property"}))
    assert [row[1] for row in only[1:]] == ["停车位纠纷"]
    event = ExportEvent.objects.first()  # the newest
    assert (event.via, event.list_name, event.query) == ("api", "disputes", "category=property")


@pytest.mark.parametrize("how", [{"format": "xlsx"}, {"HTTP_ACCEPT": XLSX}])
def test_xlsx_by_format_or_accept(world, cases, how):
    params = {k: v for k, v in how.items() if k == "format"}
    headers = {k: v for k, v in how.items() if k != "format"}
    response = api(world.supervisor).get("/api/disputes/export/", params, **headers)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = sorted(row[1].value for row in sheet.iter_rows(min_row=2))
    assert titles == sorted(["=HYPERLINK(\"x\")", "停车位纠纷"])  # not 盐都's
    assert all(row[1].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_a_too_large_xlsx_is_a_400_in_json(world, cases, monkeypatch):
    monkeypatch.setattr(listexport, "XLSX_MAX_ROWS", 1)
    response = api(world.officer).get("/api/disputes/export/", {"format": "xlsx"})
    assert response.status_code == 400
    assert "at most 1" in response.json()["non_field_errors"][0] or "最多" in str(response.json())
    assert not ExportEvent.objects.exists()


def test_a_role_without_the_list_gets_403(world, cases):
    response = api(world.coordinator).get("/api/incidents/export/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", [
    "/api/disputes/export/", "/api/mediators/export/", "/api/incidents/export/",
    "/api/volunteers/export/", "/api/alliances/export/", "/api/patrols/export/", "/api/tips/export/", "/api/outreach/export/",
    "/api/enterprises/export/", "/api/enterprise-requests/export/",
    "/api/notifications/export/",
])
def test_every_list_exports(world, cases, path):
    response = api(world.supervisor).get(path)
    assert response.status_code == 200
    assert len(rows(response)) >= 1
