"""The logged reveal (issues 11 and 12): a party's numbers and free text in
which an ID or mobile number was typed are shown masked, and in full only
after a reason, once, through POST-redirect-GET; every reveal is logged and
listed on the record's History page for leads and supervisors. The API has the
same reveal with the same log."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from disputes import services
from disputes.models import PersonalDataAccess
from tests.conftest import login, register

SUMMARY = "张三 电话 138 1234 5678，身份证 32090219800101123X，要求赔偿 600 元。"
MASKED = "张三 电话 138****5678，身份证 320902********123X，要求赔偿 600 元。"
FULL = ["138 1234 5678", "32090219800101123X"]


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def case(world):
    return register(world, summary=SUMMARY)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_free_text_is_masked_and_revealed_once_after_a_reason(client, world, case):
    login(client, world.officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert MASKED in page and not any(full in page for full in FULL)
    url = reverse("reveal_text", args=["dispute", case.pk, "summary"])
    assert url in page  # "Show in full" next to the masked text

    form = client.get(url)
    assert form.status_code == 200 and MASKED in form.content.decode()
    assert not any(full in form.content.decode() for full in FULL)
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    assert not PersonalDataAccess.objects.exists()

    response = client.post(url, {"reason": "verify"})
    assert response.status_code == 302 and response["Location"] == url
    shown = client.get(url).content.decode()
    assert all(full in shown for full in FULL)
    again = client.get(url).content.decode()  # a refresh: masked, nothing more logged
    assert not any(full in again for full in FULL)
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.record_kind, access.record_id, access.field, access.party) == (
        world.officer, "dispute", case.pk, "summary", None
    )
    assert access.reason == "Verifying identity"


def test_text_of_a_case_part_is_revealed_the_same_way(client, world, case):
    services.dispute_assess(dispute=case, actor=world.officer, risk_level="low", track="immediate")
    event = case.events.get(kind="assessed")
    event.note = "已电话 13912345678 联系"
    event.save()
    login(client, world.officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    url = reverse("reveal_text", args=["dispute", case.pk, f"event-{event.pk}-note"])
    assert url in page
    client.post(url, {"reason": "contact"})
    assert "13912345678" in client.get(url).content.decode()


def test_reveal_of_text_needs_the_permission_and_the_scope(client, world, case):
    url = reverse("reveal_text", args=["dispute", case.pk, "summary"])
    login(client, world.supervisor)  # reads the case, may not reveal
    assert url not in client.get(case.get_absolute_url()).content.decode()
    assert client.post(url, {"reason": "contact"}).status_code == 403
    other_unit = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.officer2)
    assert other_unit.post(url, {"reason": "contact"}).status_code == 404
    assert client.get(reverse("reveal_text", args=["dispute", case.pk, "reference"])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_api_shows_text_masked_and_reveals_it_with_a_reason(world, case):
    api = _api(world.officer)
    assert api.get(f"/api/disputes/{case.pk}/").json()["summary"] == MASKED
    url = "/api/reveals/"
    wanted = {"kind": "dispute", "id": case.pk, "field": "summary"}
    refused = api.post(url, wanted, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert not PersonalDataAccess.objects.exists()
    response = api.post(url, {**wanted, "reason": "核实身份"}, format="json")
    assert response.status_code == 200 and response.json() == {"field": "summary", "text": SUMMARY}
    access = PersonalDataAccess.objects.get()
    assert (access.via, access.reason, access.field) == ("api", "核实身份", "summary")
    asked = {**wanted, "reason": "x"}
    assert _api(world.officer2).post(url, asked, format="json").status_code == 404
    assert _api(world.supervisor).post(url, asked, format="json").status_code == 403
    assert api.post(url, {**asked, "field": "reference"}, format="json").status_code == 404
    assert PersonalDataAccess.objects.count() == 1


def test_history_lists_every_reveal_for_leads_and_supervisors(client, world, case):
    party = case.parties.get(name="张三")
    services.party_reveal(party=party, actor=world.officer, reason="Contacting the party")
    _api(world.officer).post(
        "/api/reveals/",
        {"kind": "dispute", "id": case.pk, "field": "summary", "reason": "核实身份"},
        format="json",
    )
    url = reverse("history", args=["dispute", case.pk])
    for reader in (world.lead, world.supervisor):
        login(client, reader)
        page = client.get(url).content.decode()
        assert "ID number and phone of 张三" in page and "Contacting the party" in page
        assert "Summary" in page and "核实身份" in page
        assert "officer" in page
        assert not any(full in page for full in FULL)
    login(client, world.officer)  # officers do not read the history
    assert client.get(url).status_code == 403


def test_history_reads_the_reveals_in_one_query(client, world, case, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, world.lead)
    url = reverse("history", args=["dispute", case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for party in case.parties.all():
        for _i in range(3):
            services.party_reveal(party=party, actor=world.officer, reason="Contacting the party")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_visit_notes_of_an_enterprise_are_masked_and_revealed(client, world):
    from enterprises.models import Enterprise, EnterpriseVisit

    enterprise = Enterprise.objects.create(
        name="盐城某机械厂", unit=world.dongcheng, credit_code="91320900MA1XXXXX00",
        address="东城路1号", industry="manufacturing",
    )
    visit = EnterpriseVisit.objects.create(
        enterprise=enterprise, visited_on="2026-03-02", kind=EnterpriseVisit.Kind.choices[0][0],
        notes="联系人 13812345678",
    )
    login(client, world.officer)
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert "13812345678" not in page and "138****5678" in page
    url = reverse("reveal_text", args=["enterprise", enterprise.pk, f"visit-{visit.pk}-notes"])
    assert url in page
    assert client.post(url, {"reason": "contact"}).status_code == 302
    assert "13812345678" in client.get(url).content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.record_kind, access.record_id) == ("enterprise", enterprise.pk)
