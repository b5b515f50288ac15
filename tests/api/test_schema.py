"""The served OpenAPI schema as a generated client reads it (issue 19)."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from openapi_spec_validator import validate
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from tests.conftest import register
from units.api_schema import CONFLICT_CODES, ERROR_CODES

ROOT = Path(__file__).resolve().parents[2]
WORDS = {"description", "summary", "title", "x-enum-descriptions"}


def _served(lang: str) -> dict:
    """The schema as served (the view, its renderer, the request's language),
    to a client allowed to read it."""
    view = SpectacularAPIView.as_view(permission_classes=[AllowAny])
    request = RequestFactory().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=lang)
    with translation.override(lang):
        response = view(request)
        response.render()
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return _served("en")


def _without_words(node):
    if isinstance(node, dict):
        return {k: _without_words(v) for k, v in node.items() if k not in WORDS}
    if isinstance(node, list):
        return [_without_words(v) for v in node]
    return node


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


@pytest.mark.django_db
def test_the_schema_is_the_same_in_every_language_but_its_words():
    en, zh = _served("en"), _served("zh-hans")
    assert _without_words(en) == _without_words(zh)
    names = list(en["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Za-z0-9]+", name) for name in names), names


def test_the_schema_is_valid_openapi_3_1(schema):
    assert schema["openapi"].startswith("3.1")
    validate(schema)
    assert "nullable" not in json.dumps(schema)


def test_one_body_type_per_operation_json_but_for_uploads(schema):
    for path, method, operation in _operations(schema):
        body = operation.get("requestBody")
        if body is None:
            continue
        types = list(body["content"])
        expected = ["multipart/form-data"] if path.endswith("/attachments/") else ["application/json"]
        assert types == expected, (method, path, types)


def _arrays(node, where):
    if isinstance(node, dict):
        if node.get("type") == "array" or "array" in (node.get("type") or []):
            yield where, node
        for key, value in node.items():
            yield from _arrays(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _arrays(value, f"{where}[{i}]")


def test_every_list_a_client_sends_has_a_maximum(schema):
    for name, component in schema["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for where, array in _arrays(component, name):
            assert "maxItems" in array, where


def test_path_ids_are_integers(schema):
    for path, method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["type"] == "integer", (method, path, parameter)


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        anonymous = operation["security"] == []
        assert "503" in responses, (method, path)
        if not anonymous:
            assert {"401", "403"} <= set(responses), (method, path)
        if "{id}" in path:
            assert "404" in responses, (method, path)
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert {"400", "404"} <= set(responses), (method, path)
        if "requestBody" in operation:
            assert "400" in responses, (method, path)
        if "409" in responses:
            ref = responses["409"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/Conflict")


def test_the_token_endpoint_is_anonymous_with_its_400_and_429(schema):
    operation = schema["paths"]["/api/auth/token/"]["post"]
    assert operation["security"] == []
    assert {"200", "400", "429"} <= set(operation["responses"])
    schemes = schema["components"]["securitySchemes"]
    header = [s for s in schemes.values() if s.get("in") == "header"]
    assert header and header[0]["name"] == "Authorization" and "Token" in header[0]["description"]


def test_error_codes_are_an_enum_holding_every_code_the_code_raises(schema):
    assert schema["components"]["schemas"]["ErrorCode"]["enum"] == ERROR_CODES
    raised = set()
    for source in ROOT.glob("*/*.py"):
        text = source.read_text()
        for match in re.finditer(r"TransitionError\(", text):
            call = text[match.start(): match.start() + 400]
            depth = 0
            for i, char in enumerate(call):
                depth += char == "("
                depth -= char == ")"
                if depth == 0 and char == ")":
                    call = call[:i]
                    break
            code = re.search(r"code=[\"']([a-z_]+)", call)
            raised.add(code.group(1) if code else "transition_not_allowed")
        raised |= set(re.findall(r"[\"']code[\"']: [\"']([a-z_]+)[\"']", text))
        raised |= set(re.findall(r"default_code = [\"']([a-z_]+)[\"']", text))
    raised.discard("invalid")
    assert raised - {"transition_not_allowed"} <= set(ERROR_CODES), raised - set(ERROR_CODES)
    assert {c for c in raised if c in CONFLICT_CODES} <= set(CONFLICT_CODES)


def test_repeated_ordering_parameters_work_like_the_comma_form(world):
    import datetime

    from django.utils import timezone

    from disputes import services

    now = timezone.now()
    cases = [register(world, title=f"案{i}", received_at=now - datetime.timedelta(hours=3 - i))
             for i in range(3)]
    services.dispute_assess(dispute=cases[1], actor=world.officer, risk_level="low",
                            track="immediate")
    client = APIClient()
    client.force_authenticate(world.lead)

    def ids(query):
        return [r["id"] for r in client.get(f"/api/disputes/?{query}").json()["results"]]

    comma = ids("ordering=status,-received_at")
    repeated = ids("ordering=status&ordering=-received_at")
    assert repeated == comma
    # Both keys count: not only the last one (which alone gives another order).
    assert repeated != ids("ordering=-received_at")
    mediators = client.get("/api/mediators/?ordering=kind&ordering=-name")
    assert mediators.status_code == 200


@pytest.mark.django_db
def test_schema_and_docs_need_a_login_unless_made_public(world, settings):
    anonymous = Client()
    response = anonymous.get("/api/schema/?format=json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert anonymous.get("/api/docs/").status_code == 401
    signed_in = Client()
    signed_in.force_login(world.officer)
    assert signed_in.get("/api/schema/").status_code == 200
    assert signed_in.get("/api/docs/").status_code == 200
