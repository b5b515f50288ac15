"""The change history page of one record.

The rules of what is shown live in ``units.history``; this table names the
records of every app that have a history page, each reached through its own
selector (so another unit's record is a 404), with the child records whose
history shows on the same page.
"""

from dataclasses import dataclass
from typing import Callable

from django.contrib.auth.decorators import login_required, permission_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from disputes import models as dm
from disputes import selectors as ds
from enterprises import models as em
from enterprises import selectors as es
from incidents import selectors as incident_selectors
from units import selectors as unit_selectors
from units.history import history_entries
from volunteers import models as vm
from volunteers import selectors as vs


@dataclass(frozen=True)
class Subject:
    """A kind of record that has a history page."""

    get: Callable[..., models.Model]  # the record's selector: (user=, pk=) -> record
    children: tuple[tuple[type[models.Model], str], ...] = ()  # (model, key to the record)


SUBJECTS: dict[str, Subject] = {
    "dispute": Subject(
        ds.dispute_get,
        (
            (dm.Party, "dispute"),
            (dm.MediationSession, "dispute"),
            (dm.Agreement, "dispute"),
            (dm.FollowUp, "dispute"),
            (dm.Referral, "dispute"),
            (dm.Attachment, "dispute"),
        ),
    ),
    "mediator": Subject(ds.mediator_get, ((dm.MediatorSpeciality, "mediator"),)),
    "unit": Subject(unit_selectors.unit_get),
    "incident": Subject(incident_selectors.incident_get),
    "enterprise": Subject(
        es.enterprise_get,
        ((em.EnterpriseVisit, "enterprise"), (em.EnterpriseRequest, "enterprise")),
    ),
    "enterprise-request": Subject(es.request_get),
    "alliance": Subject(vs.alliance_get, ((vm.Membership, "alliance"),)),
    "volunteer": Subject(vs.volunteer_get, ((vm.Membership, "volunteer"),)),
    "patrol": Subject(vs.patrol_get, ((vm.PatrolAttendance, "patrol"),)),
    "tip": Subject(vs.tip_get),
    "outreach": Subject(vs.outreach_get),
}


@require_GET
@login_required
@permission_required("units.view_history", raise_exception=True)
def history_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    subject = SUBJECTS.get(kind)
    if subject is None:
        raise Http404
    record = subject.get(user=request.user, pk=pk)
    entries = history_entries(record=record, children=list(subject.children))
    return render(
        request,
        "policing/history.html",
        {"record": record, "entries": entries, "kind": kind},
    )
