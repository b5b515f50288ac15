"""Definitions where the numbers are (DESIGN.md §6): one table, shown everywhere."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from reports import exports, figures
from tests.conftest import login
from tests.reports.test_figures_scenarios import M, Story, _report, sh


def test_every_figure_shown_has_one_definition_and_its_function_says_it():
    shown = {key for key, _label, _kind in exports.SUMMARY}
    shown |= {key for section in exports.SECTIONS for key, *_rest in section.rows}
    assert shown <= set(figures.DEFINITIONS)
    assert figures.DEFINITIONS["received"] in figures.received.__doc__
    assert figures.DEFINITIONS["repeat_calls"] in figures.repeat_calls.__doc__
    assert figures.DEFINITIONS["overdue"] in figures.overdue.__doc__


@pytest.fixture
def report(world):
    Story(world, at=world.dongcheng, received=sh(3, 10)).settle_quickly(sh(3, 10, 11), sh(3, 12))
    return _report(world.dongcheng, M(3))


def test_the_report_links_each_figure_to_its_definition(client, world, report):
    login(client, world.supervisor)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    url = reverse("reports:definitions")
    for key in ("received", "settlement_rate", "repeat_calls", "patrols_done", "requests_overdue"):
        assert f'href="{url}#def-{key}"' in html, key
    # The definition itself is on the mark, in the reader's language.
    assert "counted at the unit that received them" in html


def test_the_definitions_page_holds_every_figure_and_the_month_boundary(client, world):
    login(client, world.supervisor)
    response = client.get(reverse("reports:definitions"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in figures.DEFINITIONS:
        assert f'id="def-{key}"' in html, key
    assert "Asia/Shanghai" in html and "23:59:59" in html
    assert "data-print" in html


def test_the_definitions_page_is_in_chinese_by_default(world):
    from django.test import Client

    client = Client()
    login(client, world.supervisor)
    html = client.get(reverse("reports:definitions")).content.decode()
    assert "口径说明" in html
    assert "接收该纠纷的单位" in html


def test_the_dashboard_links_to_the_definitions(client, world):
    login(client, world.supervisor)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert f'href="{reverse("reports:definitions")}#def-resolution_rate"' in html


def test_exports_carry_the_definitions(client, world, report):
    login(client, world.supervisor)
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("reports:export_csv", args=[report.pk])).content.decode("utf-8-sig"))))
    lines = {row[0]: row[1:] for row in rows if len(row) == 2}
    assert "Definitions" in [row[0] for row in rows if len(row) == 1]
    assert lines["Settlement rate"][0] == figures.DEFINITIONS["settlement_rate"]
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(reverse("reports:export_xlsx", args=[report.pk])).content))
    sheet = book["Definitions"]
    assert any(row[1] == figures.DEFINITIONS["repeat_calls"] for row in sheet.iter_rows(values_only=True))


def test_each_track_and_category_has_its_changes_on_the_page_and_in_the_files(client, world):
    Story(world, at=world.dongcheng, received=sh(2, 10)).settle_quickly(sh(2, 10, 11), sh(2, 12))
    Story(world, at=world.dongcheng, received=sh(3, 10)).settle_quickly(sh(3, 10, 11), sh(3, 12))
    Story(world, at=world.dongcheng, received=sh(3, 11)).assess(sh(3, 11, 11))
    report = _report(world.dongcheng, M(3))
    login(client, world.supervisor)
    response = client.get(reverse("reports:detail", args=[report.pk]))
    tracks = {row["value"]: row for row in response.context["breakdowns"][0][1]}
    received_mom, received_yoy = tracks["immediate"]["changes"][0]
    assert (received_mom.text, received_yoy.text) == ("▲ 1", "no data")
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("reports:export_csv", args=[report.pk])).content.decode("utf-8-sig"))))
    head = next(row for row in rows if row[:2] == ["Track", "Received"])
    assert "Received · Month on month" in head
    immediate = next(row for row in rows if row[:1] == ["Immediate (on the spot)"])
    assert immediate[head.index("Received · Month on month")] == "▲ 1"
