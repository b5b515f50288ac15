"""Every user changes their own password, with Django's validators (issue 12)."""

from django.urls import reverse
from knox.models import AuthToken

from tests.conftest import PASSWORD, login


def test_a_user_changes_their_own_password_and_stays_signed_in(client, world):
    login(client, world.officer)
    AuthToken.objects.create(user=world.officer)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678",
                             "new_password2": "12345678"}, HTTP_ACCEPT_LANGUAGE="en")
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "Qiao-feng-2026!",
                                 "new_password2": "Qiao-feng-2026!"})
    assert response.status_code == 302
    world.officer.refresh_from_db()
    assert world.officer.check_password("Qiao-feng-2026!")
    assert client.get(reverse("home")).status_code == 200
    assert not AuthToken.objects.filter(user=world.officer).exists()


def test_a_wrong_old_password_changes_nothing(client, world):
    login(client, world.officer)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "wrong", "new_password1": "Qiao-feng-2026!",
        "new_password2": "Qiao-feng-2026!"})
    assert response.status_code == 200
    world.officer.refresh_from_db()
    assert world.officer.check_password(PASSWORD)
