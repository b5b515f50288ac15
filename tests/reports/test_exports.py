"""CSV and XLSX exports of a report: header block, one section each, no personal data."""

import csv
import io

import openpyxl
from django.urls import reverse
from django.utils import translation

from tests.conftest import login
from tests.reports.test_pages import march_data, report  # noqa: F401 - fixtures


def test_csv_has_a_bom_the_header_and_every_section(client, report, march_data):  # noqa: F811
    login(client, march_data.lead)
    response = client.get(reverse("reports:export_csv", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="report-TH-DC-2026-03.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = {row[0]: row[1] for row in rows[:4] if len(row) > 1}
    assert header["Unit"] == "东城派出所"
    assert header["Month"] == "2026-03"
    titles = [row[0] for row in rows if len(row) == 1]
    assert titles == ["Summary", "By track", "By category", "Volunteers", "Enterprises", "Change",
                      "Definitions"]
    values = {}
    for row in rows:  # the Summary's values come before the Definitions' texts
        if len(row) == 2:
            values.setdefault(row[0], row[1])
    assert values["Received"] == "3"
    assert values["Resolution rate"] == "50.0%"
    assert values["Repeat-call rate"] == "no data"


def test_csv_holds_no_personal_data(client, report, march_data):  # noqa: F811
    login(client, march_data.lead)
    content = client.get(reverse("reports:export_csv", args=[report.pk])).content.decode("utf-8-sig")
    for secret in ("张三", "李四", "13851234567", "320902199001011236"):
        assert secret not in content


def test_xlsx_opens_with_one_sheet_per_section(client, report, march_data):  # noqa: F811
    login(client, march_data.lead)
    response = client.get(reverse("reports:export_xlsx", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary", "By track", "By category", "Volunteers", "Enterprises", "Change", "Definitions"
    ]
    sheet = workbook["Summary"]
    assert sheet["A2"].value == "Unit" and sheet["B2"].value == "东城派出所"
    assert sheet["A3"].value == "Month" and sheet["B3"].value == "2026-03"
    assert sheet["A4"].value == "Generated at" and sheet["B4"].value
    cells = {row[0]: row[1] for row in sheet.iter_rows(min_row=7, values_only=True)}
    assert cells["Received"] == 3
    assert cells["Resolution rate"] == 0.5
    assert cells["Follow-up satisfaction"] == "no data"


def test_xlsx_labels_follow_the_users_language(client, report, march_data):  # noqa: F811
    login(client, march_data.lead)
    with translation.override("zh-hans"):
        response = client.get(reverse("reports:export_xlsx", args=[report.pk]),
                              HTTP_ACCEPT_LANGUAGE="zh-hans")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 7
    assert workbook.sheetnames[-1] == "口径说明"


def test_export_of_other_station_is_404(client, report, march_data):  # noqa: F811
    login(client, march_data.lead2)
    assert client.get(reverse("reports:export_xlsx", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:export_csv", args=[report.pk])).status_code == 404


def test_exports_never_write_a_live_formula(client, report, march_data):  # noqa: F811
    """A unit named like a formula is text in both exports (issue 12)."""
    from units.exports import csv_cell

    evil = '=HYPERLINK("http://evil.example","x")'
    report.unit.name = evil
    report.unit.save(update_fields=["name"])
    login(client, march_data.lead)
    content = client.get(reverse("reports:export_csv", args=[report.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert ["'" + evil] in [row[1:2] for row in rows if len(row) > 1]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    response = client.get(reverse("reports:export_xlsx", args=[report.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cell = workbook["Summary"]["B2"]
    assert cell.value == evil and cell.data_type == "s"
    assert [csv_cell(v) for v in ["-1", "+1", "@a", "\tx", "\rx", "ok", -1]] == [
        "'-1", "'+1", "'@a", "'\tx", "'\rx", "ok", -1
    ]
