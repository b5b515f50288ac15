"""API tokens (django-rest-knox, issue 12): hashed at rest, expiring,
revocable by the user one by one or all at once, and by the admin; users
who need a second factor get one only with a code, and lose tokens issued
without one when they enrol."""

import datetime

from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, login


def _token(username, **extra):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def _client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_stored_only_as_a_hash_and_expires(world):
    answer = _token("officer")
    stored = AuthToken.objects.get(user=world.officer)
    assert answer["token"] not in (stored.digest, stored.token_key)
    assert len(stored.digest) == 128  # SHA-512
    assert stored.expiry > timezone.now() + datetime.timedelta(hours=9)
    assert _client(answer["token"]).get("/api/disputes/").status_code == 200
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    response = _client(answer["token"]).get("/api/disputes/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_revoking_this_token_and_all_tokens(world):
    first, second, third = (_token("officer")["token"] for _ in range(3))
    assert _client(first).post("/api/auth/logout/").json() == {"revoked": 1}
    assert _client(first).get("/api/disputes/").status_code == 401
    assert _client(second).get("/api/disputes/").status_code == 200
    assert _client(second).post("/api/auth/logout-all/").json() == {"revoked": 2}
    assert _client(third).get("/api/disputes/").status_code == 401


def test_the_admin_lists_tokens_without_their_value_and_can_delete_them(client, world):
    token = _token("officer")["token"]
    login(client, world.admin)
    page = client.get("/admin/knox/authtoken/")
    assert page.status_code == 200 and token not in page.content.decode()
    stored = AuthToken.objects.get(user=world.officer)
    response = client.post("/admin/knox/authtoken/", {
        "action": "delete_selected", "_selected_action": [stored.pk], "post": "yes"})
    assert response.status_code == 302
    assert _client(token).get("/api/disputes/").status_code == 401


@override_settings(FENGQIAO_REQUIRE_OTP_ROLES=[])
def test_enrolling_a_second_factor_ends_the_tokens_issued_without_a_code(world):
    token = _token("supervisor")["token"]
    assert _client(token).get("/api/disputes/").status_code == 200
    TOTPDevice.objects.create(user=world.supervisor, name="phone", confirmed=True)
    assert _client(token).get("/api/disputes/").status_code == 401
    assert not AuthToken.objects.filter(user=world.supervisor).exists()


def test_a_token_issued_before_the_requirement_turned_on_stops_working(world, settings):
    settings.FENGQIAO_REQUIRE_OTP_ROLES = []
    token = _token("supervisor")["token"]
    assert _client(token).get("/api/disputes/").status_code == 200
    settings.FENGQIAO_REQUIRE_OTP_ROLES = ["supervisor"]
    response = _client(token).get("/api/disputes/")
    assert response.status_code == 401
    assert not AuthToken.objects.filter(user=world.supervisor).exists()
