"""``manage.py seed``: the demo users and disputes, written through the services."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from disputes.models import Dispute, DisputeEvent, FollowUp, Status, Track
from policing.models import Incident, Officer, Unit
from policing.roles import group_name
from policing.validators import validate_id_number, validate_phone

DEMO_ROLES = {
    "officer": ("TH-DC", Officer.Role.OFFICER),
    "officer2": ("TH-WX", Officer.Role.OFFICER),
    "lead": ("TH-DC", Officer.Role.STATION_LEAD),
    "coordinator": ("TH", Officer.Role.COORDINATOR),
    "supervisor": ("TH", Officer.Role.SUPERVISOR),
    "admin": ("YC", Officer.Role.ADMIN),
}


@pytest.fixture
def seeded(db):
    call_command("seed", scale="demo", seed=1, stdout=open("/dev/null", "w"))


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


def test_seed_is_deterministic_for_a_seed(db):
    call_command("seed", scale="demo", seed=7, stdout=open("/dev/null", "w"))
    first = list(Dispute.objects.order_by("reference").values_list("reference", "title", "status"))
    parties = list(Dispute.objects.order_by("reference").values_list("parties__name", flat=True))
    _wipe()
    call_command("seed", scale="demo", seed=7, stdout=open("/dev/null", "w"))
    again = list(Dispute.objects.order_by("reference").values_list("reference", "title", "status"))
    # References keep counting (they are never reused), so compare the rest.
    assert [row[1:] for row in again] == [row[1:] for row in first]
    assert list(Dispute.objects.order_by("reference").values_list("parties__name", flat=True)) == parties


def _wipe():
    """Remove everything the seed made, so it can run again in one test."""
    from disputes.models import Mediator, PersonalDataAccess, ReferenceCounter

    from policing.models import Enterprise, EnterpriseRequest, EnterpriseVisit

    EnterpriseRequest.objects.all().delete()
    EnterpriseVisit.objects.all().delete()
    Enterprise.objects.all().delete()
    Incident.objects.all().delete()
    PersonalDataAccess.objects.all().delete()
    Dispute.objects.all().delete()
    Mediator.objects.all().delete()
    Officer.objects.all().delete()
    get_user_model().objects.all().delete()
    ReferenceCounter.objects.all().delete()
    for depth in (3, 2, 1, 0):
        Unit.objects.filter(depth=depth).delete()


def test_if_empty_twice_does_not_duplicate(db):
    call_command("seed", scale="demo", seed=1, if_empty=True, stdout=open("/dev/null", "w"))
    counts = (Unit.objects.count(), get_user_model().objects.count(), Dispute.objects.count())
    call_command("seed", scale="demo", seed=1, if_empty=True, stdout=open("/dev/null", "w"))
    call_command("seed", scale="demo", seed=1, if_empty=True, stdout=open("/dev/null", "w"))
    assert (Unit.objects.count(), get_user_model().objects.count(), Dispute.objects.count()) == counts


def test_seeding_a_database_with_data_without_if_empty_is_refused(seeded):
    with pytest.raises(CommandError):
        call_command("seed", scale="demo", seed=1)


def test_larger_scales_are_not_yet_implemented(db):
    with pytest.raises(CommandError):
        call_command("seed", scale="city")
    assert not Unit.objects.exists()
