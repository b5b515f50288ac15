"""Shared fixtures: one bureau tree with a user of every role at two stations.

    盐城市公安局 (YC)
    └── 亭湖分局 (TH)                  supervisor, coordinator
        ├── 东城派出所 (TH-DC)          officer, lead
        │   └── 东城一警区 (TH-DC-01)
        └── 五星派出所 (TH-WX)          officer2, lead2
            └── 五星一警区 (TH-WX-01)
    └── 盐都分局 (YD)
        └── 楼王派出所 (YD-LW)          outsider (officer of another sub-bureau)
"""

import datetime
import io
import os
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from disputes import services
from disputes.models import Category, Source
from units.models import Officer, Unit
from units.roles import group_name

PASSWORD = "demo12345"


def make_user(username: str, unit: Unit | None, role: str | None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=extra.pop("first_name", ""), **extra
    )
    if role:
        Officer.objects.create(user=user, unit=unit, role=role)
        user.groups.add(Group.objects.get(name=group_name(role)))
    return user


def build_world():
    city = Unit.objects.create(name="盐城市公安局", code="YC", kind=Unit.Kind.CITY_BUREAU)
    tinghu = Unit.objects.create(name="亭湖分局", code="TH", kind=Unit.Kind.SUB_BUREAU, parent=city)
    dongcheng = Unit.objects.create(name="东城派出所", code="TH-DC", kind=Unit.Kind.STATION, parent=tinghu)
    dc_beat = Unit.objects.create(name="东城一警区", code="TH-DC-01", kind=Unit.Kind.BEAT, parent=dongcheng)
    wuxing = Unit.objects.create(name="五星派出所", code="TH-WX", kind=Unit.Kind.STATION, parent=tinghu)
    wx_beat = Unit.objects.create(name="五星一警区", code="TH-WX-01", kind=Unit.Kind.BEAT, parent=wuxing)
    yandu = Unit.objects.create(name="盐都分局", code="YD", kind=Unit.Kind.SUB_BUREAU, parent=city)
    louwang = Unit.objects.create(name="楼王派出所", code="YD-LW", kind=Unit.Kind.STATION, parent=yandu)
    R = Officer.Role
    return SimpleNamespace(
        city=city, tinghu=tinghu, dongcheng=dongcheng, dc_beat=dc_beat, wuxing=wuxing,
        wx_beat=wx_beat, yandu=yandu, louwang=louwang,
        officer=make_user("officer", dongcheng, R.OFFICER, first_name="王警官"),
        lead=make_user("lead", dongcheng, R.STATION_LEAD, first_name="李所长"),
        officer2=make_user("officer2", wuxing, R.OFFICER, first_name="赵警官"),
        lead2=make_user("lead2", wuxing, R.STATION_LEAD),
        coordinator=make_user("coordinator", tinghu, R.COORDINATOR),
        supervisor=make_user("supervisor", tinghu, R.SUPERVISOR),
        outsider=make_user("outsider", louwang, R.OFFICER),
        admin=get_user_model().objects.create_superuser("admin", "admin@example.invalid", PASSWORD),
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the dashboard keeps live figures)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _api_responses_match_the_schema(monkeypatch):
    """Every /api/ response of every test is validated against the OpenAPI
    schema (issue 19; tests/api/openapi_check.py)."""
    from django.test.client import Client

    from tests.api.openapi_check import check_response

    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        check_response(response)
        return response

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    """The demo (``seed --scale demo --seed 1``) committed once for a module's
    tests and flushed after the last of them. Each test still runs in its own
    transaction (``db``), rolled back, so sees the demo as seeded: seeding it
    for every test had cost 8–10 s a test. Not for ``transactional_db`` tests,
    which empty the tables after themselves."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed", scale="demo", seed=1, stdout=io.StringIO())
        yield
        call_command("flush", interactive=False)


@pytest.fixture
def world(db):
    return build_world()


def register(world, *, by=None, unit=None, title="邻里噪音纠纷", received_at=None, parties=None, **kw):
    """Register a dispute through the real service."""
    by = by or world.officer
    return services.dispute_register(
        actor=by,
        unit=unit or world.dongcheng,
        title=title,
        category=kw.pop("category", Category.NEIGHBOURHOOD),
        source=kw.pop("source", Source.WALK_IN),
        received_at=received_at or timezone.now() - datetime.timedelta(hours=1),
        place=kw.pop("place", "东城小区3栋"),
        summary=kw.pop("summary", "楼上装修噪音，双方多次争吵。"),
        parties=parties
        or [
            services.PartyData(name="张三", role="applicant", id_number="320902199001011236", phone="13851234567", address="东城小区3栋101"),
            services.PartyData(name="李四", role="respondent", phone="13900001111", address="东城小区3栋201"),
        ],
        **kw,
    )


@pytest.fixture
def dispute(world):
    return register(world)


def login(client, user):
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def verify_second_factor(client, user):
    """Supervisors and admins must confirm a TOTP code after the password
    (units.accounts); mark this test session as confirmed, as the verify page
    would, so tests of other features can use them directly."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from units.accounts import needs_second_factor

    if not needs_second_factor(user):
        return client
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def require_service(name: str) -> None:
    """Skip a test that needs ``name`` on a plain machine; fail it under CI."""
    message = f"{name} is not available"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}, and CI=true requires it")
    pytest.skip(message)
