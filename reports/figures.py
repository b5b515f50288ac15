"""The figures of the monthly report (DESIGN.md §6), computed in the database.

Each count is defined once, as the queryset of the records behind it
(``records``); the report aggregates those same querysets, so a count and the
list it opens cannot disagree about what they mean.

A unit's figures cover the unit and every unit below it. A dispute counts
for the unit it belongs to now (a transferred case moves with its figures).

The volunteer and enterprise sections come from the owning apps
(``volunteer_figures``, ``enterprise_figures``); the lists behind their counts
come from the same apps' ``*_figure_records`` selectors, with the same filters.
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
from django.db.models.functions import Substr

from disputes.models import (
    OPEN_STATUSES,
    Category,
    Dispute,
    DisputeEvent,
    FollowUp,
    RiskLevel,
    Track,
)
from enterprises import selectors as enterprise_selectors
from incidents.models import Incident
from reports.months import add_months, month_bounds
from units.conf import fengqiao
from units.models import Unit
from volunteers import selectors as volunteer_selectors

OUTCOME_EVENTS = (DisputeEvent.Kind.RESOLVED, DisputeEvent.Kind.FAILED)


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
    # The indexed look-up of the month's outcome events (event_kind_at_idx)
    # narrows the disputes first; the per-row subquery then runs only on those
    # instead of on every dispute of the subtree (issue 6 benchmark).
    outcome_events = DisputeEvent.objects.filter(
        kind__in=OUTCOME_EVENTS, at__gte=start, at__lt=end
    ).values("dispute_id")
    return (
        _disputes(period)
        .filter(pk__in=outcome_events)
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
    """The records behind the count ``key`` (a dispute count may be narrowed
    to a track or a category; a section's count may not)."""
    if key in SECTION_RECORDS:
        if track or category:
            raise ValueError(key)
        return section_records(key, period)
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


def branch_figures(period: Period) -> dict[str, dict]:
    """The ranking figures of each unit directly below ``period.unit``, keyed by
    the child's path: received, concluded, resolved, resolution rate, overdue
    and backlog. Grouped in the database on the path prefix of the child level
    from the same record querysets as the report: four queries, however many
    children."""
    branch = Substr("unit__path", 1, len(period.unit.path) + 7)

    def grouped(queryset, **aggregates) -> dict[str, dict]:
        rows = queryset.order_by().annotate(branch=branch).values("branch").annotate(**aggregates)
        return {row.pop("branch"): row for row in rows}

    end = period.bounds[1]
    cutoff = end - datetime.timedelta(days=fengqiao("BACKLOG_DAYS"))
    parts = [
        grouped(received(period), received=Count("pk")),
        grouped(
            concluded(period),
            concluded=Count("pk"),
            resolved=Count("pk", filter=Q(outcome=DisputeEvent.Kind.RESOLVED)),
        ),
        grouped(
            open_at_end(period),
            overdue=Count("pk", filter=Q(deadline_then__lt=end)),
            backlog=Count("pk", filter=Q(received_at__lt=cutoff)),
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
        "tips_received", "tips_verified", "tips_converted", "tips_rejected",
    ),
    ENTERPRISES: (
        "enterprises", "visited", "visit_coverage", "drill_coverage", "training_coverage",
        "requests_received", "requests_resolved", "requests_overdue", "median_days_to_resolve",
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
    """Differences for each compared figure; None where either side has no data.

    A section's differences sit under the section's key; an earlier report
    without the section (made before it existed) gives None for each."""
    earlier = earlier or {}
    result = {key: _diff(current.get(key), earlier.get(key)) for key in COMPARED}
    for section, keys in SECTION_COMPARED.items():
        if section not in current:
            continue
        now, then = current[section] or {}, earlier.get(section) or {}
        result[section] = {key: _diff(now.get(key), then.get(key)) for key in keys}
    return result


def all_figures(period: Period) -> dict:
    """The whole report: dispute figures, and the volunteer and enterprise sections."""
    data = dispute_figures(period)
    data[VOLUNTEERS] = volunteer_section(period)
    data[ENTERPRISES] = enterprise_section(period)
    return data
