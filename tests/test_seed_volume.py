"""The bulk generator of ``seed --scale city|province``, run at ``tiny`` size:
the rows it writes without the services must obey the services' rules."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from disputes.models import (
    OPEN_STATUSES,
    Dispute,
    DisputeEvent,
    FollowUp,
    Party,
    ReferenceCounter,
    Status,
)
from incidents.models import Incident
from reports import figures
from reports.months import add_months, current_month
from units.models import Unit
from units.validators import validate_id_number, validate_phone


@pytest.fixture
def tiny(db):
    call_command("seed", scale="tiny", seed=3, stdout=open("/dev/null", "w"))


def test_every_disputes_last_status_event_matches_its_status(tiny):
    assert Dispute.objects.count() >= 250
    for dispute in Dispute.objects.prefetch_related("events"):
        moves = [e for e in dispute.events.all() if e.to_status]
        assert moves[0].kind == DisputeEvent.Kind.REGISTERED
        assert moves[-1].to_status == dispute.status
        assert moves[-1].deadline == dispute.deadline
        assert dispute.version == len(moves)
        times = [e.at for e in dispute.events.all()]
        assert times == sorted(times) and times[0] >= dispute.received_at
        assert dispute.updated_at >= times[-1]


def test_outcome_and_closing_times_agree_with_the_status(tiny):
    for dispute in Dispute.objects.all():
        concluded = dispute.status in (Status.RESOLVED, Status.UNRESOLVED) or (
            dispute.status == Status.CLOSED
        )
        assert (dispute.concluded_at is not None) == concluded, dispute.reference
        assert (dispute.closed_at is not None) == (
            dispute.status in (Status.CLOSED, Status.WITHDRAWN)
        )
        if dispute.status in (Status.ASSESSED, Status.IN_MEDIATION):
            assert dispute.track and dispute.deadline


def test_reference_numbers_are_unique_and_counters_hold_the_last_number(tiny):
    references = list(Dispute.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    for counter in ReferenceCounter.objects.select_related("unit"):
        issued = [
            int(r.rsplit("-", 1)[1]) for r in references
            if r.startswith(f"{counter.unit.code}-{counter.year}-")
        ]
        assert max(issued) == counter.last == len(issued)


def test_follow_ups_only_on_resolved_or_closed_cases(tiny):
    statuses = set(FollowUp.objects.values_list("dispute__status", flat=True))
    assert statuses and statuses <= {Status.RESOLVED, Status.CLOSED, Status.IN_MEDIATION}
    # Only a reopened case (back in mediation) keeps follow-ups, the done ones.
    assert not FollowUp.objects.filter(
        dispute__status=Status.IN_MEDIATION, done_at__isnull=True
    ).exists()
    assert FollowUp.objects.filter(done_at__isnull=False).exists()


def test_rates_are_near_the_published_ones_with_a_tail_of_old_open_cases(tiny):
    concluded = Dispute.objects.exclude(concluded_at=None)
    resolved = concluded.exclude(events__kind=DisputeEvent.Kind.FAILED).count()
    assert resolved / concluded.count() > 0.95
    assert Dispute.objects.filter(status__in=OPEN_STATUSES).exists()
    assert Incident.objects.filter(dispute__isnull=False).exists()
    assert Incident.objects.filter(dispute__isnull=True).exists()


def test_personal_data_is_valid(tiny):
    for party in Party.objects.all()[:300]:
        validate_phone(party.phone)
        if party.id_number:
            validate_id_number(party.id_number)


def test_demo_logins_exist_and_report_figures_are_computable(tiny):
    User = get_user_model()
    for name in ["officer", "officer2", "lead", "coordinator", "supervisor", "admin"]:
        assert User.objects.get(username=name).check_password("demo12345")
    city = Unit.objects.get(code="YC")
    month = add_months(current_month(), -1)
    data = figures.dispute_figures(figures.Period(unit=city, month=month))
    assert data["received"] > 0 and data["concluded"] > 0
    assert 0.9 < data["resolution_rate"] <= 1


def test_volunteers_are_seeded_with_unique_phones_and_converted_tips(tiny):
    from volunteers.models import PatrolAttendance, Tip, Volunteer

    phones = list(Volunteer.objects.values_list("phone", flat=True))
    assert len(phones) == len(set(phones))
    for phone in phones[:50]:
        validate_phone(phone)
    assert PatrolAttendance.objects.exclude(checked_out_at=None).exists()
    for tip in Tip.objects.filter(status="converted").select_related("dispute"):
        assert tip.dispute.source == "volunteer_tip"


class _Rollback(Exception):
    pass


def _seed_and_read(seed: int) -> list:
    rows = []
    try:
        with transaction.atomic():
            call_command("seed", scale="tiny", seed=seed, stdout=open("/dev/null", "w"))
            rows = list(
                Dispute.objects.order_by("reference", "parties__name", "parties__role").values_list(
                    "reference", "status", "received_at", "parties__name"
                )
            )
            raise _Rollback
    except _Rollback:
        return rows


def test_same_seed_gives_the_same_data(db):
    first, again, other = _seed_and_read(5), _seed_and_read(5), _seed_and_read(6)
    assert first and first == again
    assert first != other


def test_tips_enterprises_outreach_and_check_ins_are_located_inside_their_units(tiny):
    from enterprises.models import Enterprise
    from units.geo import contains
    from volunteers.models import Outreach, PatrolAttendance, Tip

    checks = [
        (Tip.objects.select_related("unit")[:30], lambda t: t.unit),
        (Enterprise.objects.select_related("unit")[:30], lambda e: e.unit),
        (Outreach.objects.select_related("alliance__unit")[:30], lambda o: o.alliance.unit),
        (PatrolAttendance.objects.filter(checked_in_at__isnull=False)
         .select_related("patrol__beat", "patrol__unit")[:30],
         lambda a: a.patrol.beat or a.patrol.unit),
    ]
    for records, unit_of in checks:
        records = list(records)
        assert records
        for record in records:
            assert contains(unit_of(record).boundary, record.longitude, record.latitude), record
    # Signed up but never came: no check-in, no position.
    assert not PatrolAttendance.objects.filter(checked_in_at=None, latitude__isnull=False).exists()
