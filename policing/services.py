"""Writes of the core app."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policing.models import Incident, Unit
from policing.selectors import require_in_scope
from policing.validators import normalise_phone


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
) -> Incident:
    """Log a 110 call at a unit of the actor's scope.

    The repeat-call check (disputes.selectors.repeat_call_candidates) is
    offered on the call's page; linking is a separate, deliberate step.
    """
    if not actor.has_perm("policing.add_incident"):
        raise PermissionDenied(_("You are not allowed to do this."))
    require_in_scope(actor, unit)
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    incident = Incident(
        number=number.strip(),
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
