"""The report pages: request, progress, figures, drill-down lists and scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import figures
from reports.figures import Period
from reports.models import MonthlyReport
from reports.months import add_months, current_month, format_month
from tests.conftest import login, register
from tests.reports.test_figures import MARCH, case, t
from units.models import Unit


def request_report(client, unit, month, capture):
    with capture(execute=True):
        return client.post(reverse("reports:list"), {"unit": unit.pk, "month": month})


@pytest.fixture
def march_data(world):
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4), risk="high")
    case(world, t(3, 10), outcome="failed", outcome_at=t(3, 20))
    case(world, t(3, 12), assessed_at=t(3, 12, 11))
    case(world, t(3, 5), outcome="resolved", outcome_at=t(3, 6), by=world.officer2, unit=world.wuxing)
    return world


@pytest.fixture
def report(march_data, django_capture_on_commit_callbacks):
    world = march_data
    from reports import queue

    with django_capture_on_commit_callbacks(execute=True):
        report = queue.report_request(actor=world.lead, unit=world.dongcheng, month=MARCH)
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.DONE
    return report


def test_request_form_generates_the_report_and_redirects_to_it(
    client, march_data, django_capture_on_commit_callbacks
):
    login(client, march_data.supervisor)
    response = request_report(client, march_data.tinghu, "2026-03", django_capture_on_commit_callbacks)
    report = MonthlyReport.objects.get(unit=march_data.tinghu, month=MARCH)
    assert response.status_code == 302
    assert response.url == reverse("reports:detail", args=[report.pk])
    assert report.state == MonthlyReport.State.DONE
    assert report.requested_by == march_data.supervisor
    expected = figures.dispute_figures(Period(march_data.tinghu, MARCH))
    assert report.figures["received"] == expected["received"] == 4
    assert report.figures["resolution_rate"] == pytest.approx(expected["resolution_rate"])


def test_month_defaults_to_last_month_and_units_exclude_beats(client, world):
    login(client, world.supervisor)
    response = client.get(reverse("reports:list"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["month"].value() == format_month(add_months(current_month(), -1))
    units = set(form.fields["unit"].queryset)
    assert units == {world.tinghu, world.dongcheng, world.wuxing}


@pytest.mark.parametrize("month", ["2026-13", "March", "26-03", ""])
def test_malformed_month_is_a_field_error(client, world, month):
    login(client, world.supervisor)
    response = client.post(reverse("reports:list"), {"unit": world.tinghu.pk, "month": month})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert not MonthlyReport.objects.exists()


def test_future_month_is_a_field_error(client, world):
    login(client, world.supervisor)
    future = format_month(add_months(current_month(), 1))
    response = client.post(reverse("reports:list"), {"unit": world.tinghu.pk, "month": future})
    assert response.status_code == 200
    assert "not begun" in response.context["form"].errors["month"][0]
    assert not MonthlyReport.objects.exists()


def test_forged_unit_outside_scope_is_a_field_error(client, world):
    login(client, world.lead2)
    response = client.post(reverse("reports:list"), {"unit": world.dongcheng.pk, "month": "2026-03"})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not MonthlyReport.objects.exists()


def test_report_page_shows_every_count_as_a_link(client, report, march_data):
    login(client, march_data.lead)
    response = client.get(reverse("reports:detail", args=[report.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for key in figures.RECORDS:
        assert reverse("reports:records", args=[report.pk, key]) in html, key
    assert f'{reverse("reports:records", args=[report.pk, "received"])}?track=immediate' in html
    rows = {row.key: row.text for row in response.context["summary"]}
    assert rows["resolution_rate"] == "50.0%"  # 1 resolved of 2 concluded
    assert rows["settlement_rate"] == "66.7%"  # 2 of 3 received were concluded in March
    assert rows["repeat_call_rate"] == rows["satisfaction_rate"] == "no data"
    assert "no data" in html  # no repeat calls or follow-ups: no rate, never 0 %


def test_queued_report_page_refreshes_itself(client, world):
    report = MonthlyReport.objects.create(
        unit=world.dongcheng, month=MARCH, requested_at=datetime.datetime.now(datetime.UTC)
    )
    login(client, world.lead)
    response = client.get(reverse("reports:detail", args=[report.pk]))
    assert response.status_code == 200
    assert response["Refresh"] == "5"
    assert "queued" in response.content.decode().lower()


def test_failed_report_shows_the_reason(client, world):
    report = MonthlyReport.objects.create(
        unit=world.dongcheng, month=MARCH, state="failed", error="OperationalError: gone",
        requested_at=datetime.datetime.now(datetime.UTC),
    )
    login(client, world.lead)
    response = client.get(reverse("reports:detail", args=[report.pk]))
    assert "OperationalError: gone" in response.content.decode()
    assert not response.has_header("Refresh")


@pytest.mark.parametrize("name", ["detail", "print", "export_csv", "export_xlsx"])
def test_lead_of_other_station_gets_404(client, report, march_data, name):
    login(client, march_data.lead2)
    assert client.get(reverse(f"reports:{name}", args=[report.pk])).status_code == 404
    records = reverse("reports:records", args=[report.pk, "received"])
    assert client.get(records).status_code == 404


@pytest.mark.parametrize("user", ["officer", "officer2", "coordinator"])
def test_users_without_the_permission_get_403(client, report, march_data, user):
    login(client, getattr(march_data, user))
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 403
    assert client.get(reverse("reports:list")).status_code == 403
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_list_shows_only_reports_in_scope(client, report, march_data, django_capture_on_commit_callbacks):
    from reports import queue

    with django_capture_on_commit_callbacks(execute=True):
        other = queue.report_request(actor=march_data.lead2, unit=march_data.wuxing, month=MARCH)
    login(client, march_data.lead2)
    response = client.get(reverse("reports:list"))
    assert list(response.context["page_obj"]) == [other]
    login(client, march_data.supervisor)
    response = client.get(reverse("reports:list"), {"unit": march_data.wuxing.pk, "month": "2026-03"})
    assert list(response.context["page_obj"]) == [other]


def test_drill_down_count_matches_the_snapshot(client, report, march_data):
    login(client, march_data.lead)
    for key in figures.RECORDS:
        response = client.get(reverse("reports:records", args=[report.pk, key]))
        assert response.status_code == 200
        assert response.context["current_count"] == report.figures[key], key
        assert response.context["snapshot_count"] == report.figures[key]
        assert "changed since" not in response.content.decode()


def test_drill_down_by_track_and_category(client, report, march_data):
    login(client, march_data.lead)
    url = reverse("reports:records", args=[report.pk, "concluded"])
    response = client.get(url, {"track": "immediate"})
    assert response.context["current_count"] == 2 == report.figures["by_track"]["immediate"]["concluded"]
    response = client.get(url, {"category": "neighbourhood"})
    assert response.context["current_count"] == 2
    assert client.get(url, {"track": "nonsense"}).status_code == 404
    repeat = reverse("reports:records", args=[report.pk, "repeat_calls"])
    assert client.get(repeat, {"track": "immediate"}).status_code == 404


def test_unknown_figure_is_404(client, report, march_data):
    login(client, march_data.lead)
    assert client.get(reverse("reports:records", args=[report.pk, "secrets"])).status_code == 404


def test_drill_down_says_records_changed_since_the_snapshot(client, report, march_data):
    late = register(march_data, title="三月补录纠纷", received_at=t(3, 15))
    login(client, march_data.lead)
    response = client.get(reverse("reports:records", args=[report.pk, "received"]))
    html = response.content.decode()
    assert response.context["snapshot_count"] == 3
    assert response.context["current_count"] == 4
    assert "changed since the snapshot" in html
    assert late.reference in html
    assert response.context["changed"] == [late]


def test_print_page_has_a_print_button_and_no_navigation(client, report, march_data):
    login(client, march_data.lead)
    response = client.get(reverse("reports:print", args=[report.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-print" in html
    assert "navbar" not in html
    assert "东城派出所" in html and "2026-03" in html


def test_list_page_queries_do_not_grow_with_reports(client, world):
    login(client, world.supervisor)
    now = datetime.datetime.now(datetime.UTC)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:list")).status_code == 200
        return len(queries)

    MonthlyReport.objects.create(unit=world.dongcheng, month=MARCH, requested_at=now,
                                 requested_by=world.lead)
    one = count_queries()
    units = [world.tinghu, world.dongcheng, world.wuxing]
    for n in range(1, 25):
        MonthlyReport.objects.create(unit=units[n % 3], month=add_months(MARCH, -n), requested_at=now,
                                     requested_by=world.supervisor)
    assert count_queries() == one


def test_superuser_sees_every_unit(client, report, world):
    login(client, world.admin)
    response = client.get(reverse("reports:list"))
    assert list(response.context["page_obj"]) == [report]
    assert set(response.context["form"].fields["unit"].queryset) == set(
        Unit.objects.exclude(kind=Unit.Kind.BEAT)
    )
