"""Reads of the volunteers app, already limited to the user's unit subtree.

Alliances, patrols and outreach are scoped by the alliance's unit, volunteers
by their own unit, tips by the unit they were sent to. Another unit's record
is a 404 (get_object_or_404 on the scoped queryset).
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from units.bundle import read_aggregates
from units.models import Unit
from units.selectors import scope_q
from volunteers.models import (
    Alliance,
    Membership,
    Outreach,
    Patrol,
    PatrolAttendance,
    Tip,
    Volunteer,
)


def _scoped(model, user: AbstractBaseUser, perm: str, field: str) -> QuerySet:
    if not user.has_perm(perm):
        return model.objects.none()
    return model.objects.filter(scope_q(user, field))


# Alliances and volunteers -------------------------------------------------------------


def alliance_list(*, user: AbstractBaseUser) -> QuerySet[Alliance]:
    """Alliances of the user's subtree with their member count."""
    return (
        _scoped(Alliance, user, "volunteers.view_alliance", "unit")
        .select_related("unit")
        .prefetch_related("coordinators")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "id")
    )


def alliance_choices(*, user: AbstractBaseUser) -> QuerySet[Alliance]:
    """Alliances of the user's subtree by name, for a choice of one: without
    the member counts and coordinators the list reads for each (a city's
    patrol week counted every membership of its alliances to name them)."""
    return _scoped(Alliance, user, "volunteers.view_alliance", "unit").order_by("name", "id")


def alliance_get(*, user: AbstractBaseUser, pk: int) -> Alliance:
    return get_object_or_404(alliance_list(user=user), pk=pk)


def alliance_roster(*, alliance: Alliance) -> QuerySet[Membership]:
    """The alliance's members, leaders first, with each one's patrol count."""
    return (
        alliance.memberships.select_related("volunteer", "volunteer__unit")
        .annotate(
            patrols=Count(
                "volunteer__attendances",
                filter=Q(
                    volunteer__attendances__patrol__alliance=alliance,
                    volunteer__attendances__checked_in_at__isnull=False,
                ),
            )
        )
        .order_by("-role", "volunteer__name")
    )


def volunteer_list(*, user: AbstractBaseUser) -> QuerySet[Volunteer]:
    return (
        _scoped(Volunteer, user, "volunteers.view_volunteer", "unit")
        .select_related("unit")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("alliance"))
        )
    )


def volunteer_get(*, user: AbstractBaseUser, pk: int) -> Volunteer:
    return get_object_or_404(volunteer_list(user=user), pk=pk)


def volunteer_history(*, volunteer: Volunteer) -> dict:
    """A volunteer's patrols (with hours), outreach and tips with what became
    of them, and their totals."""
    attendances = volunteer.attendances.select_related("patrol", "patrol__alliance").order_by(
        "-patrol__starts_at"
    )
    totals = volunteer.attendances.aggregate(
        patrols=Count("id", filter=Q(checked_in_at__isnull=False)),
        duration=Sum(_duration(""), filter=Q(checked_out_at__isnull=False)),
    )
    return {
        "attendances": attendances,
        "tips": volunteer.tips.select_related("dispute", "unit", "alliance").order_by(
            "-received_at"
        ),
        "outreach": volunteer.outreach.select_related("alliance").order_by("-date"),
        "patrol_count": totals["patrols"],
        "hours": _hours(totals["duration"]),
    }


def _duration(prefix: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        F(f"{prefix}checked_out_at") - F(f"{prefix}checked_in_at"), output_field=DurationField()
    )


def _hours(duration: datetime.timedelta | None) -> float:
    return round(duration.total_seconds() / 3600, 1) if duration else 0.0


# Patrols ---------------------------------------------------------------------------


def patrol_list(*, user: AbstractBaseUser) -> QuerySet[Patrol]:
    """Patrols of the user's alliances, with how many have signed up."""
    return (
        _scoped(Patrol, user, "volunteers.view_patrol", "alliance__unit")
        .select_related("alliance", "unit", "beat")
        .annotate(signed_up=Count("attendances"))
        .order_by("starts_at", "id")
    )


def patrol_get(*, user: AbstractBaseUser, pk: int) -> Patrol:
    return get_object_or_404(patrol_list(user=user), pk=pk)


def patrol_sheet(*, patrol: Patrol) -> QuerySet[PatrolAttendance]:
    return patrol.attendances.select_related("volunteer").order_by("volunteer__name")


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def local_day_bounds(start: datetime.date, end: datetime.date) -> tuple:
    """Aware datetimes from the start of ``start`` to the end of ``end``
    (exclusive), in the project's time zone."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def patrols_in_week(patrols: QuerySet[Patrol], monday: datetime.date) -> QuerySet[Patrol]:
    """The patrols starting in the week from ``monday`` (local days), by start:
    what the week page shows and its export holds."""
    low, high = local_day_bounds(monday, monday + datetime.timedelta(days=6))
    return patrols.filter(starts_at__gte=low, starts_at__lt=high).order_by("starts_at", "id")


def patrol_week(
    *, user: AbstractBaseUser, monday: datetime.date, patrols: QuerySet[Patrol] | None = None
) -> list[dict]:
    """Seven days from ``monday``, each with its patrols (by local start day).

    ``patrols`` may be a filtered patrol_list; one query whatever the count.
    """
    queryset = patrols if patrols is not None else patrol_list(user=user)
    days = [{"date": monday + datetime.timedelta(days=i), "patrols": []} for i in range(7)]
    for patrol in patrols_in_week(queryset, monday):
        patrol.understaffed = (
            patrol.status in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY)
            and patrol.signed_up < patrol.volunteers_needed
        )
        day = timezone.localtime(patrol.starts_at).date()
        days[(day - monday).days]["patrols"].append(patrol)
    return days


# Tips --------------------------------------------------------------------------------


def tip_list(*, user: AbstractBaseUser) -> QuerySet[Tip]:
    """Tips sent to a unit of the user's subtree."""
    return _scoped(Tip, user, "volunteers.view_tip", "unit").select_related(
        "alliance", "unit", "volunteer", "handled_by", "dispute"
    )


def tip_get(*, user: AbstractBaseUser, pk: int) -> Tip:
    return get_object_or_404(tip_list(user=user), pk=pk)


def tips_for_officer_home(*, user: AbstractBaseUser) -> QuerySet[Tip]:
    """New and verified tips waiting for the officers of the user's subtree,
    oldest first (they have waited longest)."""
    return tip_list(user=user).filter(status__in=[Tip.Status.NEW, Tip.Status.VERIFIED]).order_by(
        "received_at", "id"
    )


def tip_for_dispute(*, user: AbstractBaseUser, dispute) -> Tip | None:
    """The tip a dispute was converted from, if the user may see it."""
    return tip_list(user=user).filter(dispute=dispute).first()


# Outreach ------------------------------------------------------------------------------


def outreach_list(*, user: AbstractBaseUser) -> QuerySet[Outreach]:
    return (
        _scoped(Outreach, user, "volunteers.view_outreach", "alliance__unit")
        .select_related("alliance")
        .annotate(volunteer_count=Count("volunteers"))
        .order_by("-date", "-id")
    )


def outreach_get(*, user: AbstractBaseUser, pk: int) -> Outreach:
    return get_object_or_404(outreach_list(user=user).prefetch_related("volunteers"), pk=pk)


# Figures -------------------------------------------------------------------------------


def volunteer_figures(
    *,
    start: datetime.date,
    end: datetime.date,
    unit: Unit | None = None,
    units_q: Q | None = None,
    alliance: Alliance | None = None,
) -> dict:
    """The volunteer figures of DESIGN.md §6 for a unit subtree (or an
    alliance) and the days ``start``..``end`` inclusive, in Asia/Shanghai.

    ``unit`` means the unit and everything below it; ``units_q`` is a filter
    on Unit for other selections (e.g. ``Q(path__startswith=...)``); given
    both, both apply. Patrols and their attendances count at the patrol's own
    unit, outreach at the alliance's unit, volunteers at their own unit, tips
    at the unit they were sent to.

    - active_volunteers: volunteers active now (of the alliance: its members)
    - patrols_done: patrols done that started in the period
    - patrol_attendances (人次): sign-ups checked in, of patrols started in the period
    - patrol_hours: their hours (check-out minus check-in), to one decimal
    - outreach_sessions, outreach_attendances (volunteer participations),
      households_reached, people_reached: outreach dated in the period
    - tips_received (received in the period) and of those: tips_verified
      (found true: verified or converted), tips_converted, tips_rejected,
      tips_pending (new)

    One query whatever the volume; callable by the monthly report.
    """
    units = Unit.objects.all()
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    if units_q is not None:
        units = units.filter(units_q)
    low, high = local_day_bounds(start, end)

    volunteers = Volunteer.objects.filter(active=True, unit__in=units)
    # Patrols count at the patrol's own unit, whoever's alliance walks it.
    patrols = Patrol.objects.filter(unit__in=units, starts_at__gte=low, starts_at__lt=high)
    attendances = PatrolAttendance.objects.filter(
        patrol__unit__in=units, patrol__starts_at__gte=low, patrol__starts_at__lt=high,
        checked_in_at__isnull=False,
    )
    outreach = Outreach.objects.filter(alliance__unit__in=units, date__gte=start, date__lte=end)
    taking_part = Outreach.volunteers.through.objects.filter(outreach__in=outreach)
    tips = Tip.objects.filter(unit__in=units, received_at__gte=low, received_at__lt=high)
    if alliance is not None:
        volunteers = volunteers.filter(memberships__alliance=alliance)
        patrols = patrols.filter(alliance=alliance)
        attendances = attendances.filter(patrol__alliance=alliance)
        outreach = outreach.filter(alliance=alliance)
        taking_part = Outreach.volunteers.through.objects.filter(outreach__in=outreach)
        # An alliance's tips are those it sent, wherever they went.
        tips = Tip.objects.filter(alliance=alliance, received_at__gte=low, received_at__lt=high)

    S = Tip.Status
    # The six aggregates in one query (units.bundle.read_aggregates).
    figures = read_aggregates({
        "volunteers": (volunteers, {"active": Count("id", distinct=True)}),
        "patrols": (patrols.filter(status=Patrol.Status.DONE), {"done": Count("id")}),
        "attendance": (attendances, {
            "count": Count("id"),
            "duration": Sum(_duration(""), filter=Q(checked_out_at__isnull=False)),
        }),
        "outreach": (outreach, {
            "sessions": Count("id"),
            "households": Sum("households_reached"),
            "people": Sum("people_reached"),
        }),
        "taking_part": (taking_part, {"count": Count("id")}),
        "tips": (tips, {
            "received": Count("id"),
            "verified": Count("id", filter=Q(status__in=[S.VERIFIED, S.CONVERTED])),
            "converted": Count("id", filter=Q(status=S.CONVERTED)),
            "rejected": Count("id", filter=Q(status=S.REJECTED)),
            "pending": Count("id", filter=Q(status=S.NEW)),
        }),
    })
    attendance, reached, tip_counts = figures["attendance"], figures["outreach"], figures["tips"]
    return {
        "active_volunteers": figures["volunteers"]["active"],
        "patrols_done": figures["patrols"]["done"],
        "patrol_attendances": attendance["count"],
        "patrol_hours": _hours(attendance["duration"]),
        "outreach_sessions": reached["sessions"],
        "outreach_attendances": figures["taking_part"]["count"],
        "households_reached": reached["households"] or 0,
        "people_reached": reached["people"] or 0,
        "tips_received": tip_counts["received"],
        "tips_verified": tip_counts["verified"],
        "tips_converted": tip_counts["converted"],
        "tips_rejected": tip_counts["rejected"],
        "tips_pending": tip_counts["pending"],
    }


def volunteer_figure_records(
    *, unit: Unit, start: datetime.date, end: datetime.date
) -> dict[str, QuerySet]:
    """The records behind each count of ``volunteer_figures`` for ``unit`` and
    everything below it, days ``start``..``end`` inclusive: the same filters,
    as lists (the monthly report opens them). Keyed like the figures:
    active_volunteers, patrols_done, patrol_attendances, outreach_sessions,
    outreach_attendances (rows of outreach × volunteer), tips_received,
    tips_verified, tips_converted, tips_rejected, tips_pending.

    Not limited to a user: the caller has checked that ``unit`` is in scope.
    """
    units = Unit.objects.filter(path__startswith=unit.path)
    low, high = local_day_bounds(start, end)
    patrols = Patrol.objects.filter(unit__in=units, starts_at__gte=low, starts_at__lt=high)
    outreach = Outreach.objects.filter(alliance__unit__in=units, date__gte=start, date__lte=end)
    tips = Tip.objects.filter(unit__in=units, received_at__gte=low, received_at__lt=high)
    S = Tip.Status
    return {
        "active_volunteers": Volunteer.objects.filter(active=True, unit__in=units),
        "patrols_done": patrols.filter(status=Patrol.Status.DONE),
        "patrol_attendances": PatrolAttendance.objects.filter(
            patrol__unit__in=units, patrol__starts_at__gte=low,
            patrol__starts_at__lt=high, checked_in_at__isnull=False,
        ),
        "outreach_sessions": outreach,
        "outreach_attendances": Outreach.volunteers.through.objects.filter(outreach__in=outreach),
        "tips_received": tips,
        "tips_verified": tips.filter(status__in=[S.VERIFIED, S.CONVERTED]),
        "tips_converted": tips.filter(status=S.CONVERTED),
        "tips_rejected": tips.filter(status=S.REJECTED),
        "tips_pending": tips.filter(status=S.NEW),
    }
