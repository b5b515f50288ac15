"""Scope on the dispute pages: another station's case is 404 on every URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import Attachment, DisputeEvent, PersonalDataAccess, Track
from disputes.workflow import Action
from tests.conftest import login, register
from tests.disputes.page_helpers import client  # noqa: F401  (English pages)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def full_case(world, settings, tmp_path):
    """officer's case with an agreement, a referral and an attachment."""
    settings.MEDIA_ROOT = tmp_path
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.referral_add(dispute=dispute, actor=world.officer, data=services.ReferralData(
        target="community", target_name="东城社区"))
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_resolve(dispute=dispute, actor=world.officer, agreement=services.AgreementData(
        terms="赔偿500元", signed_on=timezone.localdate()))
    services.attachment_add(dispute=dispute, actor=world.officer, kind="photo",
                            upload=SimpleUploadedFile("scene.png", PNG, content_type="image/png"))
    return dispute


def dispute_urls(dispute) -> list[tuple[str, str]]:
    """Every page of one dispute, with the method that reaches it."""
    pk = dispute.pk
    party = dispute.parties.first()
    referral = dispute.referrals.get()
    agreement = dispute.agreements.get()
    attachment = Attachment.objects.get(dispute=dispute)
    urls = [
        ("get", reverse("disputes:detail", args=[pk])),
        ("post", reverse("disputes:reveal_party", args=[pk, party.pk])),
        ("get", reverse("disputes:attachment", args=[pk, attachment.pk])),
        ("post", reverse("disputes:attachment_add", args=[pk])),
        ("get", reverse("disputes:agreement_print", args=[pk, agreement.pk])),
        ("get", reverse("disputes:session_create", args=[pk])),
        ("post", reverse("disputes:session_create", args=[pk])),
        ("get", reverse("disputes:follow_up_create", args=[pk])),
        ("post", reverse("disputes:follow_up_create", args=[pk])),
        ("get", reverse("disputes:referral_create", args=[pk])),
        ("post", reverse("disputes:referral_create", args=[pk])),
        ("get", reverse("disputes:referral_answer", args=[pk, referral.pk])),
        ("post", reverse("disputes:referral_answer", args=[pk, referral.pk])),
    ]
    for action in Action.values:
        urls.append(("get", reverse("disputes:action", args=[pk, action])))
        urls.append(("post", reverse("disputes:action", args=[pk, action])))
    return urls


@pytest.mark.parametrize("username", ["officer2", "lead2", "outsider"])
def test_other_station_gets_404_on_every_dispute_url(client, world, full_case, username):
    login(client, getattr(world, username))
    events_before = full_case.events.count()
    for method, url in dispute_urls(full_case):
        response = getattr(client, method)(url, {"version": full_case.version, "note": "x"})
        assert response.status_code == 404, (method, url, response.status_code)
    assert full_case.events.count() == events_before
    assert not PersonalDataAccess.objects.exists()


def test_other_station_does_not_see_case_in_list_or_filters(client, world, full_case):
    login(client, world.officer2)
    for query in ["", f"?q={full_case.reference}", "?q=张三", f"?unit={world.dongcheng.pk}",
                  "?status=closed&status=resolved"]:
        response = client.get(reverse("disputes:list") + query)
        assert response.status_code == 200
        assert full_case not in response.context["page_obj"].object_list
        assert f">{full_case.reference}</a>" not in response.content.decode()


def test_supervisor_above_both_stations_sees_the_case(client, world, full_case):
    login(client, world.supervisor)
    assert client.get(full_case.get_absolute_url()).status_code == 200
    assert full_case.reference in client.get(reverse("disputes:list")).content.decode()


def test_anonymous_user_is_sent_to_login(client, world, full_case):
    for method, url in dispute_urls(full_case)[:3]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_coordinator_without_dispute_permission_gets_403(client, world, full_case):
    login(client, world.coordinator)
    assert client.get(reverse("disputes:list")).status_code == 403
    assert client.get(full_case.get_absolute_url()).status_code == 403


def test_nothing_written_by_refused_posts(world, full_case):
    # The 404 test above checks events; this pins down that the fixture itself
    # produced the events it should, so that check is meaningful.
    kinds = set(full_case.events.values_list("kind", flat=True))
    assert {DisputeEvent.Kind.RESOLVED, DisputeEvent.Kind.ATTACHMENT, DisputeEvent.Kind.REFERRAL} <= kinds
