"""Every write to a dispute goes through here: pages, API, seeds and tasks alike.

Each transition locks the dispute row, reads the clock once, checks the
TRANSITIONS table, permission and (when given) the version the user saw,
then writes the change and its DisputeEvent in one transaction.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.models import (
    Agreement,
    Attachment,
    Dispute,
    DisputeEvent,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Mediator,
    MediatorSpeciality,
    Party,
    PersonalDataAccess,
    ReferenceCounter,
    Referral,
    Status,
    Track,
)
from disputes.workflow import TRANSITIONS, Action, required_permission
from notifications.models import Notification
from notifications.services import notifications_settle, notify, station_leads
from units.conf import fengqiao
from units.errors import TransitionError
from units.geo import clean_location
from units.models import Unit
from units.selectors import require_in_scope
from units.validators import check_received_at


@dataclass
class PartyData:
    name: str
    role: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass
class AgreementData:
    terms: str
    signed_on: datetime.date
    performance_due: datetime.date | None = None


@dataclass
class ReferralData:
    target: str
    target_name: str
    reason: str = ""


@dataclass
class SessionData:
    held_at: datetime.datetime
    mode: str
    outcome: str
    notes: str = ""
    mediators: list[Mediator] = field(default_factory=list)
    officers: list[AbstractBaseUser] = field(default_factory=list)
    parties_present: list[Party] = field(default_factory=list)


def _local_year(moment: datetime.datetime) -> int:
    return timezone.localtime(moment).year


def next_reference(*, unit: Unit, year: int) -> str:
    """Issue the next reference number of ``unit`` for ``year``.

    The counter row is created once and then incremented with an UPDATE, which
    holds its row lock until the surrounding transaction ends: two concurrent
    registrations queue on it and never share or skip a number that commits.
    """
    ReferenceCounter.objects.get_or_create(unit=unit, year=year)
    ReferenceCounter.objects.filter(unit=unit, year=year).update(last=F("last") + 1)
    last = ReferenceCounter.objects.values_list("last", flat=True).get(unit=unit, year=year)
    return f"{unit.code}-{year}-{last:05d}"


def _event(dispute: Dispute, *, kind: str, actor, at, **changes) -> DisputeEvent:
    return DisputeEvent.objects.create(dispute=dispute, kind=kind, actor=actor, at=at, **changes)


@transaction.atomic
def dispute_register(
    *,
    actor: AbstractBaseUser,
    unit: Unit,
    title: str,
    category: str,
    source: str,
    received_at: datetime.datetime,
    place: str,
    summary: str,
    parties: Iterable[PartyData],
    beat: Unit | None = None,
    assigned_officer: AbstractBaseUser | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Dispute:
    """Register a dispute with its parties (and, optionally, where it happened).

    Rules: the actor may register disputes and the station lies in their
    scope; at least one party; received_at not in the future; the beat, if
    given, lies under the station. The reference number is issued here.
    """
    if not actor.has_perm("disputes.add_dispute"):
        raise PermissionDenied
    require_in_scope(actor, unit)
    now = timezone.now()
    check_received_at(received_at, now)
    parties = list(parties)
    if not parties:
        raise ValidationError({"parties": _("A dispute needs at least one party.")})
    if unit.kind != Unit.Kind.STATION:
        raise ValidationError({"unit": _("Disputes are registered at a police station.")})
    if beat is not None and not (beat.kind == Unit.Kind.BEAT and unit.contains(beat)):
        raise ValidationError({"beat": _("The beat must belong to the station.")})
    latitude, longitude = clean_location(latitude, longitude)
    dispute = Dispute(
        reference=next_reference(unit=unit, year=_local_year(now)),
        latitude=latitude,
        longitude=longitude,
        title=title,
        category=category,
        source=source,
        received_at=received_at,
        place=place,
        unit=unit,
        beat=beat,
        assigned_officer=assigned_officer or actor,
        summary=summary,
        created_by=actor,
    )
    dispute.full_clean(exclude=["reference", "created_by"])
    dispute.save()
    for data in parties:
        party = Party(dispute=dispute, **data.__dict__)
        party.full_clean()
        party.save()
    event = _event(
        dispute,
        kind=DisputeEvent.Kind.REGISTERED,
        actor=actor,
        at=now,
        to_status=Status.REGISTERED,
        to_unit=unit,
        deadline=None,
        to_officer=dispute.assigned_officer,
    )
    _notify_event(event, actor)
    return dispute


def _transition(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    action: str,
    expected_version: int | None,
    apply: Callable[[Dispute, datetime.datetime], dict],
    note: str = "",
) -> Dispute:
    """Lock, check and apply one action of the TRANSITIONS table.

    ``apply`` changes the locked dispute's fields and returns extra event
    fields. The caller's ``dispute`` object is refreshed to the new state.
    """
    transition = TRANSITIONS[action]
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        require_in_scope(actor, locked.unit)
        if not actor.has_perm(required_permission(action, track=locked.track)):
            raise PermissionDenied(_("You are not allowed to do this."))
        if expected_version is not None and expected_version != locked.version:
            raise TransitionError(
                _(
                    "Someone else changed this case while you were working on it. "
                    "Reload the page to see the change, then try again."
                ),
                code="stale",
            )
        if locked.status not in transition.sources:
            raise TransitionError(
                _("A case that is “%(status)s” cannot be given the action “%(action)s”.")
                % {"status": locked.get_status_display(), "action": Action(action).label}
            )
        now = timezone.now()
        from_status = locked.status
        extra = apply(locked, now) or {}
        if transition.target is not None:
            locked.status = transition.target
        locked.version = F("version") + 1
        locked.save()
        locked.refresh_from_db()
        event = _event(
            locked,
            kind=_EVENT_OF[action],
            actor=actor,
            at=now,
            from_status=from_status,
            to_status=locked.status,
            deadline=locked.deadline,
            note=note,
            **extra,
        )
        _settle_notifications(event)
        _notify_event(event, actor)
    dispute.refresh_from_db()
    return dispute


_N = Notification.Kind
_OPEN_CASE_WORK = (_N.CASE_ASSIGNED, _N.CASE_TRANSFERRED, _N.DEADLINE_SOON, _N.OVERDUE)
# What each event settles: the kinds of notification about the case that ask
# nothing more of anybody once it has happened. A transfer or a withdrawal
# settles everything (the case starts afresh elsewhere, or ends); a new
# deadline makes the warnings about the old one obsolete.
SETTLED_BY_EVENT: dict[str, tuple[str, ...]] = {
    DisputeEvent.Kind.ASSESSED: (_N.CASE_ASSIGNED,),
    DisputeEvent.Kind.DISPATCHED: (_N.CASE_ASSIGNED, _N.CASE_TRANSFERRED),
    DisputeEvent.Kind.RESOLVED: _OPEN_CASE_WORK,
    DisputeEvent.Kind.FAILED: _OPEN_CASE_WORK,
    DisputeEvent.Kind.VERIFIED: (*_OPEN_CASE_WORK, _N.AWAITING_VERIFICATION),
    DisputeEvent.Kind.TRANSFERRED: tuple(_N),
    DisputeEvent.Kind.WITHDRAWN: tuple(_N),
    DisputeEvent.Kind.REOPENED: (
        _N.AWAITING_VERIFICATION, _N.FOLLOW_UP_DUE, _N.PERFORMANCE_DUE, _N.CONFIRMATION_WINDOW,
    ),
    DisputeEvent.Kind.TRACK_CHANGED: (_N.DEADLINE_SOON, _N.OVERDUE),
}


def _settle_notifications(event: DisputeEvent) -> None:
    kinds = SETTLED_BY_EVENT.get(event.kind)
    if kinds:
        notifications_settle(subject=event.dispute, kinds=kinds)


def _notify_event(event: DisputeEvent, actor: AbstractBaseUser) -> None:
    """Tell whoever must act next: the officer a case is given to, the leads
    of the station a case is transferred to, the leads who must verify an
    outcome. Nobody is notified of their own action."""
    dispute = event.dispute
    Kind = DisputeEvent.Kind
    if event.kind in (Kind.REGISTERED, Kind.DISPATCHED):
        recipients = [dispute.assigned_officer]
        if event.kind == Kind.DISPATCHED:
            recipients += list(dispute.co_officers.all())
        kind = Notification.Kind.CASE_ASSIGNED
    elif event.kind == Kind.TRANSFERRED:
        recipients, kind = station_leads(dispute.unit), Notification.Kind.CASE_TRANSFERRED
    elif event.kind in (Kind.RESOLVED, Kind.FAILED):
        recipients, kind = station_leads(dispute.unit), Notification.Kind.AWAITING_VERIFICATION
    else:
        return
    notify(
        recipients=[user for user in recipients if user is not None and user.pk != actor.pk],
        kind=kind, subject=dispute, unit=dispute.unit, key=f"dispute_event:{event.pk}",
    )


_EVENT_OF = {
    Action.ASSESS: DisputeEvent.Kind.ASSESSED,
    Action.DISPATCH: DisputeEvent.Kind.DISPATCHED,
    Action.RESOLVE: DisputeEvent.Kind.RESOLVED,
    Action.FAIL: DisputeEvent.Kind.FAILED,
    Action.VERIFY: DisputeEvent.Kind.VERIFIED,
    Action.TRANSFER: DisputeEvent.Kind.TRANSFERRED,
    Action.REOPEN: DisputeEvent.Kind.REOPENED,
    Action.WITHDRAW: DisputeEvent.Kind.WITHDRAWN,
    Action.CHANGE_TRACK: DisputeEvent.Kind.TRACK_CHANGED,
}


def track_deadline(*, track: str, start: datetime.datetime) -> datetime.datetime:
    return start + datetime.timedelta(days=fengqiao("TRACK_DEADLINE_DAYS")[track])


def dispute_assess(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    risk_level: str,
    track: str,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Set the risk level and track; the track's deadline runs from now."""

    def apply(d: Dispute, now):
        d.risk_level, d.track = risk_level, track
        d.deadline = track_deadline(track=track, start=now)
        return {"to_track": track}

    return _transition(
        dispute=dispute, actor=actor, action=Action.ASSESS,
        expected_version=expected_version, apply=apply, note=note,
    )


def dispute_dispatch(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    officer: AbstractBaseUser,
    mediators: Iterable[Mediator] = (),
    co_officers: Iterable[AbstractBaseUser] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Name who mediates. Immediate track: any officer; other tracks: the lead."""
    mediators, co_officers = list(mediators), list(co_officers)

    def apply(d: Dispute, now):
        from_officer = d.assigned_officer
        d.assigned_officer = officer
        d.mediators.set(mediators)
        d.co_officers.set(co_officers)
        return {"from_officer": from_officer, "to_officer": officer}

    return _transition(
        dispute=dispute, actor=actor, action=Action.DISPATCH,
        expected_version=expected_version, apply=apply, note=note,
    )


def dispute_resolve(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    agreement: AgreementData | None = None,
    resolution_note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Record the case as resolved and schedule its follow-ups.

    Needs a mediation agreement or a resolution note.
    """
    if agreement is None and not resolution_note.strip():
        raise ValidationError(
            {"resolution_note": _("Record the agreement or describe how the dispute was settled.")}
        )
    if agreement and agreement.signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("This date cannot be in the future.")})
    if agreement and agreement.performance_due and agreement.performance_due < agreement.signed_on:
        raise ValidationError(
            {"performance_due": _("Performance cannot be due before the agreement is signed.")}
        )

    def apply(d: Dispute, now):
        if agreement is not None:
            Agreement.objects.create(dispute=d, **agreement.__dict__)
        d.resolution_note = resolution_note
        d.concluded_at = now
        today = timezone.localdate(now)
        FollowUp.objects.bulk_create(
            FollowUp(dispute=d, due_on=today + datetime.timedelta(days=days))
            for days in fengqiao("FOLLOW_UP_DAYS")
        )
        return {}

    return _transition(
        dispute=dispute, actor=actor, action=Action.RESOLVE,
        expected_version=expected_version, apply=apply, note=resolution_note,
    )


def dispute_fail(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    referral: ReferralData,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Record that mediation failed; the case is referred onwards."""
    if not referral or not referral.target or not referral.target_name.strip():
        raise ValidationError({"target_name": _("A failed mediation must be referred to someone.")})

    def apply(d: Dispute, now):
        Referral.objects.create(dispute=d, sent_at=now, created_by=actor, **referral.__dict__)
        d.concluded_at = now
        d.resolution_note = note
        return {}

    return _transition(
        dispute=dispute, actor=actor, action=Action.FAIL,
        expected_version=expected_version, apply=apply, note=note,
    )


def dispute_verify(
    *, dispute: Dispute, actor: AbstractBaseUser, note: str = "", expected_version: int | None = None
) -> Dispute:
    """The lead or a supervisor confirms the outcome and closes the case."""

    def apply(d: Dispute, now):
        d.closed_at = now
        return {}

    return _transition(
        dispute=dispute, actor=actor, action=Action.VERIFY,
        expected_version=expected_version, apply=apply, note=note,
    )


def dispute_transfer(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    to_unit: Unit,
    note: str,
    expected_version: int | None = None,
) -> Dispute:
    """Move an open case to another station; it is registered there afresh."""
    if to_unit.kind != Unit.Kind.STATION:
        raise ValidationError({"to_unit": _("A case can only be transferred to a police station.")})
    if to_unit.pk == dispute.unit_id:
        raise ValidationError({"to_unit": _("The case is already at this station.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the case is transferred.")})

    def apply(d: Dispute, now):
        changes = {
            "from_unit": d.unit,
            "to_unit": to_unit,
            "from_officer": d.assigned_officer,
            "from_track": d.track,
        }
        # The receiving station assesses and dispatches the case itself.
        d.unit, d.beat, d.assigned_officer = to_unit, None, None
        d.track, d.deadline = "", None
        return changes

    return _transition(
        dispute=dispute, actor=actor, action=Action.TRANSFER,
        expected_version=expected_version, apply=apply, note=note,
    )


def dispute_reopen(
    *, dispute: Dispute, actor: AbstractBaseUser, note: str, expected_version: int | None = None
) -> Dispute:
    """A recurrence sends a resolved or closed case back to mediation.

    The outcome is cleared and follow-ups not yet done are dropped; the
    track's deadline runs again from now.
    """
    if not note.strip():
        raise ValidationError({"note": _("Say why the case is reopened.")})

    def apply(d: Dispute, now):
        d.concluded_at = None
        d.closed_at = None
        d.deadline = track_deadline(track=d.track or Track.JOINT, start=now)
        d.track = d.track or Track.JOINT
        d.follow_ups.filter(done_at__isnull=True).delete()
        return {}

    return _transition(
        dispute=dispute, actor=actor, action=Action.REOPEN,
        expected_version=expected_version, apply=apply, note=note,
    )


def dispute_withdraw(
    *, dispute: Dispute, actor: AbstractBaseUser, note: str, expected_version: int | None = None
) -> Dispute:
    """The applicant withdraws; the case ends without an outcome."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the case is withdrawn.")})

    def apply(d: Dispute, now):
        d.closed_at = now
        return {}

    return _transition(
        dispute=dispute, actor=actor, action=Action.WITHDRAW,
        expected_version=expected_version, apply=apply, note=note,
    )


def dispute_change_track(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    track: str,
    note: str,
    expected_version: int | None = None,
) -> Dispute:
    """Move the case to another track (typically immediate → joint); the new
    track's deadline runs from now."""
    if track == dispute.track:
        raise ValidationError({"track": _("The case is already on this track.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the track changes.")})

    def apply(d: Dispute, now):
        from_track = d.track
        d.track = track
        d.deadline = track_deadline(track=track, start=now)
        return {"from_track": from_track, "to_track": track}

    return _transition(
        dispute=dispute, actor=actor, action=Action.CHANGE_TRACK,
        expected_version=expected_version, apply=apply, note=note,
    )


def _require_mediating(dispute: Dispute, actor: AbstractBaseUser) -> None:
    require_in_scope(actor, dispute.unit)
    if not actor.has_perm("disputes.mediate_dispute"):
        raise PermissionDenied(_("You are not allowed to do this."))


@transaction.atomic
def session_record(*, dispute: Dispute, actor: AbstractBaseUser, data: SessionData) -> MediationSession:
    """Record a mediation session; only while the case is in mediation."""
    _require_mediating(dispute, actor)
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if locked.status != Status.IN_MEDIATION:
        raise TransitionError(_("Sessions can only be recorded while the case is in mediation."))
    now = timezone.now()
    if data.held_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"held_at": _("A session cannot be recorded ahead of time.")})
    if data.held_at < locked.received_at:
        raise ValidationError({"held_at": _("A session cannot come before the case was received.")})
    if any(p.dispute_id != locked.pk for p in data.parties_present):
        raise ValidationError({"parties_present": _("Only this case's parties can be present.")})
    session = MediationSession.objects.create(
        dispute=locked, held_at=data.held_at, mode=data.mode, outcome=data.outcome,
        notes=data.notes, recorded_by=actor,
    )
    session.mediators.set(data.mediators)
    session.officers.set(data.officers)
    session.parties_present.set(data.parties_present)
    _event(locked, kind=DisputeEvent.Kind.SESSION, actor=actor, at=now, note=data.notes)
    return session


@transaction.atomic
def follow_up_record(
    *,
    dispute: Dispute,
    actor: AbstractBaseUser,
    method: str,
    finding: str,
    satisfaction: str = "",
    notes: str = "",
    done_at: datetime.datetime | None = None,
) -> FollowUp:
    """Record a follow-up on a resolved or closed case.

    It fills the earliest scheduled follow-up still due, or adds one.
    """
    _require_mediating(dispute, actor)
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if locked.status not in (Status.RESOLVED, Status.CLOSED):
        raise TransitionError(_("Follow-ups are recorded on resolved or closed cases."))
    now = timezone.now()
    done_at = done_at or now
    if done_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"done_at": _("A follow-up cannot be recorded ahead of time.")})
    if done_at < locked.received_at:
        raise ValidationError({"done_at": _("A follow-up cannot come before the case was received.")})
    follow_up = locked.follow_ups.filter(done_at__isnull=True).order_by("due_on", "id").first()
    follow_up = follow_up or FollowUp(dispute=locked)
    follow_up.done_at, follow_up.officer = done_at, actor
    follow_up.method, follow_up.finding = method, finding
    follow_up.satisfaction, follow_up.notes = satisfaction, notes
    follow_up.full_clean()
    follow_up.save()
    _event(locked, kind=DisputeEvent.Kind.FOLLOW_UP, actor=actor, at=now, note=notes)
    notifications_settle(subject=locked, key_prefixes=[f"follow_up:{follow_up.pk}"])
    return follow_up


@transaction.atomic
def referral_add(*, dispute: Dispute, actor: AbstractBaseUser, data: ReferralData) -> Referral:
    """Hand the case to another body while mediation goes on (联动)."""
    _require_mediating(dispute, actor)
    if dispute.status not in (Status.ASSESSED, Status.IN_MEDIATION, Status.UNRESOLVED):
        raise TransitionError(_("Referrals are made while the case is being handled."))
    now = timezone.now()
    referral = Referral(dispute=dispute, sent_at=now, created_by=actor, **data.__dict__)
    referral.full_clean()
    referral.save()
    _event(dispute, kind=DisputeEvent.Kind.REFERRAL, actor=actor, at=now,
           note=f"{referral.get_target_display()}: {referral.target_name}")
    return referral


@transaction.atomic
def referral_answer(*, referral: Referral, actor: AbstractBaseUser, state: str, answer: str) -> Referral:
    """Record the other body's answer — the way back of the two-way hand-off."""
    _require_mediating(referral.dispute, actor)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.state in (Referral.State.ANSWERED, Referral.State.DECLINED):
        raise TransitionError(_("This referral has already been answered."))
    if state not in (Referral.State.ACCEPTED, Referral.State.ANSWERED, Referral.State.DECLINED):
        raise ValidationError({"state": _("Choose accepted, answered or declined.")})
    if state != Referral.State.ACCEPTED and not answer.strip():
        raise ValidationError({"answer": _("Record what they answered.")})
    now = timezone.now()
    locked.state, locked.answer = state, answer
    locked.answered_at = now if state != Referral.State.ACCEPTED else None
    locked.save()
    _event(locked.dispute, kind=DisputeEvent.Kind.REFERRAL, actor=actor, at=now,
           note=f"{locked.target_name}: {locked.get_state_display()}")
    return locked


# Agreements: performance and judicial confirmation ------------------------------


def _check_day(field: str, day: datetime.date, *, today: datetime.date, not_before=None,
               before_message="") -> None:
    """A day something happened: never in the future, never before ``not_before``."""
    if day > today:
        raise ValidationError({field: _("This date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: before_message})


def _lock_concluded_case(agreement: Agreement, actor: AbstractBaseUser) -> Dispute:
    _require_mediating(agreement.dispute, actor)
    locked = Dispute.objects.select_for_update().get(pk=agreement.dispute_id)
    if locked.status not in (Status.RESOLVED, Status.CLOSED):
        raise TransitionError(
            _("An agreement's performance and confirmation are recorded on resolved or "
              "closed cases."),
            code="case_not_concluded",
        )
    return locked


@transaction.atomic
def agreement_record_performance(
    *,
    agreement: Agreement,
    actor: AbstractBaseUser,
    performance: str,
    on: datetime.date,
    note: str = "",
) -> Agreement:
    """Record whether the parties kept the agreement: performed, partly
    performed or breached, as found on ``on``.

    Rules: the actor may mediate and the case lies in their scope; the case is
    resolved or closed (409 otherwise); the day is neither in the future nor
    before the signing; a partial performance or a breach needs a note. A later
    finding replaces the earlier one; each stays on the timeline and in the
    history. A breach changes nothing else: the officer reopens the case
    (重新调解, the agreement kept) or refers it.
    """
    locked = _lock_concluded_case(agreement, actor)
    choices = Agreement.Performance
    if performance not in (choices.PERFORMED, choices.PARTLY, choices.BREACHED):
        raise ValidationError(
            {"performance": _("Choose performed, partly performed or breached.")}
        )
    now = timezone.now()
    _check_day("on", on, today=timezone.localdate(now), not_before=agreement.signed_on,
               before_message=_("The agreement was signed after this date."))
    if performance != choices.PERFORMED and not note.strip():
        raise ValidationError({"note": _("Say what was not kept.")})
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    agreement.performance, agreement.performance_on = performance, on
    agreement.performance_note = note.strip()
    agreement.save(update_fields=["performance", "performance_on", "performance_note"])
    label = agreement.get_performance_display()
    _event(locked, kind=DisputeEvent.Kind.PERFORMANCE, actor=actor, at=now,
           note=f"{label} ({on:%Y-%m-%d})" + (f": {agreement.performance_note}" if note else ""))
    notifications_settle(subject=locked, key_prefixes=[f"performance_due:{agreement.pk}"])
    return agreement


@transaction.atomic
def judicial_confirmation_apply(
    *,
    agreement: Agreement,
    actor: AbstractBaseUser,
    court: str,
    applied_on: datetime.date,
    applicants: Iterable[Party],
) -> JudicialConfirmation:
    """Record the parties' application to a court for judicial confirmation.

    Rules: as for performance (mediating actor in scope, case resolved or
    closed); one application per agreement (409); applied on or after the
    signing, within 30 days of it and not in the future; at least one applying
    party, all of them parties of this case.
    """
    locked = _lock_concluded_case(agreement, actor)
    if JudicialConfirmation.objects.filter(agreement=agreement).exists():
        raise TransitionError(
            _("Judicial confirmation has already been applied for."), code="already_applied"
        )
    now = timezone.now()
    _check_day("applied_on", applied_on, today=timezone.localdate(now),
               not_before=agreement.signed_on,
               before_message=_("The agreement was signed after this date."))
    if applied_on > agreement.confirmation_deadline:
        raise ValidationError({"applied_on": _(
            "A court confirms an agreement applied for within 30 days of its signing "
            "(by %(day)s)."
        ) % {"day": f"{agreement.confirmation_deadline:%Y-%m-%d}"}})
    applicants = list(applicants)
    if not applicants:
        raise ValidationError({"applicants": _("Name the parties applying.")})
    if any(party.dispute_id != locked.pk for party in applicants):
        raise ValidationError({"applicants": _("Only this case's parties can apply.")})
    confirmation = JudicialConfirmation(
        agreement=agreement, court=court.strip(), applied_on=applied_on, recorded_by=actor
    )
    confirmation.full_clean(exclude=["applicants"])
    confirmation.save()
    confirmation.applicants.set(applicants)
    _event(locked, kind=DisputeEvent.Kind.CONFIRMATION, actor=actor, at=now,
           note=f"{confirmation.court}: {JudicialConfirmation.Outcome.PENDING.label}")
    notifications_settle(subject=locked, key_prefixes=[f"confirmation_window:{agreement.pk}"])
    return confirmation


@transaction.atomic
def judicial_confirmation_decide(
    *,
    confirmation: JudicialConfirmation,
    actor: AbstractBaseUser,
    outcome: str,
    decided_on: datetime.date,
    ruling_number: str = "",
    ruling: Attachment | None = None,
) -> JudicialConfirmation:
    """Record the court's ruling: confirmed or rejected.

    Rules: as for the application; only a pending application (409); decided
    on or after the application and not in the future; a confirmation needs
    the ruling's number; the ruling's scan, if given, is an attachment of
    this case.
    """
    locked = _lock_concluded_case(confirmation.agreement, actor)
    confirmation = JudicialConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    outcomes = JudicialConfirmation.Outcome
    if confirmation.outcome != outcomes.PENDING:
        raise TransitionError(_("The court's ruling is already recorded."), code="already_decided")
    if outcome not in (outcomes.CONFIRMED, outcomes.REJECTED):
        raise ValidationError({"outcome": _("Choose confirmed or rejected.")})
    now = timezone.now()
    _check_day("decided_on", decided_on, today=timezone.localdate(now),
               not_before=confirmation.applied_on,
               before_message=_("The court cannot rule before the application."))
    if outcome == outcomes.CONFIRMED and not ruling_number.strip():
        raise ValidationError({"ruling_number": _("Give the ruling's number.")})
    if ruling is not None and ruling.dispute_id != locked.pk:
        raise ValidationError({"ruling": _("Choose an attachment of this case.")})
    confirmation.outcome, confirmation.decided_on = outcome, decided_on
    confirmation.ruling_number, confirmation.ruling = ruling_number.strip(), ruling
    confirmation.save()
    _event(locked, kind=DisputeEvent.Kind.CONFIRMATION, actor=actor, at=now,
           note=f"{confirmation.court}: {confirmation.get_outcome_display()}"
           + (f" {confirmation.ruling_number}" if confirmation.ruling_number else ""))
    return confirmation


ALLOWED_ATTACHMENT_TYPES = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
}


def check_attachment(upload) -> str:
    """Return the content type of an acceptable upload or raise ValidationError.

    The type is decided by the file's first bytes, not by what the browser says.
    """
    from pathlib import PurePath

    limit = fengqiao("ATTACHMENT_MAX_BYTES")
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    allowed = ALLOWED_ATTACHMENT_TYPES.get(suffix)
    head = upload.read(16)
    upload.seek(0)
    if allowed is None or not any(head.startswith(magic) for magic in allowed[1]):
        raise ValidationError({"file": _("Only JPEG or PNG photos and PDF documents can be attached.")})
    return allowed[0]


@transaction.atomic
def attachment_add(*, dispute: Dispute, actor: AbstractBaseUser, kind: str, upload) -> Attachment:
    require_in_scope(actor, dispute.unit)
    if not actor.has_perm("disputes.add_attachment"):
        raise PermissionDenied(_("You are not allowed to do this."))
    content_type = check_attachment(upload)
    attachment = Attachment(
        dispute=dispute, kind=kind, original_name=(upload.name or "")[:200],
        content_type=content_type, size=upload.size, uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    _event(dispute, kind=DisputeEvent.Kind.ATTACHMENT, actor=actor, at=timezone.now(),
           note=attachment.get_kind_display())
    return attachment


def personal_data_reveal(
    *,
    actor: AbstractBaseUser,
    unit,
    record_kind: str,
    record_id: int,
    field: str,
    reason: str,
    via: str = "web",
    party: Party | None = None,
) -> PersonalDataAccess:
    """The one reveal: check scope and permission, require a reason, log it.

    Every way of showing personal data in full (a party on the case page, the
    printed agreement, the API, a free-text field of any record) goes through
    here, so the log and the History page list them all.
    """
    require_in_scope(actor, unit)
    if not actor.has_perm("disputes.reveal_personal_data"):
        raise PermissionDenied(_("You are not allowed to see personal data in full."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the data is needed.")})
    return PersonalDataAccess.objects.create(
        user=actor, party=party, record_kind=record_kind, record_id=record_id,
        field=field, via=via, reason=reason.strip()[:200],
    )


def party_reveal(*, party: Party, actor: AbstractBaseUser, reason: str, via: str = "web") -> Party:
    """Allow ``actor`` to see a party's ID number and phone in full, and log that they did."""
    personal_data_reveal(
        actor=actor, unit=party.dispute.unit, record_kind="dispute", record_id=party.dispute_id,
        field=PersonalDataAccess.PARTY, party=party, reason=reason, via=via,
    )
    return party


def dispute_record_call(
    *, dispute: Dispute, actor: AbstractBaseUser, at: datetime.datetime, number: str
) -> DisputeEvent:
    """Put a 110 call on the case's timeline once it is linked to the case
    (``incidents.services.incident_link_dispute`` links it)."""
    return _event(dispute, kind=DisputeEvent.Kind.INCIDENT_LINKED, actor=actor, at=at, note=number)


@transaction.atomic
def mediator_save(
    *,
    actor: AbstractBaseUser,
    mediator: Mediator | None = None,
    name: str,
    kind: str,
    unit: Unit,
    organisation: str = "",
    phone: str = "",
    active: bool = True,
    specialities: Iterable[str] = (),
) -> Mediator:
    """Add a mediator to the pool, or change one; specialities are categories."""
    perm = "disputes.change_mediator" if mediator else "disputes.add_mediator"
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to do this."))
    require_in_scope(actor, unit)
    if mediator is not None:
        require_in_scope(actor, mediator.unit)
    mediator = mediator or Mediator()
    mediator.name, mediator.kind, mediator.unit = name, kind, unit
    mediator.organisation, mediator.phone, mediator.active = organisation, phone, active
    mediator.full_clean()
    mediator.save()
    mediator.specialities.all().delete()
    MediatorSpeciality.objects.bulk_create(
        MediatorSpeciality(mediator=mediator, category=c) for c in sorted(set(specialities))
    )
    return mediator
