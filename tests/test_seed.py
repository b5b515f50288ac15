"""``manage.py seed``: the demo users and disputes, written through the services."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from disputes.models import Dispute, DisputeEvent, FollowUp, Status, Track
from incidents.models import Incident
from units.models import Officer, Unit
from units.roles import group_name
from units.validators import validate_id_number, validate_phone

DEMO_ROLES = {
    "officer": ("TH-DC", Officer.Role.OFFICER),
    "officer2": ("TH-WX", Officer.Role.OFFICER),
    "lead": ("TH-DC", Officer.Role.STATION_LEAD),
    "coordinator": ("TH", Officer.Role.COORDINATOR),
    "supervisor": ("TH", Officer.Role.SUPERVISOR),
    "admin": ("YC", Officer.Role.ADMIN),
}


@pytest.fixture
def seeded(demo_seeded, db):
    """The demo, seeded once for the module (tests/conftest.py)."""


def test_seed_creates_the_demo_users_with_their_units_roles_and_groups(seeded):
    User = get_user_model()
    for username, (code, role) in DEMO_ROLES.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo12345")
        assert (user.officer.unit.code, user.officer.role) == (code, role)
        assert user.groups.filter(name=group_name(role)).exists()
    assert User.objects.get(username="admin").is_superuser
    tinghu = Unit.objects.get(code="TH")
    assert tinghu.contains(Unit.objects.get(code="TH-DC"))
    assert tinghu.contains(Unit.objects.get(code="TH-WX"))


def test_seed_creates_disputes_in_every_state_and_track(seeded):
    statuses = set(Dispute.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert set(Track.values) <= set(Dispute.objects.values_list("track", flat=True))
    assert Dispute.objects.count() >= 30
    assert Dispute.objects.filter(risk_level="high").exists()
    assert DisputeEvent.objects.filter(kind=DisputeEvent.Kind.TRANSFERRED).count() == 1
    assert DisputeEvent.objects.filter(kind=DisputeEvent.Kind.REOPENED).exists()
    assert Incident.objects.filter(is_repeat=True).exists()
    assert FollowUp.objects.filter(done_at__isnull=False).exists()


def test_seeded_demo_has_overdue_cases_and_due_follow_ups_for_the_officer(seeded):
    from django.utils import timezone

    from disputes.selectors import follow_ups_due, overdue_q

    officer = get_user_model().objects.get(username="officer")
    assert Dispute.objects.filter(overdue_q(), assigned_officer=officer).exists()
    assert follow_ups_due(user=officer, on=timezone.localdate()).exists()


def test_seeded_personal_data_is_valid(seeded):
    from disputes.models import Party

    for party in Party.objects.all():
        if party.id_number:
            validate_id_number(party.id_number)
        validate_phone(party.phone)


def test_every_seeded_case_has_a_timeline_in_order(seeded):
    for dispute in Dispute.objects.prefetch_related("events"):
        times = [event.at for event in dispute.events.all()]
        assert times and times == sorted(times)
        assert times[0] >= dispute.received_at


def test_seeding_a_database_with_data_without_if_empty_is_refused(seeded):
    with pytest.raises(CommandError):
        call_command("seed", scale="demo", seed=1)


def test_a_larger_scale_on_a_seeded_database_is_refused(seeded):
    with pytest.raises(CommandError):
        call_command("seed", scale="tiny")


def test_seed_creates_the_articles_alliances_with_members(seeded):
    from volunteers.models import Alliance, Membership

    names = set(Alliance.objects.values_list("name", flat=True))
    for name in ["东亭有义平安联盟", "万家卫士志愿联盟", "益海志愿联盟", "都小警反诈宣讲团",
                 "水乡平安服务队"]:
        assert name in names
    assert any("黄海的哥" in name for name in names)
    assert Membership.objects.count() >= 40
    assert Membership.objects.filter(role="leader").count() == Alliance.objects.count()


def test_seed_creates_patrols_done_planned_and_short_of_volunteers(seeded):
    from django.db.models import Count, F
    from django.utils import timezone

    from volunteers.models import Patrol, PatrolAttendance

    statuses = set(Patrol.objects.values_list("status", flat=True))
    assert {"done", "planned", "under_way", "cancelled"} <= statuses
    done = Patrol.objects.filter(status="done")
    assert done.filter(ends_at__lt=timezone.now() - timezone.timedelta(days=5)).exists()
    worked = PatrolAttendance.objects.filter(patrol__in=done, checked_out_at__isnull=False)
    assert worked.exists()
    assert all(a.checked_out_at > a.checked_in_at for a in worked)
    short = Patrol.objects.filter(status="planned").annotate(n=Count("attendances")).filter(
        n__lt=F("volunteers_needed")
    )
    assert short.exists()


def test_seed_creates_tips_of_every_kind_and_status_one_converted(seeded):
    from volunteers.models import Tip

    assert set(Tip.objects.values_list("kind", flat=True)) == set(Tip.Kind.values)
    assert set(Tip.objects.values_list("status", flat=True)) == set(Tip.Status.values)
    converted = Tip.objects.get(status="converted")
    assert converted.dispute.source == "volunteer_tip"
    assert converted.dispute.tip == converted


def test_seeded_tips_enterprises_outreach_and_check_ins_lie_inside_their_units(seeded):
    from enterprises.models import Enterprise
    from units.geo import contains
    from volunteers.models import Outreach, PatrolAttendance, Tip

    located = [(t, t.unit) for t in Tip.objects.select_related("unit")]
    located += [(e, e.unit) for e in Enterprise.objects.select_related("unit")]
    located += [(o, o.alliance.unit) for o in Outreach.objects.select_related("alliance__unit")]
    located += [
        (a, a.patrol.beat or a.patrol.unit)
        for a in PatrolAttendance.objects.filter(checked_in_at__isnull=False)
        .select_related("patrol__beat", "patrol__unit")
    ]
    assert {type(record).__name__ for record, _unit in located} == {
        "Tip", "Enterprise", "Outreach", "PatrolAttendance"}
    for record, unit in located:
        assert contains(unit.boundary, record.longitude, record.latitude), (record, unit)
