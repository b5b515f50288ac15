"""A mediation is finished when the agreement is kept: performance recorded,
judicial confirmation applied for and ruled on, dates that cannot be in the
future — through the pages and the API alike, in scope only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from disputes import reminders, services
from disputes.models import (
    Agreement,
    Attachment,
    Dispute,
    DisputeEvent,
    JudicialConfirmation,
    Referral,
    Status,
    Track,
)
from notifications.models import Notification
from tests.conftest import login, register

TODAY = timezone.localdate


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def resolved_with_agreement(world, *, signed_days_ago=2, due_in_days=10, by=None) -> Agreement:
    by = by or world.officer
    dispute = register(world, by=by)
    services.dispute_assess(dispute=dispute, actor=by, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=by, officer=by)
    signed = TODAY() - datetime.timedelta(days=signed_days_ago)
    services.dispute_resolve(
        dispute=dispute, actor=by,
        agreement=services.AgreementData(
            terms="李四于十日内停止夜间施工并赔偿500元。", signed_on=signed,
            performance_due=signed + datetime.timedelta(days=due_in_days),
        ),
    )
    return Agreement.objects.get(dispute=dispute)


def perf_url(agreement, name="agreement_performance"):
    return reverse(f"disputes:{name}", args=[agreement.dispute_id, agreement.pk])


# ------------------------------------------------------------------ performance


def test_officer_records_a_breach_on_the_page_and_it_joins_the_timeline(client, world):
    agreement = resolved_with_agreement(world)
    login(client, world.officer)
    response = client.post(perf_url(agreement), {
        "performance": "breached", "on": TODAY().isoformat(), "note": "赔偿款未支付",
    })
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.performance == Agreement.Performance.BREACHED
    assert agreement.performance_on == TODAY() and agreement.performance_note == "赔偿款未支付"
    event = agreement.dispute.events.get(kind=DisputeEvent.Kind.PERFORMANCE)
    assert "赔偿款未支付" in event.note and event.actor == world.officer
    assert agreement.history.count() == 2  # created, then changed
    page = client.get(agreement.dispute.get_absolute_url())
    assert "赔偿款未支付" in page.content.decode()


def test_a_future_day_or_a_breach_without_a_note_is_a_field_error_and_changes_nothing(
    client, world
):
    agreement = resolved_with_agreement(world)
    login(client, world.officer)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.post(perf_url(agreement), {"performance": "performed", "on": tomorrow})
    assert response.status_code == 200
    assert response.context["form"].errors["on"]
    response = client.post(perf_url(agreement), {"performance": "breached", "on": TODAY()})
    assert response.context["form"].errors["note"]
    agreement.refresh_from_db()
    assert agreement.performance == Agreement.Performance.PENDING
    assert not agreement.dispute.events.filter(kind=DisputeEvent.Kind.PERFORMANCE).exists()


def test_api_records_performance_and_the_detail_shows_it(world):
    agreement = resolved_with_agreement(world)
    url = f"/api/disputes/{agreement.dispute_id}/agreements/{agreement.pk}/performance/"
    response = api(world.officer).post(
        url, {"performance": "partly", "on": TODAY().isoformat(), "note": "只赔偿了一半"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["performance"] == "partly"
    detail = api(world.officer).get(f"/api/disputes/{agreement.dispute_id}/").json()
    assert detail["agreements"][0]["performance_note"] == "只赔偿了一半"


def test_performance_of_a_case_back_in_mediation_is_409(world):
    agreement = resolved_with_agreement(world)
    services.dispute_reopen(dispute=agreement.dispute, actor=world.officer, note="复发")
    url = f"/api/disputes/{agreement.dispute_id}/agreements/{agreement.pk}/performance/"
    response = api(world.officer).post(
        url, {"performance": "performed", "on": TODAY().isoformat()}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "case_not_concluded"


def test_a_breach_lets_the_officer_reopen_with_the_agreement_kept(world):
    agreement = resolved_with_agreement(world)
    services.agreement_record_performance(
        agreement=agreement, actor=world.officer, performance="breached", on=TODAY(),
        note="未履行",
    )
    services.dispute_reopen(dispute=agreement.dispute, actor=world.officer, note="协议未履行")
    dispute = Dispute.objects.get(pk=agreement.dispute_id)
    assert dispute.status == Status.IN_MEDIATION
    assert dispute.agreements.get().performance == Agreement.Performance.BREACHED


def test_follow_up_page_prompts_for_the_performance(client, world):
    agreement = resolved_with_agreement(world)
    login(client, world.officer)
    page = client.get(reverse("disputes:follow_up_create", args=[agreement.dispute_id]))
    assert perf_url(agreement) in page.content.decode()


# ------------------------------------------------------------------ signing date


def test_an_agreement_signed_in_the_future_is_refused(world):
    dispute = register(world)
    services.dispute_assess(
        dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE
    )
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = api(world.officer).post(
        f"/api/disputes/{dispute.pk}/resolve/",
        {"agreement": {"terms": "赔偿", "signed_on": tomorrow}}, format="json",
    )
    assert response.status_code == 400
    assert "signed_on" in response.json()
    dispute.refresh_from_db()
    assert dispute.status == Status.IN_MEDIATION and not dispute.agreements.exists()


# ------------------------------------------------------------------ confirmation


def confirmation_urls(agreement):
    base = f"/api/disputes/{agreement.dispute_id}/agreements/{agreement.pk}/confirmation/"
    return base, base + "decision/"


def test_judicial_confirmation_is_applied_for_and_confirmed(world):
    agreement = resolved_with_agreement(world, signed_days_ago=10)
    apply_url, decide_url = confirmation_urls(agreement)
    parties = list(agreement.dispute.parties.values_list("pk", flat=True))
    response = api(world.officer).post(apply_url, {
        "court": "盐城市亭湖区人民法院", "applied_on": TODAY().isoformat(), "applicants": parties,
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "pending"
    again = api(world.officer).post(apply_url, {
        "court": "盐城市亭湖区人民法院", "applied_on": TODAY().isoformat(), "applicants": parties,
    }, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_applied"

    no_number = api(world.officer).post(
        decide_url, {"outcome": "confirmed", "decided_on": TODAY().isoformat()}, format="json"
    )
    assert no_number.status_code == 400 and "ruling_number" in no_number.json()
    response = api(world.officer).post(decide_url, {
        "outcome": "confirmed", "decided_on": TODAY().isoformat(),
        "ruling_number": "(2026)苏0902民特123号",
    }, format="json")
    assert response.status_code == 200, response.content
    confirmation = JudicialConfirmation.objects.get(agreement=agreement)
    assert confirmation.outcome == "confirmed"
    assert list(confirmation.applicants.values_list("pk", flat=True)) == parties
    assert agreement.dispute.events.filter(kind=DisputeEvent.Kind.CONFIRMATION).count() == 2


def test_application_after_thirty_days_is_refused(world):
    agreement = resolved_with_agreement(world, signed_days_ago=31)
    apply_url, _ = confirmation_urls(agreement)
    response = api(world.officer).post(apply_url, {
        "court": "亭湖区人民法院", "applied_on": TODAY().isoformat(),
        "applicants": [agreement.dispute.parties.first().pk],
    }, format="json")
    assert response.status_code == 400 and "applied_on" in response.json()
    assert not JudicialConfirmation.objects.exists()


def test_the_ruling_must_be_an_attachment_of_the_case(world):
    agreement = resolved_with_agreement(world, signed_days_ago=5)
    other = resolved_with_agreement(world, signed_days_ago=5)
    foreign = Attachment.objects.create(
        dispute=other.dispute, kind="ruling", file="x.pdf", original_name="x.pdf",
        content_type="application/pdf", size=10, uploaded_by=world.officer,
    )
    confirmation = services.judicial_confirmation_apply(
        agreement=agreement, actor=world.officer, court="亭湖区人民法院", applied_on=TODAY(),
        applicants=list(agreement.dispute.parties.all()),
    )
    _, decide_url = confirmation_urls(agreement)
    response = api(world.officer).post(decide_url, {
        "outcome": "rejected", "decided_on": TODAY().isoformat(), "ruling": foreign.pk,
    }, format="json")
    assert response.status_code == 400 and "ruling" in response.json()
    confirmation.refresh_from_db()
    assert confirmation.outcome == "pending"


def test_confirmation_pages_apply_and_rule(client, world):
    agreement = resolved_with_agreement(world, signed_days_ago=3)
    login(client, world.officer)
    party = agreement.dispute.parties.first()
    response = client.post(perf_url(agreement, "agreement_confirmation"), {
        "court": "亭湖区人民法院", "applied_on": TODAY().isoformat(), "applicants": [party.pk],
    })
    assert response.status_code == 302
    response = client.post(perf_url(agreement, "agreement_confirmation_decision"), {
        "outcome": "confirmed", "decided_on": TODAY().isoformat(), "ruling_number": "(2026)1号",
    })
    assert response.status_code == 302
    page = client.get(agreement.dispute.get_absolute_url()).content.decode()
    assert "亭湖区人民法院" in page and "(2026)1号" in page


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize(
    "name", ["agreement_performance", "agreement_confirmation", "agreement_confirmation_decision"]
)
def test_officer_of_another_station_gets_404_on_the_pages(client, world, name):
    agreement = resolved_with_agreement(world)
    login(client, world.officer2)
    assert client.get(perf_url(agreement, name)).status_code == 404


@pytest.mark.parametrize("suffix", ["performance/", "confirmation/", "confirmation/decision/"])
def test_officer_of_another_station_gets_404_in_the_api(world, suffix):
    agreement = resolved_with_agreement(world)
    url = f"/api/disputes/{agreement.dispute_id}/agreements/{agreement.pk}/{suffix}"
    assert api(world.officer2).post(url, {}, format="json").status_code == 404


def test_supervisor_may_not_record_performance(world):
    agreement = resolved_with_agreement(world)
    url = f"/api/disputes/{agreement.dispute_id}/agreements/{agreement.pk}/performance/"
    response = api(world.supervisor).post(
        url, {"performance": "performed", "on": TODAY().isoformat()}, format="json"
    )
    assert response.status_code == 403


# ------------------------------------------------------------------ referral answer


def test_referral_answer_through_the_api(world):
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.JOINT)
    referral = services.referral_add(
        dispute=dispute, actor=world.officer,
        data=services.ReferralData(target="street_office", target_name="东城街道办"),
    )
    url = f"/api/disputes/{dispute.pk}/referrals/{referral.pk}/answer/"
    empty = api(world.officer).post(url, {"state": "answered"}, format="json")
    assert empty.status_code == 400 and "answer" in empty.json()
    response = api(world.officer).post(
        url, {"state": "answered", "answer": "街道已协调物业处理"}, format="json"
    )
    assert response.status_code == 200, response.content
    referral.refresh_from_db()
    assert referral.state == Referral.State.ANSWERED and referral.answer == "街道已协调物业处理"
    assert api(world.officer2).post(url, {"state": "accepted"}, format="json").status_code == 404


# ------------------------------------------------------------------ reminders


def test_performance_past_due_reminds_the_officer_once(world):
    agreement = resolved_with_agreement(world, signed_days_ago=12, due_in_days=10)
    reminders.send_reminders()
    reminders.send_reminders()
    notes = Notification.objects.filter(kind=Notification.Kind.PERFORMANCE_DUE)
    assert [(n.recipient, n.object_id) for n in notes] == [(world.officer, agreement.dispute_id)]


def test_confirmation_window_closing_reminds_the_officer(world):
    closing = resolved_with_agreement(world, signed_days_ago=28)
    resolved_with_agreement(world, signed_days_ago=5)  # plenty of time left
    reminders.send_reminders()
    notes = Notification.objects.filter(kind=Notification.Kind.CONFIRMATION_WINDOW)
    assert [n.object_id for n in notes] == [closing.dispute_id]


# ------------------------------------------------------------------ the 协议书


def test_printed_agreement_names_who_mediated_and_masks_until_a_reason_is_given(client, world):
    from disputes.models import Mediator, PersonalDataAccess

    agreement = resolved_with_agreement(world)
    mediator = Mediator.objects.create(
        name="孙明德", kind="judicial", organisation="东城司法所", unit=world.tinghu
    )
    agreement.dispute.mediators.add(mediator)
    login(client, world.officer)
    url = reverse("disputes:agreement_print", args=[agreement.dispute_id, agreement.pk])
    page = client.get(url).content.decode()
    assert "孙明德" in page and "东城司法所" in page
    assert "320902199001011236" not in page and "13851234567" not in page
    assert "司法确认" in page  # the court-confirmation notice
    assert not PersonalDataAccess.objects.exists()

    refused = client.post(url, {"reason": "other"})
    assert refused.context["form"].errors["detail"]
    assert not PersonalDataAccess.objects.exists()

    response = client.post(url, {"reason": "agreement"})
    assert response.status_code == 302 and response["Location"] == url  # POST, then redirect
    page = client.get(url).content.decode()
    assert "320902199001011236" in page and "13851234567" in page
    accesses = PersonalDataAccess.objects.filter(via="print", user=world.officer)
    assert accesses.count() == agreement.dispute.parties.count()
    assert all(a.reason for a in accesses)
    # A reload shows them masked again and logs nothing more.
    page = client.get(url).content.decode()
    assert "320902199001011236" not in page
    assert PersonalDataAccess.objects.count() == agreement.dispute.parties.count()


def test_supervisor_cannot_print_in_full(client, world):
    from disputes.models import PersonalDataAccess

    agreement = resolved_with_agreement(world)
    login(client, world.supervisor)
    url = reverse("disputes:agreement_print", args=[agreement.dispute_id, agreement.pk])
    assert client.post(url, {"reason": "agreement"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()
