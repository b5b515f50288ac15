"""The figures of the monthly report (DESIGN.md §6), computed in the database.

Each count is defined once, as the queryset of the records behind it
(``records``); the report aggregates those same querysets, so a count and the
list it opens cannot disagree about what they mean. What each figure means is
written once, in ``DEFINITIONS``: the report, the dashboard, the exports and
the printable 口径说明 page show that text, and the functions below take it
as their docstring (``@defines``).

A unit's figures cover the unit and every unit below it, in calendar months
of Asia/Shanghai. A case counts where it was at the moment a figure looks at
(DESIGN.md §6, "Where a case counts, through time"): the unit holding a case
at an instant is read from its timeline — the registration and every transfer
record the unit they moved it to — so a later transfer, a late entry or the
order in which calls were linked never rewrites a past month.

The volunteer and enterprise sections come from the owning apps
(``volunteer_figures``, ``enterprise_figures``); the lists behind their counts
come from the same apps' ``*_figure_records`` selectors, with the same filters.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_noop

from disputes.models import (
    OPEN_STATUSES,
    Agreement,
    Category,
    Dispute,
    DisputeEvent,
    FollowUp,
    JudicialConfirmation,
    RiskLevel,
    Status,
    Track,
)
from enterprises import selectors as enterprise_selectors
from enterprises.models import EnterpriseRequest, EnterpriseVisit
from incidents.models import Incident
from reports.months import add_months, month_bounds
from units.conf import fengqiao
from units.models import Unit
from units.selectors import subtree_ids
from volunteers import selectors as volunteer_selectors
from volunteers.models import Outreach, Patrol, Tip

OUTCOME_EVENTS = (DisputeEvent.Kind.RESOLVED, DisputeEvent.Kind.FAILED)
# A case in one of these states at the end of a month had its outcome recorded.
SETTLED_STATUSES = (Status.RESOLVED, Status.UNRESOLVED, Status.CLOSED)


# ------------------------------------------------------------- definitions
# What every figure means, in the words of DESIGN.md §6. The one source of
# truth: the functions below take these as their docstrings, and the report,
# the dashboard, the exports and the 口径说明 page show them (translated).
# Rules that hold for every figure are in GENERAL.

GENERAL = (
    gettext_noop(
        "A month is a calendar month in Asia/Shanghai time: from 00:00:00 on its first day "
        "to 23:59:59 on its last day."
    ),
    gettext_noop("A unit's figures cover the unit and every unit below it."),
    gettext_noop(
        "A case counts where it was at the moment the figure looks at: a transfer moves it "
        "for later moments only, so a past month is not rewritten by it."
    ),
    gettext_noop(
        "A case entered late (received before a month's end, registered after it) counts in "
        "that month as received, and as open at its end at the unit that received it."
    ),
    gettext_noop(
        "A rate with nothing to divide by is shown as “no data”, never 0 % or 100 %."
    ),
    gettext_noop(
        "Month on month (环比) compares with the month before, year on year (同比) with the "
        "same month a year before, both computed from the records by the same rules. Against a "
        "month before the first record of the unit's subtree the change is “no data”."
    ),
)

DEFINITIONS = {
    "received": gettext_noop(
        "Disputes whose time received falls in the month, counted at the unit that received "
        "them (the unit they were registered at), however late they were entered."
    ),
    "concluded": gettext_noop(
        "Disputes whose outcome (resolved, or unresolved and referred) was recorded in the "
        "month, counted at the unit holding the case when the outcome was recorded. A case "
        "concluded, reopened and concluded again counts in each month it was concluded."
    ),
    "resolved": gettext_noop(
        "Of the disputes concluded in the month, those whose last outcome recorded in the "
        "month was “resolved”; counted where they were concluded."
    ),
    "resolution_rate": gettext_noop("Resolution rate (化解率) = resolved ÷ concluded."),
    "settled": gettext_noop(
        "Of the disputes received in the month, those in a concluded state (resolved, "
        "unresolved or closed) at the end of the month; a case reopened before the month "
        "ended does not count. Counted at the unit that received them."
    ),
    "settlement_rate": gettext_noop(
        "Settlement rate (调结率) = received and concluded by the end of the month ÷ received."
    ),
    "median_days": gettext_noop(
        "The median, over the disputes concluded in the month, of the days from the time "
        "received to the time the outcome was recorded."
    ),
    "open_at_end": gettext_noop(
        "Disputes received before the end of the month and open (registered, assessed or in "
        "mediation) at that moment, counted at the unit holding them then. A case not yet "
        "entered then counts as registered at the unit that received it."
    ),
    "overdue": gettext_noop(
        "Disputes open at the end of the month and past the track deadline they had then. "
        "A case not yet entered then has the deadline of the first track it was given, "
        "counted from the time received; a case never assessed has no deadline."
    ),
    "backlog": gettext_noop(
        "Long-standing backlog (陈年纠纷): disputes open at the end of the month and received "
        "more than 90 days before it."
    ),
    "high_risk_resolved": gettext_noop(
        "Disputes resolved in the month with risk level high (攻坚化解)."
    ),
    "incidents_linked": gettext_noop(
        "110 calls received in the month, at the unit that took them, linked to a dispute."
    ),
    "repeat_calls": gettext_noop(
        "Of the calls linked to a dispute, those about a dispute that already had an earlier "
        "call, by the calls' own times, whatever the order in which they were linked."
    ),
    "repeat_call_rate": gettext_noop("Repeat-call rate (重复报警率) = repeat calls ÷ calls linked."),
    "follow_ups_rated": gettext_noop(
        "Follow-ups done in the month with a satisfaction rating, counted at the unit holding "
        "the case when the follow-up was done."
    ),
    "follow_ups_satisfied": gettext_noop("Of the follow-ups rated in the month, those rated satisfied."),
    "satisfaction_rate": gettext_noop(
        "Follow-up satisfaction = rated satisfied ÷ follow-ups with a rating."
    ),
    "agreements_due": gettext_noop(
        "Disputes with a mediation agreement whose performance was due in the month, "
        "counted at the unit holding the case at the end of the month."
    ),
    "agreements_performed": gettext_noop(
        "Of those, the disputes whose agreement due in the month was recorded as performed."
    ),
    "agreements_breached": gettext_noop(
        "Of those, the disputes whose agreement due in the month was recorded as breached. "
        "A partly performed agreement counts as neither performed nor breached."
    ),
    "performance_rate": gettext_noop(
        "Performance rate = performed ÷ (performed + breached) of the agreements due in the month."
    ),
    "agreements_confirmed": gettext_noop(
        "Disputes whose agreement a court confirmed (司法确认) with a ruling dated in the "
        "month, counted at the unit holding the case at the end of the month."
    ),
    "by_track": gettext_noop(
        "Received, concluded, resolved and resolution rate for each track: the track the case "
        "was on at the month's end (received) or when its outcome was recorded (concluded, "
        "resolved); a case not yet assessed then has none."
    ),
    "by_category": gettext_noop(
        "Received, concluded, resolved and resolution rate for each category."
    ),
    # Volunteers
    "active_volunteers": gettext_noop("Volunteers of the unit's subtree active now."),
    "patrols_done": gettext_noop(
        "Patrols done that started in the month, counted at the patrol's own unit (an "
        "alliance of a sub-bureau patrolling a station's streets counts at that station)."
    ),
    "patrol_attendances": gettext_noop(
        "Volunteers checked in (人次) on patrols that started in the month, at the patrol's "
        "own unit."
    ),
    "patrol_hours": gettext_noop(
        "Hours from check-in to check-out of those attendances, at the patrol's own unit."
    ),
    "outreach_sessions": gettext_noop("Outreach dated in the month, at the alliance's unit."),
    "outreach_attendances": gettext_noop("Volunteers taking part (人次) in that outreach."),
    "households_reached": gettext_noop("Households that outreach reached."),
    "people_reached": gettext_noop("People that outreach reached."),
    "tips_received": gettext_noop("Tips received in the month by the unit they were sent to."),
    "tips_verified": gettext_noop("Of those, tips found true (verified or converted)."),
    "tips_converted": gettext_noop("Of those, tips converted into a dispute."),
    "tips_rejected": gettext_noop("Of those, tips rejected."),
    "tips_pending": gettext_noop("Of those, tips not yet handled."),
    # Enterprises
    "enterprises": gettext_noop("Active enterprises registered in the unit's subtree."),
    "visited": gettext_noop("Of those, enterprises visited at least once in the month."),
    "visited_ytd": gettext_noop("Enterprises visited at least once from 1 January to the month's end."),
    "visit_coverage": gettext_noop("Visit coverage = visited since 1 January ÷ enterprises."),
    "drilled_ytd": gettext_noop(
        "Enterprises with an emergency drill from 1 January to the month's end."
    ),
    "drill_coverage": gettext_noop("Drill coverage = drilled since 1 January ÷ enterprises."),
    "trained_ytd": gettext_noop(
        "Enterprises with security training from 1 January to the month's end."
    ),
    "training_coverage": gettext_noop("Training coverage = trained since 1 January ÷ enterprises."),
    "requests_received": gettext_noop("Enterprise requests received in the month."),
    "requests_resolved": gettext_noop("Enterprise requests resolved in the month."),
    "requests_overdue": gettext_noop(
        "Enterprise requests received by the month's last day, due on or before that day and "
        "not answered (resolved or declined) by the end of it."
    ),
    "median_days_to_resolve": gettext_noop(
        "The median days from receipt to resolution of the requests resolved in the month."
    ),
}


@dataclass(frozen=True)
class Period:
    unit: Unit
    month: datetime.date

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        return month_bounds(self.month)

    @property
    def days(self) -> tuple[datetime.date, datetime.date]:
        """The first and the last day of the month (both included)."""
        return self.month, add_months(self.month, 1) - datetime.timedelta(days=1)


def rate(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1], or None ("no data") when nothing was counted."""
    if not denominator:
        return None
    return round(numerator / denominator, 4)


def defines(key: str):
    """Give a figure's function the figure's definition as its docstring."""

    def decorate(function):
        function.__doc__ = f"{DEFINITIONS[key]}\n\n{function.__doc__ or ''}".strip()
        return function

    return decorate


# ------------------------------------------------------------- through time


def _unit_path_at(moment, case: str = "pk", current: str | None = "unit__path") -> Coalesce:
    """The path of the unit holding a case at ``moment`` (an instant or an
    expression): where the last registration or transfer before it put the
    case; before the case was entered at all, the unit it was registered at.
    ``case`` leads from the outer row to the case's id; ``current`` to its
    unit's path now (None: looked up by the case's id, so that rows of
    another table need no join with every case)."""
    placed = DisputeEvent.objects.filter(dispute=OuterRef(case), to_unit__isnull=False)
    before = placed.filter(at__lt=moment).order_by("-at", "-id").values("to_unit__path")[:1]
    now = (
        F(current) if current
        else Subquery(Dispute.objects.filter(pk=OuterRef(case)).values("unit__path")[:1])
    )
    return Coalesce(Subquery(before), _registered_path(case), now, output_field=CharField())


def _registered_path(case: str = "pk") -> Subquery:
    """The path of the unit a case was registered at (its first placement)."""
    placed = DisputeEvent.objects.filter(dispute=OuterRef(case), to_unit__isnull=False)
    return Subquery(placed.order_by("at", "id").values("to_unit__path")[:1])


# A unit above every tree (the rollups' build of a month reads them all at
# once, grouped by the unit where each record counts).
EVERYWHERE = Unit(path="", name="*")


def _whole_tree(unit: Unit) -> bool:
    """Whether ``unit`` is the top of the only tree (or ``EVERYWHERE``): every
    case is in its subtree at every moment, so where a case was need not be
    asked."""
    if unit is EVERYWHERE:
        return True
    return unit.parent_id is None and not Unit.objects.filter(parent__isnull=True).exclude(pk=unit.pk).exists()


def _ever_held(unit: Unit, prefix: str = "") -> Q:
    """Every case that is or ever was at ``unit`` or below it: held there now, or
    transferred away from there (a cheap, indexed pre-selection; each figure
    then asks where the case was at its own moment). ``prefix`` leads from the
    filtered model to the case (``"dispute__"`` for events)."""
    if _whole_tree(unit):
        return Q()
    # The subtree's unit ids (a few hundred at most) as a list: PostgreSQL then
    # looks the transfers up by their from_unit index instead of scanning them.
    units = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    left = DisputeEvent.objects.filter(
        kind=DisputeEvent.Kind.TRANSFERRED, from_unit_id__in=units
    ).values("dispute_id")
    return Q(**{f"{prefix}unit_id__in": units}) | Q(**{f"{prefix}pk__in": left})


def _status_at(moment) -> Coalesce:
    """A case's status at ``moment``: the state its last transition before then
    left it in; a case not yet entered then was waiting to be registered."""
    last = (
        DisputeEvent.objects.filter(dispute=OuterRef("pk"), at__lt=moment)
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    return Coalesce(Subquery(last), Value(Status.REGISTERED), output_field=CharField())


def _deadline_at(moment) -> Coalesce:
    """A case's track deadline at ``moment``: the one its last transition before
    then set. A case not yet entered then has the deadline of the track it was
    first given, counted from the time it was received."""
    last = (
        DisputeEvent.objects.filter(dispute=OuterRef("pk"), at__lt=moment)
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values("deadline")[:1]
    )
    entered = DisputeEvent.objects.filter(dispute=OuterRef("pk"), at__lt=moment)
    first_track = Subquery(
        DisputeEvent.objects.filter(dispute=OuterRef("pk"))
        .exclude(to_track="")
        .order_by("at", "id")
        .values("to_track")[:1]
    )
    late = Case(
        *[
            When(then=F("received_at") + datetime.timedelta(days=days), **{"first_track": track})
            for track, days in fengqiao("TRACK_DEADLINE_DAYS").items()
        ],
        default=None,
        output_field=DateTimeField(),
    )
    return Case(
        When(Exists(entered), then=Subquery(last)),
        default=late,
        output_field=DateTimeField(),
    ), first_track


def _track_at(moment, case: str = "pk") -> Coalesce:
    """The track a case was last given before ``moment`` ("" if none yet): the
    breakdown by track counts each case on the track it was on at the figure's
    moment, so a later change of track or a transfer does not move it."""
    last = (
        DisputeEvent.objects.filter(dispute=OuterRef(case), at__lt=moment)
        .exclude(to_track="")
        .order_by("-at", "-id")
        .values("to_track")[:1]
    )
    return Coalesce(Subquery(last), Value(""), output_field=CharField())


def _outcome_in(start, end, field: str = "kind"):
    """A field of a case's last outcome event within [start, end)."""
    return Subquery(
        DisputeEvent.objects.filter(
            dispute=OuterRef("pk"), kind__in=OUTCOME_EVENTS, at__gte=start, at__lt=end
        )
        .order_by("-at", "-id")
        .values(field)[:1]
    )


def _in_subtree(queryset: QuerySet, unit: Unit) -> QuerySet:
    """The cases that were in the unit's subtree at the figure's moment
    (``held_path``)."""
    if _whole_tree(unit):
        return queryset
    return queryset.filter(held_path__startswith=unit.path)


# ------------------------------------------------------------- dispute figures


@defines("received")
def received(period: Period) -> QuerySet[Dispute]:
    """Annotated with ``held_path`` (the unit it was registered at) and
    ``track_then`` (its track at the end of the month)."""
    start, end = period.bounds
    # The month's cases by the received_at index; where each was registered is
    # then read for those only.
    cases = Dispute.objects.filter(_ever_held(period.unit), received_at__gte=start, received_at__lt=end)
    cases = cases.annotate(
        held_path=Coalesce(_registered_path(), F("unit__path")), track_then=_track_at(end)
    )
    return _in_subtree(cases, period.unit)


def last_outcomes(period: Period) -> QuerySet[DisputeEvent]:
    """The outcome events that conclude a case in the month — each case's last
    outcome recorded in it — annotated with ``held_path`` (the unit holding the
    case then) and ``track_then`` (its track then). ``concluded`` lists their
    cases; the counts, the breakdowns and the median are aggregated from these
    events directly (one level of subqueries per event, not per case)."""
    start, end = period.bounds
    in_month = DisputeEvent.objects.filter(kind__in=OUTCOME_EVENTS, at__gte=start, at__lt=end)
    later = DisputeEvent.objects.filter(
        dispute=OuterRef("dispute"), kind__in=OUTCOME_EVENTS, at__lt=end
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
    events = in_month.exclude(Exists(later)).annotate(
        held_path=_unit_path_at(OuterRef("at"), case="dispute", current=None),
        track_then=_track_at(OuterRef("at"), case="dispute"),
    )
    return _in_subtree(events, period.unit)


@defines("concluded")
def concluded(period: Period) -> QuerySet[Dispute]:
    """The cases of ``last_outcomes``, annotated with ``outcome`` and
    ``outcome_at`` (the last outcome recorded in the month) and ``track_then``
    (the track then)."""
    start, end = period.bounds
    return Dispute.objects.filter(
        pk__in=last_outcomes(period).values("dispute_id")
    ).annotate(
        outcome=_outcome_in(start, end),
        outcome_at=_outcome_in(start, end, "at"),
        track_then=_track_at(OuterRef("outcome_at")),
    )


@defines("resolved")
def resolved(period: Period) -> QuerySet[Dispute]:
    return concluded(period).filter(outcome=DisputeEvent.Kind.RESOLVED)


@defines("high_risk_resolved")
def high_risk_resolved(period: Period) -> QuerySet[Dispute]:
    return resolved(period).filter(risk_level=RiskLevel.HIGH)


@defines("settled")
def settled(period: Period) -> QuerySet[Dispute]:
    _, end = period.bounds
    return received(period).annotate(status_then=_status_at(end)).filter(
        status_then__in=SETTLED_STATUSES
    )


@defines("open_at_end")
def open_at_end(period: Period) -> QuerySet[Dispute]:
    """Annotated with ``status_then``, ``deadline_then`` and ``held_path``.

    Only a case open now or changed since the month ended can have been open
    then without being open now (a case entered late was created since), so
    the look-back runs on those.
    """
    _, end = period.bounds
    deadline_then, first_track = _deadline_at(end)
    cases = (
        Dispute.objects.filter(_ever_held(period.unit), received_at__lt=end)
        .filter(Q(status__in=OPEN_STATUSES) | Q(updated_at__gte=end))
        .annotate(status_then=_status_at(end))
        .filter(status_then__in=OPEN_STATUSES)
        .annotate(held_path=_unit_path_at(end), first_track=first_track, deadline_then=deadline_then)
    )
    return _in_subtree(cases, period.unit)


def _backlog_cutoff(period: Period) -> datetime.datetime:
    return period.bounds[1] - datetime.timedelta(days=fengqiao("BACKLOG_DAYS"))


@defines("overdue")
def overdue(period: Period) -> QuerySet[Dispute]:
    _, end = period.bounds
    return open_at_end(period).filter(deadline_then__lt=end)


@defines("backlog")
def backlog(period: Period) -> QuerySet[Dispute]:
    return open_at_end(period).filter(received_at__lt=_backlog_cutoff(period))


@defines("incidents_linked")
def incidents_linked(period: Period) -> QuerySet[Incident]:
    """Annotated with ``repeat``: the case already had an earlier call."""
    start, end = period.bounds
    return Incident.objects.filter(
        unit__path__startswith=period.unit.path,
        received_at__gte=start,
        received_at__lt=end,
        dispute__isnull=False,
    ).annotate(repeat=_had_earlier_call())


def _had_earlier_call() -> Exists:
    """The call's case had a call before it, by the calls' own times (the
    same second: the one logged first)."""
    return Exists(
        Incident.objects.filter(dispute=OuterRef("dispute")).filter(
            Q(received_at__lt=OuterRef("received_at"))
            | Q(received_at=OuterRef("received_at"), pk__lt=OuterRef("pk"))
        )
    )


@defines("repeat_calls")
def repeat_calls(period: Period) -> QuerySet[Incident]:
    return incidents_linked(period).filter(repeat=True)


@defines("follow_ups_rated")
def follow_ups_rated(period: Period) -> QuerySet[FollowUp]:
    """Annotated with ``held_path``: the unit holding the case when the
    follow-up was done."""
    start, end = period.bounds
    done = FollowUp.objects.filter(
        _ever_held(period.unit, "dispute__"), done_at__gte=start, done_at__lt=end
    ).exclude(satisfaction="")
    done = done.annotate(
        held_path=_unit_path_at(OuterRef("done_at"), case="dispute", current=None)
    )
    return _in_subtree(done, period.unit)


@defines("follow_ups_satisfied")
def follow_ups_satisfied(period: Period) -> QuerySet[FollowUp]:
    return follow_ups_rated(period).filter(satisfaction=FollowUp.Satisfaction.SATISFIED)


# The lists behind every count of the report: figure key → records.
# ------------------------------------------------------------- agreements


def _held_at_end(cases: QuerySet, period: Period) -> QuerySet[Dispute]:
    _, end = period.bounds
    cases = cases.filter(_ever_held(period.unit)).annotate(held_path=_unit_path_at(end))
    return _in_subtree(cases, period.unit)


def _with_agreement_due(period: Period, **agreement) -> QuerySet[Dispute]:
    due = Agreement.objects.filter(
        dispute=OuterRef("pk"), performance_due__range=period.days, **agreement
    )
    return _held_at_end(Dispute.objects.filter(Exists(due)), period)


@defines("agreements_due")
def agreements_due(period: Period) -> QuerySet[Dispute]:
    return _with_agreement_due(period)


@defines("agreements_performed")
def agreements_performed(period: Period) -> QuerySet[Dispute]:
    return _with_agreement_due(period, performance=Agreement.Performance.PERFORMED)


@defines("agreements_breached")
def agreements_breached(period: Period) -> QuerySet[Dispute]:
    return _with_agreement_due(period, performance=Agreement.Performance.BREACHED)


@defines("agreements_confirmed")
def agreements_confirmed(period: Period) -> QuerySet[Dispute]:
    ruling = JudicialConfirmation.objects.filter(
        agreement__dispute=OuterRef("pk"),
        outcome=JudicialConfirmation.Outcome.CONFIRMED,
        decided_on__range=period.days,
    )
    return _held_at_end(Dispute.objects.filter(Exists(ruling)), period)


def agreement_figures(period: Period) -> dict:
    """The agreements' figures of the month: four counts, one query each."""
    due = agreements_due(period).count()
    performed = agreements_performed(period).count()
    breached = agreements_breached(period).count()
    return {
        "agreements_due": due,
        "agreements_performed": performed,
        "agreements_breached": breached,
        "performance_rate": rate(performed, performed + breached),
        "agreements_confirmed": agreements_confirmed(period).count(),
    }


RECORDS = {
    "received": received,
    "concluded": concluded,
    "resolved": resolved,
    "settled": settled,
    "overdue": overdue,
    "backlog": backlog,
    "high_risk_resolved": high_risk_resolved,
    "incidents_linked": incidents_linked,
    "repeat_calls": repeat_calls,
    "follow_ups_rated": follow_ups_rated,
    "follow_ups_satisfied": follow_ups_satisfied,
    "agreements_due": agreements_due,
    "agreements_performed": agreements_performed,
    "agreements_breached": agreements_breached,
    "agreements_confirmed": agreements_confirmed,
}

# Counts that may be broken down by track or category on the report page.
BREAKDOWNS = {"track": Track, "category": Category}
BREAKDOWN_FIGURES = ("received", "concluded", "resolved")
# The track asked for to list the cases not yet assessed.
NO_TRACK = "none"


def records(key: str, period: Period, *, track: str = "", category: str = "") -> QuerySet:
    """The records behind the count ``key`` (a dispute count may be narrowed
    to a track or a category; a section's count may not)."""
    if key in SECTION_RECORDS:
        if track or category:
            raise ValueError(key)
        return section_records(key, period)
    queryset = RECORDS[key](period)
    if track:
        queryset = queryset.filter(track_then="" if track == NO_TRACK else track)
    if category:
        queryset = queryset.filter(category=category)
    return queryset


def _durations(period: Period) -> QuerySet[DisputeEvent]:
    """``last_outcomes`` annotated with ``took``: from the time received to the outcome."""
    return last_outcomes(period).annotate(
        took=ExpressionWrapper(
            F("at") - Subquery(Dispute.objects.filter(pk=OuterRef("dispute")).values("received_at")[:1]),
            output_field=DurationField(),
        )
    )


@defines("median_days")
def median_days_to_conclusion(period: Period, count: int | None = None) -> float | None:
    """Found in the database by ordering and offset so that it works on SQLite
    as on PostgreSQL. ``count``: the number concluded, when already known."""
    durations = _durations(period).order_by("took").values_list("took", flat=True)
    n = durations.count() if count is None else count
    if n == 0:
        return None
    middle = list(durations[(n - 1) // 2 : n // 2 + 1])
    total = sum((d for d in middle), datetime.timedelta())
    return round(total.total_seconds() / len(middle) / 86400, 1)


def _empty_entry() -> dict:
    return {"received": 0, "concluded": 0, "resolved": 0}


def _grouped_counts(period: Period) -> dict:
    """Received, settled, concluded, resolved and high-risk resolved, in total
    and by track and by category: one grouped query on the received cases and
    one on the concluded ones (the groups are sums, not records)."""
    _, end = period.bounds
    totals = {"received": 0, "settled": 0, "concluded": 0, "resolved": 0, "high_risk_resolved": 0}
    by = {field: {value: _empty_entry() for value in BREAKDOWNS[field].values} for field in BREAKDOWNS}
    fields = ("track_then", "category")
    arrived = (
        received(period)
        .annotate(status_then=_status_at(end))
        .order_by()
        .values(*fields)
        .annotate(n=Count("pk"), settled=Count("pk", filter=Q(status_then__in=SETTLED_STATUSES)))
    )
    for row in arrived:
        totals["received"] += row["n"]
        totals["settled"] += row["settled"]
        for field, name in zip(fields, BREAKDOWNS):
            by[name].setdefault(row[field], _empty_entry())["received"] += row["n"]
    resolved_then = Q(kind=DisputeEvent.Kind.RESOLVED)
    outcomes = (
        last_outcomes(period)
        .order_by()
        .values("track_then", category=F("dispute__category"))
        .annotate(
            n=Count("pk"),
            ok=Count("pk", filter=resolved_then),
            high=Count("pk", filter=resolved_then & Q(dispute__risk_level=RiskLevel.HIGH)),
        )
    )
    for row in outcomes:
        totals["concluded"] += row["n"]
        totals["resolved"] += row["ok"]
        totals["high_risk_resolved"] += row["high"]
        for field, name in zip(fields, BREAKDOWNS):
            entry = by[name].setdefault(row[field], _empty_entry())
            entry["concluded"] += row["n"]
            entry["resolved"] += row["ok"]
    for rows in by.values():
        for entry in rows.values():
            entry["resolution_rate"] = rate(entry["resolved"], entry["concluded"])
    # Cases not yet assessed have no track: they are counted under "".
    return {**totals, **{f"by_{field}": rows for field, rows in by.items()}}


def branch_figures(period: Period) -> dict[str, dict]:
    """The ranking figures of each unit directly below ``period.unit``, keyed by
    the child's path: received, concluded, resolved, resolution rate, overdue
    and backlog. Grouped in the database on the path prefix, at the child
    level, of the unit each case counts at, from the same record querysets as
    the report: three queries, however many children."""
    branch = Substr("held_path", 1, len(period.unit.path) + 7)

    def grouped(queryset, **aggregates) -> dict[str, dict]:
        rows = queryset.order_by().annotate(branch=branch).values("branch").annotate(**aggregates)
        return {row.pop("branch"): row for row in rows}

    end = period.bounds[1]
    parts = [
        grouped(received(period), received=Count("pk")),
        grouped(
            last_outcomes(period),
            concluded=Count("pk"),
            resolved=Count("pk", filter=Q(kind=DisputeEvent.Kind.RESOLVED)),
        ),
        grouped(
            open_at_end(period),
            overdue=Count("pk", filter=Q(deadline_then__lt=end)),
            backlog=Count("pk", filter=Q(received_at__lt=_backlog_cutoff(period))),
        ),
    ]
    result: dict[str, dict] = {}
    for part in parts:
        for path, row in part.items():
            result.setdefault(path, {}).update(row)
    for row in result.values():
        for key in ("received", "concluded", "resolved", "overdue", "backlog"):
            row.setdefault(key, 0)
        row["resolution_rate"] = rate(row["resolved"], row["concluded"])
    return result


def dispute_figures(period: Period) -> dict:
    """Every dispute, incident and follow-up figure of the month."""
    counts = _grouped_counts(period)
    end = period.bounds[1]
    still_open = open_at_end(period).order_by().aggregate(
        overdue=Count("pk", filter=Q(deadline_then__lt=end)),
        backlog=Count("pk", filter=Q(received_at__lt=_backlog_cutoff(period))),
    )
    calls = incidents_linked(period).order_by().aggregate(
        linked=Count("pk"), repeat=Count("pk", filter=Q(_had_earlier_call()))
    )
    ratings = follow_ups_rated(period).order_by().aggregate(
        rated=Count("pk"),
        satisfied=Count("pk", filter=Q(satisfaction=FollowUp.Satisfaction.SATISFIED)),
    )
    return dispute_section(
        {
            **counts,
            "overdue": still_open["overdue"],
            "backlog": still_open["backlog"],
            "incidents_linked": calls["linked"],
            "repeat_calls": calls["repeat"],
            "follow_ups_rated": ratings["rated"],
            "follow_ups_satisfied": ratings["satisfied"],
            **agreement_figures(period),
        },
        median_days=median_days_to_conclusion(period, counts["concluded"]),
        by_track=counts["by_track"],
        by_category=counts["by_category"],
    )


def dispute_section(counts: dict, *, median_days, by_track: dict, by_category: dict) -> dict:
    """The dispute figures from their counts (the keys of RECORDS): the rates
    are derived here once, whether the counts come from the records
    (``dispute_figures``) or from the rollups (``reports.rollups``)."""
    performed, breached = counts["agreements_performed"], counts["agreements_breached"]
    return {
        "received": counts["received"],
        "concluded": counts["concluded"],
        "resolved": counts["resolved"],
        "resolution_rate": rate(counts["resolved"], counts["concluded"]),
        "settled": counts["settled"],
        "settlement_rate": rate(counts["settled"], counts["received"]),
        "median_days": median_days,
        "overdue": counts["overdue"],
        "backlog": counts["backlog"],
        "high_risk_resolved": counts["high_risk_resolved"],
        "incidents_linked": counts["incidents_linked"],
        "repeat_calls": counts["repeat_calls"],
        "repeat_call_rate": rate(counts["repeat_calls"], counts["incidents_linked"]),
        "follow_ups_rated": counts["follow_ups_rated"],
        "follow_ups_satisfied": counts["follow_ups_satisfied"],
        "satisfaction_rate": rate(counts["follow_ups_satisfied"], counts["follow_ups_rated"]),
        "agreements_due": counts["agreements_due"],
        "agreements_performed": performed,
        "agreements_breached": breached,
        "performance_rate": rate(performed, performed + breached),
        "agreements_confirmed": counts["agreements_confirmed"],
        "by_track": by_track,
        "by_category": by_category,
    }


# Every count and rate of the dispute figures, compared month on month and
# year on year (and, for each track and category, BREAKDOWN_COMPARED).
COMPARED = (
    "received", "concluded", "resolved", "resolution_rate", "settled", "settlement_rate",
    "median_days", "overdue", "backlog", "high_risk_resolved", "incidents_linked",
    "repeat_calls", "repeat_call_rate", "follow_ups_rated", "follow_ups_satisfied",
    "satisfaction_rate", "agreements_due", "agreements_performed", "agreements_breached",
    "performance_rate", "agreements_confirmed",
)
BREAKDOWN_COMPARED = ("received", "concluded", "resolved", "resolution_rate")


# ----------------------------------------------------- volunteers and enterprises

VOLUNTEERS, ENTERPRISES = "volunteers", "enterprises"
SECTIONS = (VOLUNTEERS, ENTERPRISES)
# The figures of the enterprise section kept in the report (the selector also
# returns the unit and the dates, which a JSON snapshot cannot hold).
ENTERPRISE_KEYS = (
    "enterprises", "visited", "visited_ytd", "drilled_ytd", "trained_ytd", "visit_coverage",
    "drill_coverage", "training_coverage", "requests_received", "requests_resolved",
    "requests_overdue", "median_days_to_resolve",
)
# The counts and rates of each section compared month on month and year on year.
SECTION_COMPARED = {
    VOLUNTEERS: (
        "active_volunteers", "patrols_done", "patrol_attendances", "patrol_hours",
        "outreach_sessions", "outreach_attendances", "households_reached", "people_reached",
        "tips_received", "tips_verified", "tips_converted", "tips_rejected", "tips_pending",
    ),
    ENTERPRISES: (
        "enterprises", "visited", "visited_ytd", "visit_coverage", "drilled_ytd",
        "drill_coverage", "trained_ytd", "training_coverage", "requests_received",
        "requests_resolved", "requests_overdue", "median_days_to_resolve",
    ),
}


def volunteer_section(period: Period) -> dict:
    """Volunteers, patrols, outreach and tips of the unit's subtree in the month."""
    start, end = period.days
    return volunteer_selectors.volunteer_figures(unit=period.unit, start=start, end=end)


def enterprise_section(period: Period) -> dict:
    """Enterprises, visits (coverage year to date) and requests of the subtree."""
    start, end = period.days
    data = enterprise_selectors.enterprise_figures(unit=period.unit, start=start, end=end)
    return {key: data[key] for key in ENTERPRISE_KEYS}


# The lists behind the counts of the sections: drill-down key → (section, key of
# the count in the section and in the owning app's records, permission to read them).
# A permission is needed because these lists name volunteers and enterprises,
# which not everyone who reads the report may see (the owning apps' rule).
SECTION_RECORDS = {
    "active_volunteers": (VOLUNTEERS, "active_volunteers", "volunteers.view_volunteer"),
    "patrols_done": (VOLUNTEERS, "patrols_done", "volunteers.view_patrol"),
    "patrol_attendances": (VOLUNTEERS, "patrol_attendances", "volunteers.view_patrol"),
    "outreach": (VOLUNTEERS, "outreach_sessions", "volunteers.view_outreach"),
    "outreach_attendances": (VOLUNTEERS, "outreach_attendances", "volunteers.view_outreach"),
    "tips_received": (VOLUNTEERS, "tips_received", "volunteers.view_tip"),
    "tips_verified": (VOLUNTEERS, "tips_verified", "volunteers.view_tip"),
    "tips_converted": (VOLUNTEERS, "tips_converted", "volunteers.view_tip"),
    "tips_rejected": (VOLUNTEERS, "tips_rejected", "volunteers.view_tip"),
    "tips_pending": (VOLUNTEERS, "tips_pending", "volunteers.view_tip"),
    "enterprises": (ENTERPRISES, "enterprises", "enterprises.view_enterprise"),
    "enterprises_visited": (ENTERPRISES, "visited", "enterprises.view_enterprise"),
    "enterprises_visited_ytd": (ENTERPRISES, "visited_ytd", "enterprises.view_enterprise"),
    "enterprises_drilled_ytd": (ENTERPRISES, "drilled_ytd", "enterprises.view_enterprise"),
    "enterprises_trained_ytd": (ENTERPRISES, "trained_ytd", "enterprises.view_enterprise"),
    "requests_received": (ENTERPRISES, "requests_received", "enterprises.view_enterpriserequest"),
    "requests_resolved": (ENTERPRISES, "requests_resolved", "enterprises.view_enterpriserequest"),
    "requests_overdue": (ENTERPRISES, "requests_overdue", "enterprises.view_enterpriserequest"),
}
RECORD_KEYS = frozenset(RECORDS) | frozenset(SECTION_RECORDS)


def section_records(key: str, period: Period) -> QuerySet:
    section, figure, _perm = SECTION_RECORDS[key]
    start, end = period.days
    source = (
        volunteer_selectors.volunteer_figure_records
        if section == VOLUNTEERS
        else enterprise_selectors.enterprise_figure_records
    )
    return source(unit=period.unit, start=start, end=end)[figure]


def record_keys_for(user) -> frozenset[str]:
    """The drill-down lists ``user`` may open (the dispute lists: all of them)."""
    allowed = {key for key, (_s, _f, perm) in SECTION_RECORDS.items() if user.has_perm(perm)}
    return frozenset(RECORDS) | frozenset(allowed)


def snapshot_count(data: dict, key: str) -> int | None:
    """The count a stored report holds for a drill-down key; None if it has none."""
    if key in SECTION_RECORDS:
        section, figure, _perm = SECTION_RECORDS[key]
        return (data.get(section) or {}).get(figure)
    return data.get(key)


def _diff(now, then) -> float | None:
    return None if now is None or then is None else round(now - then, 4)


def change(current: dict, earlier: dict | None) -> dict:
    """Differences for each compared figure; None where either side has no
    data, and everywhere when there is nothing to compare with (``earlier``
    None: a month before the unit's first record).

    A section's differences sit under the section's key, each track's and
    category's under ``by_track`` and ``by_category``."""
    earlier = earlier or {}
    result = {key: _diff(current.get(key), earlier.get(key)) for key in COMPARED}
    for field in BREAKDOWNS:
        now, then = current.get(f"by_{field}") or {}, earlier.get(f"by_{field}") or {}
        result[f"by_{field}"] = {
            value: _breakdown_change(entry, then.get(value), bool(earlier)) for value, entry in now.items()
        }
    for section, keys in SECTION_COMPARED.items():
        if section not in current:
            continue
        now, then = current[section] or {}, earlier.get(section) or {}
        result[section] = {key: _diff(now.get(key), then.get(key)) for key in keys}
    return result


def _breakdown_change(now: dict, then: dict | None, compared: bool) -> dict:
    if then is None and compared:
        # Nothing of this track or category then: no cases, and no rate.
        then = {key: None if key == "resolution_rate" else 0 for key in BREAKDOWN_COMPARED}
    return {key: _diff(now.get(key), (then or {}).get(key)) for key in BREAKDOWN_COMPARED}


COMPARISONS = (("month_on_month", -1), ("year_on_year", -12))


def records_before(unit: Unit, day: datetime.date) -> bool:
    """Whether the unit's subtree has a record (a case ever held there, a
    call, a patrol, outreach, a tip, an enterprise visit or request) dated
    before ``day``, in Asia/Shanghai days: for the first day of a month, whether
    the subtree's first record is from an earlier month. One query, which
    stops at the first record found through indexes led by the unit."""
    return records_before_days(unit, [day])[day]


def records_before_days(unit: Unit, days: list[datetime.date]) -> dict[datetime.date, bool]:
    """``records_before`` of each of ``days``, in one query."""
    days = sorted(set(days))
    found = (
        Unit.objects.filter(pk=unit.pk)
        .values_list(*[ExpressionWrapper(_recorded_before(unit, day), output_field=BooleanField())
                       for day in days])
        .first()
    )
    return {day: bool(found and found[index]) for index, day in enumerate(days)}


def _recorded_before(unit: Unit, day: datetime.date) -> Q:
    moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    units = subtree_ids(unit)
    # Every case ever held in the subtree (as ``_ever_held``), the units as a
    # subquery: a literal list of a city's thousand units, twice, took
    # PostgreSQL longer to plan than the query takes to run.
    left = DisputeEvent.objects.filter(kind=DisputeEvent.Kind.TRANSFERRED, from_unit_id__in=units)
    sources = [
        Dispute.objects.filter(Q(unit_id__in=units) | Q(pk__in=left.values("dispute_id")),
                               received_at__lt=moment),
        Incident.objects.filter(unit_id__in=units, received_at__lt=moment),
        Patrol.objects.filter(unit_id__in=units, starts_at__lt=moment),
        Tip.objects.filter(unit_id__in=units, received_at__lt=moment),
        Outreach.objects.filter(alliance__unit_id__in=units, date__lt=day),
        EnterpriseVisit.objects.filter(enterprise__unit_id__in=units, visited_on__lt=day),
        EnterpriseRequest.objects.filter(enterprise__unit_id__in=units, received_on__lt=day),
    ]
    condition = Q(Exists(sources[0]))
    for source in sources[1:]:
        condition |= Q(Exists(source))
    return condition


def comparisons(period: Period, current: dict, *, figures_of=None, recorded_before=None) -> dict:
    """环比 and 同比 of ``current`` (the figures of ``period``), each computed
    from the records by the same rules (``figures_of(period)``, by default
    ``all_figures``); "no data" against a month before the first record of the
    subtree (``recorded_before(unit, day)``, by default ``records_before``:
    whether a record is dated before the day after that month)."""
    figures_of = figures_of or all_figures
    recorded_before = recorded_before or records_before
    result, recorded = {}, False
    # The earliest month first: a record before its end is before the later one's.
    for name, months in sorted(COMPARISONS, key=lambda pair: pair[1]):
        month = add_months(period.month, months)
        recorded = recorded or recorded_before(period.unit, add_months(month, 1))
        earlier = figures_of(Period(unit=period.unit, month=month)) if recorded else None
        result[name] = change(current, earlier)
    return {name: result[name] for name, _months in COMPARISONS}


def all_figures(period: Period) -> dict:
    """The whole report: dispute figures, and the volunteer and enterprise sections."""
    data = dispute_figures(period)
    data[VOLUNTEERS] = volunteer_section(period)
    data[ENTERPRISES] = enterprise_section(period)
    return data


# ------------------------------------------------------------- per unit
# The rollups (``reports.rollups``) keep the dispute figures of each unit on
# its own. They are computed here, from the same record querysets as the
# report's lists, grouped by the unit each record counts at: the rollup-derived
# figures and the drill-down lists then agree by construction, and
# ``manage.py rebuild_rollups`` reproduces the rows from the records.


@dataclass
class UnitFigures:
    """One unit's own counts of one month (the fields of ``Rollup``), its
    breakdown by (track, category) and the durations to conclusion."""

    counts: dict
    breakdown: dict
    durations: list


def per_unit_figures(period: Period, *, own: bool = False) -> dict[str, UnitFigures]:
    """The dispute figures of ``period``, by the path of the unit where each
    record counts, for every unit of ``period.unit``'s subtree (``own``: for
    ``period.unit`` alone). Eight grouped queries, however many units."""
    only = {"held_path": period.unit.path} if own else {}
    _, end = period.bounds
    result: dict[str, UnitFigures] = {}

    def unit(path: str) -> UnitFigures:
        if path not in result:
            result[path] = UnitFigures(counts={}, breakdown={}, durations=[])
        return result[path]

    def add(path: str, **counts) -> None:
        target = unit(path).counts
        for key, value in counts.items():
            target[key] = target.get(key, 0) + value

    def add_breakdown(path: str, track: str, category: str, **counts) -> None:
        entry = unit(path).breakdown.setdefault((track or "", category), _empty_entry())
        for key, value in counts.items():
            entry[key] += value

    arrived = (
        received(period).annotate(status_then=_status_at(end)).filter(**only).order_by()
        .values("held_path", "track_then", "category")
        .annotate(n=Count("pk"), settled=Count("pk", filter=Q(status_then__in=SETTLED_STATUSES)))
    )
    for row in arrived:
        add(row["held_path"], received=row["n"], settled=row["settled"])
        add_breakdown(row["held_path"], row["track_then"], row["category"], received=row["n"])
    resolved_then = Q(kind=DisputeEvent.Kind.RESOLVED)
    outcomes = (
        last_outcomes(period).filter(**only).order_by()
        .values("held_path", "track_then", category=F("dispute__category"))
        .annotate(
            n=Count("pk"),
            ok=Count("pk", filter=resolved_then),
            high=Count("pk", filter=resolved_then & Q(dispute__risk_level=RiskLevel.HIGH)),
        )
    )
    for row in outcomes:
        add(row["held_path"], concluded=row["n"], resolved=row["ok"], high_risk_resolved=row["high"])
        add_breakdown(row["held_path"], row["track_then"], row["category"],
                      concluded=row["n"], resolved=row["ok"])
    for path, took in _durations(period).filter(**only).values_list("held_path", "took"):
        unit(path).durations.append(_microseconds(took))
    stock = (
        open_at_end(period).filter(**only).order_by().values("held_path").annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(deadline_then__lt=end)),
            backlog=Count("pk", filter=Q(received_at__lt=_backlog_cutoff(period))),
        )
    )
    for row in stock:
        add(row["held_path"], open_at_end=row["open"], overdue=row["overdue"], backlog=row["backlog"])
    calls = incidents_linked(period).order_by()
    if own:
        calls = calls.filter(unit=period.unit)
    for row in calls.values(held_path=F("unit__path")).annotate(
        n=Count("pk"), repeat=Count("pk", filter=Q(_had_earlier_call()))
    ):
        add(row["held_path"], incidents_linked=row["n"], repeat_calls=row["repeat"])
    for row in follow_ups_rated(period).filter(**only).order_by().values("held_path").annotate(
        n=Count("pk"), ok=Count("pk", filter=Q(satisfaction=FollowUp.Satisfaction.SATISFIED))
    ):
        add(row["held_path"], follow_ups_rated=row["n"], follow_ups_satisfied=row["ok"])
    for key in ("agreements_due", "agreements_performed", "agreements_breached", "agreements_confirmed"):
        for row in RECORDS[key](period).filter(**only).order_by().values("held_path").annotate(n=Count("pk")):
            add(row["held_path"], **{key: row["n"]})
    return result


def _microseconds(took) -> int:
    if isinstance(took, datetime.timedelta):
        return took // datetime.timedelta(microseconds=1)
    return int(took)  # a backend that hands the duration over as microseconds


def median_of(microseconds: list[int]) -> float | None:
    """The median of sorted durations, in days to one decimal (as
    ``median_days_to_conclusion``)."""
    if not microseconds:
        return None
    n = len(microseconds)
    middle = microseconds[(n - 1) // 2 : n // 2 + 1]
    return round(sum(middle) / 10**6 / len(middle) / 86400, 1)


# ------------------------------------------------------- sections per unit
# The volunteer and enterprise sections kept in rollups (``RollupSection``):
# each count grouped by the unit its record counts at, from the owning apps'
# record querysets (``*_figure_records``, the lists the report opens), so the
# rows, the report and its lists agree by construction.

# Drill-down records of each section count → the path from the record to the
# unit it counts at.
SECTION_UNIT_FIELDS = {
    "patrols_done": "unit_id",
    "patrol_attendances": "patrol__unit_id",
    "outreach_sessions": "alliance__unit_id",
    "outreach_attendances": "outreach__alliance__unit_id",
    "tips_received": "unit_id",
    "tips_verified": "unit_id",
    "tips_converted": "unit_id",
    "tips_rejected": "unit_id",
    "tips_pending": "unit_id",
    "visited": "unit_id",
    "visited_ytd": "unit_id",
    "drilled_ytd": "unit_id",
    "trained_ytd": "unit_id",
    "requests_received": "enterprise__unit_id",
    "requests_resolved": "enterprise__unit_id",
    "requests_overdue": "enterprise__unit_id",
}
# The counts of the sections that are not per month: read from the records.
SECTION_NOW = {"active_volunteers": VOLUNTEERS, "enterprises": ENTERPRISES}


@dataclass
class UnitSections:
    """One unit's own section counts of one month (the fields of
    ``RollupSection``) and the days to resolve each request resolved then."""

    counts: dict
    days: list


def section_records_of(period: Period) -> dict[str, QuerySet]:
    """Every list behind a count of the two sections for ``period``."""
    start, end = period.days
    return {
        **volunteer_selectors.volunteer_figure_records(unit=period.unit, start=start, end=end),
        **enterprise_selectors.enterprise_figure_records(unit=period.unit, start=start, end=end),
    }


def _request_days() -> ExpressionWrapper:
    # As enterprises.selectors._median_days: the local day resolved − the day received.
    return ExpressionWrapper(
        TruncDate("resolved_at") - F("received_on"), output_field=DurationField()
    )


def per_unit_sections(period: Period, *, own: bool = False) -> dict[int, UnitSections]:
    """The section counts of ``period`` by the id of the unit each record
    counts at, for every unit of ``period.unit``'s subtree (``own``: for
    ``period.unit`` alone). One grouped query per count, however many units."""
    records = section_records_of(period)
    result: dict[int, UnitSections] = {}

    def unit(unit_id: int) -> UnitSections:
        if unit_id not in result:
            result[unit_id] = UnitSections(counts={}, days=[])
        return result[unit_id]

    def grouped(key: str, **aggregates):
        field = SECTION_UNIT_FIELDS[key]
        queryset = records[key].order_by()
        if own:
            queryset = queryset.filter(**{field: period.unit.pk})
        return queryset.values(counted_at=F(field)).annotate(n=Count("pk"), **aggregates)

    for key in SECTION_UNIT_FIELDS:
        extra = {}
        if key == "patrol_attendances":
            extra["took"] = Sum(
                ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), output_field=DurationField()),
                filter=Q(checked_out_at__isnull=False),
            )
        elif key == "outreach_sessions":
            extra = {"households": Sum("households_reached"), "people": Sum("people_reached")}
        for row in grouped(key, **extra):
            counts = unit(row["counted_at"]).counts
            counts[key] = row["n"]
            if key == "patrol_attendances":
                counts["patrol_microseconds"] = _microseconds(row["took"]) if row["took"] else 0
            elif key == "outreach_sessions":
                counts["households_reached"] = row["households"] or 0
                counts["people_reached"] = row["people"] or 0
    resolved = records["requests_resolved"].order_by()
    if own:
        resolved = resolved.filter(enterprise__unit=period.unit)
    for unit_id, took in resolved.annotate(took=_request_days()).values_list("enterprise__unit_id", "took"):
        unit(unit_id).days.append(took.days if isinstance(took, datetime.timedelta) else int(took))
    return result


def sections_from(counts: dict, *, now: dict, middle_days: list[int]) -> dict:
    """The two sections (as ``volunteer_section`` and ``enterprise_section``)
    from their counts summed over a subtree, the counts of now
    (``SECTION_NOW``) and the middle one or two of the sorted days to resolve."""
    hours = counts["patrol_microseconds"] / 10**6
    volunteers = {
        "active_volunteers": now["active_volunteers"],
        **{key: counts[key] for key in (
            "patrols_done", "patrol_attendances")},
        "patrol_hours": round(hours / 3600, 1) if counts["patrol_microseconds"] else 0.0,
        **{key: counts[key] for key in (
            "outreach_sessions", "outreach_attendances", "households_reached", "people_reached",
            "tips_received", "tips_verified", "tips_converted", "tips_rejected", "tips_pending")},
    }
    total = now["enterprises"]
    enterprises = {
        "enterprises": total,
        "visited": counts["visited"],
        "visited_ytd": counts["visited_ytd"],
        "drilled_ytd": counts["drilled_ytd"],
        "trained_ytd": counts["trained_ytd"],
        "visit_coverage": rate(counts["visited_ytd"], total),
        "drill_coverage": rate(counts["drilled_ytd"], total),
        "training_coverage": rate(counts["trained_ytd"], total),
        "requests_received": counts["requests_received"],
        "requests_resolved": counts["requests_resolved"],
        "requests_overdue": counts["requests_overdue"],
        # As enterprises.selectors._median_days, to the same rounding.
        "median_days_to_resolve": (
            round(sum(middle_days) * 86400 / len(middle_days) / 86400, 1) if middle_days else None
        ),
    }
    return {VOLUNTEERS: volunteers, ENTERPRISES: {key: enterprises[key] for key in ENTERPRISE_KEYS}}
