"""The volunteer and enterprise sections on the report page, the print page,
the drill-down lists, the exports and the dashboard."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import figures
from reports.models import MonthlyReport
from reports.months import current_month, month_bounds
from tests.conftest import login
from tests.enterprises.helpers import make_enterprise
from tests.reports.test_figures import MARCH, t
from tests.reports.test_sections import a_request, a_tip, build_enterprises, build_volunteers
from tests.volunteers.conftest import vw  # noqa: F401 - fixture
from volunteers import services as volunteer_services


def generate(user, unit, capture, month=MARCH):
    from reports import queue

    with capture(execute=True):
        report = queue.report_request(actor=user, unit=unit, month=month)
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.DONE
    return report


@pytest.fixture
def built(vw):  # noqa: F811
    build_volunteers(vw)
    build_enterprises(vw.w)
    return vw


@pytest.fixture
def tinghu_report(built, django_capture_on_commit_callbacks):
    return generate(built.w.supervisor, built.w.tinghu, django_capture_on_commit_callbacks)


@pytest.fixture
def dongcheng_report(built, django_capture_on_commit_callbacks):
    return generate(built.w.lead, built.w.dongcheng, django_capture_on_commit_callbacks)


def section_rows(response, key):
    section = next(s for s in response.context["sections"] if s["key"] == key)
    return {row.key: row for row in section["rows"]}


# ------------------------------------------------------------------ report page


def test_report_page_shows_both_sections_with_formatted_values(client, tinghu_report, built):
    login(client, built.w.supervisor)
    response = client.get(reverse("reports:detail", args=[tinghu_report.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Volunteers" in html and "Enterprises" in html
    volunteers = section_rows(response, "volunteers")
    enterprises = section_rows(response, "enterprises")
    assert volunteers["patrol_hours"].text == "8.5 hours"
    assert volunteers["patrols_done"].text == "3"
    assert enterprises["visit_coverage"].text == "66.7%"
    assert enterprises["median_days_to_resolve"].text == "3.0 days"
    # Against February (nothing but E1's drill and R3): ▲ marks, a rise in overdue is bad news.
    assert volunteers["patrols_done"].month_on_month.text == "▲ 3"
    assert enterprises["requests_overdue"].month_on_month.good is False
    assert enterprises["median_days_to_resolve"].month_on_month.text == "no data"


def test_supervisor_sees_every_section_count_as_a_link(client, tinghu_report, built):
    login(client, built.w.supervisor)
    html = client.get(reverse("reports:detail", args=[tinghu_report.pk])).content.decode()
    for key in figures.SECTION_RECORDS:
        assert reverse("reports:records", args=[tinghu_report.pk, key]) in html, key


def test_lead_gets_links_only_to_the_lists_their_role_may_read(client, dongcheng_report, built):
    # Station leads handle tips and enterprises but do not read the volunteer
    # register or the patrol rosters (units.roles).
    login(client, built.w.lead)
    response = client.get(reverse("reports:detail", args=[dongcheng_report.pk]))
    html = response.content.decode()
    assert reverse("reports:records", args=[dongcheng_report.pk, "tips_received"]) in html
    assert reverse("reports:records", args=[dongcheng_report.pk, "requests_overdue"]) in html
    assert reverse("reports:records", args=[dongcheng_report.pk, "patrols_done"]) not in html
    assert section_rows(response, "volunteers")["patrols_done"].text == "2"
    patrols = reverse("reports:records", args=[dongcheng_report.pk, "patrols_done"])
    assert client.get(patrols).status_code == 403


def test_report_made_before_the_sections_shows_no_data(client, world):
    report = MonthlyReport.objects.create(
        unit=world.dongcheng, month=MARCH, state="done", figures={"received": 1},
        requested_at=datetime.datetime.now(datetime.UTC),
        generated_at=datetime.datetime.now(datetime.UTC),
    )
    login(client, world.supervisor)
    response = client.get(reverse("reports:detail", args=[report.pk]))
    assert response.status_code == 200
    assert section_rows(response, "volunteers")["tips_received"].text == "no data"
    records = client.get(reverse("reports:records", args=[report.pk, "tips_received"]))
    assert records.status_code == 200
    assert records.context["snapshot_count"] is None


def test_print_page_shows_the_sections_without_links(client, tinghu_report, built):
    login(client, built.w.supervisor)
    response = client.get(reverse("reports:print", args=[tinghu_report.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Patrol hours" in html and "Visit coverage, year to date" in html
    assert "/records/" not in html


# ------------------------------------------------------------------ drill-down


def test_every_section_list_matches_the_snapshot(client, tinghu_report, built):
    login(client, built.w.supervisor)
    for key, (section, figure, _perm) in figures.SECTION_RECORDS.items():
        response = client.get(reverse("reports:records", args=[tinghu_report.pk, key]))
        assert response.status_code == 200, key
        expected = tinghu_report.figures[section][figure]
        assert response.context["snapshot_count"] == expected, key
        assert response.context["current_count"] == expected, key
        assert len(response.context["page_obj"].object_list) == expected, key
        assert "The list matches the report" in response.content.decode()


def test_list_says_when_records_changed_since_the_snapshot(client, dongcheng_report, built):
    a_tip(built, t(3, 20))
    login(client, built.w.lead)
    response = client.get(reverse("reports:records", args=[dongcheng_report.pk, "tips_received"]))
    assert (response.context["snapshot_count"], response.context["current_count"]) == (4, 5)
    assert "1 more record matches today" in response.content.decode()


def test_section_lists_show_no_personal_data(client, tinghu_report, built):
    login(client, built.w.supervisor)
    for key in ("active_volunteers", "patrol_attendances", "outreach_attendances", "enterprises"):
        html = client.get(reverse("reports:records", args=[tinghu_report.pk, key])).content.decode()
        for secret in ("13812340001", "13812340003", "13851234567"):
            assert secret not in html, key


def test_other_station_gets_404_on_section_lists(client, dongcheng_report, built):
    login(client, built.w.lead2)
    for key in ("tips_received", "requests_overdue", "enterprises_visited"):
        url = reverse("reports:records", args=[dongcheng_report.pk, key])
        assert client.get(url).status_code == 404, key


def test_section_list_refuses_a_track_or_category(client, tinghu_report, built):
    login(client, built.w.supervisor)
    url = reverse("reports:records", args=[tinghu_report.pk, "tips_received"])
    assert client.get(url, {"track": "immediate"}).status_code == 404
    assert client.get(url, {"category": "neighbourhood"}).status_code == 404


# ------------------------------------------------------------------ exports


def test_csv_holds_both_sections(client, tinghu_report, built):
    login(client, built.w.supervisor)
    response = client.get(reverse("reports:export_csv", args=[tinghu_report.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = [row[0] for row in rows if len(row) == 1]
    assert "Volunteers" in titles and "Enterprises" in titles
    lines = {row[0]: row[1:] for row in rows if len(row) == 4}
    # A year before, nothing of the subtree was on record: no data, never ▲.
    assert lines["Patrols done"] == ["3", "▲ 3", "no data"]
    assert lines["Patrol hours"][0] == "8.5"
    assert lines["Visit coverage, year to date"][0] == "66.7%"
    assert lines["Median days to resolve a request"][:2] == ["3.0", "no data"]
    # Counts year to date are compared too (issue 13).
    assert lines["Enterprises visited since 1 January"][1:] == ["▲ 1", "no data"]


def test_xlsx_has_a_sheet_per_section_with_numbers(client, tinghu_report, built):
    login(client, built.w.supervisor)
    response = client.get(reverse("reports:export_xlsx", args=[tinghu_report.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"Volunteers", "Enterprises"} <= set(workbook.sheetnames)
    volunteers = workbook["Volunteers"]
    assert volunteers["A2"].value == "Unit" and volunteers["B2"].value == "亭湖分局"
    cells = {row[0]: row[1:] for row in volunteers.iter_rows(min_row=7, values_only=True)}
    assert cells["Tips received"][0] == 5
    assert cells["Patrol attendances (person-times)"][0] == 4
    sheet = workbook["Enterprises"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=7)}
    assert cells["Visit coverage, year to date"].value == pytest.approx(0.6667)
    assert cells["Visit coverage, year to date"].number_format == "0.0%"
    assert cells["Median days to resolve a request"].value == 3.0


# ------------------------------------------------------------------ dashboard


def test_dashboard_shows_this_months_sections_and_the_12_month_table(client, vw):  # noqa: F811
    early = month_bounds(current_month())[0] + datetime.timedelta(minutes=1)
    a_tip(vw, early)
    enterprise = make_enterprise(vw.w)
    a_request(vw.w, enterprise, current_month(), 30)
    login(client, vw.w.supervisor)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert section_rows(response, "volunteers")["tips_received"].text == "1"
    # The first records of the subtree are this month's: nothing to compare with.
    assert section_rows(response, "volunteers")["tips_received"].month_on_month.text == "no data"
    enterprises = section_rows(response, "enterprises")
    assert enterprises["requests_received"].text == "1"
    assert enterprises["visit_coverage"].text == "0.0%"
    html = response.content.decode()
    assert 'id="trend-sections"' in html
    assert "Tips received" in response.context["trend_section_labels"]
    so_far = response.context["trend"][-1]
    labels = [str(label) for label in response.context["trend_section_labels"]]
    assert so_far["section_cells"][labels.index("Tips received")] == "1"
    assert response.context["trend"][0]["section_cells"][0] == "no data"


# ------------------------------------------------------------------ query counts


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_report_page_and_lists_do_not_grow_with_records(
    client, vw, django_capture_on_commit_callbacks  # noqa: F811
):
    w = vw.w
    enterprise = make_enterprise(w)
    a_tip(vw, t(3, 2))
    a_request(w, enterprise, datetime.date(2026, 3, 2), 3)
    volunteer_services.outreach_record(
        actor=vw.coord, alliance=vw.dongting, date=datetime.date(2026, 3, 3), theme="other",
        place="东城", volunteers=[vw.chen], households_reached=1, people_reached=1,
    )
    report = generate(w.supervisor, w.tinghu, django_capture_on_commit_callbacks)
    login(client, w.supervisor)
    keys = ("tips_received", "requests_received", "outreach", "outreach_attendances", "enterprises")
    detail = reverse("reports:detail", args=[report.pk])
    def lists() -> dict:
        return {
            key: _queries(client, reverse("reports:records", args=[report.pk, key]))
            for key in keys
        }

    before = lists()
    page_before = _queries(client, detail)

    for n in range(15):
        a_tip(vw, t(3, 3 + n), unit=w.wuxing if n % 2 else w.dongcheng)
        more = make_enterprise(w, name=f"东城企业{n}")
        a_request(w, more, datetime.date(2026, 3, 3 + n), 3)
        volunteer_services.outreach_record(
            actor=vw.coord, alliance=vw.dongting, date=datetime.date(2026, 3, 4 + n), theme="other",
            place="东城", volunteers=[vw.chen, vw.liu], households_reached=2, people_reached=3,
        )
    report = generate(w.supervisor, w.tinghu, django_capture_on_commit_callbacks)
    assert report.figures["volunteers"]["tips_received"] == 16
    assert _queries(client, detail) == page_before
    assert lists() == before
