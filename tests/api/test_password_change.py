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


# ------------------------------------------------ a change required by an administrator

NEW = "Qiao-feng-2026!"


def _sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_admin_action_requires_a_change_at_the_next_sign_in(client, world):
    from units.models import Officer

    AuthToken.objects.create(user=world.officer)
    login(client, world.admin)
    response = client.post(reverse("admin:auth_user_changelist"), {
        "action": "require_password_change", "_selected_action": [world.officer.pk],
    })
    assert response.status_code == 302
    assert Officer.objects.get(user=world.officer).must_change_password
    assert not AuthToken.objects.filter(user=world.officer).exists()  # tokens end at once
    assert not Officer.objects.get(user=world.lead).must_change_password


def test_a_required_change_comes_before_every_page_and_the_api(client, world):
    from units.models import Officer

    Officer.objects.filter(user=world.officer).update(must_change_password=True)
    _sign_in(client, world.officer)
    password_url = reverse("accounts:password_change")
    for url in (reverse("home"), reverse("disputes:list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == password_url
    page = client.get(password_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "An administrator asked you to choose a new password" in page
    api = client.get("/api/disputes/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 403
    assert api.json() == {
        "detail": "An administrator asked you to change your password: change it on the web first.",
        "code": "password_change_required",
    }
    # No API token either, until the password is changed.
    token = client.post("/api/auth/token/", {"username": "officer", "password": PASSWORD},
                        content_type="application/json")
    assert token.status_code == 403 and token.json()["code"] == "password_change_required"

    client.post(password_url, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert not Officer.objects.get(user=world.officer).must_change_password
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/disputes/").status_code == 200
    token = client.post("/api/auth/token/", {"username": "officer", "password": NEW},
                        content_type="application/json")
    assert token.status_code == 200


def test_other_users_are_not_held(client, world):
    _sign_in(client, world.lead)
    assert client.get(reverse("home")).status_code == 200


def test_the_menu_links_to_the_password_page(client, world):
    login(client, world.officer)
    assert reverse("accounts:password_change") in client.get(reverse("home")).content.decode()
