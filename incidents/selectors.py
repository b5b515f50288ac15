"""Reads of 110 calls, already limited to what the user may see."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    QuerySet,
)
from django.shortcuts import get_object_or_404

from incidents.models import Incident
from units.selectors import scope_q


def incident_list(*, user: AbstractBaseUser) -> QuerySet[Incident]:
    """110 calls of the user's subtree, for those whose role may read them
    (units/roles.py); anyone else gets none, as the page answers 403."""
    if not user.has_perm("incidents.view_incident"):
        return Incident.objects.none()
    return Incident.objects.filter(scope_q(user)).select_related(
        "unit", "handling_officer", "dispute"
    )


def incident_get(*, user: AbstractBaseUser, pk: int) -> Incident:
    return get_object_or_404(incident_list(user=user), pk=pk)

