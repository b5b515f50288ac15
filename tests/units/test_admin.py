"""Django admin: reference data editable, disputes and their logs read-only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from disputes import services
from disputes.models import Dispute, DisputeEvent, Mediator, PersonalDataAccess
from tests.conftest import login, register
from units.models import Officer, Unit


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def filled(world):
    dispute = register(world)
    services.party_reveal(party=dispute.parties.first(), actor=world.officer, reason="联系当事人")
    services.personal_data_reveal(  # a free-text reveal names no party
        actor=world.officer, unit=dispute.unit, record_kind="dispute", record_id=dispute.pk,
        field="summary", reason="核实身份",
    )
    services.mediator_save(actor=world.lead, name="许调解员", kind="resident", unit=world.dongcheng,
                           specialities=["neighbourhood"])
    return dispute


def test_every_registered_changelist_loads_for_the_superuser(world, client, filled):
    login(client, world.admin)
    for model in admin.site._registry:
        response = client.get(admin_url(model))
        assert response.status_code == 200, model


@pytest.mark.parametrize("model", [Unit, Officer, Mediator])
def test_reference_data_can_be_added(world, client, model):
    response = login(client, world.admin).get(admin_url(model, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [Dispute, DisputeEvent, PersonalDataAccess])
def test_disputes_and_logs_cannot_be_added_in_admin(world, client, model):
    response = login(client, world.admin).get(admin_url(model, "add"))
    assert response.status_code == 403


def test_dispute_admin_is_read_only_and_masks_parties(world, client, filled):
    login(client, world.admin)
    response = client.get(admin_url(Dispute, "change", filled.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "320902********1236" in content and "320902199001011236" not in content
    assert 'name="title"' not in content  # no editable field
    response = client.post(admin_url(Dispute, "change", filled.pk), {"title": "改"})
    assert response.status_code == 403
    filled.refresh_from_db()
    assert filled.title == "邻里噪音纠纷"


def test_events_cannot_be_deleted_in_admin(world, client, filled):
    event = filled.events.first()
    response = login(client, world.admin).post(admin_url(DisputeEvent, "delete", event.pk), {"post": "yes"})
    assert response.status_code == 403
    assert DisputeEvent.objects.filter(pk=event.pk).exists()


def test_unit_path_is_read_only_and_kept_by_the_model(world, client):
    login(client, world.admin)
    response = client.post(admin_url(Unit, "add"), {
        "name": "东城二警区", "code": "TH-DC-02", "kind": "beat", "parent": world.dongcheng.pk,
        "path": "999999.",
    })
    assert response.status_code == 302
    beat = Unit.objects.get(code="TH-DC-02")
    assert beat.path.startswith(world.dongcheng.path) and beat.depth == 3


def test_officer_role_cannot_open_admin(world, client):
    response = login(client, world.lead).get(admin_url(Unit))
    assert response.status_code == 302
