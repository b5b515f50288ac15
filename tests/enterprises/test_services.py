"""Enterprise records and their services: credit codes, visits with their
requests (all or nothing), the request flow and conversion into a dispute."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from disputes.models import Dispute, Source
from enterprises import services
from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from tests.enterprises.helpers import (
    days_ago,
    log_visit,
    make_enterprise,
    make_request,
    new_code,
    request_data,
    wrong_check,
)
from units.errors import TransitionError
from units.validators import credit_code_check_char, validate_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_published_credit_codes_are_valid(code):
    validate_credit_code(code)


def test_check_character_of_31_counts_as_0():
    # A body whose weighted sum is a multiple of 31 has check character "0".
    assert credit_code_check_char("0" * 17) == "0"


def test_credit_code_with_wrong_check_character_is_refused(world):
    code = new_code()
    with pytest.raises(ValidationError) as error:
        make_enterprise(world, credit_code=wrong_check(code))
    assert "check character" in str(error.value)
    assert not Enterprise.objects.exists()


def test_credit_code_with_forbidden_letters_is_refused():
    with pytest.raises(ValidationError):
        validate_credit_code("91320902MA1OXXXXX1")


def test_duplicate_credit_code_is_refused_and_nothing_saved(world):
    code = new_code()
    make_enterprise(world, credit_code=code)
    with pytest.raises(ValidationError) as error:
        make_enterprise(world, credit_code=code.lower(), name="另一家公司")
    assert "already registered" in str(error.value)
    assert Enterprise.objects.count() == 1


def test_enterprise_of_another_station_is_out_of_scope(world):
    with pytest.raises(Http404):
        make_enterprise(world, by=world.officer2, unit=world.dongcheng)


def test_supervisor_cannot_register_enterprises(world):
    with pytest.raises(PermissionDenied):
        make_enterprise(world, by=world.supervisor)


def test_enterprise_is_registered_at_a_station(world):
    with pytest.raises(ValidationError):
        make_enterprise(world, unit=world.dc_beat)


def test_liaison_officer_must_serve_the_station(world):
    with pytest.raises(ValidationError):
        make_enterprise(world, liaison_officer=world.officer2)


def test_visit_with_requests_is_saved_together(world):
    enterprise = make_enterprise(world)
    visit = log_visit(
        world, enterprise, officers=[world.lead],
        requests=[request_data(green=True), request_data(category="vehicles")],
    )
    assert set(visit.officers.all()) == {world.officer, world.lead}
    assert visit.requests.count() == 2
    assert visit.requests.filter(green_channel=True, status="open").count() == 1


def test_visit_dated_in_the_future_is_refused(world):
    enterprise = make_enterprise(world)
    with pytest.raises(ValidationError) as error:
        log_visit(world, enterprise, visited_on=days_ago(-1))
    assert "visited_on" in error.value.message_dict
    assert not EnterpriseVisit.objects.exists()


def test_one_bad_request_saves_neither_visit_nor_requests(world):
    enterprise = make_enterprise(world)
    bad = request_data(due_in=-2)
    with pytest.raises(ValidationError) as error:
        log_visit(world, enterprise, requests=[request_data(), bad])
    assert "Request 2" in str(error.value)
    assert "due date cannot be before" in str(error.value)
    assert not EnterpriseVisit.objects.exists()
    assert not EnterpriseRequest.objects.exists()


def test_more_hazards_rectified_than_found_is_refused(world):
    enterprise = make_enterprise(world)
    with pytest.raises(ValidationError):
        log_visit(world, enterprise, hazards_found=1, hazards_rectified=2)
    assert not EnterpriseVisit.objects.exists()


def test_database_refuses_due_before_received(world):
    enterprise = make_enterprise(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseRequest.objects.create(
            enterprise=enterprise, category="other", description="x",
            received_on=datetime.date(2024, 5, 2), due_on=datetime.date(2024, 5, 1),
        )


def test_request_goes_open_in_progress_resolved(world):
    item = make_request(world, make_enterprise(world))
    services.request_start(actor=world.officer, request=item)
    item.refresh_from_db()
    assert (item.status, item.handled_by) == ("in_progress", world.officer)
    services.request_resolve(actor=world.lead, request=item, resolution="已加急办结。")
    item.refresh_from_db()
    assert item.status == "resolved"
    assert item.resolved_at is not None
    assert item.handled_by == world.lead


def test_resolving_without_a_resolution_is_refused(world):
    item = make_request(world, make_enterprise(world))
    with pytest.raises(ValidationError) as error:
        services.request_resolve(actor=world.officer, request=item, resolution="  ")
    assert "resolution" in error.value.message_dict
    item.refresh_from_db()
    assert item.status == "open"


def test_answered_request_cannot_be_started_or_declined(world):
    item = make_request(world, make_enterprise(world))
    services.request_decline(actor=world.officer, request=item, reason="不符合条件。")
    with pytest.raises(TransitionError):
        services.request_start(actor=world.officer, request=item)
    with pytest.raises(TransitionError):
        services.request_resolve(actor=world.officer, request=item, resolution="x")
    item.refresh_from_db()
    assert (item.status, item.resolution) == ("declined", "不符合条件。")


def test_dispute_request_becomes_a_dispute_linked_both_ways(world):
    enterprise = make_enterprise(world)
    item = make_request(world, enterprise, category="dispute", text="与相邻企业通道纠纷")
    dispute = services.request_convert_to_dispute(
        actor=world.officer, request=item, title="企业通道纠纷", category="neighbourhood"
    )
    item.refresh_from_db()
    assert item.dispute == dispute
    assert item.status == "in_progress"
    assert list(dispute.enterprise_requests.all()) == [item]
    assert dispute.source == Source.ENTERPRISE_VISIT
    assert dispute.unit == world.dongcheng
    party = dispute.parties.get()
    assert (party.name, party.phone) == ("钱经理", "13851234567")
    assert dispute.events.count() == 1
    with pytest.raises(TransitionError) as error:
        services.request_convert_to_dispute(
            actor=world.officer, request=item, title="再来一次", category="neighbourhood"
        )
    assert error.value.code == "already_converted"
    assert Dispute.objects.count() == 1


def test_request_of_another_category_cannot_become_a_dispute(world):
    item = make_request(world, make_enterprise(world), category="exit_entry")
    with pytest.raises(TransitionError) as error:
        services.request_convert_to_dispute(
            actor=world.officer, request=item, title="x", category="other"
        )
    assert error.value.code == "not_a_dispute_request"
    assert not Dispute.objects.exists()


def test_officer_of_another_station_cannot_handle_the_request(world):
    item = make_request(world, make_enterprise(world))
    with pytest.raises(Http404):
        services.request_start(actor=world.officer2, request=item)
