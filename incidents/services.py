"""Writes of 110 calls: logging a call, linking it to the dispute it is about,
and registering the dispute a call reports (through disputes.services)."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.models import Dispute
from disputes.services import PartyData, dispute_record_call, dispute_register
from incidents.models import Incident
from units.errors import TransitionError
from units.geo import clean_location
from units.models import Unit
from units.selectors import require_in_scope
from units.validators import check_received_at, normalise_phone


@transaction.atomic
def incident_create(
    *,
    actor: AbstractBaseUser,
    number: str,
    received_at: datetime.datetime,
    caller_name: str,
    caller_phone: str,
    address: str,
    unit: Unit,
    category: str,
    summary: str,
    handling_officer: AbstractBaseUser | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Incident:
    """Log a 110 call at a unit of the actor's scope.

    The repeat-call check (disputes.selectors.repeat_call_candidates) is
    offered on the call's page; linking is a separate, deliberate step.
    """
    if not actor.has_perm("incidents.add_incident"):
        raise PermissionDenied(_("You are not allowed to do this."))
    require_in_scope(actor, unit)
    check_received_at(received_at, timezone.now())
    latitude, longitude = clean_location(latitude, longitude)
    incident = Incident(
        number=number.strip(),
        latitude=latitude,
        longitude=longitude,
        received_at=received_at,
        caller_name=caller_name,
        caller_phone=normalise_phone(caller_phone),
        address=address,
        unit=unit,
        category=category,
        summary=summary,
        handling_officer=handling_officer or actor,
    )
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def incident_link_dispute(
    *, incident: Incident, dispute: Dispute, actor: AbstractBaseUser
) -> Incident:
    """Link a 110 call to the dispute it is about, and put it on the case's timeline.

    A call is a repeat call when the dispute had an earlier call, by the calls'
    own times (the same rule as the monthly report's repeat calls): linking an
    earlier call after a later one makes the later one a repeat call.
    Refused (409): a call already linked to a case.
    """
    require_in_scope(actor, incident.unit)
    require_in_scope(actor, dispute.unit)
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.dispute_id is not None:
        raise TransitionError(_("This call is already linked to a case."), code="already_linked")
    now = timezone.now()
    locked.dispute = dispute
    locked.linked_at = now
    calls = Incident.objects.filter(dispute=dispute)
    locked.is_repeat = calls.filter(
        Q(received_at__lt=locked.received_at) | Q(received_at=locked.received_at, pk__lt=locked.pk)
    ).exists()
    locked.save(update_fields=["dispute", "linked_at", "is_repeat"])
    # The calls after this one now have an earlier call.
    later = calls.filter(
        Q(received_at__gt=locked.received_at) | Q(received_at=locked.received_at, pk__gt=locked.pk)
    ).exclude(is_repeat=True)
    for call in later.select_for_update():
        call.is_repeat = True
        call.save(update_fields=["is_repeat"])  # kept in the call's history
    dispute_record_call(dispute=dispute, actor=actor, at=now, number=locked.number)
    incident.refresh_from_db()
    return incident


@transaction.atomic
def incident_register_dispute(
    *,
    actor: AbstractBaseUser,
    incident: Incident,
    parties: Iterable[PartyData],
    **dispute: object,
) -> Dispute:
    """Register the dispute a 110 call reports and link the call to it, in one
    transaction: if either step is refused (a call already linked), nothing is
    saved. ``dispute`` holds the other arguments of
    ``disputes.services.dispute_register``.
    """
    registered = dispute_register(actor=actor, parties=parties, **dispute)
    incident_link_dispute(incident=incident, dispute=registered, actor=actor)
    return registered
