"""Every writing endpoint of the OpenAPI schema, fuzzed as every role.

Issue 12: "a hypothesis test posts random JSON to every creating endpoint;
no 5xx". The endpoints come from the served schema, so a new one is fuzzed
without writing a test for it. Each is tried on a real record of the demo
(the first its role can see, else one it cannot), with

- hypothesis' random JSON: any shape, and objects whose keys are the
  operation's own field names holding values of the wrong type;
- the hand-made malformed bodies every client library gets wrong once:
  nesting past the limit, a huge array, a body that is not UTF-8, not JSON,
  or not of a type the API reads.

Every answer must be JSON below 500 (the schema hook of tests/conftest.py
also checks it is a documented answer); a malformed body must be a 400 and
change nothing.
"""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

ROLES = ["officer", "lead", "coordinator", "supervisor", "admin"]
WRITES = ("post", "put", "patch")
# Ending the session's own token would turn every later call into a 401.
SKIPPED = ("/api/auth/logout/", "/api/auth/logout-all/")

# A second path parameter is a record of the first one's.
CHILDREN = {
    "agreement_id": ("disputes.Agreement", "dispute_id"),
    "party_id": ("disputes.Party", "dispute_id"),
    "referral_id": ("disputes.Referral", "dispute_id"),
    "membership_id": ("volunteers.Membership", "alliance_id"),
}


def write_operations() -> list[tuple[str, str, dict]]:
    """(method, path, properties of its JSON body) for every write."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, operations in sorted(schema["paths"].items()):
        for method, operation in operations.items():
            if method in WRITES and path not in SKIPPED:
                found.append((method, path, _field_names(operation, components)))
    return found


def _field_names(operation, components) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if ref:
        body = components.get(ref.rsplit("/", 1)[-1], {})
    return body.get("properties", {})


def json_values():
    leaves = (
        st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False)
        | st.text(max_size=40) | st.sampled_from(["", "0", "-1", "2026-02-30", "=1+1", "a" * 5000])
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
        max_leaves=12,
    )


def bodies(field_names):
    keys = st.sampled_from(sorted(field_names)) | st.text(max_size=12) if field_names else st.text(max_size=12)
    return json_values() | st.dictionaries(keys, json_values(), max_size=8)


MALFORMED = [
    ("application/json", "[" * 1100 + "]" * 1100),
    ("application/json", b"{\"title\": \"\xff\xfe\"}"),
    ("application/json", "{not json"),
    ("text/xml", "<a/>"),
    ("application/x-www-form-urlencoded", "title=x&parties=1"),
]


@pytest.fixture
def demo(demo_seeded, db):
    """The demo, seeded once for the module (tests/conftest.py)."""


def _client(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def _first_id(client, collection: str):
    response = client.get(collection)
    if response.status_code != 200:
        return None
    items = response.json()
    items = items["results"] if isinstance(items, dict) else items
    return items[0]["id"] if items else None


def concrete_path(path: str, client: APIClient, admin: APIClient) -> str:
    """The path with real ids: the role's own record when it has one."""
    if "{id}" not in path:
        return path
    collection = path.split("{id}")[0]
    pk = _first_id(client, collection) or _first_id(admin, collection) or 1
    path = path.replace("{id}", str(pk))
    for name, (label, parent) in CHILDREN.items():
        if "{" + name + "}" in path:
            child = apps.get_model(label).objects.filter(**{parent: pk}).values_list("pk", flat=True).first()
            path = path.replace("{" + name + "}", str(child or 1))
    return path


def _send(client, method, path, body, content_type="application/json"):
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return getattr(client, method)(path, body, content_type=content_type)


def _answer_is_json_below_500(response, what):
    assert response.status_code < 500, (what, response.status_code, response.content[:300])
    if response.status_code != 204:
        assert response["Content-Type"].startswith("application/json"), (what, response["Content-Type"])


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in ("disputes", "incidents", "volunteers", "enterprises", "reports")
        for model in apps.get_app_config(label).get_models()
    }


def test_the_schema_has_writes_to_fuzz():
    operations = write_operations()
    assert len(operations) > 40
    assert ("post", "/api/disputes/", ) == operations[[p for _, p, _ in operations].index("/api/disputes/")][:2]
    assert "parties" in dict(((m, p), f) for m, p, f in operations)[("post", "/api/disputes/")]


@pytest.mark.parametrize("role", ROLES)
def test_random_json_to_every_write_is_never_a_server_error(demo, role):
    client, admin = _client(role), _client("admin")
    for method, template, field_names in write_operations():
        path = concrete_path(template, client, admin)

        @settings(max_examples=6, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(body=bodies(field_names))
        def post_random(body):
            _answer_is_json_below_500(_send(client, method, path, body), (role, method, path, body))

        post_random()


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_malformed_bodies_to_every_write_are_a_400_and_change_nothing(demo, role):
    client, admin = _client(role), _client("admin")
    before = _counts()
    for method, template, _fields in write_operations():
        path = concrete_path(template, client, admin)
        for content_type, body in MALFORMED:
            what = (role, method, path, content_type, body[:30])
            response = _send(client, method, path, body, content_type)
            _answer_is_json_below_500(response, what)
            # Refused: no right to the record, or the body itself.
            assert response.status_code in (400, 403, 404), what
    assert _counts() == before


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_a_huge_array_in_any_list_field_is_a_400(demo, role):
    """Every list a client may send is capped (units.api_support), so
    10,000 items are refused before any of them is looked at."""
    client, admin = _client(role), _client("admin")
    before, tried = _counts(), 0
    for method, template, properties in write_operations():
        lists = [name for name, spec in properties.items()
                 if spec.get("type") == "array" and not spec.get("readOnly")]
        if not lists:
            continue
        path = concrete_path(template, client, admin)
        for name in lists:
            item = {"name": "x"} if "$ref" in properties[name].get("items", {}) else 1
            response = _send(client, method, path, {name: [item] * 10_000})
            _answer_is_json_below_500(response, (role, path, name))
            assert response.status_code in (400, 403, 404), (role, path, name, response.status_code)
            tried += 1
    assert tried >= 5
    assert _counts() == before
