"""A report's drill-down lists export what they show: every figure's records,
as many rows as the list counts, no personal data in full, another station's
report refused."""

import csv
import io

from django.urls import reverse

from reports import figures
from tests.conftest import login
from tests.reports.test_sections_pages import built, dongcheng_report, tinghu_report  # noqa: F401
from tests.volunteers.conftest import vw  # noqa: F401 - fixture
from units.models import ExportEvent


def _rows(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_every_drill_down_list_exports_its_records(client, tinghu_report, built):  # noqa: F811
    login(client, built.w.supervisor)
    for key in sorted(figures.RECORD_KEYS):
        url = reverse("reports:records", args=[tinghu_report.pk, key])
        page = client.get(url)
        assert "?export=csv" in page.content.decode(), key
        response = client.get(url, {"export": "csv"})
        assert response.status_code == 200, key
        assert f"report-TH-2026-03-{key}" in response["Content-Disposition"], key
        rows = _rows(response)
        assert len(rows) - 1 == page.context["current_count"], key
        text = str(rows)
        for secret in ("13812340001", "13812340003", "13851234567"):
            assert secret not in text, key
        xlsx = client.get(url, {"export": "xlsx"})
        assert xlsx.status_code == 200 and int(xlsx["X-Export-Rows"]) == len(rows) - 1, key
    assert ExportEvent.objects.filter(list_name__startswith="report-TH-").count() == 2 * len(
        figures.RECORD_KEYS)


def test_another_stations_report_exports_nothing(client, dongcheng_report, built):  # noqa: F811
    login(client, built.w.lead2)
    url = reverse("reports:records", args=[dongcheng_report.pk, "tips_received"])
    assert client.get(url, {"export": "csv"}).status_code == 404
    assert not ExportEvent.objects.exists()
