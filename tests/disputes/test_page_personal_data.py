"""Personal data on the dispute pages: masked, shown in full only on a logged POST."""

from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import PersonalDataAccess, Track
from tests.conftest import login
from tests.disputes.page_helpers import client  # noqa: F401  (English pages)

FULL_ID = "320902199001011236"
FULL_PHONE = "13851234567"
OTHER_PHONE = "13900001111"


def test_list_and_detail_never_show_full_id_or_phone(client, world, dispute):
    login(client, world.officer)
    for url in [reverse("disputes:list"), dispute.get_absolute_url(), reverse("disputes:list") + "?q=张三"]:
        html = client.get(url).content.decode()
        assert FULL_ID not in html and FULL_PHONE not in html and OTHER_PHONE not in html
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert "320902********1236" in html and "138****4567" in html
    assert not PersonalDataAccess.objects.exists()


def test_reveal_asks_a_reason_then_shows_one_party_in_full_once_and_logs_it(client, world, dispute):
    party = dispute.parties.get(name="张三")
    login(client, world.officer)
    url = reverse("disputes:reveal_party", args=[dispute.pk, party.pk])
    # The case page links to the reason form; the form itself shows nothing in full.
    assert url in client.get(dispute.get_absolute_url()).content.decode()
    form = client.get(url)
    assert form.status_code == 200 and FULL_ID not in form.content.decode()
    assert "Contacting the party" in form.content.decode()
    # No reason, or "Other" without saying why: refused with a field error, nothing logged.
    assert client.post(url, {}).context["form"].errors["reason"]
    assert client.post(url, {"reason": "other"}).context["form"].errors["detail"]
    assert not PersonalDataAccess.objects.exists()

    response = client.post(url, {"reason": "other", "detail": "法院来函核对"})
    # POST, then redirect: the data is not in the URL.
    assert response.status_code == 302
    assert response["Location"] == f"{dispute.get_absolute_url()}#party-{party.pk}"
    assert FULL_ID not in response["Location"] and FULL_PHONE not in response["Location"]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.party, access.via, access.field) == (world.officer, party, "web", "party")
    assert (access.record_kind, access.record_id) == ("dispute", dispute.pk)
    assert access.reason == "Other (say why): 法院来函核对"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert FULL_ID in html and FULL_PHONE in html
    assert OTHER_PHONE not in html  # only the chosen party
    assert "no-store" in page["Cache-Control"]
    # A refresh shows it masked again and logs nothing more.
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert FULL_ID not in html and FULL_PHONE not in html
    assert PersonalDataAccess.objects.count() == 1


def test_a_grant_is_for_its_own_session_only(client, world, dispute):
    from django.test import Client

    party = dispute.parties.get(name="张三")
    login(client, world.officer)
    client.post(reverse("disputes:reveal_party", args=[dispute.pk, party.pk]), {"reason": "contact"})
    other_browser = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.officer)
    assert FULL_ID not in other_browser.get(dispute.get_absolute_url()).content.decode()


def test_user_without_reveal_permission_gets_403_and_no_button(client, world, dispute):
    party = dispute.parties.first()
    login(client, world.supervisor)
    url = reverse("disputes:reveal_party", args=[dispute.pk, party.pk])
    assert url not in client.get(dispute.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
    response = client.post(url, {"reason": "contact"})
    assert response.status_code == 403
    assert FULL_ID not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_party_of_another_case_is_404(client, world, dispute):
    from tests.conftest import register

    other = register(world, title="另一纠纷")
    login(client, world.officer)
    party = other.parties.first()
    url = reverse("disputes:reveal_party", args=[dispute.pk, party.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "contact"}).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_agreement_print_shows_names_and_terms_but_no_personal_data(client, world, dispute):
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_resolve(dispute=dispute, actor=world.officer, agreement=services.AgreementData(
        terms="李四于七日内赔偿张三修理费600元", signed_on=timezone.localdate()))
    agreement = dispute.agreements.get()
    login(client, world.officer)
    response = client.get(reverse("disputes:agreement_print", args=[dispute.pk, agreement.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "李四于七日内赔偿张三修理费600元" in html and "张三" in html and "李四" in html
    assert "data-print" in html and dispute.reference in html
    # Masked by default, as everywhere; in full only after a reason (test_agreements).
    assert FULL_ID not in html and FULL_PHONE not in html and "********" in html
