"""Passwords are hashed with Argon2id; older PBKDF2 hashes are rehashed at the
next sign-in. The suite hashes with MD5 for speed: these tests sign in through
the production hashers (PRODUCTION_PASSWORD_HASHERS), the real Argon2 path."""

import time

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.urls import reverse

from tests.conftest import PASSWORD
from units.hashers import FengqiaoArgon2PasswordHasher


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    return settings


def test_argon2id_is_the_first_hasher_in_production(production_hashers):
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, encoded)
    assert not check_password("wrong", encoded)


def test_a_pbkdf2_hash_is_upgraded_to_argon2id_at_the_next_sign_in(client, world, production_hashers):
    user = world.officer
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    # and the upgraded hash signs in again
    client.logout()
    assert client.post(reverse("login"), {"username": "officer", "password": PASSWORD}).status_code == 302


def test_a_wrong_password_on_a_pbkdf2_hash_changes_nothing(client, world, production_hashers):
    user = world.officer
    user.password = old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old


def test_one_argon2id_check_costs_well_under_a_tenth_of_a_second_of_cpu(production_hashers):
    """100 sign-ins on 2 cores within 10 s leave ~0.2 s of CPU each for
    everything; the hash takes ~26 ms (README "Sign-in at a shift change")."""
    encoded = make_password(PASSWORD)
    hasher = FengqiaoArgon2PasswordHasher()
    start = time.process_time()
    for _ in range(10):
        assert hasher.verify(PASSWORD, encoded)
    assert (time.process_time() - start) / 10 < 0.1
