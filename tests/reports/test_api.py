"""/api/reports/: 202 on request, state and figures, filters, bad input and scope."""

import pytest
from rest_framework.test import APIClient

from reports import figures
from reports.figures import Period
from reports.models import MonthlyReport
from reports.months import add_months, current_month, format_month
from tests.reports.test_figures import MARCH
from tests.reports.test_pages import march_data, report  # noqa: F401 - fixtures


@pytest.fixture
def api():
    return APIClient()


def test_post_answers_202_and_the_report_is_generated(api, march_data, django_capture_on_commit_callbacks):  # noqa: F811
    api.force_authenticate(march_data.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/reports/", {"unit": march_data.tinghu.pk, "month": "2026-03"}, format="json")
    assert response.status_code == 202
    report = MonthlyReport.objects.get(unit=march_data.tinghu, month=MARCH)
    assert response.json() == {"id": report.pk, "state": "queued", "unit": march_data.tinghu.pk, "month": "2026-03"}
    assert report.state == MonthlyReport.State.DONE
    detail = api.get(f"/api/reports/{report.pk}/").json()
    assert detail["state"] == "done"
    expected = figures.dispute_figures(Period(march_data.tinghu, MARCH))
    for key in ("received", "concluded", "resolved", "overdue", "backlog"):
        assert detail["figures"][key] == expected[key], key
    assert detail["figures"]["repeat_call_rate"] is None


@pytest.mark.parametrize("month", ["2026-13", "2026/03", "", None])
def test_malformed_month_is_400(api, world, month):
    api.force_authenticate(world.supervisor)
    response = api.post("/api/reports/", {"unit": world.tinghu.pk, "month": month}, format="json")
    assert response.status_code == 400
    assert "month" in response.json()
    assert not MonthlyReport.objects.exists()


def test_future_month_is_400(api, world):
    api.force_authenticate(world.supervisor)
    future = format_month(add_months(current_month(), 1))
    response = api.post("/api/reports/", {"unit": world.tinghu.pk, "month": future}, format="json")
    assert response.status_code == 400
    assert "month" in response.json()


def test_unit_outside_scope_is_400(api, world):
    api.force_authenticate(world.lead2)
    response = api.post("/api/reports/", {"unit": world.dongcheng.pk, "month": "2026-03"}, format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not MonthlyReport.objects.exists()


def test_officer_without_permission_gets_403(api, report, march_data):  # noqa: F811
    api.force_authenticate(march_data.officer)
    assert api.get("/api/reports/").status_code == 403
    assert api.get(f"/api/reports/{report.pk}/").status_code == 403
    response = api.post("/api/reports/", {"unit": march_data.dongcheng.pk, "month": "2026-03"}, format="json")
    assert response.status_code == 403


def test_report_of_other_station_is_404(api, report, march_data):  # noqa: F811
    api.force_authenticate(march_data.lead2)
    assert api.get(f"/api/reports/{report.pk}/").status_code == 404
    assert api.get("/api/reports/").json()["count"] == 0


def test_list_filters_by_unit_and_month(api, report, march_data, django_capture_on_commit_callbacks):  # noqa: F811
    from reports import queue

    with django_capture_on_commit_callbacks(execute=True):
        queue.report_request(actor=march_data.supervisor, unit=march_data.tinghu, month=MARCH)
        queue.report_request(actor=march_data.supervisor, unit=march_data.tinghu, month=add_months(MARCH, -1))
    api.force_authenticate(march_data.supervisor)
    assert api.get("/api/reports/").json()["count"] == 3
    data = api.get("/api/reports/", {"unit": march_data.tinghu.pk, "month": "2026-03"}).json()
    assert [row["month"] for row in data["results"]] == ["2026-03"]
    assert data["results"][0]["unit"]["id"] == march_data.tinghu.pk
    assert api.get("/api/reports/", {"month": "March"}).status_code == 400
