"""The change history page of one record.

The rules of what is shown live in ``units.history``; this table names the
records of every app that have a history page, each reached through its own
selector (so another unit's record is a 404), with the child records whose
history shows on the same page.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.contrib.auth.decorators import login_required, permission_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
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
    """A kind of record that has a history page (and whose free text can be
    revealed in full, ``policing.reveal``)."""

    get: Callable[..., models.Model]  # the record's selector: (user=, pk=) -> record
    children: tuple[tuple[type[models.Model], str], ...] = ()  # (model, key to the record)
    # Free-text fields of the record in which people type phone or ID numbers.
    texts: tuple[str, ...] = ()
    unit_path: str = "unit"  # the attributes that lead from the record to its unit
    # Free text of child records: name -> (model, key to the record, fields).
    child_texts: dict[str, tuple[type[models.Model], str, tuple[str, ...]]] = field(
        default_factory=dict
    )


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
        texts=("title", "place", "summary", "resolution_note"),
        child_texts={
            "session": (dm.MediationSession, "dispute", ("notes",)),
            "agreement": (dm.Agreement, "dispute", ("terms", "performance_note")),
            "follow_up": (dm.FollowUp, "dispute", ("notes",)),
            "referral": (dm.Referral, "dispute", ("reason", "answer")),
            "event": (dm.DisputeEvent, "dispute", ("note",)),
        },
    ),
    "mediator": Subject(ds.mediator_get, ((dm.MediatorSpeciality, "mediator"),)),
    "unit": Subject(unit_selectors.unit_get),
    "incident": Subject(incident_selectors.incident_get, texts=("summary",)),
    "enterprise": Subject(
        es.enterprise_get,
        ((em.EnterpriseVisit, "enterprise"), (em.EnterpriseRequest, "enterprise")),
        child_texts={"visit": (em.EnterpriseVisit, "enterprise", ("notes",))},
    ),
    "enterprise-request": Subject(
        es.request_get, texts=("description", "resolution"), unit_path="enterprise.unit"
    ),
    "alliance": Subject(vs.alliance_get, ((vm.Membership, "alliance"),)),
    "volunteer": Subject(vs.volunteer_get, ((vm.Membership, "volunteer"),)),
    "patrol": Subject(vs.patrol_get, ((vm.PatrolAttendance, "patrol"),), texts=("report",)),
    "tip": Subject(vs.tip_get, texts=("place", "description", "handling_note")),
    "outreach": Subject(vs.outreach_get, texts=("notes",), unit_path="alliance.unit"),
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
        {"record": record, "entries": entries, "kind": kind,
         "reveals": reveal_log(kind=kind, subject=subject, record=record)},
    )


@dataclass
class RevealRow:
    access: dm.PersonalDataAccess
    what: str


def reveal_log(*, kind: str, subject: Subject, record: models.Model) -> list[RevealRow]:
    """Every reveal of personal data in ``record`` (its parties' numbers, its free
    text), newest first, for the leads and supervisors who read its history.
    One query whatever the number of reveals."""
    accesses = dm.PersonalDataAccess.objects.filter(
        record_kind=kind, record_id=record.pk
    ).select_related("user", "party")
    return [RevealRow(a, _revealed_label(subject, type(record), a)) for a in accesses]


def _revealed_label(subject: Subject, model: type[models.Model], access) -> str:
    if access.party_id:
        return _("ID number and phone of %(name)s") % {"name": access.party.name}
    found = text_field(subject, model, access.field)
    return found[2] if found else access.field


def text_field(
    subject: Subject, model: type[models.Model], name: str
) -> tuple[type[models.Model], int | None, str] | None:
    """Which free-text field ``name`` names: "summary" (of the record itself) or
    "session-12-notes" (of a child record). (model, child id or None, label);
    None when the record kind has no such field."""
    if name in subject.texts:
        return model, None, capfirst(model._meta.get_field(name).verbose_name)
    prefix, _sep, rest = name.partition("-")
    child_pk, _sep, attr = rest.partition("-")
    if prefix not in subject.child_texts or not child_pk.isdigit():
        return None
    model, _fk, fields = subject.child_texts[prefix]
    if attr not in fields:
        return None
    label = f"{capfirst(model._meta.verbose_name)} #{child_pk} · {model._meta.get_field(attr).verbose_name}"
    return model, int(child_pk), label
