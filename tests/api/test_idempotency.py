"""A creating POST sent twice with the same Idempotency-Key creates once and
answers the same (issue 12)."""

from rest_framework.test import APIClient

from disputes.models import Dispute


def _body(world, title="噪音"):
    return {
        "title": title, "category": "neighbourhood", "source": "walk_in",
        "received_at": "2026-03-01T10:00:00+08:00", "place": "东城", "summary": "吵",
        "unit": world.dongcheng.pk, "parties": [{"name": "甲", "role": "applicant"}],
    }


def test_the_same_key_twice_creates_one_case_and_answers_the_same(world):
    api = APIClient()
    api.force_authenticate(world.officer)
    first = api.post("/api/disputes/", _body(world), HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post("/api/disputes/", _body(world), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["reference"] == second.json()["reference"]
    assert second["Idempotent-Replayed"] == "true"
    assert Dispute.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409_and_other_keys_create(world):
    api = APIClient()
    api.force_authenticate(world.officer)
    assert api.post("/api/disputes/", _body(world), HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    other = api.post("/api/disputes/", _body(world, "另一件"), HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert api.post("/api/disputes/", _body(world), HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201
    assert api.post("/api/disputes/", _body(world)).status_code == 201
    assert Dispute.objects.count() == 3


def test_a_refused_request_may_be_retried_with_its_key(world):
    api = APIClient()
    api.force_authenticate(world.officer)
    bad = {**_body(world), "parties": []}
    assert api.post("/api/disputes/", bad, HTTP_IDEMPOTENCY_KEY="k-4").status_code == 400
    assert api.post("/api/disputes/", bad | {"parties": _body(world)["parties"]},
                    HTTP_IDEMPOTENCY_KEY="k-5").status_code == 201


def test_keys_belong_to_their_caller(world):
    officer, lead = APIClient(), APIClient()
    officer.credentials(HTTP_AUTHORIZATION="Token a")
    officer.force_authenticate(world.officer)
    lead.credentials(HTTP_AUTHORIZATION="Token b")
    lead.force_authenticate(world.lead)
    assert officer.post("/api/disputes/", _body(world), HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert lead.post("/api/disputes/", _body(world), HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert Dispute.objects.count() == 2
