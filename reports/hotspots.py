"""Where the work is this month, beat by beat: the figures of the beat map
and its hotspots (issue 17).

They live here, below ``policing``, so that both the map (policing.maps) and
the supervisor's dashboard (reports.views) read the same selector: reports
may not import policing (tests/test_layers.py).

Figures per beat, this month in Asia/Shanghai, each counted in the database:
- open: cases open now whose beat it is; overdue: of those, past their deadline;
- received: cases received this month in the beat;
- repeat_rate: of the calls this month linked to a case of the beat, the share
  that were repeat calls (no data without such a call);
- tips: tips sent to the beat this month.
"""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.models import OPEN_STATUSES
from disputes.selectors import dispute_list
from incidents.selectors import incident_list
from reports.months import current_month, month_bounds
from units.models import Unit
from units.selectors import in_scope, subtree_ids, user_unit
from volunteers.selectors import tip_list

FIGURES = {
    "open": _("Open cases"),
    "overdue": _("Overdue cases"),
    "received": _("Received this month"),
    "repeat_rate": _("Repeat-call rate this month"),
    "tips": _("Tips this month"),
}
# Calls at one address within this many days make it a repeat-call address.
REPEAT_ADDRESS_DAYS = 90
# The repeat-call addresses are kept this long (a window of 90 days moves
# little in five minutes); the map and the dashboard say when they were counted.
ADDRESS_SECONDS = 5 * 60
HOTSPOT_COUNT = 10
# Each step of a unit's path: six digits and a dot (units.models.Unit.path).
PATH_STEP = 7


def _grouped(queryset, group, **counts) -> dict:
    """``counts`` of ``queryset`` by the value of the expression ``group``."""
    rows = (queryset.annotate(at=group).exclude(at__isnull=True).order_by()
            .values("at").annotate(**counts))
    return {row.pop("at"): row for row in rows}


def _figures_by(*, user, now: datetime.datetime, group, where) -> dict:
    """Each figure of FIGURES grouped by ``group(relation)``, an expression on
    the beat a record counts in (``relation`` is the path to it: "beat",
    "dispute__beat", "unit"), for the records whose beat ``where(relation)``
    selects: four grouped queries. Groups with nothing to count are absent."""
    start, end = month_bounds(current_month())
    disputes = dispute_list(user=user).filter(**where("beat"))
    open_counts = _grouped(
        disputes.filter(status__in=OPEN_STATUSES), group("beat"),
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=now)),
    )
    received = _grouped(
        disputes.filter(received_at__gte=start, received_at__lt=end), group("beat"),
        received=Count("pk"),
    )
    calls = _grouped(
        incident_list(user=user).filter(received_at__gte=start, received_at__lt=end,
                                        **where("dispute__beat")),
        group("dispute__beat"), linked=Count("pk"), repeat=Count("pk", filter=Q(is_repeat=True)),
    )
    tips = _grouped(
        tip_list(user=user).filter(received_at__gte=start, received_at__lt=end, **where("unit")),
        group("unit"), tips=Count("pk"),
    )
    figures = {}
    for key in {*open_counts, *received, *calls, *tips}:
        call = calls.get(key, {})
        figures[key] = {
            "open": open_counts.get(key, {}).get("open", 0),
            "overdue": open_counts.get(key, {}).get("overdue", 0),
            "received": received.get(key, {}).get("received", 0),
            "repeat_rate": _rate(call.get("repeat", 0), call.get("linked", 0)),
            "tips": tips.get(key, {}).get("tips", 0),
        }
    return figures


def _rate(repeat: int, linked: int) -> float | None:
    """The share of repeat calls among the linked ones (no data without any)."""
    return round(repeat / linked, 4) if linked else None


EMPTY = {"open": 0, "overdue": 0, "received": 0, "repeat_rate": None, "tips": 0}


def beat_figures(*, user, beats: QuerySet[Unit], now: datetime.datetime) -> dict[int, dict]:
    """Each figure of FIGURES for each beat of ``beats``, by id: four grouped
    queries, each selecting the beats by ``beats`` as a subquery (a city's
    900 ids as parameters took longer to compile than the query to run)."""
    chosen = beats.order_by().values("pk")
    found = _figures_by(user=user, now=now, group=lambda relation: F(f"{relation}_id"),
                        where=lambda relation: {f"{relation}__in": chosen})
    return defaultdict(lambda: EMPTY, found)


def branch_figures(*, user, parent: Unit | None, now: datetime.datetime) -> dict[str, dict]:
    """The figures of the beats below each unit one level under ``parent``
    (under no parent: the top units), summed, by that unit's path: four
    grouped queries whatever the number of beats. The repeat-call rate is
    summed from its counts, never averaged over beats."""
    depth = (len(parent.path) if parent is not None else 0) + PATH_STEP

    def where(relation):
        scope = {f"{relation}__kind": Unit.Kind.BEAT}
        if parent is not None:
            scope[f"{relation}__path__startswith"] = parent.path
        return scope

    return _figures_by(user=user, now=now, where=where,
                       group=lambda relation: Substr(f"{relation}__path", 1, depth))


def beat_list_url(beat: Unit, figure: str) -> str:
    """The list behind a beat's figure: its open, overdue or received cases,
    or the tips sent to it."""
    if figure == "tips":
        return f"{reverse('volunteers:tip_list')}?{urlencode({'unit': beat.pk})}"
    query: list[tuple[str, object]] = [("beat", beat.pk)]
    if figure == "open":
        query += [("status", status) for status in OPEN_STATUSES]
    elif figure == "overdue":
        query.append(("overdue", "true"))
    elif figure == "received":
        query.append(("received_after", month_bounds(current_month())[0].date().isoformat()))
    return f"{reverse('disputes:list')}?{urlencode(query)}"


def _ranking(*, user, figure: str, where: dict, now: datetime.datetime):
    """The beats with the highest ``figure`` among those ``where`` selects,
    as rows (the beat, as much of it as is shown, and its value), best
    first, ties by the beat's place in the tree: one grouped query with a
    LIMIT, so the beats without any of it are never read."""
    start, end = month_bounds(current_month())
    month = {"received_at__gte": start, "received_at__lt": end}
    if figure == "repeat_rate":
        rows = (
            _by_beat(incident_list(user=user).filter(**month, **_on("dispute__beat", where)),
                     "dispute__beat")
            .annotate(linked=Count("pk"), repeat=Count("pk", filter=Q(is_repeat=True)))
            .filter(repeat__gt=0)
            .annotate(share=Cast("repeat", FloatField()) / Cast("linked", FloatField()))
            .order_by("-share", "dispute__beat__path")
        )
        return [{"beat": _beat_of(row, "dispute__beat"), "value": _rate(row["repeat"], row["linked"])}
                for row in rows[:HOTSPOT_COUNT]]
    if figure == "tips":
        records, relation = tip_list(user=user).filter(**month), "unit"
    else:
        records, relation = dispute_list(user=user), "beat"
        if figure == "received":
            records = records.filter(**month)
        else:
            records = records.filter(status__in=OPEN_STATUSES)
        if figure == "overdue":
            records = records.filter(deadline__lt=now)
    rows = (
        _by_beat(records.filter(**_on(relation, where)), relation)
        .annotate(value=Count("pk")).order_by("-value", f"{relation}__path")
    )
    return [{"beat": _beat_of(row, relation), "value": row["value"]} for row in rows[:HOTSPOT_COUNT]]


# What a hotspot shows of its beat, read with the ranking's own rows.
BEAT_FIELDS = ("id", "name", "path", "parent_id", "parent__name")


def _by_beat(records, relation: str):
    """``records`` grouped by their beat, each group with what is shown of it."""
    outlined = ExpressionWrapper(Q(**{f"{relation}__boundary__isnull": False}),
                                 output_field=BooleanField())
    return (records.order_by().annotate(_outlined=outlined)
            .values(*[f"{relation}__{field}" for field in BEAT_FIELDS], "_outlined"))


def _beat_of(row: dict, relation: str) -> Unit:
    """The beat of a ranking row, with its station's name and whether it is outlined."""
    beat = Unit(pk=row[f"{relation}__id"], name=row[f"{relation}__name"],
                path=row[f"{relation}__path"], parent_id=row[f"{relation}__parent_id"],
                kind=Unit.Kind.BEAT)
    if beat.parent_id is not None:
        Unit.parent.field.set_cached_value(
            beat, Unit(pk=beat.parent_id, name=row[f"{relation}__parent__name"]))
    beat.has_outline = row["_outlined"]
    return beat


def _on(relation: str, where: dict) -> dict:
    """The beat filter ``where`` (on a beat's fields) on a record's ``relation``."""
    return {f"{relation}__{lookup}": value for lookup, value in where.items()}


def hotspots(*, user, figure: str, unit: Unit | None = None) -> dict:
    """The ten beats of the user's units (under ``unit`` if given) with the
    highest ``figure`` this month, outlined or not, and the addresses with
    more than one call in the last 90 days.

    Bounded at any scope (issue 16): the ranking is counted and cut to ten
    in the database (only this month's or the open records of the scope are
    read, grouped by beat, with what is shown of each beat); the
    addresses, which read 90 days of the scope's calls (a province's 45,000:
    0.17 s), are kept ADDRESS_SECONDS for the user and unit, and say when
    they were counted (``addresses_at``). Two queries whatever the number
    of beats and records."""
    now = timezone.now()
    root = unit if unit is not None or user.is_superuser else user_unit(user)
    if (unit is not None and not in_scope(user, unit)) or (root is None and not user.is_superuser):
        return {"figure": figure, "beats": [], "addresses": [], "addresses_at": now}
    where = {"kind": Unit.Kind.BEAT}
    if root is not None:
        where["path__startswith"] = root.path
    calls = incident_list(user=user)
    if unit is not None:
        calls = calls.filter(unit_id__in=subtree_ids(unit))
    ranked = _ranking(user=user, figure=figure, where=where, now=now)
    addresses, addresses_at = _kept(
        f"hotspots:addresses:{user.pk}:{unit.pk if unit is not None else ''}",
        lambda: _repeat_addresses(calls, now),
    )
    return {
        "figure": figure,
        "beats": [_hot_beat(row["beat"], figure, row["value"]) for row in ranked],
        "addresses": addresses,
        "addresses_at": addresses_at,
    }


def _repeat_addresses(calls, now: datetime.datetime) -> list[dict]:
    """The addresses among ``calls`` with more than one call in the last 90
    days, most calls first."""
    since = now - datetime.timedelta(days=REPEAT_ADDRESS_DAYS)
    rows = (
        calls.filter(received_at__gte=since)
        .order_by().values("address")
        .annotate(calls=Count("pk"), cases=Count("dispute", distinct=True))
        .filter(calls__gte=2)
        .order_by("-calls", "-cases", "address")[:HOTSPOT_COUNT]
    )
    return [dict(row) for row in rows]


def _kept(key: str, compute) -> tuple:
    """``compute()`` and when it ran, kept ADDRESS_SECONDS under ``key``."""
    found = cache.get(key)
    if found is None:
        found = (compute(), timezone.now())
        cache.set(key, found, ADDRESS_SECONDS)
    return found


def _hot_beat(beat: Unit, figure: str, value) -> dict:
    return {"id": beat.pk, "name": beat.name, "station": beat.parent.name if beat.parent_id else "",
            "station_id": beat.parent_id, "value": value, "url": beat.get_absolute_url(),
            "list_url": beat_list_url(beat, figure), "has_outline": beat.has_outline}
