"""Malformed input to the API: always a JSON answer in the request's
language, never a 500 and never HTML; nothing changes."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from disputes.models import Dispute
from tests.conftest import PASSWORD


def _json(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.officer)
    return client


def _party(i):
    return {"name": f"当事人{i}", "role": "applicant"}


def _registration(world, parties):
    return {
        "title": "噪音", "category": "neighbourhood", "source": "walk_in",
        "received_at": "2026-03-01T10:00:00+08:00", "place": "东城", "summary": "吵",
        "unit": world.dongcheng.pk, "parties": parties,
    }


@pytest.mark.django_db
def test_deeply_nested_json_to_the_anonymous_token_endpoint_is_a_400():
    body = "[" * 1100 + "]" * 1100
    response = Client().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in _json(response)["detail"] or "JSON" in _json(response)["detail"]


def test_nesting_past_the_limit_but_below_recursion_is_a_400(api, world):
    body = _registration(world, [_party(1)])
    deep = {}
    for _ in range(40):
        deep = {"a": deep}
    body["summary"] = deep
    response = api.post("/api/disputes/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert _json(response)["code"] == "parse_error"


@pytest.mark.django_db
def test_a_body_over_the_stated_limit_is_a_400_in_json_in_the_users_language(settings):
    settings.FENGQIAO_API_MAX_BODY_BYTES = 1024 * 1024
    body = '{"username": "' + "x" * (10 * 1024 * 1024) + '"}'
    response = Client().post(
        "/api/auth/token/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    data = _json(response)
    assert data == {"detail": "The request body is larger than 1024 KB.", "code": "body_too_large"}
    response = Client().post("/api/auth/token/", body, content_type="application/json",
                             HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "1024" in _json(response)["detail"] and "KB" in response.json()["detail"]
    assert response.json()["detail"] != data["detail"]


def test_malformed_json_and_wrong_content_types_answer_json(api, world):
    response = api.post("/api/disputes/", "{not json", content_type="application/json")
    assert response.status_code == 400 and _json(response)["code"] == "parse_error"
    response = api.post("/api/disputes/", "title=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and _json(response)["code"] == "unsupported_media_type"
    response = api.post("/api/disputes/", "<a/>", content_type="text/xml", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert _json(response) == {"detail": 'Unsupported media type "text/xml" in request.',
                               "code": "unsupported_media_type"}
    response = api.post("/api/disputes/", b"\xff\xfe\x00", content_type="application/json")
    assert response.status_code == 400 and _json(response)["code"] == "parse_error"
    assert not Dispute.objects.exists()


def test_parties_are_capped_at_20_like_the_form(api, world):
    response = api.post("/api/disputes/", _registration(world, [_party(i) for i in range(5000)]),
                        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"parties": {"non_field_errors": ["Ensure this field has no more than 20 elements."]}} or "20" in json.dumps(response.json())
    assert not Dispute.objects.exists()
    response = api.post("/api/disputes/", _registration(world, [_party(i) for i in range(20)]),
                        format="json")
    assert response.status_code == 201
    assert len(response.json()["parties"]) == 20


def test_lists_of_ids_are_capped_before_any_lookup(api, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = api.post(
            "/api/mediators/",
            {"name": "x", "kind": "people", "unit": world.dongcheng.pk,
             "specialities": ["neighbourhood"] * 500},
            format="json",
        )
    assert response.status_code in (400, 403)


@pytest.mark.parametrize("lang, text", [("en", "Not found."), ("zh-hans", "未找到。")])
def test_api_404_405_and_500_answer_json_in_the_users_language(api, world, lang, text):
    for url in ["/api/disputes/abc/", "/api/disputes/999999/", "/api/no-such-thing/"]:
        response = api.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 404, url
        assert _json(response) == {"detail": text, "code": "not_found"}, url
    response = api.delete("/api/disputes/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 405 and _json(response)["code"] == "method_not_allowed"


def test_a_server_error_under_api_is_json(world, monkeypatch):
    from disputes import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "dispute_list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.officer)
    response = client.get("/api/disputes/")
    assert response.status_code == 500
    assert _json(response)["code"] == "server_error"
    response = client.get("/disputes/")
    assert response.status_code == 500 and "text/html" in response["Content-Type"]


@pytest.mark.django_db
def test_login_password_wrong_type_is_a_400(world):
    response = Client().post("/api/auth/token/", {"username": ["officer"], "password": {"a": PASSWORD}},
                             content_type="application/json")
    assert response.status_code == 400
    _json(response)
