"""The role matrix, generated: every API list and detail endpoint of the
OpenAPI schema and every page of the URLconf, tried as every role.

The rights come from one table, units/roles.py. Each API viewset names the
permission its reads need (``read_permission``), checked here against the
model it serves; each page names its permission in PAGES below, and a page
missing from PAGES fails the test, so a new endpoint or page is covered
without writing a test for it.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.conftest import login
from units.api_permissions import SIGNED_IN
from units.roles import ROLE_PERMISSIONS

ROLES = ["officer", "lead", "coordinator", "supervisor"]
DEMO_ROLE = {
    "officer": "officer",
    "lead": "station_lead",
    "coordinator": "coordinator",
    "supervisor": "supervisor",
}


def role_may(role: str, perm: str) -> bool:
    if perm == SIGNED_IN:
        return True
    return perm in ROLE_PERMISSIONS[DEMO_ROLE[role]]


def api_gets() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, ops in schema["paths"].items() if "get" in ops)


def read_permission(path: str) -> str:
    """The viewset's declared right, checked against the model it shows."""
    view = resolve(path.split("?")[0].replace("{id}", "1")).func
    cls = view.cls
    perm = cls.read_permission
    if perm != SIGNED_IN and hasattr(cls, "get_queryset"):
        queryset_model = _model_of(cls)
        expected = f"{queryset_model._meta.app_label}.view_{queryset_model._meta.model_name}"
        assert perm == expected, f"{path}: reads need {expected}, the viewset says {perm}"
    return perm


def _model_of(cls):
    admin = get_user_model().objects.get(username="admin")
    view = cls()
    view.request = type("R", (), {"user": admin})()
    view.action = "list"
    view.kwargs = {}
    view.format_kwarg = None
    return view.get_queryset().model


@pytest.fixture
def demo(demo_seeded, db):
    """The demo, seeded once for the module (tests/conftest.py)."""


def _first_id(client, collection: str):
    response = client.get(collection)
    assert response.status_code == 200, (collection, response.content[:300])
    items = response.json()
    items = items["results"] if isinstance(items, dict) else items
    return items[0]["id"] if items else None


@pytest.mark.parametrize("role", ROLES)
def test_every_api_read_follows_the_role_table(demo, role):
    User = get_user_model()
    admin = APIClient()
    admin.force_authenticate(User.objects.get(username="admin"))
    client = APIClient()
    client.force_authenticate(User.objects.get(username=role))
    tried = 0
    for path in api_gets():
        if path.startswith("/api/schema"):
            continue
        perm = read_permission(path)
        allowed = role_may(role, perm)
        if "{id}" not in path:
            response = client.get(path)
            assert response.status_code == (200 if allowed else 403), (role, path, response.status_code)
            tried += 1
            continue
        collection = path.split("{id}")[0]
        # A record the role can see (their own list) when allowed; else any record.
        pk = _first_id(client if allowed else admin, collection)
        if pk is None:
            assert not allowed or perm == SIGNED_IN or collection in EMPTY_FOR_ROLE.get(role, ()), (
                f"the demo gives {role} no record of {collection}: the detail goes untried"
            )
            continue
        response = client.get(path.replace("{id}", str(pk)))
        assert response.status_code == (200 if allowed else 403), (role, path, response.status_code)
        tried += 1
        # Another unit's record: 404 for a role that may read that kind.
        outside = _outside_id(admin, client, collection) if allowed else None
        if outside is not None:
            response = client.get(path.replace("{id}", str(outside)))
            assert response.status_code == 404, (role, path, "outside", response.status_code)
    assert tried > 20


# Lists the demo leaves empty for a role (nothing of that kind in their units).
EMPTY_FOR_ROLE: dict[str, tuple[str, ...]] = {}


def _outside_id(admin, client, collection):
    """A record admin sees that this client's own list does not hold."""
    mine = _ids(client, collection)
    for pk in _ids(admin, collection):
        if pk not in mine:
            return pk
    return None


def _ids(client, collection) -> set[int]:
    ids, url = set(), f"{collection}?page_size=500"
    while url:
        data = client.get(url).json()
        items = data["results"] if isinstance(data, dict) else data
        ids |= {item["id"] for item in items}
        url = data.get("next") if isinstance(data, dict) else None
        if len(ids) > 2000:
            break
    return ids


# Pages: the right each GET page needs, and for a page of one record the API
# collection where the test finds one. POST-only routes are None.
PAGES: dict[str, tuple[str | None, str | None]] = {
    "home": (SIGNED_IN, None),
    "map": ("disputes.view_dispute", None),
    "policing:unit_detail": ("units.view_unit", "/api/units/"),
    "incidents:list": ("incidents.view_incident", None),
    "incidents:create": ("incidents.add_incident", None),
    "incidents:detail": ("incidents.view_incident", "/api/incidents/"),
    "incidents:register_dispute": ("disputes.add_dispute", "/api/incidents/"),
    "incidents:link": (None, None),
    "enterprises:list": ("enterprises.view_enterprise", None),
    "enterprises:create": ("enterprises.add_enterprise", None),
    "enterprises:import": ("enterprises.add_enterprise", None),
    "enterprises:import_confirm": (None, None),
    "enterprises:figures": ("enterprises.view_enterprise", None),
    "enterprises:detail": ("enterprises.view_enterprise", "/api/enterprises/"),
    "enterprises:edit": ("enterprises.change_enterprise", "/api/enterprises/"),
    "enterprises:visit_create": ("enterprises.add_enterprisevisit", "/api/enterprises/"),
    "enterprises:request_create": ("enterprises.add_enterpriserequest", "/api/enterprises/"),
    "enterprises:requests": ("enterprises.view_enterpriserequest", None),
    "enterprises:request_detail": ("enterprises.view_enterpriserequest", "/api/enterprise-requests/"),
    "enterprises:request_start": (None, None),
    "enterprises:request_resolve": (None, None),
    "enterprises:request_decline": (None, None),
    "enterprises:request_convert": (None, None),
    "disputes:list": ("disputes.view_dispute", None),
    "disputes:create": ("disputes.add_dispute", None),
    "disputes:mediator_list": ("disputes.view_mediator", None),
    "disputes:mediator_create": ("disputes.add_mediator", None),
    "disputes:mediator_detail": ("disputes.view_mediator", "/api/mediators/"),
    "disputes:mediator_edit": ("disputes.change_mediator", "/api/mediators/"),
    "disputes:detail": ("disputes.view_dispute", "/api/disputes/"),
    "disputes:session_create": ("disputes.mediate_dispute", "/api/disputes/"),
    "disputes:follow_up_create": (None, None),
    "disputes:referral_create": (None, None),
    "disputes:attachment_add": (None, None),
    "reports:list": ("reports.view_monthlyreport", None),
    "reports:dashboard": ("reports.view_monthlyreport", None),
    "reports:definitions": ("reports.view_monthlyreport", None),
    "reports:regenerate": (None, None),
    "reports:detail": ("reports.view_monthlyreport", "/api/reports/?state=done"),
    "reports:print": ("reports.view_monthlyreport", "/api/reports/?state=done"),
    "reports:export_csv": ("reports.view_monthlyreport", "/api/reports/?state=done"),
    "reports:export_xlsx": ("reports.view_monthlyreport", "/api/reports/?state=done"),
    "notifications:list": (SIGNED_IN, None),
    "notifications:read_all": (None, None),
    "notifications:open": (None, None),
    "notifications:read": (None, None),
    "volunteers:alliance_list": ("volunteers.view_alliance", None),
    "volunteers:alliance_create": ("volunteers.add_alliance", None),
    "volunteers:alliance_detail": ("volunteers.view_alliance", "/api/alliances/"),
    "volunteers:alliance_edit": ("volunteers.change_alliance", "/api/alliances/"),
    "volunteers:membership_add": (None, None),
    "volunteers:volunteer_list": ("volunteers.view_volunteer", None),
    "volunteers:volunteer_create": ("volunteers.add_volunteer", None),
    "volunteers:import": ("volunteers.import_volunteers", None),
    "volunteers:import_confirm": (None, None),
    "volunteers:volunteer_detail": ("volunteers.view_volunteer", "/api/volunteers/"),
    "volunteers:volunteer_edit": ("volunteers.change_volunteer", "/api/volunteers/"),
    "volunteers:patrol_week": ("volunteers.view_patrol", None),
    "volunteers:patrol_create": ("volunteers.add_patrol", None),
    "volunteers:patrol_detail": ("volunteers.view_patrol", "/api/patrols/"),
    "volunteers:patrol_sign_up": (None, None),
    "volunteers:patrol_complete": (None, None),
    "volunteers:patrol_cancel": (None, None),
    "volunteers:tip_list": ("volunteers.view_tip", None),
    "volunteers:tip_create": ("volunteers.add_tip", None),
    "volunteers:tip_detail": ("volunteers.view_tip", "/api/tips/"),
    "volunteers:tip_convert": (None, None),
    "volunteers:outreach_list": ("volunteers.view_outreach", None),
    "volunteers:outreach_create": ("volunteers.add_outreach", None),
    "volunteers:figures": ("volunteers.view_alliance", None),
}
# Not role pages: sign-in, the second factor, language, admin, API, history
# (its own test: leads and supervisors), attachments and reveals (their own tests:
# tests/policing/test_reveal.py).
NOT_ROLE_PAGES = re.compile(
    r"^(login|logout|set_language|accounts:|admin:|api-|schema|history$|reveal_text$|"
    r"disputes:(reveal_party|referral_answer|attachment|agreement_print|action|"
    r"agreement_performance|agreement_confirmation|agreement_confirmation_decision)$|"
    r"reports:records$|volunteers:(membership_remove|patrol_attendance|attendance_correct|tip_handle)$)"
)


def page_patterns() -> list[tuple[str, str]]:
    """(name, route) of every named page with no argument or one ``pk``."""
    found = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                found.append((namespace + p.name, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "/", "")
    return [(n, r) for n, r in found if not r.startswith("/api/") and not NOT_ROLE_PAGES.match(n)]


def test_every_page_is_in_the_table():
    missing = [name for name, _ in page_patterns() if name not in PAGES]
    assert not missing, f"state the right these pages need in PAGES: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_follows_the_role_table(demo, client, role):
    User = get_user_model()
    admin = APIClient()
    admin.force_authenticate(User.objects.get(username="admin"))
    login(client, User.objects.get(username=role))
    api = APIClient()
    api.force_authenticate(User.objects.get(username=role))
    tried = 0
    for name, route in page_patterns():
        perm, collection = PAGES[name]
        if perm is None:
            continue
        allowed = role_may(role, perm)
        url = route
        if "<int:pk>" in route:
            pk = _first_id(api if role_may(role, read_permission(collection)) else admin, collection)
            if pk is None:
                continue
            url = route.replace("<int:pk>", str(pk))
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), (role, name, url, response.status_code)
        tried += 1
    assert tried > 30
