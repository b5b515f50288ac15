"""The dispute flow through the web pages, on each of the four tracks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import (
    Agreement,
    Dispute,
    DisputeEvent,
    MediationSession,
    Mediator,
    Party,
    Referral,
    Source,
    Status,
    Track,
)
from incidents.services import incident_create
from tests.conftest import login, register
from tests.disputes.page_helpers import (
    VALID_ID,
    action_url,
    client,  # noqa: F401  (English pages)
    local_input,
    post_action,
    registration_data,
)


@pytest.fixture
def mediator(world):
    return services.mediator_save(
        actor=world.lead, name="陈律师", kind=Mediator.Kind.LAWYER, unit=world.dongcheng,
        specialities=["labour", "neighbourhood"],
    )


def register_through_page(client, world, **fields) -> Dispute:
    login(client, world.officer)
    response = client.post(reverse("disputes:create"), registration_data(world, **fields))
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert response["Location"] == dispute.get_absolute_url()
    return dispute


def event_kinds(dispute) -> list[str]:
    return list(dispute.events.order_by("at", "id").values_list("kind", flat=True))


@pytest.mark.parametrize("track", [Track.IMMEDIATE, Track.ONLINE, Track.JOINT, Track.PROFESSIONAL])
def test_whole_flow_through_pages_on_each_track(client, world, mediator, track):
    dispute = register_through_page(client, world)
    assert dispute.status == Status.REGISTERED and dispute.parties.count() == 2
    assert dispute.assigned_officer == world.officer and dispute.beat == world.dc_beat

    response = post_action(client, dispute, "assess", risk_level="medium", track=track, note="评估")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.track, dispute.risk_level) == (Status.ASSESSED, track, "medium")

    # Immediate cases are dispatched by the officer; the other tracks by the lead.
    dispatcher = world.officer if track == Track.IMMEDIATE else world.lead
    login(client, dispatcher)
    detail = client.get(dispute.get_absolute_url())
    assert action_url(dispute, "dispatch") in detail.content.decode()
    response = post_action(
        client, dispute, "dispatch", officer=world.officer.pk, mediators=[mediator.pk],
        co_officers=[world.lead.pk], note="派单",
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.IN_MEDIATION and dispute.assigned_officer == world.officer
    assert list(dispute.mediators.all()) == [mediator]

    login(client, world.officer)
    parties = list(dispute.parties.values_list("pk", flat=True))
    response = client.post(reverse("disputes:session_create", args=[dispute.pk]), {
        "held_at": local_input(timezone.now() - datetime.timedelta(minutes=30)),
        "mode": "room", "outcome": "agreement", "notes": "双方同意赔偿",
        "mediators": [mediator.pk], "officers": [world.officer.pk], "parties_present": parties,
    })
    assert response.status_code == 302
    session = MediationSession.objects.get(dispute=dispute)
    assert session.outcome == "agreement" and set(session.parties_present.values_list("pk", flat=True)) == set(parties)

    today = timezone.localdate()
    response = post_action(
        client, dispute, "resolve", terms="李四赔偿张三800元", signed_on=today.isoformat(),
        performance_due=(today + datetime.timedelta(days=7)).isoformat(), resolution_note="",
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.RESOLVED and dispute.concluded_at is not None
    assert Agreement.objects.get(dispute=dispute).terms == "李四赔偿张三800元"
    assert dispute.follow_ups.filter(done_at__isnull=True).count() == 2

    # The officer may not verify: the button is absent and a direct post is refused.
    detail = client.get(dispute.get_absolute_url()).content.decode()
    assert action_url(dispute, "verify") not in detail
    assert post_action(client, dispute, "verify", note="").status_code == 403

    login(client, world.lead)
    assert post_action(client, dispute, "verify", note="核查属实").status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED and dispute.closed_at is not None
    assert event_kinds(dispute) == [
        DisputeEvent.Kind.REGISTERED, DisputeEvent.Kind.ASSESSED, DisputeEvent.Kind.DISPATCHED,
        DisputeEvent.Kind.SESSION, DisputeEvent.Kind.RESOLVED, DisputeEvent.Kind.VERIFIED,
    ]
    assert dispute.events.get(kind=DisputeEvent.Kind.VERIFIED).actor == world.lead


def test_failed_mediation_is_referred_answered_and_verified(client, world):
    dispute = register_through_page(client, world)
    post_action(client, dispute, "assess", risk_level="high", track=Track.JOINT, note="")
    login(client, world.lead)
    post_action(client, dispute, "dispatch", officer=world.officer.pk, note="")
    login(client, world.officer)

    # A failure without a body to refer to is refused on the form.
    response = post_action(client, dispute, "fail", target="court", target_name="", note="")
    assert response.status_code == 200
    dispute.refresh_from_db()
    assert dispute.status == Status.IN_MEDIATION and not dispute.referrals.exists()

    response = post_action(
        client, dispute, "fail", target="court", target_name="亭湖区人民法院",
        reason="赔偿金额分歧大", note="调解未成",
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.UNRESOLVED
    referral = Referral.objects.get(dispute=dispute)
    assert (referral.target, referral.state) == ("court", Referral.State.SENT)

    url = reverse("disputes:referral_answer", args=[dispute.pk, referral.pk])
    assert url in client.get(dispute.get_absolute_url()).content.decode()
    response = client.post(url, {"state": "answered", "answer": ""})
    assert response.status_code == 200 and "Record what they answered." in response.content.decode()
    response = client.post(url, {"state": "answered", "answer": "已立案，诉前调解"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.ANSWERED and referral.answered_at is not None

    login(client, world.lead)
    assert post_action(client, dispute, "verify", note="").status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED
    assert DisputeEvent.Kind.FAILED in event_kinds(dispute)


def test_follow_up_recorded_on_resolved_case(client, world):
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="当场和解")
    login(client, world.officer)
    url = reverse("disputes:follow_up_create", args=[dispute.pk])
    assert url in client.get(dispute.get_absolute_url()).content.decode()
    response = client.post(url, {
        "done_at": local_input(timezone.now()), "method": "phone", "finding": "stable",
        "satisfaction": "satisfied", "notes": "双方关系平稳",
    })
    assert response.status_code == 302
    done = dispute.follow_ups.get(done_at__isnull=False)
    assert (done.officer, done.satisfaction) == (world.officer, "satisfied")
    assert dispute.follow_ups.filter(done_at__isnull=True).count() == 1
    assert dispute.events.filter(kind=DisputeEvent.Kind.FOLLOW_UP).count() == 1


def test_follow_up_on_open_case_is_refused_and_saves_nothing(client, world, dispute):
    login(client, world.officer)
    response = client.post(reverse("disputes:follow_up_create", args=[dispute.pk]), {
        "done_at": local_input(timezone.now()), "method": "phone", "finding": "stable",
    })
    assert response.status_code == 200
    assert "Follow-ups are recorded on resolved or closed cases." in response.content.decode()
    assert not dispute.follow_ups.exists()


def test_referral_added_while_in_mediation(client, world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    login(client, world.officer)
    response = client.post(reverse("disputes:referral_create", args=[dispute.pk]), {
        "target": "community", "target_name": "东城社区居委会", "reason": "共同调处",
    })
    assert response.status_code == 302
    assert dispute.referrals.get().target_name == "东城社区居委会"
    assert dispute.events.filter(kind=DisputeEvent.Kind.REFERRAL).exists()


def test_session_cannot_be_recorded_before_dispatch(client, world, dispute):
    login(client, world.officer)
    response = client.post(reverse("disputes:session_create", args=[dispute.pk]), {
        "held_at": local_input(timezone.now()), "mode": "room", "outcome": "progress",
    })
    assert response.status_code == 200
    assert "Sessions can only be recorded while the case is in mediation." in response.content.decode()
    assert not MediationSession.objects.exists()


# Registration --------------------------------------------------------------------------


def test_registration_form_defaults_to_now_and_own_station(client, world):
    login(client, world.officer)
    response = client.get(reverse("disputes:create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["unit"] == world.dongcheng.pk
    assert abs((form.initial["received_at"] - timezone.now()).total_seconds()) < 120
    stations = list(form.fields["unit"].queryset)
    assert stations == [world.dongcheng]
    assert list(form.fields["beat"].queryset) == [world.dc_beat]


@pytest.mark.parametrize(
    ("party", "field", "message"),
    [
        ({"id_number": "320902199001011230"}, "id_number", "check character is wrong"),
        ({"id_number": "12345"}, "id_number", "17 digits"),
        ({"phone": "12345"}, "phone", "mobile number of 11 digits"),
    ],
)
def test_bad_party_data_gives_field_error_and_saves_nothing(client, world, party, field, message):
    login(client, world.officer)
    row = {"name": "张三", "role": "applicant", "id_number": "", "phone": "", "address": ""}
    row.update(party)
    response = client.post(reverse("disputes:create"), registration_data(world, parties=[row]))
    assert response.status_code == 200
    assert message in str(response.context["formset"].forms[0].errors[field])
    assert not Dispute.objects.exists() and not Party.objects.exists()


def test_future_received_at_gives_field_error_and_saves_nothing(client, world):
    login(client, world.officer)
    future = local_input(timezone.now() + datetime.timedelta(days=1))
    response = client.post(reverse("disputes:create"), registration_data(world, received_at=future))
    assert response.status_code == 200
    assert "cannot be in the future" in str(response.context["form"].errors["received_at"])
    assert not Dispute.objects.exists()


def test_registration_without_a_party_saves_nothing(client, world):
    login(client, world.officer)
    blank = {"name": "", "role": "", "id_number": "", "phone": "", "address": ""}
    response = client.post(reverse("disputes:create"), registration_data(world, parties=[blank]))
    assert response.status_code == 200
    assert response.context["formset"].total_error_count() > 0
    assert not Dispute.objects.exists() and not Party.objects.exists()


def test_spare_blank_party_row_is_ignored(client, world):
    blank = {"name": "", "role": "", "id_number": "", "phone": "", "address": ""}
    first = {"name": "张三", "role": "applicant", "id_number": VALID_ID, "phone": "", "address": ""}
    register_through_page(client, world, parties=[first, blank])
    assert list(Party.objects.values_list("name", flat=True)) == ["张三"]


def test_registration_for_station_outside_scope_is_refused(client, world):
    login(client, world.officer)
    response = client.post(reverse("disputes:create"), registration_data(
        world, unit=world.wuxing.pk, beat=""
    ))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Dispute.objects.exists()


def test_beat_of_another_station_is_refused(client, world):
    login(client, world.lead)
    response = client.post(reverse("disputes:create"), registration_data(world, beat=world.wx_beat.pk))
    assert response.status_code == 200 and "beat" in response.context["form"].errors
    assert not Dispute.objects.exists()


def test_registration_from_110_call_links_the_call(client, world):
    incident = incident_create(
        actor=world.officer, number="110-20240501-0001",
        received_at=timezone.now() - datetime.timedelta(hours=2), caller_name="王五",
        caller_phone="13812345678", address="东城小区7栋", unit=world.dongcheng,
        category="dispute", summary="邻居争吵",
    )
    login(client, world.officer)
    url = reverse("incidents:register_dispute", args=[incident.pk])
    # The call's page links here; the older address still leads here.
    old = client.get(reverse("disputes:create") + f"?incident={incident.pk}")
    assert old.status_code == 302 and old["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "王五" in html and "13812345678" not in html

    row = {"name": "王五", "role": "applicant", "id_number": "", "phone": "", "address": ""}
    data = registration_data(world, parties=[row], source="walk_in")
    response = client.post(url, data)
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    incident.refresh_from_db()
    assert dispute.source == Source.CALL_110 and incident.dispute == dispute
    # The caller's phone on file fills the first party, for repeat-call matching.
    assert dispute.parties.get().phone == "13812345678"
    assert dispute.events.filter(kind=DisputeEvent.Kind.INCIDENT_LINKED).exists()


def test_registration_from_call_of_another_station_is_404(client, world):
    incident = incident_create(
        actor=world.officer2, number="110-20240501-0002", received_at=timezone.now(),
        caller_name="赵六", caller_phone="13812345679", address="五星路1号", unit=world.wuxing,
        category="dispute", summary="争吵",
    )
    login(client, world.officer)
    assert client.get(reverse("incidents:register_dispute", args=[incident.pk])).status_code == 404
    old = reverse("disputes:create") + f"?incident={incident.pk}"
    assert client.get(old, follow=True).status_code == 404


def test_supervisor_cannot_register(client, world):
    login(client, world.supervisor)
    assert client.get(reverse("disputes:create")).status_code == 403


# Refusals --------------------------------------------------------------------------------


def test_stale_form_is_refused_with_message_and_changes_nothing(client, world, dispute):
    login(client, world.officer)
    page = client.get(action_url(dispute, "assess"))
    seen_version = page.context["form"].initial["version"]
    # The lead assesses first, while the officer's form is open.
    services.dispute_assess(dispute=dispute, actor=world.lead, risk_level="high", track=Track.JOINT)
    events_before = dispute.events.count()

    response = client.post(action_url(dispute, "assess"), {
        "version": seen_version, "risk_level": "low", "track": Track.IMMEDIATE, "note": "",
    })
    assert response.status_code == 200
    assert "Someone else changed this case" in response.content.decode()
    dispute.refresh_from_db()
    assert (dispute.risk_level, dispute.track) == ("high", Track.JOINT)
    assert dispute.events.count() == events_before


def test_stale_change_track_form_is_refused(client, world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT)
    login(client, world.lead)
    seen = client.get(action_url(dispute, "change_track")).context["form"].initial["version"]
    services.dispute_change_track(dispute=dispute, actor=world.officer, track=Track.ONLINE, note="异地")
    response = client.post(action_url(dispute, "change_track"), {
        "version": seen, "track": Track.PROFESSIONAL, "note": "转专业调",
    })
    assert response.status_code == 200 and "Someone else changed this case" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.track == Track.ONLINE


def test_officer_posting_dispatch_on_joint_track_gets_403(client, world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT)
    login(client, world.officer)
    assert action_url(dispute, "dispatch") not in client.get(dispute.get_absolute_url()).content.decode()
    response = post_action(client, dispute, "dispatch", officer=world.officer.pk, note="")
    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == Status.ASSESSED
    assert not dispute.events.filter(kind=DisputeEvent.Kind.DISPATCHED).exists()


def test_supervisor_cannot_open_officer_action_pages(client, world, dispute):
    login(client, world.supervisor)
    assert client.get(action_url(dispute, "assess")).status_code == 403
    assert post_action(client, dispute, "assess", risk_level="low", track="joint").status_code == 403


def test_transition_out_of_order_is_refused_with_message(client, world, dispute):
    login(client, world.officer)
    today = timezone.localdate().isoformat()
    response = post_action(client, dispute, "resolve", terms="赔偿", signed_on=today)
    assert response.status_code == 200
    assert "cannot be given the action" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == Status.REGISTERED and not Agreement.objects.exists()


def test_action_page_not_available_now_shows_no_form(client, world, dispute):
    login(client, world.officer)
    response = client.get(action_url(dispute, "resolve"))
    assert response.status_code == 200 and not response.context["available"]
    assert "<form method=\"post\" class=\"action-form" not in response.content.decode()


def test_unknown_action_is_404(client, world, dispute):
    login(client, world.officer)
    assert client.get(action_url(dispute, "explode")).status_code == 404


def test_resolve_without_agreement_or_note_gives_field_error(client, world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    login(client, world.officer)
    response = post_action(client, dispute, "resolve", terms="", resolution_note="")
    assert response.status_code == 200 and "resolution_note" in response.context["form"].errors
    dispute.refresh_from_db()
    assert dispute.status == Status.IN_MEDIATION


def test_transfer_requires_note_and_moves_case(client, world, dispute):
    login(client, world.lead)
    form = client.get(action_url(dispute, "transfer")).context["form"]
    assert world.dongcheng not in form.fields["to_unit"].queryset
    response = post_action(client, dispute, "transfer", to_unit=world.wuxing.pk, note="")
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = post_action(client, dispute, "transfer", to_unit=world.wuxing.pk, note="当事人住五星")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.unit == world.wuxing
    event = dispute.events.get(kind=DisputeEvent.Kind.TRANSFERRED)
    assert (event.from_unit, event.to_unit) == (world.dongcheng, world.wuxing)


def test_withdraw_and_reopen_through_pages(client, world, dispute):
    login(client, world.officer)
    assert post_action(client, dispute, "withdraw", note="申请人撤回").status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.WITHDRAWN
    response = post_action(client, dispute, "reopen", note="再次发生")
    assert response.status_code == 200 and "cannot be given the action" in response.content.decode()


def test_dispatch_form_offers_only_officers_of_the_case_station(client, world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    login(client, world.officer)
    form = client.get(action_url(dispute, "dispatch")).context["form"]
    assert set(form.fields["officer"].queryset) == {world.officer, world.lead}
    response = post_action(client, dispute, "dispatch", officer=world.officer2.pk, note="")
    assert response.status_code == 200 and "officer" in response.context["form"].errors
    dispute.refresh_from_db()
    assert dispute.status == Status.ASSESSED
