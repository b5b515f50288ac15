"""Audit: every change of a domain record is kept with who and when, shown to
leads and supervisors per record with personal data masked, and neither the
history nor the access log can be edited or deleted through the app."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from disputes import services
from disputes.models import Dispute, Party, PersonalDataAccess
from tests.conftest import login, register
from tests.disputes.page_helpers import post_action

FULL_ID = "320902199001011236"
FULL_PHONE = "13851234567"


def history_url(kind, pk):
    return reverse("history", args=[kind, pk])


def test_dispute_registered_through_the_api_records_the_acting_user(world):
    api = APIClient()
    api.force_authenticate(world.officer)
    payload = {
        "title": "楼上漏水纠纷", "category": "neighbourhood", "source": "walk_in",
        "received_at": "2026-01-05T10:00:00+08:00", "place": "东城小区5栋",
        "summary": "漏水", "unit": world.dongcheng.pk, "parties": [
            {"name": "张三", "role": "applicant", "id_number": FULL_ID, "phone": FULL_PHONE},
        ],
    }
    response = api.post("/api/disputes/", payload, format="json")
    assert response.status_code == 201, response.content
    dispute = Dispute.objects.get()
    created = dispute.history.earliest("history_date")
    assert (created.history_type, created.history_user) == ("+", world.officer)
    party_history = Party.history.get(dispute_id=dispute.pk)
    assert party_history.history_user == world.officer


def test_a_change_through_a_page_is_recorded_with_old_and_new_values(client, world, dispute):
    login(client, world.officer)
    response = post_action(client, dispute, "assess", risk_level="high", track="joint", note="")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.risk_level == "high"
    latest = dispute.history.latest("history_id")
    assert (latest.history_type, latest.history_user) == ("~", world.officer)
    delta = latest.diff_against(latest.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["risk_level"][1] == "high"


def test_service_outside_a_request_records_no_user(world):
    dispute = register(world)
    assert dispute.history.get().history_user is None


def test_lead_sees_history_with_personal_data_masked(client, world, dispute):
    party = dispute.parties.get(name="张三")
    party.phone = "13912345678"
    party.save()  # a correction, made the ordinary way
    login(client, world.lead)
    response = client.get(history_url("dispute", dispute.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert FULL_ID not in html and FULL_PHONE not in html and "13912345678" not in html
    assert "320902********1236" in html
    assert "138****4567" in html and "139****5678" in html
    assert dispute.title in html


def test_supervisor_sees_history_of_a_record_below_their_unit(client, world, dispute):
    login(client, world.supervisor)
    assert client.get(history_url("dispute", dispute.pk)).status_code == 200


def test_lead_of_another_station_gets_404(client, world, dispute):
    login(client, world.lead2)
    assert client.get(history_url("dispute", dispute.pk)).status_code == 404


def test_officer_without_the_history_permission_gets_403(client, world, dispute):
    login(client, world.officer)
    assert client.get(history_url("dispute", dispute.pk)).status_code == 403


def test_unknown_kind_is_404(client, world, dispute):
    login(client, world.lead)
    assert client.get(history_url("party", dispute.pk)).status_code == 404


def test_deleted_attachment_stays_in_the_dispute_history(client, world, dispute):
    from django.core.files.base import ContentFile

    from disputes.models import Attachment

    attachment = Attachment(
        dispute=dispute, kind="photo", uploaded_by=world.officer,
        original_name="scene.jpg", content_type="image/jpeg", size=3,
    )
    attachment.file.save("scene.jpg", ContentFile(b"\xff\xd8\xff"), save=False)
    attachment.save()
    attachment.delete()
    login(client, world.lead)
    html = client.get(history_url("dispute", dispute.pk)).content.decode()
    assert "deleted" in html or "删除" in html


@pytest.mark.parametrize("kind", ["enterprise", "incident", "unit"])
def test_other_records_have_a_history_page(client, world, kind):
    from incidents.models import Incident
    from tests.enterprises.helpers import make_enterprise

    if kind == "unit":
        pk = world.dongcheng.pk
    elif kind == "incident":
        pk = Incident.objects.create(
            number="110-1", received_at="2026-01-05T10:00:00+08:00", caller_name="王五",
            caller_phone=FULL_PHONE, address="东城", unit=world.dongcheng,
            category="noise", summary="噪音",
        ).pk
    else:
        pk = make_enterprise(world, contact_phone=FULL_PHONE).pk
    login(client, world.lead)
    response = client.get(history_url(kind, pk))
    assert response.status_code == 200
    assert FULL_PHONE not in response.content.decode()


def test_history_page_query_count_does_not_grow_with_changes(client, world, dispute):
    login(client, world.lead)
    url = history_url("dispute", dispute.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    party = dispute.parties.first()
    for n in range(30):
        party.address = f"东城小区{n}栋"
        party.save()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_admin_cannot_change_or_delete_history(client, world, dispute):
    login(client, world.admin)
    row = dispute.history.get()
    base = "admin:disputes_historicaldispute"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    page = client.get(reverse(f"{base}_change", args=[row.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(reverse(f"{base}_change", args=[row.pk]), {"title": "篡改"})
    response = client.post(reverse(f"{base}_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.title == dispute.title


def test_admin_history_of_parties_never_shows_their_numbers(client, world, dispute):
    login(client, world.admin)
    row = Party.history.filter(dispute_id=dispute.pk).first()
    page = client.get(reverse("admin:disputes_historicalparty_change", args=[row.pk]))
    assert page.status_code == 200
    assert FULL_ID not in page.content.decode()


def test_access_log_is_read_only_in_admin(client, world, dispute):
    party = dispute.parties.first()
    services.party_reveal(party=party, actor=world.officer, reason="联系当事人")
    access = PersonalDataAccess.objects.get()
    login(client, world.admin)
    response = client.post(
        reverse("admin:disputes_personaldataaccess_delete", args=[access.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert PersonalDataAccess.objects.filter(pk=access.pk).exists()


def test_api_offers_no_way_to_write_history(world):
    api = APIClient()
    api.force_authenticate(world.admin)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "historical" not in schema.lower()


def test_dispute_page_links_to_its_history_for_leads_only(client, world, dispute):
    url = history_url("dispute", dispute.pk)
    login(client, world.lead)
    assert url in client.get(dispute.get_absolute_url()).content.decode()
    login(client, world.officer)
    assert url not in client.get(dispute.get_absolute_url()).content.decode()


def test_the_history_page_title_masks_a_number_typed_into_the_record(client, world):
    """A case titled with a caller's mobile number: the History page names it
    masked, in its heading and the window's title, as every page does."""
    typed = register(world, title="13851234567来电称邻居噪音")
    login(client, world.lead)
    page = client.get(history_url("dispute", typed.pk)).content.decode()
    assert "13851234567" not in page
    assert page.count("138****4567") >= 2
