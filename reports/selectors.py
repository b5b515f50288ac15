"""Reads of the reports app, already limited to the user's unit subtree."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from disputes.models import Dispute, FollowUp
from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from incidents.models import Incident
from reports import figures, rollups
from reports.models import MonthlyReport
from reports.months import add_months
from units.bundle import Branch, read_lists
from units.models import Unit
from units.selectors import scope_q, unit_list, user_unit
from volunteers.models import (
    Alliance,
    Membership,
    Outreach,
    Patrol,
    PatrolAttendance,
    Tip,
    Volunteer,
)


def report_list(*, user: AbstractBaseUser) -> QuerySet[MonthlyReport]:
    """Reports of units in the user's subtree (a superuser sees all)."""
    return MonthlyReport.objects.filter(scope_q(user)).select_related("unit", "requested_by")


def report_get(*, user: AbstractBaseUser, pk: int) -> MonthlyReport:
    return get_object_or_404(report_list(user=user), pk=pk)


def report_units(*, user: AbstractBaseUser) -> QuerySet[Unit]:
    """Units a report may be asked for: the user's subtree without the beats
    (cases are held at stations, so a beat's report would always be empty)."""
    return unit_list(user=user).exclude(kind=Unit.Kind.BEAT).order_by("path")


def default_unit(*, user: AbstractBaseUser) -> Unit | None:
    """The user's own unit; for a superuser without one, the top of the tree."""
    unit = user_unit(user)
    if unit is None and user.is_superuser:
        unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return unit


def snapshots_and_children(
    *, user: AbstractBaseUser, unit: Unit, months: list[datetime.date], units: QuerySet[Unit],
    limit: int,
) -> tuple[dict, list[Unit]]:
    """The stored reports of ``unit`` for ``months``, by month, and the first
    ``limit`` of ``units`` directly below it: one query for the dashboard's
    trend and ranking."""
    found = read_lists({
        "reports": Branch(report_list(user=user).filter(unit=unit, month__in=months),
                          related=("unit", "requested_by")),
        "children": Branch(units.filter(parent=unit), related=("parent",), limit=limit),
    })
    return {report.month: report for report in found["reports"]}, found["children"]


# Live figures are kept this long: the dashboard of a city bureau adds up a
# month of a million-case database, and a figure a few minutes old serves a
# supervisor as well as one to the second. The page says when it was computed.
LIVE_FIGURES_SECONDS = 5 * 60


def cached(key: str, compute):
    """``compute()``, or what it returned in the last few minutes under ``key``."""
    found = cache.get(key)
    if found is None:
        found = (compute(),)
        cache.set(key, found, LIVE_FIGURES_SECONDS)
    return found[0]


def live_figures(
    *, unit: Unit, months: list[datetime.date], branches_of: datetime.date | None = None,
) -> dict:
    """Each month's figures computed now — or in the last few minutes — and
    when, by month; with ``branches_of``, also that month's ranking figures
    of the units directly below (``rollups.branch_figures``) under the key
    "branches". What is not kept is read from the rollups, made current
    once for all of it."""
    keys = {month: f"reports:live:{unit.pk}:{month:%Y-%m}" for month in months}
    if branches_of is not None:
        keys["branches"] = f"reports:branches:{unit.pk}:{branches_of:%Y-%m}"
    kept = cache.get_many(list(keys.values()))
    found = {name: kept[key] for name, key in keys.items() if key in kept}
    missing = [month for month in months if month not in found]
    ranking = branches_of is not None and "branches" not in found
    if missing or ranking:
        rollups.prepare(unit, missing + ([branches_of] if ranking else []))
        now = timezone.now()
        if missing:  # the ranking read with the months' figures
            read = rollups.read_figures(unit, missing, prepared=True,
                                        branches_of=branches_of if ranking else None)
            computed = {month: (data, now) for month, data in read.months.items()}
            if ranking:
                computed["branches"] = read.branches
        else:
            computed = {"branches": rollups.branch_figures(
                figures.Period(unit=unit, month=branches_of), prepared=True)}
        cache.set_many({keys[name]: value for name, value in computed.items()}, LIVE_FIGURES_SECONDS)
        found.update(computed)
    return found


def recorded_before(*, unit: Unit, days: list[datetime.date]) -> dict[datetime.date, bool]:
    """``figures.records_before`` of each of ``days`` (in one query), kept as
    long as the live figures."""
    days = sorted(set(days))
    return cached(f"reports:recorded-before:{unit.pk}:{','.join(f'{day:%Y-%m-%d}' for day in days)}",
                  lambda: figures.records_before_days(unit, days))


# How each kind of record behind a count is limited to the user's scope (the
# field holding its unit), joined for its list, and ordered.
RECORD_LISTS = {
    Dispute: ("unit", ("unit",), ("received_at", "pk")),
    Incident: ("unit", ("unit", "dispute"), ("received_at", "pk")),
    FollowUp: ("dispute__unit", ("dispute", "dispute__unit"), ("done_at", "pk")),
    Volunteer: ("unit", ("unit",), ("name", "pk")),
    # A patrol counts, and so is listed, at its own unit (DESIGN.md §6).
    Patrol: ("unit", ("alliance", "unit"), ("starts_at", "pk")),
    PatrolAttendance: (
        "patrol__unit", ("patrol__alliance", "volunteer"),
        ("patrol__starts_at", "volunteer__name", "pk"),
    ),
    Outreach: ("alliance__unit", ("alliance",), ("date", "pk")),
    Outreach.volunteers.through: (
        "outreach__alliance__unit", ("outreach__alliance", "volunteer"),
        ("outreach__date", "outreach_id", "pk"),
    ),
    Tip: ("unit", ("alliance", "unit", "dispute"), ("received_at", "pk")),
    Enterprise: ("unit", ("unit",), ("name", "pk")),
    EnterpriseRequest: ("enterprise__unit", ("enterprise__unit",), ("received_on", "pk")),
}


def record_list(*, user: AbstractBaseUser, queryset: QuerySet) -> QuerySet:
    """The records behind a count (``reports.figures.records``), limited to the
    user's scope, with what their list shows joined in one query."""
    field, related, order = RECORD_LISTS[queryset.model]
    return queryset.filter(scope_q(user, field)).select_related(*related).order_by(*order)


# The records a report reads, each with the path of its unit (DESIGN.md §6):
# a change to any of them, at any time, may change some month's figures.
# Every write through a service leaves a history row (django-simple-history,
# history_date indexed), so the rows written since a moment are few and found
# through that index whatever the size of the tables.
_REPORTED_HISTORY = (
    (Dispute, "unit__path"),
    (FollowUp, "dispute__unit__path"),
    (Incident, "unit__path"),
    (Alliance, "unit__path"),
    (Volunteer, "unit__path"),
    (Membership, "alliance__unit__path"),
    (Patrol, "unit__path"),
    (PatrolAttendance, "patrol__unit__path"),
    (Tip, "unit__path"),
    (Outreach, "alliance__unit__path"),
    (Enterprise, "unit__path"),
    (EnterpriseVisit, "enterprise__unit__path"),
    (EnterpriseRequest, "enterprise__unit__path"),
)


def records_changed_since(*, unit: Unit, month: datetime.date, since: datetime.datetime) -> bool:
    """Whether a record the report of ``unit`` reads was written after ``since``.

    A record counts if any version of it ever lay in the unit's subtree (a
    case transferred away changes the figures of the unit it left). A change
    of the unit tree itself counts everywhere; so does a newer snapshot of the
    months the report compares itself with (last month, last year). One query.
    """
    changes = [Exists(Unit.history.filter(history_date__gt=since))]
    for model, path in _REPORTED_HISTORY:
        ever_here = model.history.filter(id=OuterRef("id"), **{f"{path}__startswith": unit.path})
        changes.append(Exists(model.history.filter(history_date__gt=since).filter(Exists(ever_here))))
    compared = [add_months(month, -1), add_months(month, -12)]
    changes.append(Exists(MonthlyReport.objects.filter(
        unit=unit, month__in=compared, generated_at__gt=since)))
    condition = changes[0]
    for change in changes[1:]:
        condition |= change
    return Unit.objects.filter(pk=unit.pk).filter(condition).exists()
