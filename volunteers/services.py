"""Every write of the volunteers app: pages, API, imports and seeds alike.

Each function is keyword-only, atomic, checks the actor's permission and scope
(another unit's record is a 404, as in the selectors), and refuses what the
record's state does not allow with a TransitionError (HTTP 409, a form error on
pages). State changes lock the rows they decide on, so two people acting at
once cannot both win.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes import services as dispute_services
from disputes.models import Source
from notifications.models import Notification
from notifications.services import notifications_settle, notify, recipients_in_unit
from units.errors import TransitionError
from units.geo import clean_location
from units.models import Officer, Unit
from units.selectors import require_in_scope
from units.validators import check_received_at, normalise_id_number, normalise_phone
from volunteers.models import (
    Alliance,
    Membership,
    Outreach,
    Patrol,
    PatrolAttendance,
    Tip,
    Volunteer,
)

# A volunteer may check in this long before the patrol starts.
EARLY_CHECK_IN = datetime.timedelta(hours=1)
# A check-out pressed by mistake can be undone this long after (the page says so).
UNDO_MINUTES = 15
UNDO_CHECK_OUT = datetime.timedelta(minutes=UNDO_MINUTES)
# A corrected check-out may lie this long after the patrol's end.
LATE_CHECK_OUT = datetime.timedelta(hours=3)
# simple_history keeps a change reason of at most this many characters.
CORRECTION_REASON_LENGTH = 100
# The per-volunteer actions of the check-in sheet, in the order it shows them.
ATTENDANCE_ACTIONS = ("check_in", "check_out", "undo_check_out", "correct")


def _require(actor: AbstractBaseUser, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to do this."))


def _full_clean(instance, **kwargs) -> None:
    instance.full_clean(**kwargs)


# Alliances and volunteers -----------------------------------------------------------


@transaction.atomic
def alliance_save(
    *,
    actor: AbstractBaseUser,
    alliance: Alliance | None = None,
    name: str,
    unit: Unit,
    focus: str,
    coordinators: Iterable[AbstractBaseUser] = (),
    active: bool = True,
) -> Alliance:
    """Create an alliance, or change one. The unit (old and new) must lie in
    the actor's subtree; its coordinators must be volunteer coordinators of
    the unit or of a unit above it (who can see it)."""
    _require(actor, "volunteers.change_alliance" if alliance else "volunteers.add_alliance")
    require_in_scope(actor, unit)
    if alliance is not None:
        require_in_scope(actor, alliance.unit)
    coordinators = list(coordinators)
    allowed = set(coordinator_users_for(unit).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in coordinators):
        raise ValidationError(
            {"coordinators": _("Coordinators must be volunteer coordinators of this unit.")}
        )
    alliance = alliance or Alliance()
    alliance.name, alliance.unit, alliance.focus, alliance.active = name, unit, focus, active
    _full_clean(alliance)
    alliance.save()
    alliance.coordinators.set(coordinators)
    return alliance


def _clean_volunteer_fields(phone: str, id_number: str) -> tuple[str, str]:
    return normalise_phone(phone), normalise_id_number(id_number)


@transaction.atomic
def volunteer_save(
    *,
    actor: AbstractBaseUser,
    volunteer: Volunteer | None = None,
    name: str,
    phone: str,
    unit: Unit,
    id_number: str = "",
    skills: str = "",
    active: bool = True,
) -> Volunteer:
    """Register a volunteer, or change one. One volunteer per phone number."""
    _require(actor, "volunteers.change_volunteer" if volunteer else "volunteers.add_volunteer")
    require_in_scope(actor, unit)
    if volunteer is not None:
        require_in_scope(actor, volunteer.unit)
    phone, id_number = _clean_volunteer_fields(phone, id_number)
    same_phone = Volunteer.objects.filter(phone=phone)
    if volunteer is not None:
        same_phone = same_phone.exclude(pk=volunteer.pk)
    if phone and same_phone.exists():
        raise ValidationError(
            {"phone": _("A volunteer with this phone number is already registered.")}
        )
    volunteer = volunteer or Volunteer()
    volunteer.name, volunteer.phone, volunteer.unit = name.strip(), phone, unit
    volunteer.id_number, volunteer.skills, volunteer.active = id_number, skills.strip(), active
    _full_clean(volunteer, validate_unique=False)
    volunteer.save()
    return volunteer


@transaction.atomic
def membership_save(
    *,
    actor: AbstractBaseUser,
    volunteer: Volunteer,
    alliance: Alliance,
    joined_on: datetime.date | None = None,
    role: str = Membership.Role.MEMBER,
) -> Membership:
    """Add a volunteer to an alliance, or change their role in it."""
    _require(actor, "volunteers.change_alliance")
    require_in_scope(actor, alliance.unit)
    require_in_scope(actor, volunteer.unit)
    joined_on = joined_on or timezone.localdate()
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("The date joined cannot be in the future.")})
    membership, _created = Membership.objects.get_or_create(
        volunteer=volunteer, alliance=alliance, defaults={"joined_on": joined_on, "role": role}
    )
    membership.joined_on, membership.role = joined_on, role
    _full_clean(membership, validate_unique=False)
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, actor: AbstractBaseUser, membership: Membership) -> None:
    _require(actor, "volunteers.change_alliance")
    require_in_scope(actor, membership.alliance.unit)
    membership.delete()


# Patrols ----------------------------------------------------------------------------


@transaction.atomic
def patrol_schedule(
    *,
    actor: AbstractBaseUser,
    alliance: Alliance,
    unit: Unit,
    area: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    volunteers_needed: int,
    beat: Unit | None = None,
) -> Patrol:
    """Plan a patrol of an alliance in a unit (and beat) of the actor's subtree."""
    _require(actor, "volunteers.add_patrol")
    require_in_scope(actor, alliance.unit)
    require_in_scope(actor, unit)
    if not alliance.active:
        raise ValidationError({"alliance": _("This alliance is no longer active.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A patrol must end after it starts.")})
    if beat is not None and not (beat.kind == Unit.Kind.BEAT and unit.contains(beat)):
        raise ValidationError({"beat": _("The beat must lie within the unit.")})
    if volunteers_needed < 1:
        raise ValidationError({"volunteers_needed": _("A patrol needs at least one volunteer.")})
    patrol = Patrol(
        alliance=alliance, unit=unit, beat=beat, area=area.strip(), starts_at=starts_at,
        ends_at=ends_at, volunteers_needed=volunteers_needed, created_by=actor,
    )
    _full_clean(patrol, exclude=["created_by"])
    patrol.save()
    return patrol


def _lock_patrol(patrol: Patrol, actor: AbstractBaseUser) -> Patrol:
    _require(actor, "volunteers.record_attendance")
    locked = Patrol.objects.select_for_update().select_related("alliance").get(pk=patrol.pk)
    require_in_scope(actor, locked.alliance.unit)
    return locked


def _closed_refusal(patrol: Patrol) -> TransitionError | None:
    if patrol.status in (Patrol.Status.DONE, Patrol.Status.CANCELLED):
        return TransitionError(
            _("This patrol is “%(status)s”: attendance can no longer change.")
            % {"status": patrol.get_status_display()},
            code="patrol_closed",
        )
    return None


def _refuse(refusal: TransitionError | None) -> None:
    if refusal is not None:
        raise refusal


def _refuse_closed(patrol: Patrol) -> None:
    _refuse(_closed_refusal(patrol))


@transaction.atomic
def patrol_sign_up(
    *, actor: AbstractBaseUser, patrol: Patrol, volunteer: Volunteer
) -> PatrolAttendance:
    """Sign a volunteer up for a patrol.

    Refused: a patrol done, cancelled or already ended; one that has the
    volunteers it needs; a volunteer already signed up, not an active member
    of the alliance, or signed up for another patrol at an overlapping time.
    The patrol and the volunteer are locked so neither limit can be beaten by
    two sign-ups at once.
    """
    locked = _lock_patrol(patrol, actor)
    person = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _refuse_closed(locked)
    now = timezone.now()
    if locked.ends_at <= now:
        raise TransitionError(_("This patrol has already ended."), code="patrol_ended")
    if not person.active or not Membership.objects.filter(
        volunteer=person, alliance=locked.alliance
    ).exists():
        raise ValidationError(
            {"volunteer": _("Only active members of the alliance can sign up for its patrols.")}
        )
    if locked.attendances.filter(volunteer=person).exists():
        raise TransitionError(_("This volunteer is already signed up."), code="already_signed_up")
    if locked.attendances.count() >= locked.volunteers_needed:
        raise TransitionError(
            _("This patrol already has the %(n)s volunteers it needs.")
            % {"n": locked.volunteers_needed},
            code="patrol_full",
        )
    clash = (
        PatrolAttendance.objects.filter(
            volunteer=person,
            patrol__starts_at__lt=locked.ends_at,
            patrol__ends_at__gt=locked.starts_at,
        )
        .exclude(patrol__status=Patrol.Status.CANCELLED)
        .select_related("patrol")
        .first()
    )
    if clash is not None:
        raise ValidationError({"volunteer": _(
            "%(name)s is already signed up for another patrol at that time (%(start)s)."
        ) % {
            "name": person.name,
            "start": timezone.localtime(clash.patrol.starts_at).strftime("%Y-%m-%d %H:%M"),
        }})
    return PatrolAttendance.objects.create(patrol=locked, volunteer=person, signed_up_at=now)


def _lock_attendance(locked_patrol: Patrol, volunteer: Volunteer) -> PatrolAttendance:
    attendance = (
        PatrolAttendance.objects.select_for_update()
        .filter(patrol=locked_patrol, volunteer=volunteer)
        .first()
    )
    if attendance is None:
        raise TransitionError(
            _("This volunteer is not signed up for this patrol."), code="not_signed_up"
        )
    return attendance


def attendance_refusal(
    action: str, patrol: Patrol, attendance: PatrolAttendance, *, now: datetime.datetime
) -> TransitionError | None:
    """Why ``action`` (check_in, check_out, undo_check_out, correct) cannot be
    done on ``attendance`` now, or None when it can.

    The one place these rules live: the services raise the refusal, the
    check-in sheet offers only the actions with none.
    """
    if action == "correct":
        if patrol.status == Patrol.Status.CANCELLED:
            return TransitionError(
                _("This patrol was cancelled: there is no attendance to correct."),
                code="patrol_cancelled",
            )
        if patrol.status == Patrol.Status.PLANNED:
            return TransitionError(
                _("Times can be corrected once the patrol is under way; use Check in."),
                code="not_started",
            )
        return None
    if (closed := _closed_refusal(patrol)) is not None:
        return closed
    if action == "check_in":
        if attendance.checked_in_at is not None:
            return TransitionError(_("This volunteer has already checked in."), code="already_in")
        if now < patrol.starts_at - EARLY_CHECK_IN:
            return TransitionError(
                _("Check-in opens an hour before the patrol starts."), code="too_early"
            )
        return None
    if action == "check_out":
        if attendance.checked_in_at is None:
            return TransitionError(
                _("This volunteer has not checked in, so cannot check out."),
                code="not_checked_in",
            )
        if attendance.checked_out_at is not None:
            return TransitionError(_("This volunteer has already checked out."), code="already_out")
        return None
    if action == "undo_check_out":
        if attendance.checked_out_at is None:
            return TransitionError(
                _("This volunteer has not checked out."), code="not_checked_out"
            )
        recorded = attendance.checked_out_recorded_at
        if recorded is None or now - recorded > UNDO_CHECK_OUT:
            return TransitionError(
                _("A check-out can only be undone within %(minutes)s minutes; "
                  "correct the times instead.") % {"minutes": UNDO_MINUTES},
                code="undo_expired",
            )
        return None
    raise ValueError(action)


def attendance_actions(
    patrol: Patrol, attendance: PatrolAttendance, *, now: datetime.datetime
) -> frozenset[str]:
    """The attendance actions the sheet offers now (none that would be refused)."""
    return frozenset(
        action for action in ATTENDANCE_ACTIONS
        if attendance_refusal(action, patrol, attendance, now=now) is None
    )


def patrol_complete_refusal(patrol: Patrol, *, now: datetime.datetime) -> TransitionError | None:
    """Why the patrol cannot be completed now, or None."""
    if (closed := _closed_refusal(patrol)) is not None:
        return closed
    if now < patrol.starts_at:
        return TransitionError(
            _("A patrol cannot be completed before it starts."), code="not_started"
        )
    return None


@transaction.atomic
def attendance_check_in(
    *,
    actor: AbstractBaseUser,
    patrol: Patrol,
    volunteer: Volunteer,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> PatrolAttendance:
    """Record that a signed-up volunteer arrived, and where when the phone
    sent its position; the patrol is then under way.

    Refused: a second check-in, a check-in on a closed patrol, or more than an
    hour before the patrol starts.
    """
    latitude, longitude = clean_location(latitude, longitude)
    locked = _lock_patrol(patrol, actor)
    _refuse_closed(locked)
    attendance = _lock_attendance(locked, volunteer)
    now = timezone.now()
    _refuse(attendance_refusal("check_in", locked, attendance, now=now))
    attendance.checked_in_at = now
    attendance.latitude, attendance.longitude = latitude, longitude
    attendance.save(update_fields=["checked_in_at", "latitude", "longitude"])
    if locked.status == Patrol.Status.PLANNED:
        locked.status = Patrol.Status.UNDER_WAY
        locked.save(update_fields=["status"])
    return attendance


@transaction.atomic
def attendance_check_out(
    *, actor: AbstractBaseUser, patrol: Patrol, volunteer: Volunteer
) -> PatrolAttendance:
    """Record that a volunteer left; the time between gives their hours.

    Refused: before check-in, or a second check-out.
    """
    locked = _lock_patrol(patrol, actor)
    _refuse_closed(locked)
    attendance = _lock_attendance(locked, volunteer)
    now = timezone.now()
    _refuse(attendance_refusal("check_out", locked, attendance, now=now))
    attendance.checked_out_at = max(now, attendance.checked_in_at)
    attendance.checked_out_recorded_at = now
    attendance.save(update_fields=["checked_out_at", "checked_out_recorded_at"])
    return attendance


@transaction.atomic
def attendance_undo_check_out(
    *, actor: AbstractBaseUser, patrol: Patrol, volunteer: Volunteer
) -> PatrolAttendance:
    """Take back a check-out pressed by mistake, within UNDO_CHECK_OUT of
    pressing it and while the patrol is open; later, correct the times."""
    locked = _lock_patrol(patrol, actor)
    attendance = _lock_attendance(locked, volunteer)
    _refuse(attendance_refusal("undo_check_out", locked, attendance, now=timezone.now()))
    attendance.checked_out_at = attendance.checked_out_recorded_at = None
    attendance.save(update_fields=["checked_out_at", "checked_out_recorded_at"])
    return attendance


def correction_errors(
    patrol: Patrol,
    checked_in_at: datetime.datetime,
    checked_out_at: datetime.datetime | None,
    *,
    now: datetime.datetime,
) -> dict[str, str]:
    """Field errors of corrected times: check-in from an hour before the
    patrol to its end, check-out after check-in and at most LATE_CHECK_OUT
    after the end, neither in the future; a finished patrol needs both."""
    errors = {}

    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    earliest = patrol.starts_at - EARLY_CHECK_IN
    if checked_in_at > now:
        errors["checked_in_at"] = _("The check-in time cannot be in the future.")
    elif not earliest <= checked_in_at <= patrol.ends_at:
        errors["checked_in_at"] = _(
            "Check-in must lie between %(start)s and the patrol's end, %(end)s."
        ) % {"start": local(earliest), "end": local(patrol.ends_at)}
    if checked_out_at is None:
        if patrol.status == Patrol.Status.DONE:
            errors["checked_out_at"] = _("The patrol is done: give the check-out time too.")
        return errors
    latest = patrol.ends_at + LATE_CHECK_OUT
    if checked_out_at > now:
        errors["checked_out_at"] = _("The check-out time cannot be in the future.")
    elif checked_out_at < checked_in_at:
        errors["checked_out_at"] = _("Check-out must come after check-in.")
    elif checked_out_at > latest:
        errors["checked_out_at"] = _(
            "Check-out must be no later than %(end)s, three hours after the patrol's end."
        ) % {"end": local(latest)}
    return errors


@transaction.atomic
def attendance_correct(
    *,
    actor: AbstractBaseUser,
    patrol: Patrol,
    volunteer: Volunteer,
    checked_in_at: datetime.datetime,
    checked_out_at: datetime.datetime | None = None,
    reason: str,
) -> PatrolAttendance:
    """Set a volunteer's check-in and check-out times to what really happened.

    For patrols under way or done (a planned one uses Check in; a cancelled
    one has no attendance). The reason is required and kept as the history
    row's change reason, so the record's History page says who changed the
    times, from what, to what, and why.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the times are corrected.")})
    locked = _lock_patrol(patrol, actor)
    attendance = _lock_attendance(locked, volunteer)
    now = timezone.now()
    _refuse(attendance_refusal("correct", locked, attendance, now=now))
    errors = correction_errors(locked, checked_in_at, checked_out_at, now=now)
    if errors:
        raise ValidationError(errors)
    attendance.checked_in_at, attendance.checked_out_at = checked_in_at, checked_out_at
    if checked_out_at is None:
        attendance.checked_out_recorded_at = None
    attendance._change_reason = reason[:CORRECTION_REASON_LENGTH]
    attendance.save(update_fields=["checked_in_at", "checked_out_at", "checked_out_recorded_at"])
    return attendance


@transaction.atomic
def patrol_complete(*, actor: AbstractBaseUser, patrol: Patrol, report: str) -> Patrol:
    """Close a patrol that has started, with a report of what was seen.

    Volunteers still checked in are checked out at the patrol's end (or now,
    if earlier), so no attendance is left open.
    """
    locked = _lock_patrol(patrol, actor)
    _refuse_closed(locked)
    if not report.strip():
        raise ValidationError({"report": _("Write a short report of what the patrol saw.")})
    now = timezone.now()
    _refuse(patrol_complete_refusal(locked, now=now))
    for attendance in locked.attendances.select_for_update().filter(
        checked_in_at__isnull=False, checked_out_at__isnull=True
    ):
        attendance.checked_out_at = max(min(now, locked.ends_at), attendance.checked_in_at)
        attendance.save(update_fields=["checked_out_at"])
    locked.status, locked.report = Patrol.Status.DONE, report.strip()
    locked.save(update_fields=["status", "report"])
    patrol.refresh_from_db()
    return patrol


@transaction.atomic
def patrol_cancel(*, actor: AbstractBaseUser, patrol: Patrol, note: str = "") -> Patrol:
    """Call off a planned patrol; once anyone has checked in it must be completed."""
    locked = _lock_patrol(patrol, actor)
    if locked.status != Patrol.Status.PLANNED:
        raise TransitionError(
            _("Only a planned patrol can be cancelled; this one is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_planned",
        )
    locked.status = Patrol.Status.CANCELLED
    if note.strip():
        locked.report = note.strip()
    locked.save(update_fields=["status", "report"])
    notifications_settle(subject=locked, kinds=[Notification.Kind.PATROL_SHORT])
    patrol.refresh_from_db()
    return patrol


# Tips -------------------------------------------------------------------------------


@transaction.atomic
def tip_submit(
    *,
    actor: AbstractBaseUser,
    alliance: Alliance,
    unit: Unit,
    kind: str,
    description: str,
    place: str,
    received_at: datetime.datetime | None = None,
    volunteer: Volunteer | None = None,
    patrol: Patrol | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Tip:
    """Pass a tip on to the officers of a station or beat (with where it was
    seen, if known)."""
    _require(actor, "volunteers.add_tip")
    latitude, longitude = clean_location(latitude, longitude)
    require_in_scope(actor, alliance.unit)
    require_in_scope(actor, unit)
    now = timezone.now()
    received_at = received_at or now
    check_received_at(received_at, now)
    if unit.kind not in (Unit.Kind.STATION, Unit.Kind.BEAT):
        raise ValidationError({"unit": _("Send the tip to a police station or a beat.")})
    if patrol is not None and patrol.alliance_id != alliance.pk:
        raise ValidationError({"patrol": _("The patrol must be one of the alliance's.")})
    if volunteer is not None and not volunteer.memberships.filter(alliance=alliance).exists():
        raise ValidationError({"volunteer": _("The volunteer must be a member of the alliance.")})
    tip = Tip(
        alliance=alliance, unit=unit, kind=kind, description=description.strip(),
        place=place.strip(), received_at=received_at, volunteer=volunteer, patrol=patrol,
        latitude=latitude, longitude=longitude, created_by=actor,
    )
    _full_clean(tip, exclude=["created_by"])
    tip.save()
    # The officers of the unit it is sent to (and of the station above a beat).
    notify(
        recipients=recipients_in_unit(
            unit, roles=[Officer.Role.OFFICER, Officer.Role.STATION_LEAD], include_above=True
        ),
        kind=Notification.Kind.TIP_RECEIVED, subject=tip, unit=unit, key=f"tip:{tip.pk}",
        label=f"{tip.get_kind_display()} · {tip.place or tip.description[:40]}",
    )
    return tip


# Which statuses each tip action may start from.
TIP_TRANSITIONS: dict[str, frozenset[str]] = {
    "verify": frozenset({Tip.Status.NEW}),
    "reject": frozenset({Tip.Status.NEW, Tip.Status.VERIFIED}),
    "convert": frozenset({Tip.Status.NEW, Tip.Status.VERIFIED}),
}


def _lock_tip(tip: Tip, actor: AbstractBaseUser, action: str) -> Tip:
    _require(actor, "volunteers.handle_tip")
    locked = Tip.objects.select_for_update().select_related("unit").get(pk=tip.pk)
    require_in_scope(actor, locked.unit)
    if locked.status == Tip.Status.CONVERTED and action == "convert":
        raise TransitionError(
            _("This tip has already been converted into a dispute."), code="already_converted"
        )
    if locked.status not in TIP_TRANSITIONS[action]:
        raise TransitionError(
            _("A tip that is “%(status)s” cannot be changed this way.")
            % {"status": locked.get_status_display()},
            code="tip_state",
        )
    return locked


def _handled(locked: Tip, tip: Tip, *, actor, status: str, note: str) -> Tip:
    locked.status, locked.handled_by, locked.handled_at = status, actor, timezone.now()
    locked.handling_note = note.strip()
    locked.save()
    # Handled once, for everybody it was sent to.
    notifications_settle(subject=locked, kinds=[Notification.Kind.TIP_RECEIVED])
    tip.refresh_from_db()
    return tip


@transaction.atomic
def tip_verify(*, actor: AbstractBaseUser, tip: Tip, note: str = "") -> Tip:
    """An officer confirms a new tip is true."""
    locked = _lock_tip(tip, actor, "verify")
    return _handled(locked, tip, actor=actor, status=Tip.Status.VERIFIED, note=note)


@transaction.atomic
def tip_reject(*, actor: AbstractBaseUser, tip: Tip, note: str) -> Tip:
    """An officer finds a tip unfounded; the reason is recorded."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the tip is rejected.")})
    locked = _lock_tip(tip, actor, "reject")
    return _handled(locked, tip, actor=actor, status=Tip.Status.REJECTED, note=note)


def tip_station(tip: Tip) -> tuple[Unit, Unit | None]:
    """The station a tip's dispute is registered at, and its beat if any."""
    unit = tip.unit
    if unit.kind == Unit.Kind.BEAT:
        return unit.parent, unit
    return unit, None


@transaction.atomic
def tip_convert(
    *,
    actor: AbstractBaseUser,
    tip: Tip,
    title: str,
    category: str,
    parties: Iterable[dispute_services.PartyData],
    summary: str = "",
    place: str = "",
):
    """Register the dispute a dispute tip reports, in the same transaction,
    and link the two both ways (tip.dispute / dispute.tip).

    Refused: a tip of another kind, or one already converted or rejected.
    The dispute service checks the actor, the station and the parties; if it
    refuses, the tip is left as it was.
    """
    locked = _lock_tip(tip, actor, "convert")
    if locked.kind != Tip.Kind.DISPUTE:
        raise TransitionError(
            _("Only a tip about a dispute can become a dispute; this one is “%(kind)s”.")
            % {"kind": locked.get_kind_display()},
            code="not_a_dispute_tip",
        )
    station, beat = tip_station(locked)
    dispute = dispute_services.dispute_register(
        actor=actor, unit=station, beat=beat, title=title, category=category,
        source=Source.VOLUNTEER_TIP, received_at=locked.received_at,
        place=place.strip() or locked.place, summary=summary.strip() or locked.description,
        parties=parties,
    )
    locked.dispute = dispute
    _handled(locked, tip, actor=actor, status=Tip.Status.CONVERTED, note=locked.handling_note)
    return dispute


# Outreach ---------------------------------------------------------------------------


@transaction.atomic
def outreach_record(
    *,
    actor: AbstractBaseUser,
    alliance: Alliance,
    date: datetime.date,
    theme: str,
    place: str,
    volunteers: Iterable[Volunteer] = (),
    households_reached: int = 0,
    people_reached: int = 0,
    notes: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Outreach:
    """Log an outreach session; the volunteers must be members of the alliance."""
    _require(actor, "volunteers.add_outreach")
    latitude, longitude = clean_location(latitude, longitude)
    require_in_scope(actor, alliance.unit)
    if date > timezone.localdate():
        raise ValidationError({"date": _("Outreach is logged after it took place.")})
    volunteers = list(volunteers)
    members = set(alliance.memberships.values_list("volunteer_id", flat=True))
    if any(v.pk not in members for v in volunteers):
        raise ValidationError({"volunteers": _("Only members of the alliance can be listed.")})
    if people_reached < 0 or households_reached < 0:
        raise ValidationError({"people_reached": _("Counts cannot be negative.")})
    outreach = Outreach(
        alliance=alliance, date=date, theme=theme, place=place.strip(),
        households_reached=households_reached, people_reached=people_reached,
        notes=notes.strip(), latitude=latitude, longitude=longitude, created_by=actor,
    )
    _full_clean(outreach, exclude=["created_by"])
    outreach.save()
    outreach.volunteers.set(volunteers)
    return outreach


# Import -----------------------------------------------------------------------------


@dataclass
class VolunteerRow:
    """One checked row of an imported sheet (see volunteers.imports)."""

    name: str
    phone: str
    id_number: str = ""
    skills: str = ""
    alliance_id: int | None = None
    joined_on: datetime.date | None = None
    role: str = Membership.Role.MEMBER
    row_number: int | None = None  # the row's line in the sheet, for messages


@transaction.atomic
def volunteers_import(*, actor: AbstractBaseUser, rows: Iterable[VolunteerRow], unit: Unit) -> int:
    """Register every row's volunteer (and membership), all or none.

    Rows are checked again here: a phone registered since the preview, or any
    invalid row, rolls the whole import back.
    """
    _require(actor, "volunteers.import_volunteers")
    require_in_scope(actor, unit)
    created = 0
    for index, row in enumerate(rows, start=1):
        try:
            volunteer = volunteer_save(
                actor=actor, name=row.name, phone=row.phone, unit=unit,
                id_number=row.id_number, skills=row.skills,
            )
            if row.alliance_id:
                alliance = Alliance.objects.select_related("unit").get(pk=row.alliance_id)
                membership_save(
                    actor=actor, volunteer=volunteer, alliance=alliance,
                    joined_on=row.joined_on, role=row.role,
                )
        except ValidationError as error:
            messages = "; ".join(error.messages)
            raise ValidationError(
                _("Row %(row)s: %(errors)s") % {"row": row.row_number or index, "errors": messages}
            ) from error
        created += 1
    return created


def coordinator_users_for(unit: Unit):
    """Users who may coordinate an alliance of ``unit``: the volunteer
    coordinators of that unit or of a unit above it."""
    ids = Officer.objects.filter(role=Officer.Role.COORDINATOR).filter(
        unit__path__in=unit.ancestor_paths()
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=ids)
