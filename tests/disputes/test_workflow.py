"""The dispute flow through the services: each transition, its rules, its events."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from disputes import services
from disputes.models import DisputeEvent, FollowUp, Referral, Status, Track
from incidents import services as incident_services
from tests.conftest import register
from units.errors import TransitionError


def walk_to_mediation(world, dispute, track=Track.IMMEDIATE):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=track)
    dispatcher = world.officer if track == Track.IMMEDIATE else world.lead
    services.dispute_dispatch(dispute=dispute, actor=dispatcher, officer=world.officer)
    return dispute


def test_registration_issues_reference_and_records_event(world):
    dispute = register(world)
    year = timezone.localdate().year
    assert dispute.reference == f"TH-DC-{year}-00001"
    assert register(world).reference == f"TH-DC-{year}-00002"
    assert register(world, by=world.officer2, unit=world.wuxing).reference == f"TH-WX-{year}-00001"
    event = dispute.events.get()
    assert event.kind == DisputeEvent.Kind.REGISTERED and event.actor == world.officer


def test_received_in_future_is_refused_and_nothing_saved(world):
    with pytest.raises(ValidationError) as error:
        register(world, received_at=timezone.now() + datetime.timedelta(days=1))
    assert "received_at" in error.value.message_dict
    assert not world.dongcheng.disputes.exists()


def test_bad_id_number_saves_nothing(world):
    with pytest.raises(ValidationError):
        register(world, parties=[services.PartyData(name="甲", role="applicant", id_number="320902199001011230")])
    assert not world.dongcheng.disputes.exists()


def test_officer_cannot_register_for_another_station(world):
    with pytest.raises(Http404):
        register(world, by=world.officer, unit=world.wuxing)


def test_assess_sets_track_deadline(world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="high", track=Track.ONLINE)
    assert dispute.status == Status.ASSESSED
    assert dispute.track == Track.ONLINE and dispute.risk_level == "high"
    days = (dispute.deadline - timezone.now()).total_seconds() / 86400
    assert 14.9 < days <= 15


@pytest.mark.parametrize("track", [Track.ONLINE, Track.JOINT, Track.PROFESSIONAL])
def test_officer_cannot_dispatch_non_immediate_track(world, dispute, track):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=track)
    with pytest.raises(PermissionDenied):
        services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    assert dispute.status == Status.IN_MEDIATION


def test_resolve_needs_agreement_or_note(world, dispute):
    walk_to_mediation(world, dispute)
    with pytest.raises(ValidationError):
        services.dispute_resolve(dispute=dispute, actor=world.officer)
    dispute.refresh_from_db()
    assert dispute.status == Status.IN_MEDIATION


def test_resolve_schedules_follow_ups(world, dispute):
    walk_to_mediation(world, dispute)
    services.dispute_resolve(
        dispute=dispute, actor=world.officer,
        agreement=services.AgreementData(terms="赔偿500元", signed_on=timezone.localdate()),
    )
    assert dispute.status == Status.RESOLVED and dispute.concluded_at is not None
    due = sorted(dispute.follow_ups.values_list("due_on", flat=True))
    today = timezone.localdate()
    assert due == [today + datetime.timedelta(days=7), today + datetime.timedelta(days=30)]
    assert dispute.agreements.get().terms == "赔偿500元"


def test_fail_needs_referral_and_creates_it(world, dispute):
    walk_to_mediation(world, dispute)
    with pytest.raises(ValidationError):
        services.dispute_fail(dispute=dispute, actor=world.officer, referral=services.ReferralData(target="court", target_name=""))
    services.dispute_fail(
        dispute=dispute, actor=world.officer,
        referral=services.ReferralData(target="court", target_name="亭湖区人民法院"),
    )
    assert dispute.status == Status.UNRESOLVED
    assert dispute.referrals.get().state == Referral.State.SENT


def test_only_lead_or_supervisor_verifies(world, dispute):
    walk_to_mediation(world, dispute)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="当场和解")
    with pytest.raises(PermissionDenied):
        services.dispute_verify(dispute=dispute, actor=world.officer)
    services.dispute_verify(dispute=dispute, actor=world.supervisor)
    assert dispute.status == Status.CLOSED and dispute.closed_at is not None


def test_transition_out_of_order_is_refused_and_changes_nothing(world, dispute):
    with pytest.raises(TransitionError) as error:
        services.dispute_verify(dispute=dispute, actor=world.lead)
    assert "登记" in str(error.value.message) or "Registered" in str(error.value.message)
    dispute.refresh_from_db()
    assert dispute.status == Status.REGISTERED and dispute.version == 1
    assert dispute.events.count() == 1


def test_stale_version_is_refused(world, dispute):
    seen = dispute.version
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT)
    with pytest.raises(TransitionError) as error:
        services.dispute_withdraw(dispute=dispute, actor=world.officer, note="撤回", expected_version=seen)
    assert error.value.code == "stale"
    dispute.refresh_from_db()
    assert dispute.status == Status.ASSESSED


def test_transfer_moves_case_and_records_units(world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT)
    services.dispute_transfer(dispute=dispute, actor=world.lead, to_unit=world.louwang, note="当事人住所在楼王")
    assert dispute.unit == world.louwang and dispute.status == Status.REGISTERED
    assert dispute.assigned_officer is None and dispute.track == ""
    event = dispute.events.get(kind=DisputeEvent.Kind.TRANSFERRED)
    assert (event.from_unit, event.to_unit, event.from_track) == (world.dongcheng, world.louwang, Track.JOINT)
    # The old station no longer sees it; the new one does.
    with pytest.raises(Http404):
        services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT)


def test_reopen_after_close_clears_outcome(world, dispute):
    walk_to_mediation(world, dispute)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    services.dispute_verify(dispute=dispute, actor=world.lead)
    services.dispute_reopen(dispute=dispute, actor=world.officer, note="再次报警")
    assert dispute.status == Status.IN_MEDIATION
    assert dispute.concluded_at is None and dispute.closed_at is None
    assert not FollowUp.objects.filter(dispute=dispute, done_at__isnull=True).exists()


def test_change_track_restarts_deadline(world, dispute):
    walk_to_mediation(world, dispute)
    services.dispute_change_track(dispute=dispute, actor=world.officer, track=Track.JOINT, note="现场调解未果")
    assert dispute.track == Track.JOINT
    event = dispute.events.get(kind=DisputeEvent.Kind.TRACK_CHANGED)
    assert (event.from_track, event.to_track) == (Track.IMMEDIATE, Track.JOINT)
    assert (dispute.deadline - timezone.now()).days >= 29


def test_withdraw_only_from_open_state(world, dispute):
    walk_to_mediation(world, dispute)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    with pytest.raises(TransitionError):
        services.dispute_withdraw(dispute=dispute, actor=world.officer, note="撤回")


def test_follow_up_fills_the_earliest_scheduled(world, dispute):
    walk_to_mediation(world, dispute)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    follow_up = services.follow_up_record(
        dispute=dispute, actor=world.officer, method="phone", finding="stable", satisfaction="satisfied"
    )
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=7)
    assert dispute.follow_ups.filter(done_at__isnull=True).count() == 1


def test_a_follow_up_before_the_case_was_received_is_refused(world, dispute):
    """Found by schemathesis: a follow-up "done" in the year 686 was saved."""
    walk_to_mediation(world, dispute)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    for done_at in (dispute.received_at - datetime.timedelta(minutes=1),
                    datetime.datetime(686, 8, 24, 16, 12, tzinfo=datetime.timezone.utc)):
        with pytest.raises(ValidationError) as refused:
            services.follow_up_record(dispute=dispute, actor=world.officer, method="phone",
                                      finding="stable", done_at=done_at)
        assert "done_at" in refused.value.message_dict
    assert not dispute.follow_ups.filter(done_at__isnull=False).exists()


def test_a_time_received_before_2000_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        register(world, received_at=datetime.datetime(686, 8, 24, tzinfo=datetime.timezone.utc))
    assert "received_at" in refused.value.message_dict


def test_repeat_call_detected_when_dispute_had_earlier_call(world):
    from disputes.selectors import repeat_call_candidates
    from incidents.models import Incident

    dispute = register(world)
    now = timezone.now()
    first = Incident.objects.create(number="110-1", received_at=now - datetime.timedelta(hours=2), caller_name="张三",
                                    caller_phone="13851234567", address="东城小区3栋101", unit=world.dongcheng,
                                    category="dispute", summary="噪音")
    incident_services.incident_link_dispute(incident=first, dispute=dispute, actor=world.officer)
    assert first.is_repeat is False
    second = Incident.objects.create(number="110-2", received_at=now, caller_name="张三",
                                     caller_phone="13851234567", address="别处", unit=world.dongcheng,
                                     category="dispute", summary="又吵")
    assert list(repeat_call_candidates(user=world.officer, phone="13851234567")) == [dispute]
    assert list(repeat_call_candidates(user=world.officer2, phone="13851234567")) == []
    incident_services.incident_link_dispute(incident=second, dispute=dispute, actor=world.officer)
    assert second.is_repeat is True
