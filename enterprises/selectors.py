"""Reads of the enterprise register, visits and requests, already limited to
what the user may see; and the enterprise figures."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from enterprises.models import (
    PENDING_REQUEST_STATUSES,
    Enterprise,
    EnterpriseRequest,
    EnterpriseVisit,
)
from units.models import Unit
from units.selectors import scope_q


def enterprise_list(*, user: AbstractBaseUser) -> QuerySet[Enterprise]:
    """Enterprises of the user's units, each with ``last_visit`` (a date or None)
    computed in the same query. Permission and scope, like every selector."""
    if not user.has_perm("enterprises.view_enterprise"):
        return Enterprise.objects.none().annotate(last_visit=Max("visits__visited_on"))
    return (
        Enterprise.objects.filter(scope_q(user))
        .select_related("unit", "liaison_officer")
        .annotate(last_visit=Max("visits__visited_on"))
    )


def enterprise_get(*, user: AbstractBaseUser, pk: int) -> Enterprise:
    return get_object_or_404(enterprise_list(user=user), pk=pk)


def not_visited_q(days: int, *, today: datetime.date | None = None) -> Q:
    """Enterprises (annotated with ``last_visit``) not visited for ``days`` days,
    including those never visited."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days)
    return Q(last_visit__lt=since) | Q(last_visit__isnull=True)


def visit_list(*, user: AbstractBaseUser) -> QuerySet[EnterpriseVisit]:
    if not user.has_perm("enterprises.view_enterprisevisit"):
        return EnterpriseVisit.objects.none()
    return (
        EnterpriseVisit.objects.filter(scope_q(user, "enterprise__unit"))
        .select_related("enterprise__unit")
        .prefetch_related(
            "officers",
            # Each request shows its enterprise, handler and case: read with it.
            Prefetch(
                "requests",
                queryset=EnterpriseRequest.objects.select_related("enterprise", "handled_by", "dispute"),
            ),
        )
    )


def visit_get(*, user: AbstractBaseUser, pk: int) -> EnterpriseVisit:
    return get_object_or_404(visit_list(user=user), pk=pk)


def request_overdue_q(*, today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(status__in=PENDING_REQUEST_STATUSES, due_on__lt=today)


def request_list(*, user: AbstractBaseUser) -> QuerySet[EnterpriseRequest]:
    """Requests of the user's units, each with ``overdue`` (bool), ordered
    overdue first, then green channel, then by due date."""
    if not user.has_perm("enterprises.view_enterpriserequest"):
        return EnterpriseRequest.objects.none().annotate(
            overdue=Value(False, output_field=BooleanField())
        )
    return (
        EnterpriseRequest.objects.filter(scope_q(user, "enterprise__unit"))
        .select_related("enterprise__unit", "handled_by", "dispute", "visit")
        .annotate(
            overdue=Case(
                When(request_overdue_q(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-overdue", "-green_channel", "due_on", "id")
    )


def request_get(*, user: AbstractBaseUser, pk: int) -> EnterpriseRequest:
    return get_object_or_404(request_list(user=user), pk=pk)


def enterprise_timeline(*, enterprise: Enterprise) -> list[tuple[datetime.date, str, object]]:
    """Visits and requests of one enterprise, newest first: (date, kind, record).

    Two queries whatever the number of records.
    """
    visits = enterprise.visits.prefetch_related("officers").order_by("-visited_on", "-id")
    requests = enterprise.requests.select_related("handled_by", "dispute").order_by(
        "-received_on", "-id"
    )
    items = [(v.visited_on, "visit", v) for v in visits]
    items += [(r.received_on, "request", r) for r in requests]
    items.sort(key=lambda item: (item[0], item[1] == "visit"), reverse=True)
    return items


def _rate(numerator: int, denominator: int) -> float | None:
    # A share with nothing to divide by is "no data", never 0 % or 100 %.
    if not denominator:
        return None
    return round(numerator / denominator, 4)


def enterprise_figures(*, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    """The enterprise figures of ``unit`` and every unit below it, for the days
    ``start`` to ``end`` inclusive (DESIGN.md §6), computed in the database.

    - ``enterprises``: active enterprises in scope (now);
    - ``visited``: of those, visited at least once in the period;
    - ``visit_coverage`` / ``drill_coverage`` / ``training_coverage``: share
      of them visited / drilled / trained since 1 January of end's year;
    - ``requests_received``: received in the period; ``requests_resolved``:
      resolved in the period (Asia/Shanghai dates); ``requests_overdue``:
      received by ``end``, due on or before ``end`` and not answered (resolved
      or declined) by the end of that day;
    - ``median_days_to_resolve``: over the requests resolved in the period.

    Rates are None when their denominator is 0. Five queries whatever the size.
    """
    year_start = datetime.date(end.year, 1, 1)
    ytd = (year_start, end)
    kinds = EnterpriseVisit.Kind
    counts = Enterprise.objects.filter(unit__path__startswith=unit.path, active=True).aggregate(
        enterprises=Count("pk", distinct=True),
        visited=Count("pk", distinct=True, filter=Q(visits__visited_on__range=(start, end))),
        visited_ytd=Count("pk", distinct=True, filter=Q(visits__visited_on__range=ytd)),
        drilled_ytd=Count(
            "pk",
            distinct=True,
            filter=Q(visits__visited_on__range=ytd, visits__kind=kinds.EMERGENCY_DRILL),
        ),
        trained_ytd=Count(
            "pk",
            distinct=True,
            filter=Q(visits__visited_on__range=ytd, visits__kind=kinds.SECURITY_TRAINING),
        ),
    )
    requests = EnterpriseRequest.objects.filter(enterprise__unit__path__startswith=unit.path)
    resolved = requests.filter(
        status=EnterpriseRequest.Status.RESOLVED, resolved_at__date__range=(start, end)
    )
    request_counts = requests.aggregate(
        received=Count("pk", filter=Q(received_on__range=(start, end))),
        overdue=Count(
            "pk",
            filter=Q(received_on__lte=end, due_on__lte=end)
            & (Q(resolved_at__isnull=True) | Q(resolved_at__date__gt=end)),
        ),
    )
    total = counts["enterprises"]
    return {
        "unit": unit,
        "start": start,
        "end": end,
        "enterprises": total,
        "visited": counts["visited"],
        "visited_ytd": counts["visited_ytd"],
        "drilled_ytd": counts["drilled_ytd"],
        "trained_ytd": counts["trained_ytd"],
        "visit_coverage": _rate(counts["visited_ytd"], total),
        "drill_coverage": _rate(counts["drilled_ytd"], total),
        "training_coverage": _rate(counts["trained_ytd"], total),
        "requests_received": request_counts["received"],
        "requests_resolved": resolved.count(),
        "requests_overdue": request_counts["overdue"],
        "median_days_to_resolve": _median_days(resolved),
    }


def _median_days(resolved: QuerySet[EnterpriseRequest]) -> float | None:
    """The median of (day resolved − day received), found in the database by
    ordering and offset, so that it works on SQLite as on PostgreSQL."""
    days = (
        resolved.annotate(
            took=ExpressionWrapper(
                TruncDate("resolved_at") - F("received_on"), output_field=DurationField()
            )
        )
        .order_by("took")
        .values_list("took", flat=True)
    )
    n = days.count()
    if n == 0:
        return None
    middle = list(days[(n - 1) // 2 : n // 2 + 1])
    total = sum(middle, datetime.timedelta())
    return round(total.total_seconds() / len(middle) / 86400, 1)


def enterprise_figure_records(
    *, unit: Unit, start: datetime.date, end: datetime.date
) -> dict[str, QuerySet]:
    """The records behind each count of ``enterprise_figures`` (same unit,
    same days, same filters), as lists the monthly report opens: enterprises,
    visited, visited_ytd, drilled_ytd, trained_ytd (enterprises) and
    requests_received, requests_resolved, requests_overdue (requests).

    Not limited to a user: the caller has checked that ``unit`` is in scope.
    """
    year_start = datetime.date(end.year, 1, 1)
    kinds = EnterpriseVisit.Kind
    enterprises = Enterprise.objects.filter(unit__path__startswith=unit.path, active=True)

    def visited(**filters) -> QuerySet[Enterprise]:
        # Exists, not a join: an enterprise visited twice is listed once.
        visits = EnterpriseVisit.objects.filter(enterprise=OuterRef("pk"), **filters)
        return enterprises.filter(Exists(visits))

    requests = EnterpriseRequest.objects.filter(enterprise__unit__path__startswith=unit.path)
    return {
        "enterprises": enterprises,
        "visited": visited(visited_on__range=(start, end)),
        "visited_ytd": visited(visited_on__range=(year_start, end)),
        "drilled_ytd": visited(visited_on__range=(year_start, end), kind=kinds.EMERGENCY_DRILL),
        "trained_ytd": visited(visited_on__range=(year_start, end), kind=kinds.SECURITY_TRAINING),
        "requests_received": requests.filter(received_on__range=(start, end)),
        "requests_resolved": requests.filter(
            status=EnterpriseRequest.Status.RESOLVED, resolved_at__date__range=(start, end)
        ),
        "requests_overdue": requests.filter(
            Q(received_on__lte=end, due_on__lte=end)
            & (Q(resolved_at__isnull=True) | Q(resolved_at__date__gt=end))
        ),
    }

