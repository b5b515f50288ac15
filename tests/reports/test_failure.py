"""A failed generation keeps the previous snapshot and says why."""

from reports import rollups
from reports.models import MonthlyReport
from reports.queue import report_regenerate, report_request
from tests.reports.test_figures import MARCH, case, t


def test_failed_generation_keeps_the_previous_snapshot(world, monkeypatch, django_capture_on_commit_callbacks):
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4))
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=world.supervisor, unit=world.tinghu, month=MARCH)
    report.refresh_from_db()
    assert report.state == "done" and report.figures["resolved"] == 1
    before = (report.figures, report.generated_at)

    def broken(*args, **kwargs):
        raise RuntimeError("statement timeout")

    monkeypatch.setattr(rollups, "figures_of_months", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report_regenerate(actor=world.supervisor, report=report)
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.FAILED
    assert "statement timeout" in report.error
    assert (report.figures, report.generated_at) == before


def test_report_page_shows_the_failure_reason(client, world, monkeypatch, django_capture_on_commit_callbacks):
    from tests.conftest import login

    monkeypatch.setattr(rollups, "figures_of_months", lambda *args: 1 / 0)
    login(client, world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/", {"unit": world.tinghu.pk, "month": "2026-03"})
    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    assert "ZeroDivisionError" in page.text
