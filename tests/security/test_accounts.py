"""Accounts: login throttling, session lifetime, disabling users, and the TOTP
second factor required of supervisors and admins."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, login
from units import accounts

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# -- throttling ---------------------------------------------------------------------------


def test_five_failed_logins_lock_the_username_with_a_clear_message(client, world):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "officer", "password": "wrong"}, **EN)
    assert response.status_code in (200, 429)
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD}, **EN)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_of_others_behind_the_same_address_lock_nobody_else(client, world):
    """Lockout is by username AND address: a station behind one NAT address
    keeps signing in while one name is locked (issue 12)."""
    for name in ["a", "b", "c", "d", "e", "f"]:
        client.post(reverse("login"), {"username": name, "password": "wrong"})
    response = client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(FENGQIAO_BEHIND_PROXY=True)
def test_behind_the_proxy_the_client_address_counts(client, world):
    """DJANGO_BEHIND_PROXY=1: the address is the proxy's X-Forwarded-For, so a
    name locked from one computer still signs in from another."""
    # A client may send its own X-Forwarded-For; the proxy appends the real one.
    here = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.1.0.7"}
    there = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.1.0.8"}
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"}, **here)
    assert client.post(reverse("login"), {"username": "officer", "password": PASSWORD},
                       **here).status_code == 429
    assert client.post(reverse("login"), {"username": "officer", "password": PASSWORD},
                       **there).status_code == 302


def test_successful_login_before_the_limit_works(client, world):
    for _ in range(3):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.officer.pk)


def test_api_token_endpoint_is_throttled_too(world):
    api = APIClient()
    for _ in range(5):
        r = api.post("/api/auth/token/", {"username": "officer", "password": "wrong"}, format="json")
        assert r.status_code in (400, 429)
    r = api.post("/api/auth/token/", {"username": "officer", "password": PASSWORD}, format="json", **EN)
    assert r.status_code == 429
    assert r.json()["code"] == "locked_out"
    assert not AuthToken.objects.exists()


def test_password_validators_refuse_weak_passwords():
    with pytest.raises(ValidationError):
        validate_password("12345678")


# -- session lifetime ---------------------------------------------------------------------


def test_idle_session_ends_after_30_minutes(client, world):
    login(client, world.officer)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[accounts.SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "expired=1" in response["Location"]
    assert client.get(reverse("home")).status_code == 302


def test_active_session_ends_12_hours_after_login(client, world):
    login(client, world.officer)
    session = client.session
    session[accounts.LOGIN_AT] = int(time.time()) - 12 * 3600 - 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "expired=1" in response["Location"]


def test_session_used_within_the_idle_time_stays(client, world):
    login(client, world.officer)
    session = client.session
    session[accounts.SEEN_AT] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert client.session[accounts.SEEN_AT] > time.time() - 60


def test_api_token_requests_have_no_session_timeout(world):
    _instance, token = AuthToken.objects.create(user=world.officer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/disputes/").status_code == 200


# -- disabling users ----------------------------------------------------------------------


def test_disabling_a_user_ends_their_session_and_deletes_tokens(client, world):
    login(client, world.officer)
    AuthToken.objects.create(user=world.officer)
    assert client.get(reverse("home")).status_code == 200
    accounts.user_disable(user=world.officer, actor=world.admin)
    world.officer.refresh_from_db()
    assert world.officer.is_active is False
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert not AuthToken.objects.filter(user=world.officer).exists()


def test_disabling_in_admin_deletes_api_tokens(world):
    instance, token = AuthToken.objects.create(user=world.officer)
    world.officer.is_active = False
    world.officer.save()  # as the admin's user form does
    assert not AuthToken.objects.filter(pk=instance.pk).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/disputes/").status_code in (401, 403)


# -- second factor ------------------------------------------------------------------------


def test_supervisor_without_a_device_is_sent_to_enrol_before_any_page(client, world):
    client.force_login(world.supervisor)
    response = client.get(reverse("disputes:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))
    page = client.get(reverse("accounts:otp_enrol"), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "data:image/svg+xml" in html
    device = TOTPDevice.objects.get(user=world.supervisor, confirmed=False)
    assert accounts_secret(device) in html


def accounts_secret(device):
    import base64

    return base64.b32encode(device.bin_key).decode()


def test_enrolment_confirms_the_device_and_opens_the_app(client, world):
    client.force_login(world.supervisor)
    client.get(reverse("accounts:otp_enrol"))
    device = TOTPDevice.objects.get(user=world.supervisor)
    bad = client.post(reverse("accounts:otp_enrol"), {"otp": "000000", "next": "/disputes/"}, **EN)
    assert bad.status_code == 200 and "That code is not right" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a little
    response = client.post(reverse("accounts:otp_enrol"), {"otp": code_for(device), "next": "/disputes/"})
    assert response.status_code == 302 and response["Location"] == "/disputes/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("disputes:list")).status_code == 200


def test_enrolled_supervisor_must_enter_a_code_after_the_password(client, world):
    device = TOTPDevice.objects.create(user=world.supervisor, name="phone", confirmed=True)
    response = client.post(reverse("login"), {"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    wrong = client.post(reverse("accounts:otp_verify"), {"otp": "123456"})
    assert wrong.status_code == 200
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a little
    ok = client.post(reverse("accounts:otp_verify"), {"otp": code_for(device), "next": "/"})
    assert ok.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_admin_is_held_at_the_second_factor_too(client, world):
    client.force_login(world.admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))


def test_unverified_supervisor_session_gets_403_from_the_api(client, world):
    client.force_login(world.supervisor)
    response = client.get("/api/disputes/")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_officer_is_not_asked_for_a_second_factor(client, world):
    client.force_login(world.officer)
    assert client.get(reverse("home")).status_code == 200


def test_officer_who_enrolled_voluntarily_must_verify(client, world):
    TOTPDevice.objects.create(user=world.officer, name="phone", confirmed=True)
    client.force_login(world.officer)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


@override_settings(FENGQIAO_REQUIRE_OTP_ROLES=[])
def test_demo_setting_without_required_roles_lets_supervisors_in_with_the_password(client, world):
    client.force_login(world.supervisor)
    assert client.get(reverse("home")).status_code == 200


def test_supervisor_api_token_needs_a_valid_code(world):
    api = APIClient()
    url = "/api/auth/token/"
    r = api.post(url, {"username": "supervisor", "password": PASSWORD}, format="json")
    assert r.status_code == 400 and "otp" in r.json()
    device = TOTPDevice.objects.create(user=world.supervisor, name="phone", confirmed=True)
    r = api.post(url, {"username": "supervisor", "password": PASSWORD, "otp": "000000"}, format="json")
    assert r.status_code == 400 and "otp" in r.json()
    device.refresh_from_db()
    device.throttle_reset()
    r = api.post(
        url, {"username": "supervisor", "password": PASSWORD, "otp": code_for(device)}, format="json"
    )
    assert r.status_code == 200
    token = AuthToken.objects.get(user=world.supervisor)
    assert r.json()["token"].startswith(token.token_key) and token.expiry is not None


def test_officer_api_token_needs_only_the_password(world):
    r = APIClient().post(
        "/api/auth/token/", {"username": "officer", "password": PASSWORD}, format="json"
    )
    assert r.status_code == 200 and r.json()["token"]
