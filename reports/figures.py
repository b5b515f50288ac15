"""The figures of the monthly report (DESIGN.md §6), computed in the database.

Each count is defined once, as the queryset of the records behind it
(``records``); the report aggregates those same querysets, so a count and the
list it opens cannot disagree about what they mean.

A unit's figures cover the unit and every unit below it. A dispute counts
for the unit it belongs to now (a transferred case moves with its figures).
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from disputes.models import (
    OPEN_STATUSES,
    Category,
    Dispute,
    DisputeEvent,
    FollowUp,
    RiskLevel,
    Track,
)
from policing.conf import fengqiao
from policing.models import Incident, Unit
from reports.months import month_bounds

OUTCOME_EVENTS = (DisputeEvent.Kind.RESOLVED, DisputeEvent.Kind.FAILED)


@dataclass(frozen=True)
class Period:
    unit: Unit
    month: datetime.date

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        return month_bounds(self.month)


def rate(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1], or None ("no data") when nothing was counted."""
    if not denominator:
        return None
    return round(numerator / denominator, 4)


def _disputes(period: Period) -> QuerySet[Dispute]:
    return Dispute.objects.filter(unit__path__startswith=period.unit.path)


def _outcome_in(start, end):
    """The kind of a dispute's last outcome event within [start, end)."""
    return Subquery(
        DisputeEvent.objects.filter(
            dispute=OuterRef("pk"), kind__in=OUTCOME_EVENTS, at__gte=start, at__lt=end
        )
        .order_by("-at", "-id")
        .values("kind")[:1]
    )


def _last_transition_before(moment, field: str):
    return Subquery(
        DisputeEvent.objects.filter(dispute=OuterRef("pk"), at__lt=moment)
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values(field)[:1]
    )


def received(period: Period) -> QuerySet[Dispute]:
    start, end = period.bounds
    return _disputes(period).filter(received_at__gte=start, received_at__lt=end)


def concluded(period: Period) -> QuerySet[Dispute]:
    """Disputes whose outcome (resolved or unresolved) was recorded in the month,
    annotated with ``outcome`` — the last one recorded in the month."""
    start, end = period.bounds
    return (
        _disputes(period)
        .annotate(outcome=_outcome_in(start, end))
        .filter(outcome__isnull=False)
    )


def resolved(period: Period) -> QuerySet[Dispute]:
    return concluded(period).filter(outcome=DisputeEvent.Kind.RESOLVED)


def high_risk_resolved(period: Period) -> QuerySet[Dispute]:
    return resolved(period).filter(risk_level=RiskLevel.HIGH)


def settled(period: Period) -> QuerySet[Dispute]:
    """Of the disputes received in the month, those concluded by its end."""
    _, end = period.bounds
    outcome = DisputeEvent.objects.filter(dispute=OuterRef("pk"), kind__in=OUTCOME_EVENTS, at__lt=end)
    return received(period).filter(Exists(outcome))


def open_at_end(period: Period) -> QuerySet[Dispute]:
    """Disputes open at the end of the month, with ``deadline_then``.

    Only a dispute open now or changed since the month ended can have been
    open then without being open now, so the costly look-back runs on those.
    """
    _, end = period.bounds
    return (
        _disputes(period)
        .filter(received_at__lt=end)
        .filter(Q(status__in=OPEN_STATUSES) | Q(updated_at__gte=end))
        .annotate(
            status_then=_last_transition_before(end, "to_status"),
            deadline_then=_last_transition_before(end, "deadline"),
        )
        .filter(status_then__in=OPEN_STATUSES)
    )


def overdue(period: Period) -> QuerySet[Dispute]:
    _, end = period.bounds
    return open_at_end(period).filter(deadline_then__lt=end)


def backlog(period: Period) -> QuerySet[Dispute]:
    _, end = period.bounds
    cutoff = end - datetime.timedelta(days=fengqiao("BACKLOG_DAYS"))
    return open_at_end(period).filter(received_at__lt=cutoff)


def incidents_linked(period: Period) -> QuerySet[Incident]:
    start, end = period.bounds
    return Incident.objects.filter(
        unit__path__startswith=period.unit.path,
        received_at__gte=start,
        received_at__lt=end,
        dispute__isnull=False,
    )


def repeat_calls(period: Period) -> QuerySet[Incident]:
    return incidents_linked(period).filter(is_repeat=True)


def follow_ups_rated(period: Period) -> QuerySet[FollowUp]:
    start, end = period.bounds
    return FollowUp.objects.filter(
        dispute__unit__path__startswith=period.unit.path,
        done_at__gte=start,
        done_at__lt=end,
    ).exclude(satisfaction="")


def follow_ups_satisfied(period: Period) -> QuerySet[FollowUp]:
    return follow_ups_rated(period).filter(satisfaction=FollowUp.Satisfaction.SATISFIED)


# The lists behind every count of the report: figure key → records.
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
}

# Counts that may be broken down by track or category on the report page.
BREAKDOWNS = {"track": Track, "category": Category}
BREAKDOWN_FIGURES = ("received", "concluded", "resolved")


def records(key: str, period: Period, *, track: str = "", category: str = "") -> QuerySet:
    queryset = RECORDS[key](period)
    if track:
        queryset = queryset.filter(track=track)
    if category:
        queryset = queryset.filter(category=category)
    return queryset


def median_days_to_conclusion(period: Period) -> float | None:
    """The median of (outcome time − received) over disputes concluded in the
    month, in days. Found in the database by ordering and offset so that it
    works on SQLite as on PostgreSQL."""
    start, end = period.bounds
    outcome_at = Subquery(
        DisputeEvent.objects.filter(
            dispute=OuterRef("pk"), kind__in=OUTCOME_EVENTS, at__gte=start, at__lt=end
        )
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    durations = (
        concluded(period)
        .annotate(
            took=ExpressionWrapper(outcome_at - F("received_at"), output_field=DurationField())
        )
        .order_by("took")
        .values_list("took", flat=True)
    )
    n = durations.count()
    if n == 0:
        return None
    middle = list(durations[(n - 1) // 2 : n // 2 + 1])
    total = sum((d for d in middle), datetime.timedelta())
    return round(total.total_seconds() / len(middle) / 86400, 1)


def _breakdown(period: Period, field: str) -> dict:
    rows = {value: {"received": 0, "concluded": 0, "resolved": 0} for value in BREAKDOWNS[field].values}
    for row in received(period).order_by().values(field).annotate(n=Count("pk")):
        rows.setdefault(row[field], {"received": 0, "concluded": 0, "resolved": 0})["received"] = row["n"]
    outcomes = (
        concluded(period)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(outcome=DisputeEvent.Kind.RESOLVED)))
    )
    for row in outcomes:
        entry = rows.setdefault(row[field], {"received": 0, "concluded": 0, "resolved": 0})
        entry["concluded"], entry["resolved"] = row["n"], row["ok"]
    for entry in rows.values():
        entry["resolution_rate"] = rate(entry["resolved"], entry["concluded"])
    # Cases not yet assessed have no track: they are counted under "".
    return rows


def dispute_figures(period: Period) -> dict:
    """Every dispute, incident and follow-up figure of the month."""
    outcome = concluded(period).order_by().aggregate(
        concluded=Count("pk"),
        resolved=Count("pk", filter=Q(outcome=DisputeEvent.Kind.RESOLVED)),
        high_risk_resolved=Count(
            "pk", filter=Q(outcome=DisputeEvent.Kind.RESOLVED, risk_level=RiskLevel.HIGH)
        ),
    )
    end = period.bounds[1]
    cutoff = end - datetime.timedelta(days=fengqiao("BACKLOG_DAYS"))
    still_open = open_at_end(period).order_by().aggregate(
        overdue=Count("pk", filter=Q(deadline_then__lt=end)),
        backlog=Count("pk", filter=Q(received_at__lt=cutoff)),
    )
    calls = incidents_linked(period).order_by().aggregate(
        linked=Count("pk"), repeat=Count("pk", filter=Q(is_repeat=True))
    )
    ratings = follow_ups_rated(period).order_by().aggregate(
        rated=Count("pk"),
        satisfied=Count("pk", filter=Q(satisfaction=FollowUp.Satisfaction.SATISFIED)),
    )
    received_count = received(period).count()
    settled_count = settled(period).count()
    return {
        "received": received_count,
        "concluded": outcome["concluded"],
        "resolved": outcome["resolved"],
        "resolution_rate": rate(outcome["resolved"], outcome["concluded"]),
        "settled": settled_count,
        "settlement_rate": rate(settled_count, received_count),
        "median_days": median_days_to_conclusion(period),
        "overdue": still_open["overdue"],
        "backlog": still_open["backlog"],
        "high_risk_resolved": outcome["high_risk_resolved"],
        "incidents_linked": calls["linked"],
        "repeat_calls": calls["repeat"],
        "repeat_call_rate": rate(calls["repeat"], calls["linked"]),
        "follow_ups_rated": ratings["rated"],
        "follow_ups_satisfied": ratings["satisfied"],
        "satisfaction_rate": rate(ratings["satisfied"], ratings["rated"]),
        "by_track": _breakdown(period, "track"),
        "by_category": _breakdown(period, "category"),
    }


# The headline counts and rates compared month on month and year on year.
COMPARED = (
    "received", "concluded", "resolved", "resolution_rate", "settled", "settlement_rate",
    "median_days", "overdue", "backlog", "high_risk_resolved", "repeat_calls",
    "repeat_call_rate", "satisfaction_rate",
)


def change(current: dict, earlier: dict | None) -> dict:
    """Differences for each compared figure; None where either side has no data."""
    result = {}
    for key in COMPARED:
        now, then = current.get(key), (earlier or {}).get(key)
        result[key] = None if now is None or then is None else round(now - then, 4)
    return result


def all_figures(period: Period) -> dict:
    """The whole report: dispute figures plus those other modules provide."""
    return dispute_figures(period)
