"""Every list exports what it shows (issue 11 point 11, issue 12 point 9):
the generic machinery, through the dispute list and the mediator pool.

The files are read back as a spreadsheet user would: CSV with its byte order
mark, XLSX through openpyxl."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from disputes.exports import DISPUTES
from disputes.models import Dispute
from tests.conftest import login, register
from units import listexport
from units.models import ExportEvent

ID_NUMBER = "320902199001011236"
PHONE = "13851234567"


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode("utf-8")), "no byte order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


def export(client, name, file_format, **params):
    headers = {key: params.pop(key) for key in list(params) if key.startswith("HTTP_")}
    return client.get(reverse(name), {**params, "export": file_format}, **headers)


@pytest.fixture
def cases(world):
    """Two cases at 东城, one at 五星, one in another sub-bureau."""
    return {
        "first": register(world, title="邻里噪音纠纷",
                          summary=f"申请人电话{PHONE}，身份证{ID_NUMBER}。"),
        "second": register(world, title="停车位纠纷"),
        "wuxing": register(world, by=world.officer2, unit=world.wuxing, title="五星的纠纷"),
        "outside": register(world, by=world.outsider, unit=world.louwang, title="盐都的纠纷"),
    }


def test_csv_is_the_filtered_list_in_its_order_with_translated_headers(world, client, cases):
    login(client, world.supervisor)
    response = export(client, "disputes:list", "csv", ordering="reference",
                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="disputes-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["编号", "标题", "类别"]
    expected = list(Dispute.objects.exclude(unit=world.louwang).order_by("reference")
                    .values_list("reference", flat=True))
    assert [row[0] for row in rows[1:]] == expected
    # Descending order follows the page too.
    rows = read_csv(export(client, "disputes:list", "csv", ordering="-reference"))
    assert [row[0] for row in rows[1:]] == expected[::-1]


def test_the_filter_applies_and_not_the_page(world, client, cases, settings):
    settings.FENGQIAO = {**settings.FENGQIAO, "PAGE_SIZE": 1}
    login(client, world.supervisor)
    rows = read_csv(export(client, "disputes:list", "csv", unit=world.dongcheng.pk, page=2))
    titles = sorted(row[1] for row in rows[1:])
    assert titles == sorted(["邻里噪音纠纷", "停车位纠纷"])


def test_english_headers_and_labels(world, client, cases):
    login(client, world.officer)
    rows = read_csv(export(client, "disputes:list", "csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[0][:3] == ["Reference", "Title", "Category"]
    status = rows[0].index("Status")
    assert {row[status] for row in rows[1:]} == {"Registered"}


def test_another_units_record_never_appears(world, client, cases):
    login(client, world.officer)
    for file_format in ("csv", "xlsx"):
        response = export(client, "disputes:list", file_format, unit=world.louwang.pk)
        text = (b"".join(response.streaming_content).decode("utf-8-sig")
                if file_format == "csv" else str(read_xlsx(response)[0]))
        assert "盐都的纠纷" not in text and "五星的纠纷" not in text
    rows = read_csv(export(client, "disputes:list", "csv"))
    assert sorted(row[1] for row in rows[1:]) == sorted(["邻里噪音纠纷", "停车位纠纷"])


def test_personal_data_in_free_text_is_masked(world, client, cases):
    login(client, world.officer)
    csv_text = b"".join(export(client, "disputes:list", "csv").streaming_content).decode("utf-8-sig")
    xlsx_text = str(read_xlsx(export(client, "disputes:list", "xlsx"))[0])
    for text in (csv_text, xlsx_text):
        assert PHONE not in text and ID_NUMBER not in text
        assert "138****4567" in text
        assert "320902********1236" in text


@pytest.mark.parametrize("title", ['=HYPERLINK("x")', "+1", "-1", "@x"])
def test_text_never_becomes_a_formula(world, client, title):
    register(world, title=title)
    login(client, world.officer)
    rows = read_csv(export(client, "disputes:list", "csv"))
    assert rows[1][1] == "'" + title
    _values, sheet = read_xlsx(export(client, "disputes:list", "xlsx"))
    cell = sheet.cell(row=2, column=2)
    assert cell.value == title and cell.data_type == "s"


def test_xlsx_has_dates_in_shanghai_time(world, client, cases):
    login(client, world.officer)
    values, _sheet = read_xlsx(export(client, "disputes:list", "xlsx", ordering="reference"))
    with translation.override("en"):
        received = DISPUTES.headers().index("Received")
    dispute = Dispute.objects.order_by("reference").first()
    local = timezone.localtime(dispute.received_at).replace(tzinfo=None, microsecond=0)
    assert values[1][received] == local


def test_every_export_is_logged(world, client, cases):
    login(client, world.supervisor)
    export(client, "disputes:list", "csv", unit=world.dongcheng.pk, ordering="reference")
    event = ExportEvent.objects.get()
    assert (event.user, event.list_name, event.file_format, event.rows, event.via) == (
        world.supervisor, "disputes", "csv", 2, "web")
    assert event.query == f"unit={world.dongcheng.pk}&ordering=reference"


def _queries(client, name, file_format):
    with CaptureQueriesContext(connection) as captured:
        response = export(client, name, file_format)
        if file_format == "csv":
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_query_count_does_not_grow_with_rows(world, client, file_format):
    login(client, world.officer)
    register(world)
    one = _queries(client, "disputes:list", file_format)
    for n in range(49):
        register(world, title=f"纠纷{n}")
    assert _queries(client, "disputes:list", file_format) == one


def test_a_too_large_xlsx_is_refused_with_a_message(world, client, cases, monkeypatch):
    monkeypatch.setattr(listexport, "XLSX_MAX_ROWS", 1)
    login(client, world.officer)
    response = export(client, "disputes:list", "xlsx", ordering="reference")
    assert response.status_code == 302
    assert response["Location"] == reverse("disputes:list") + "?ordering=reference"
    page = client.get(response["Location"])
    assert "最多 1 行" in page.content.decode() or "at most 1" in page.content.decode()
    assert not ExportEvent.objects.exists()
    # CSV streams: no limit.
    assert len(read_csv(export(client, "disputes:list", "csv"))) == 3


def test_the_list_page_offers_both_files_with_its_filter(world, client, cases):
    login(client, world.officer)
    page = client.get(reverse("disputes:list"), {"category": "neighbourhood", "page": 1})
    html = page.content.decode()
    assert "?category=neighbourhood&amp;export=csv" in html
    assert "?category=neighbourhood&amp;export=xlsx" in html


def test_mediators_export_masks_phones(world, client):
    from disputes.models import Mediator

    Mediator.objects.create(name="调解员甲", kind="people", unit=world.dongcheng, phone=PHONE)
    Mediator.objects.create(name="盐都调解员", kind="people", unit=world.louwang, phone=PHONE)
    login(client, world.officer)
    rows = read_csv(export(client, "disputes:mediator_list", "csv"))
    assert [row[0] for row in rows[1:]] == ["调解员甲"]
    assert "138****4567" in rows[1] and PHONE not in str(rows)


def test_the_export_log_is_read_only_in_the_admin(world, client, cases):
    login(client, world.officer)
    export(client, "disputes:list", "csv")
    event = ExportEvent.objects.get()
    login(client, world.admin)
    changelist = client.get(reverse("admin:units_exportevent_changelist"))
    assert changelist.status_code == 200 and "disputes" in changelist.content.decode()
    assert client.get(reverse("admin:units_exportevent_add")).status_code == 403
    delete = reverse("admin:units_exportevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ExportEvent.objects.filter(pk=event.pk).exists()


def test_xlsx_is_a_sheet_a_clerk_can_read(world, client, cases):
    """Bold, frozen headers; dates formatted as dates; choice labels in the
    user's language (looked up once per export, per model)."""
    login(client, world.officer)
    values, sheet = read_xlsx(export(client, "disputes:list", "xlsx", ordering="reference",
                                     HTTP_ACCEPT_LANGUAGE="en"))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    headers = values[0]
    received, status = headers.index("Received"), headers.index("Status")
    assert sheet.cell(row=2, column=received + 1).number_format == "yyyy-mm-dd hh:mm"
    assert {row[status] for row in values[1:]} == {"Registered"}
    zh_values, _sheet = read_xlsx(export(client, "disputes:list", "xlsx",
                                         HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert {row[status] for row in zh_values[1:]} == {"已登记"}
