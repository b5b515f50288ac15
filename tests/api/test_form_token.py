"""The registration form submitted twice makes one case; the second submit
lands on the first case's page (issue 12). Before: two cases, and a
reference number burnt."""

import re

from django.urls import reverse

from disputes.models import Dispute
from tests.conftest import login
from tests.disputes.page_helpers import registration_data


def test_a_double_submitted_registration_makes_one_case(client, world):
    login(client, world.officer)
    page = client.get(reverse("disputes:create")).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    data = {**registration_data(world), "form_token": token}
    first = client.post(reverse("disputes:create"), data)
    second = client.post(reverse("disputes:create"), data)
    dispute = Dispute.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == dispute.get_absolute_url()
    # A fresh form is a fresh case.
    page = client.get(reverse("disputes:create")).content.decode()
    other = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    assert other != token
    client.post(reverse("disputes:create"), {**registration_data(world), "form_token": other})
    assert Dispute.objects.count() == 2


def test_an_invalid_submit_does_not_use_up_the_token(client, world):
    login(client, world.officer)
    token = "ab" * 16
    bad = {**registration_data(world, title=""), "form_token": token}
    response = client.post(reverse("disputes:create"), bad)
    assert response.status_code == 200 and token in response.content.decode()
    good = client.post(reverse("disputes:create"), {**registration_data(world), "form_token": token})
    assert good.status_code == 302 and Dispute.objects.count() == 1
