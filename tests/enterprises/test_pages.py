"""Enterprise pages: register, detail, visit form with requests, requests
board and actions, coverage page, import — with scope and query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes.models import Dispute
from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from tests.conftest import login
from tests.enterprises.helpers import (
    days_ago,
    log_visit,
    make_enterprise,
    make_request,
    new_code,
    wrong_check,
)


@pytest.fixture(autouse=True)
def english(client):
    # The messages are asserted in English; Chinese is the default language.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _url(name, *args):
    return reverse(f"enterprises:{name}", args=args)


def test_register_shows_last_visit_flags_and_masked_phone(client, world):
    enterprise = make_enterprise(world, foreign_staff=True)
    log_visit(world, enterprise, days=3)
    log_visit(world, enterprise, days=40)
    response = login(client, world.officer).get(_url("list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert enterprise.name in html
    assert days_ago(3).isoformat() in html
    assert "138****4567" in html
    assert "13851234567" not in html
    assert "foreign staff" in html


def test_not_visited_filter_finds_stale_and_never_visited(client, world):
    recent = make_enterprise(world, name="近期走访公司")
    stale = make_enterprise(world, name="久未走访公司")
    never = make_enterprise(world, name="从未走访公司")
    log_visit(world, recent, days=5)
    log_visit(world, stale, days=60)
    response = login(client, world.officer).get(_url("list"), {"not_visited_days": 30})
    names = {e.name for e in response.context["page_obj"]}
    assert names == {stale.name, never.name}


def test_register_query_count_does_not_grow_with_rows(client, world):
    login(client, world.officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url("list")).status_code == 200
        return len(ctx)

    enterprise = make_enterprise(world, liaison_officer=world.officer)
    log_visit(world, enterprise)
    one = count()
    for n in range(20):
        e = make_enterprise(world, name=f"公司{n}", liaison_officer=world.lead)
        log_visit(world, e)
    assert count() == one


def test_register_of_another_station_is_hidden(client, world):
    make_enterprise(world)
    response = login(client, world.officer2).get(_url("list"))
    assert response.context["page_obj"].paginator.count == 0


@pytest.mark.parametrize("name", ["detail", "edit", "visit_create"])
def test_officer_of_other_station_gets_404_for_an_enterprise(client, world, name):
    enterprise = make_enterprise(world)
    assert login(client, world.officer2).get(_url(name, enterprise.pk)).status_code == 404


def test_supervisor_sees_the_enterprise_but_cannot_log_a_visit(client, world):
    enterprise = make_enterprise(world)
    login(client, world.supervisor)
    assert client.get(_url("detail", enterprise.pk)).status_code == 200
    assert client.get(_url("visit_create", enterprise.pk)).status_code == 403


def test_create_enterprise_through_the_page(client, world):
    code = new_code()
    response = login(client, world.officer).post(_url("create"), {
        "name": "盐城华远精细化工有限公司", "credit_code": code.lower(), "unit": world.dongcheng.pk,
        "address": "环保产业园6号", "industry": "chemicals", "hazardous_chemicals": "on",
        "contact_name": "孙厂长", "contact_phone": "139 0000 1111", "active": "on",
    })
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert enterprise.credit_code == code
    assert enterprise.contact_phone == "13900001111"
    assert enterprise.hazardous_chemicals


def test_wrong_check_character_is_a_field_error_on_the_page(client, world):
    response = login(client, world.officer).post(_url("create"), {
        "name": "x公司", "credit_code": wrong_check(new_code()), "unit": world.dongcheng.pk,
        "address": "某路1号", "industry": "other", "contact_name": "甲", "contact_phone": "13900001111",
    })
    assert response.status_code == 200
    assert "check character" in str(response.context["form"].errors["credit_code"])
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_is_a_field_error_on_the_page(client, world):
    existing = make_enterprise(world)
    response = login(client, world.lead).post(_url("create"), {
        "name": "y公司", "credit_code": existing.credit_code, "unit": world.dongcheng.pk,
        "address": "某路1号", "industry": "other", "contact_name": "甲", "contact_phone": "13900001111",
    })
    assert response.status_code == 200
    assert "already registered" in str(response.context["form"].errors["credit_code"])
    assert Enterprise.objects.count() == 1


def test_editing_keeps_the_phone_when_left_empty(client, world):
    enterprise = make_enterprise(world)
    response = login(client, world.officer).post(_url("edit", enterprise.pk), {
        "name": "新名称有限公司", "credit_code": enterprise.credit_code, "unit": world.dongcheng.pk,
        "address": enterprise.address, "industry": "automotive", "contact_name": "钱经理",
        "contact_phone": "", "active": "on",
    })
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.contact_phone) == ("新名称有限公司", "13851234567")


def _visit_post(visited_on, rows):
    data = {
        "visited_on": visited_on.isoformat(), "kind": "emergency_drill",
        "hazards_found": "2", "hazards_rectified": "1", "notes": "组织消防应急演练。",
        "requests-TOTAL_FORMS": "3", "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "0", "requests-MAX_NUM_FORMS": "10",
    }
    for i, (category, text, due, green) in enumerate(rows):
        data.update({
            f"requests-{i}-category": category, f"requests-{i}-description": text,
            f"requests-{i}-due_on": due.isoformat(),
        })
        if green:
            data[f"requests-{i}-green_channel"] = "on"
    return data


def test_visit_form_logs_the_visit_with_its_requests(client, world):
    enterprise = make_enterprise(world)
    today = days_ago(0)
    response = login(client, world.officer).post(
        _url("visit_create", enterprise.pk),
        _visit_post(today, [
            ("exit_entry", "外籍员工居留许可到期", today + datetime.timedelta(days=5), True),
            ("vehicles", "班车上牌", today + datetime.timedelta(days=10), False),
        ]),
    )
    assert response.status_code == 302
    visit = EnterpriseVisit.objects.get()
    assert (visit.kind, visit.hazards_found, visit.hazards_rectified) == ("emergency_drill", 2, 1)
    assert list(visit.officers.all()) == [world.officer]
    assert visit.requests.count() == 2
    assert visit.requests.get(green_channel=True).received_on == today


def test_visit_form_refuses_a_future_date_and_saves_nothing(client, world):
    enterprise = make_enterprise(world)
    response = login(client, world.officer).post(
        _url("visit_create", enterprise.pk), _visit_post(days_ago(-2), [])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["visited_on"]
    assert not EnterpriseVisit.objects.exists()


def test_visit_form_refuses_due_before_received_and_saves_nothing(client, world):
    enterprise = make_enterprise(world)
    today = days_ago(0)
    response = login(client, world.officer).post(
        _url("visit_create", enterprise.pk),
        _visit_post(today, [
            ("other", "好的诉求", today + datetime.timedelta(days=3), False),
            ("other", "日期错误", today - datetime.timedelta(days=1), False),
        ]),
    )
    assert response.status_code == 200
    assert "due date cannot be before" in str(response.context["form"].non_field_errors())
    assert not EnterpriseVisit.objects.exists()
    assert not EnterpriseRequest.objects.exists()


def test_requests_board_puts_overdue_first_and_marks_green_channel(client, world):
    enterprise = make_enterprise(world)
    later = make_request(world, enterprise, received=days_ago(1), due_in=20)
    green = make_request(world, enterprise, received=days_ago(1), due_in=10, green=True)
    overdue = make_request(world, enterprise, received=days_ago(10), due_in=2)
    response = login(client, world.officer).get(_url("requests"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["page_obj"]] == [overdue.pk, green.pk, later.pk]
    html = response.content.decode()
    assert "green channel" in html and "overdue" in html


def test_requests_board_tabs_by_status(client, world):
    enterprise = make_enterprise(world)
    make_request(world, enterprise)
    done = make_request(world, enterprise)
    login(client, world.officer).post(_url("request_resolve", done.pk), {"resolution": "已办结"})
    response = client.get(_url("requests"), {"status": "resolved"})
    assert [r.pk for r in response.context["page_obj"]] == [done.pk]
    assert dict((v, n) for v, _, n in response.context["tabs"]) == {
        "open": 1, "in_progress": 0, "resolved": 1, "declined": 0,
    }


def test_requests_board_query_count_does_not_grow(client, world):
    enterprise = make_enterprise(world)
    login(client, world.officer)
    make_request(world, enterprise)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(_url("requests"))
        return len(ctx)

    one = count()
    for _ in range(15):
        item = make_request(world, enterprise)
        item.handled_by = world.lead
        item.save()
    assert count() == one


def test_resolving_without_resolution_shows_an_error_and_saves_nothing(client, world):
    item = make_request(world, make_enterprise(world))
    response = login(client, world.officer).post(
        _url("request_resolve", item.pk), {"resolution": ""}
    )
    assert response.status_code == 400
    assert response.context["resolve_form"].errors["resolution"]
    item.refresh_from_db()
    assert item.status == "open"


def test_start_then_decline_through_the_pages(client, world):
    item = make_request(world, make_enterprise(world))
    login(client, world.officer)
    assert client.post(_url("request_start", item.pk)).status_code == 302
    response = client.post(_url("request_decline", item.pk), {"reason": "不符合条件"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.resolution, item.handled_by) == ("declined", "不符合条件", world.officer)
    response = client.post(_url("request_resolve", item.pk), {"resolution": "x"})
    assert response.status_code == 400
    assert "does not allow" in str(response.context["resolve_form"].non_field_errors())


def test_convert_a_dispute_request_through_the_page(client, world):
    item = make_request(world, make_enterprise(world), category="dispute")
    response = login(client, world.officer).post(
        _url("request_convert", item.pk),
        {"title": "通道纠纷", "category": "neighbourhood", "summary": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.dispute == Dispute.objects.get()
    assert item.dispute.summary == item.description
    # Linked both ways: the dispute's page leads back to the request.
    page = client.get(item.dispute.get_absolute_url())
    assert _url("request_detail", item.pk) in page.text


@pytest.mark.parametrize("name", ["request_start", "request_resolve",
                                  "request_decline", "request_convert"])
def test_actions_on_another_stations_request_are_404(client, world, name):
    item = make_request(world, make_enterprise(world), category="dispute")
    response = login(client, world.officer2).post(
        _url(name, item.pk), {"resolution": "x", "reason": "x", "title": "x", "category": "other"}
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "open"
    assert login(client, world.officer2).get(_url("request_detail", item.pk)).status_code == 404


def test_figures_page_shows_the_units_figures(client, world):
    enterprise = make_enterprise(world)
    log_visit(world, enterprise, kind="emergency_drill")
    response = login(client, world.supervisor).get(
        _url("figures"),
        {"unit": world.tinghu.pk, "start": days_ago(5).isoformat(), "end": days_ago(0).isoformat()},
    )
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures["enterprises"], figures["visited"], figures["drill_coverage"]) == (1, 1, 1.0)
    assert "no data" in response.content.decode()  # no request resolved: median has no data


def test_figures_page_does_not_offer_another_units_figures(client, world):
    response = login(client, world.officer2).get(
        _url("figures"), {"unit": world.dongcheng.pk}
    )
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert "unit" in response.context["form"].errors


def _csv(rows):
    header = "企业名称,统一社会信用代码,地址,行业,联系人,联系电话,危化品,外籍员工\n"
    body = "".join(",".join(row) + "\n" for row in rows)
    return SimpleUploadedFile("register.csv", (header + body).encode("utf-8-sig"), "text/csv")


def test_import_previews_then_writes_all_rows(client, world):
    c1, c2 = new_code(), new_code()
    login(client, world.officer)
    response = client.post(_url("import"), {
        "unit": world.dongcheng.pk,
        "file": _csv([["甲公司", c1, "东城路1号", "化工", "张经理", "13900001111", "是", "否"],
                      ["乙公司", c2, "东城路2号", "logistics", "李经理", "13900002222", "", "是"]]),
    })
    assert response.status_code == 200
    assert response.context["write_count"] == 2
    assert "139****1111" in response.content.decode()
    assert not Enterprise.objects.exists()  # the preview writes nothing
    response = client.post(_url("import_confirm"), {"token": response.context["token"]})
    assert response.status_code == 302
    first = Enterprise.objects.get(credit_code=c1)
    assert (first.industry, first.hazardous_chemicals, first.unit) == ("chemicals", True, world.dongcheng)
    assert Enterprise.objects.get(credit_code=c2).foreign_staff


def test_import_with_duplicate_and_wrong_codes_shows_row_errors_and_imports_nothing(client, world):
    registered = make_enterprise(world)
    good, twice = new_code(), new_code()
    response = login(client, world.officer).post(_url("import"), {
        "unit": world.dongcheng.pk,
        "file": _csv([
            ["甲公司", good, "路1号", "", "张", "13900001111", "", ""],
            ["乙公司", twice, "路2号", "", "李", "13900002222", "", ""],
            ["丙公司", twice, "路3号", "", "王", "13900003333", "", ""],
            ["丁公司", registered.credit_code, "路4号", "", "赵", "13900004444", "", ""],
            ["戊公司", wrong_check(new_code()), "路5号", "", "钱", "13900005555", "", ""],
        ]),
    })
    rows = {row.number: row for row in response.context["rows"]}
    assert rows[2].ok and rows[3].ok
    assert "row 3" in rows[4].errors[0]
    assert "already registered" in rows[5].errors[0]
    assert "check character" in rows[6].errors[0]
    assert response.context["error_count"] == 3
    assert "token" not in response.context or 'name="token"' not in response.content.decode()
    assert Enterprise.objects.count() == 1


def test_import_into_another_station_is_not_offered(client, world):
    response = login(client, world.officer2).post(_url("import"), {
        "unit": world.dongcheng.pk,
        "file": _csv([["甲公司", new_code(), "路1号", "", "张", "13900001111", "", ""]]),
    })
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Enterprise.objects.exists()
