"""Pages everyone can use: errors tied to their fields, one widget per kind,
the menu, sort labels in both languages, error pages that keep the layout.
(Contrast and badges: tests/test_badges.py; axe-core in the browser: tests/e2e.)"""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from disputes import services
from disputes.models import Status, Track
from policing.middleware_db import server_error
from tests.conftest import login, register
from tests.disputes.page_helpers import action_url, client, post_action  # noqa: F401


def test_refused_form_has_a_summary_tied_to_its_fields(client, world):
    login(client, world.officer)
    response = client.post(reverse("disputes:create"), {
        "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1", "parties-MAX_NUM_FORMS": "20",
    })
    html = response.content.decode()
    summary = re.search(r'<div class="alert alert-danger[^"]*error-summary" role="alert" tabindex="-1".*?</div>', html, re.S).group(0)
    assert 'href="#id_title"' in summary and 'href="#id_parties-0-name"' in summary
    # The field names its message, and the message carries that id.
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert 'aria-describedby="id_title_error"' in title_input and 'aria-invalid="true"' in title_input
    assert 'id="id_title_error"' in html
    count = summary.count("<li>")
    assert count >= 4
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith(f"{count} errors ·")


def test_help_texts_carry_the_id_their_field_names(client, world):
    login(client, world.officer)
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    html = client.get(reverse("disputes:list")).content.decode()
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for ident in described.split():
            assert f'id="{ident}"' in html, ident


def test_multi_choice_fields_are_one_labelled_checkbox_list(client, world):
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.lead, risk_level="low", track=Track.IMMEDIATE)
    login(client, world.lead)
    html = client.get(action_url(dispute, "dispatch")).content.decode()
    lists = re.findall(r'<fieldset class="choice-list" id="id_(\w+)".*?<legend[^>]*>(.*?)</legend>(.*?)</fieldset>', html, re.S)
    assert {name for name, _, _ in lists} == {"mediators", "co_officers"}
    co_officers = dict((name, body) for name, _, body in lists)["co_officers"]
    assert "王警官" in co_officers and 'name="co_officers"' in co_officers


def test_menu_marks_the_section_once_and_access_keys_are_unique(client, world):
    login(client, world.lead)
    for url, label in [(reverse("disputes:list"), "Disputes"), (reverse("disputes:mediator_list"), "Mediators"),
                       (reverse("disputes:create"), "Disputes"), (reverse("home"), "Home")]:
        html = client.get(url).content.decode()
        current = re.findall(r'<a class="nav-link active" aria-current="page"[^>]*>([^<]*)</a>', html)
        assert current == [label], (url, current)
        keys = re.findall(r'accesskey="(\w)"', html)
        assert len(keys) == len(set(keys)), (url, keys)


def test_sort_labels_follow_the_page_language(client, world):
    login(client, world.officer)
    client.get(reverse("disputes:list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get(reverse("disputes:list")).content.decode()
    assert "Received, descending" in english and "受理" not in re.search(r'<select name="ordering".*?</select>', english, re.S).group(0)
    chinese = client.get(reverse("disputes:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    ordering = re.search(r'<select name="ordering".*?</select>', chinese, re.S).group(0)
    assert "descending" not in ordering and "降序" in ordering


def test_officer_filter_offers_names(client, world):
    login(client, world.lead)
    html = client.get(reverse("disputes:list")).content.decode()
    officers = re.search(r'<select name="assigned_officer".*?</select>', html, re.S).group(0)
    assert "李所长" in officers and ">lead<" not in officers


def test_quick_filters_and_active_filter_chips(client, world):
    register(world, title="高风险案件")
    login(client, world.officer)
    html = client.get(reverse("disputes:list")).content.decode()
    quick = re.search(r'<nav class="quick-filters.*?</nav>', html, re.S).group(0)
    for label in ("Mine", "Overdue", "High risk", "Awaiting verification", "Follow-up due"):
        assert f">{label}</a>" in quick
    html = client.get(reverse("disputes:list") + "?overdue=true").content.decode()
    assert re.search(r'btn-primary" aria-current="page" href="\?overdue=true">Overdue</a>', html)
    chips = re.search(r'<ul class="filter-chips.*?</ul>', html, re.S).group(0)
    assert "Overdue: Yes" in chips and 'href="?"' in chips


def test_follow_up_due_filter_finds_cases_with_a_follow_up_due(client, world):
    due = register(world, title="需回访")
    register(world, title="无回访")
    due.follow_ups.create(due_on="2000-01-01")
    login(client, world.officer)
    html = client.get(reverse("disputes:list") + "?follow_up_due=true").content.decode()
    assert "需回访" in html and "无回访" not in html


def test_after_a_transfer_the_lead_lands_on_the_list_with_a_message(client, world):
    dispute = register(world)
    login(client, world.lead)
    response = post_action(client, dispute, "transfer", to_unit=world.wuxing.pk, note="当事人住五星")
    assert response.status_code == 302 and response.url == reverse("disputes:list")
    page = client.get(response.url)
    assert page.status_code == 200
    assert f"Transferred to 五星派出所 · {dispute.reference}." in page.content.decode()


def test_404_keeps_the_menu_and_shows_no_address(client, world):
    login(client, world.officer)
    response = client.get("/nowhere/320902199001011236/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'id="mainnav"' in html and 'name="viewport"' in html
    assert "320902199001011236" not in html


def test_500_page_keeps_the_layout_without_touching_the_database(db):
    request = RequestFactory().get("/disputes/320902199001011236/")
    with CaptureQueriesContext(connection) as queries:
        try:
            raise ValueError("boom")
        except ValueError:
            response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and len(queries) == 0
    assert 'name="viewport"' in html and "navbar" in html and "Something went wrong" in html
    assert "320902199001011236" not in html


def test_chinese_data_in_the_english_page_carries_its_language(client, world):
    register(world, title="邻里噪音纠纷")
    login(client, world.officer)
    html = client.get(reverse("disputes:list")).content.decode()
    assert '<td class="cell-wide" lang="zh-Hans">邻里噪音纠纷</td>' in html
    with translation.override("zh-hans"):
        chinese = client.get(reverse("disputes:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-Hans">邻里噪音纠纷' not in chinese


@pytest.mark.parametrize("status", [s for s in Status.values])
def test_every_dispute_status_badge_is_styled(status):
    from django.template import Context, Template
    html = Template('{% load fq %}{% badge "dispute" s "x" %}').render(Context({"s": status}))
    assert f"badge-dispute-{status}" in html


def test_register_button_defaults_to_walk_in_and_assessing_asks_for_the_risk(client, world):
    login(client, world.officer)
    form = client.get(reverse("disputes:create")).context["form"]
    assert form["source"].value() == "walk_in"
    dispute = register(world)
    html = client.get(action_url(dispute, "assess")).content.decode()
    risk = re.search(r'<select name="risk_level".*?</select>', html, re.S).group(0)
    assert '<option value="" selected>' in risk
    response = post_action(client, dispute, "assess", risk_level="", track="immediate", note="")
    assert response.status_code == 200 and "risk_level" in response.context["form"].errors
    dispute.refresh_from_db()
    assert dispute.status == Status.REGISTERED


def test_search_by_full_phone_or_id_finds_the_case_and_shows_nothing_unmasked(client, world):
    from tests.disputes.page_helpers import VALID_ID

    register(world, title="电话可查", parties=[services.PartyData(
        name="张三", role="applicant", id_number=VALID_ID, phone="13851234567")])
    register(world, title="无关案件", parties=[services.PartyData(
        name="李四", role="applicant", phone="13900001111")])
    login(client, world.officer)
    for query in ("13851234567", VALID_ID):
        html = client.get(reverse("disputes:list"), {"q": query}).content.decode()
        rows = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
        assert "电话可查" in rows and "无关案件" not in rows
        assert query not in rows
    html = client.get(reverse("disputes:list"), {"q": "1385123"}).content.decode()
    assert "电话可查" not in re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
