"""Writes of the enterprise register, visits and requests."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.models import Party, Source
from disputes.services import PartyData, dispute_register
from enterprises.models import (
    PENDING_REQUEST_STATUSES,
    Enterprise,
    EnterpriseRequest,
    EnterpriseVisit,
)
from notifications.services import notifications_settle
from units.errors import TransitionError
from units.geo import clean_location
from units.models import Unit
from units.selectors import require_in_scope
from units.validators import normalise_credit_code, normalise_phone


@dataclass
class RequestData:
    """One request brought up by an enterprise (e.g. during a visit)."""

    category: str
    description: str
    received_on: datetime.date
    due_on: datetime.date
    green_channel: bool = False


def _require(actor: AbstractBaseUser, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to do this."))


def _check_liaison(actor: AbstractBaseUser, liaison: AbstractBaseUser | None, unit: Unit) -> None:
    if liaison is None:
        return
    officer = getattr(liaison, "officer", None)
    if officer is None or not unit.contains(officer.unit):
        raise ValidationError(
            {"liaison_officer": _("The liaison officer must serve the enterprise's station.")}
        )
    require_in_scope(actor, officer.unit)


@transaction.atomic
def enterprise_save(
    *,
    actor: AbstractBaseUser,
    enterprise: Enterprise | None = None,
    name: str,
    credit_code: str,
    unit: Unit,
    address: str,
    industry: str,
    contact_name: str,
    contact_phone: str,
    hazardous_chemicals: bool = False,
    logistics: bool = False,
    foreign_staff: bool = False,
    liaison_officer: AbstractBaseUser | None = None,
    active: bool = True,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Enterprise:
    """Register an enterprise, or change one (``enterprise`` given).

    Rules: the actor may add (change) enterprises; both the enterprise's
    current and its new station lie in their scope; the unit is a station;
    the credit code has a correct check character and is not registered
    yet; the liaison officer serves that station.
    """
    _require(actor, "enterprises.change_enterprise" if enterprise else "enterprises.add_enterprise")
    if enterprise is not None:
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        require_in_scope(actor, enterprise.unit)
    else:
        enterprise = Enterprise()
    require_in_scope(actor, unit)
    if unit.kind != Unit.Kind.STATION:
        raise ValidationError({"unit": _("Enterprises are registered at a police station.")})
    _check_liaison(actor, liaison_officer, unit)
    enterprise.name = name.strip()
    enterprise.credit_code = normalise_credit_code(credit_code)
    enterprise.unit = unit
    enterprise.address = address.strip()
    enterprise.industry = industry
    enterprise.contact_name = contact_name.strip()
    enterprise.contact_phone = normalise_phone(contact_phone)
    enterprise.hazardous_chemicals = hazardous_chemicals
    enterprise.logistics = logistics
    enterprise.foreign_staff = foreign_staff
    enterprise.liaison_officer = liaison_officer
    enterprise.active = active
    enterprise.latitude, enterprise.longitude = clean_location(latitude, longitude)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def _new_request(enterprise: Enterprise, data: RequestData, visit=None) -> EnterpriseRequest:
    request = EnterpriseRequest(
        enterprise=enterprise,
        visit=visit,
        category=data.category,
        description=data.description.strip(),
        received_on=data.received_on,
        due_on=data.due_on,
        green_channel=data.green_channel,
    )
    if data.received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    request.full_clean(exclude=["visit", "dispute"])
    request.save()
    return request


@transaction.atomic
def visit_log(
    *,
    actor: AbstractBaseUser,
    enterprise: Enterprise,
    visited_on: datetime.date,
    kind: str,
    officers: Iterable[AbstractBaseUser] = (),
    notes: str = "",
    hazards_found: int = 0,
    hazards_rectified: int = 0,
    requests: Iterable[RequestData] = (),
) -> EnterpriseVisit:
    """Log a visit with the requests the enterprise raised during it.

    All or nothing: a visit dated in the future, more hazards rectified than
    found, or any request that is wrong (due before received …) saves
    nothing. The actor is always among the officers of the visit. A
    request's errors are reported as ``requests`` errors naming its position.
    """
    _require(actor, "enterprises.add_enterprisevisit")
    require_in_scope(actor, enterprise.unit)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit is logged after it took place.")})
    visit = EnterpriseVisit(
        enterprise=enterprise,
        visited_on=visited_on,
        kind=kind,
        notes=notes.strip(),
        hazards_found=hazards_found,
        hazards_rectified=hazards_rectified,
        created_by=actor,
    )
    visit.full_clean(exclude=["created_by"])
    visit.save()
    visit.officers.set({actor, *officers})
    requests = list(requests)
    if requests:
        _require(actor, "enterprises.add_enterpriserequest")
    for position, data in enumerate(requests, start=1):
        try:
            _new_request(enterprise, data, visit)
        except ValidationError as error:
            raise ValidationError(
                {
                    "requests": [
                        _("Request %(n)s: %(message)s") % {"n": position, "message": message}
                        for message in error.messages
                    ]
                }
            ) from error
    return visit


@transaction.atomic
def request_create(
    *, actor: AbstractBaseUser, enterprise: Enterprise, data: RequestData
) -> EnterpriseRequest:
    """Log a request received outside a visit (by phone, at the window)."""
    _require(actor, "enterprises.add_enterpriserequest")
    require_in_scope(actor, enterprise.unit)
    return _new_request(enterprise, data)


def _lock_request(
    request: EnterpriseRequest, actor: AbstractBaseUser, sources: tuple[str, ...]
) -> EnterpriseRequest:
    """Lock the row and refuse a state the action does not start from."""
    _require(actor, "enterprises.change_enterpriserequest")
    locked = (
        EnterpriseRequest.objects.select_for_update()
        .select_related("enterprise__unit")
        .get(pk=request.pk)
    )
    require_in_scope(actor, locked.enterprise.unit)
    if locked.status not in sources:
        raise TransitionError(
            _("This request is “%(status)s”; that does not allow this action.")
            % {"status": locked.get_status_display()},
            code="request_state",
        )
    return locked


def _answer(locked: EnterpriseRequest, request: EnterpriseRequest, **changes) -> EnterpriseRequest:
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*changes])
    if locked.status not in PENDING_REQUEST_STATUSES:
        # Answered: the due-soon reminders about it ask nothing more.
        notifications_settle(subject=locked.enterprise, key_prefixes=[f"request_due:{locked.pk}:"])
    request.refresh_from_db()
    return locked


@transaction.atomic
def request_start(*, actor: AbstractBaseUser, request: EnterpriseRequest) -> EnterpriseRequest:
    """open → in progress; the actor becomes the handler."""
    locked = _lock_request(request, actor, (EnterpriseRequest.Status.OPEN,))
    return _answer(locked, request, status=EnterpriseRequest.Status.IN_PROGRESS, handled_by=actor)


@transaction.atomic
def request_resolve(
    *, actor: AbstractBaseUser, request: EnterpriseRequest, resolution: str
) -> EnterpriseRequest:
    """open / in progress → resolved; what was done is required."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the request was resolved.")})
    locked = _lock_request(request, actor, PENDING_REQUEST_STATUSES)
    return _answer(
        locked,
        request,
        status=EnterpriseRequest.Status.RESOLVED,
        resolution=resolution.strip(),
        resolved_at=timezone.now(),
        handled_by=actor,
    )


@transaction.atomic
def request_decline(
    *, actor: AbstractBaseUser, request: EnterpriseRequest, reason: str
) -> EnterpriseRequest:
    """open / in progress → declined; the reason told to the enterprise is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the request is declined.")})
    locked = _lock_request(request, actor, PENDING_REQUEST_STATUSES)
    return _answer(
        locked,
        request,
        status=EnterpriseRequest.Status.DECLINED,
        resolution=reason.strip(),
        resolved_at=timezone.now(),
        handled_by=actor,
    )


@transaction.atomic
def request_convert_to_dispute(
    *,
    actor: AbstractBaseUser,
    request: EnterpriseRequest,
    title: str,
    category: str,
    summary: str = "",
):
    """Register the dispute a request reports and link the two both ways
    (request.dispute / dispute.enterprise_requests), in one transaction.

    Refused (409): a request of another category, or one already converted
    or answered. The enterprise's contact becomes the applicant party; the
    request moves to in progress. If the dispute service refuses, nothing
    changes.
    """

    locked = _lock_request(request, actor, PENDING_REQUEST_STATUSES)
    if locked.category != EnterpriseRequest.Category.DISPUTE:
        raise TransitionError(
            _("Only a request about a dispute can become a dispute; this one is “%(category)s”.")
            % {"category": locked.get_category_display()},
            code="not_a_dispute_request",
        )
    if locked.dispute_id is not None:
        raise TransitionError(
            _("This request has already become a dispute."), code="already_converted"
        )
    enterprise = locked.enterprise
    received = timezone.make_aware(
        datetime.datetime.combine(locked.received_on, datetime.time(9, 0))
    )
    dispute = dispute_register(
        actor=actor,
        unit=enterprise.unit,
        title=title.strip(),
        category=category,
        source=Source.ENTERPRISE_VISIT,
        received_at=min(received, timezone.now()),
        place=enterprise.address,
        summary=summary.strip() or locked.description,
        parties=[
            PartyData(
                name=enterprise.contact_name,
                role=Party.Role.APPLICANT,
                phone=enterprise.contact_phone,
                address=enterprise.address,
            )
        ],
    )
    _answer(
        locked,
        request,
        dispute=dispute,
        status=EnterpriseRequest.Status.IN_PROGRESS,
        handled_by=actor,
    )
    return dispute

