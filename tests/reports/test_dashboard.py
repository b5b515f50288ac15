"""The supervisors' dashboard: this month, 12 months of snapshots, ranking, charts."""

import datetime
import re

from django.urls import reverse

from reports.months import add_months, current_month, format_month, month_bounds
from tests.conftest import login, register


def test_dashboard_renders_inline_svg_charts_without_external_assets(client, world):
    register(world)
    login(client, world.supervisor)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<svg[^>]*role=\"img\"", html)) == 2
    assert "<title>" in html and "<desc>" in html and 'role="img"' in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "http://" not in html.split("<svg", 1)[1]
    assert response.context["unit"] == world.tinghu


def test_dashboard_counts_this_month_so_far(client, world):
    # Early in the month whatever the clock says, so both fall in this month.
    early = month_bounds(current_month())[0] + datetime.timedelta(minutes=1)
    register(world, received_at=early)
    register(world, by=world.officer2, unit=world.wuxing, received_at=early)
    login(client, world.supervisor)
    response = client.get(reverse("reports:dashboard"))
    summary = {row.key: row for row in response.context["summary"]}
    assert summary["received"].value == 2
    assert summary["resolution_rate"].text == "no data"
    # Nothing on record before this month: no change to show, never ▲ 2.
    assert summary["received"].month_on_month.text == "no data"
    # One case received last month (entered now): 环比 from the records, ▲ 1.
    register(world, received_at=month_bounds(add_months(current_month(), -1))[0] + datetime.timedelta(hours=1))
    from django.core.cache import cache

    cache.clear()
    response = client.get(reverse("reports:dashboard"))
    summary = {row.key: row for row in response.context["summary"]}
    assert summary["received"].month_on_month.text == "▲ 1"
    ranked = [row["unit"] for row in response.context["ranking"]]
    assert set(ranked) == {world.dongcheng, world.wuxing}


def test_months_without_a_snapshot_offer_a_request(client, world):
    login(client, world.supervisor)
    response = client.get(reverse("reports:dashboard"))
    trend = response.context["trend"]
    assert len(trend) == 13
    assert trend[-1]["so_far"]
    last_month = format_month(add_months(current_month(), -1))
    html = response.content.decode()
    assert f'name="month" value="{last_month}"' in html
    assert "no data" in html


def test_stored_snapshot_fills_its_month(client, world, django_capture_on_commit_callbacks):
    from reports import queue

    month = add_months(current_month(), -2)
    with django_capture_on_commit_callbacks(execute=True):
        stored = queue.report_request(actor=world.supervisor, unit=world.tinghu, month=month)
    login(client, world.supervisor)
    response = client.get(reverse("reports:dashboard"))
    row = next(row for row in response.context["trend"] if row["month"] == month)
    assert row["report"] == stored and row["figures"] is not None


def test_station_lead_sees_own_station_and_cannot_choose_another(client, world):
    login(client, world.lead2)
    response = client.get(reverse("reports:dashboard"))
    assert response.context["unit"] == world.wuxing
    assert client.get(reverse("reports:dashboard"), {"unit": world.dongcheng.pk}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"unit": "x"}).status_code == 404


def test_supervisor_may_choose_a_unit_in_scope(client, world):
    login(client, world.supervisor)
    response = client.get(reverse("reports:dashboard"), {"unit": world.dongcheng.pk})
    assert response.status_code == 200
    assert response.context["unit"] == world.dongcheng
    assert client.get(reverse("reports:dashboard"), {"unit": world.louwang.pk}).status_code == 404


def test_ranking_by_overdue(client, world):
    login(client, world.supervisor)
    response = client.get(reverse("reports:dashboard"), {"rank": "overdue"})
    assert response.status_code == 200
    assert response.context["rank_order"] == "overdue"
