"""Rollups: the dispute figures of every unit on its own, month by month.

The monthly report, the dashboard and its ranking add up these rows for a
subtree (``dispute_figures``, ``branch_figures``) instead of walking the
month's events: a city's month reads a few hundred rows whatever the size of
the province. The records stay the definition — every row is computed from
the record querysets of ``reports.figures`` (``figures.per_unit_figures``),
so a count and the list it opens agree.

Kept up to date in two steps:

1. **In the change's transaction** a handler of the disputes' and incidents'
   models (``reports.signals``) writes a ``RollupMark`` for every unit and
   month the changed case counts in (``touched``). Reports sits above those
   apps, so it listens to their models rather than being called by them: the
   apps below stay unaware of reports (tests/test_layers.py).
2. **After it commits**, the Celery task ``reports.tasks.refresh_rollups``
   (and every minute the beat) recomputes the marked pairs from the records
   (``refresh``). Whoever reads rollups refreshes the marks of what it reads
   first, so a report or the dashboard never shows a figure older than the
   last committed change.

A month's rows are created for every unit at once the first time the month
is read or at the month's start (``ensure_built``): a case open for a year
counts in each month's "open at the end" without any change of its own.
``rebuild`` (``manage.py rebuild_rollups``) recomputes every month from the
records, as the seeds do after loading.

Writers of a month's rows lock the month's ``RollupMonth`` row, so two
refreshes cannot interleave; a recomputation always starts after the lock is
held and so reads everything committed before it.
"""

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Min, Q, Sum, Value, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from disputes.models import Agreement, Dispute, DisputeEvent, FollowUp, JudicialConfirmation
from incidents.models import Incident
from reports import figures
from reports.models import (
    Rollup,
    RollupBreakdown,
    RollupDuration,
    RollupMark,
    RollupMonth,
    RollupRequestDays,
    RollupSection,
)
from reports.months import add_months, current_month
from units.bundle import read_rows
from units.models import Unit
from units.selectors import subtree_ids


def month_of(moment: datetime.datetime | datetime.date) -> datetime.date:
    """The first day of the Asia/Shanghai month of an instant or a day."""
    if isinstance(moment, str):
        # A record saved with its time as text (a fixture, a shell) is read
        # back as a datetime later; mark the same month now.
        moment = parse_datetime(moment) or parse_date(moment)
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return moment.replace(day=1)


def month_span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The months from ``first`` to ``last``, both included."""
    return _months(first, last)


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


# ------------------------------------------------------------- marking


def touched(dispute_ids: Iterable[int]) -> set[tuple[int, datetime.date]]:
    """Every (unit, month) whose rows a change to these cases may alter.

    The units: every unit a case was ever held at. The months: the month it
    was received (received, settled, its track then), those of its outcomes
    (concluded, resolved, median), follow-ups, agreements due and rulings,
    this month (open, overdue and backlog at its end), and — for a case
    entered late — every month from its receipt to its registration, at whose
    ends it counts as open where it was received. Its calls count at their own
    units and months (whether each is a repeat depends on the others). Five
    queries, however many cases.
    """
    ids = set(dispute_ids)
    if not ids:
        return set()
    units: dict[int, set[int]] = {pk: set() for pk in ids}
    months: dict[int, set[datetime.date]] = {pk: {current_month()} for pk in ids}
    for pk, unit_id, received_at in Dispute.objects.filter(pk__in=ids).values_list(
        "pk", "unit_id", "received_at"
    ):
        units[pk].add(unit_id)
        months[pk].add(month_of(received_at))
    received_months = {pk: min(found) for pk, found in months.items()}
    for pk, kind, at, to_unit, from_unit in DisputeEvent.objects.filter(
        Q(kind__in=(*figures.OUTCOME_EVENTS, DisputeEvent.Kind.REGISTERED)) | Q(to_unit__isnull=False)
        | Q(from_unit__isnull=False),
        dispute_id__in=ids,
    ).values_list("dispute_id", "kind", "at", "to_unit_id", "from_unit_id"):
        units[pk].update(unit for unit in (to_unit, from_unit) if unit)
        if kind == DisputeEvent.Kind.REGISTERED:
            months[pk].update(_months(received_months[pk], month_of(at)))
        elif kind in figures.OUTCOME_EVENTS:
            months[pk].add(month_of(at))
    for pk, done_at in FollowUp.objects.filter(dispute_id__in=ids, done_at__isnull=False).values_list(
        "dispute_id", "done_at"
    ):
        months[pk].add(month_of(done_at))
    days = itertools.chain(
        Agreement.objects.filter(dispute_id__in=ids).values_list("dispute_id", "performance_due"),
        JudicialConfirmation.objects.filter(agreement__dispute_id__in=ids, decided_on__isnull=False)
        .values_list("agreement__dispute_id", "decided_on"),
    )
    for pk, day in days:
        if day is not None:
            months[pk].add(month_of(day))
    pairs = {(unit, month) for pk in ids for unit in units[pk] for month in months[pk]}
    pairs.update(
        (unit, month_of(received_at))
        for unit, received_at in Incident.objects.filter(dispute_id__in=ids).values_list("unit_id", "received_at")
    )
    return pairs


def mark(pairs: Iterable[tuple[int, datetime.date]]) -> None:
    """Record stale (unit, month) pairs; called inside the change's transaction."""
    RollupMark.objects.bulk_create(RollupMark(unit_id=unit, month=month) for unit, month in set(pairs))


def mark_disputes(dispute_ids: Iterable[int]) -> None:
    mark(touched(dispute_ids))


# ------------------------------------------------------------- computing


def _lock_month(month: datetime.date) -> RollupMonth:
    RollupMonth.objects.get_or_create(month=month)
    return RollupMonth.objects.select_for_update().get(month=month)


ROLLUP_MODELS = (Rollup, RollupBreakdown, RollupDuration, RollupSection, RollupRequestDays)


def _write(
    month: datetime.date,
    by_unit: dict[int, figures.UnitFigures],
    sections: dict[int, figures.UnitSections],
    *,
    units: Iterable[int] | None,
) -> None:
    """Replace the rows of ``units`` (None: of every unit) for ``month``."""
    for model in ROLLUP_MODELS:
        stale = model.objects.filter(month=month)
        if units is not None:
            stale = stale.filter(unit_id__in=list(units))
        stale.delete()
    rows, breakdown, durations = [], [], []
    for unit_id, found in by_unit.items():
        if any(found.counts.values()):
            rows.append(Rollup(unit_id=unit_id, month=month, **found.counts))
        breakdown += [
            RollupBreakdown(unit_id=unit_id, month=month, track=track, category=category, **entry)
            for (track, category), entry in found.breakdown.items()
        ]
        durations += [RollupDuration(unit_id=unit_id, month=month, microseconds=m) for m in found.durations]
    section_rows, days = [], []
    for unit_id, found in sections.items():
        if any(found.counts.values()):
            section_rows.append(RollupSection(unit_id=unit_id, month=month, **found.counts))
        days += [RollupRequestDays(unit_id=unit_id, month=month, days=d) for d in found.days]
    for model, objects in ((Rollup, rows), (RollupBreakdown, breakdown), (RollupDuration, durations),
                           (RollupSection, section_rows), (RollupRequestDays, days)):
        model.objects.bulk_create(objects, batch_size=2000)


def _by_unit_id(by_path: dict[str, figures.UnitFigures]) -> dict[int, figures.UnitFigures]:
    ids = dict(Unit.objects.filter(path__in=list(by_path)).values_list("path", "pk"))
    return {ids[path]: found for path, found in by_path.items() if path in ids}


def build_month(month: datetime.date) -> None:
    """Compute every unit's rows of ``month`` from the records (one set of
    grouped queries over every tree), and drop the marks of the month read
    before it."""
    with transaction.atomic():
        state = _lock_month(month)
        marks = list(RollupMark.objects.filter(month=month).values_list("pk", flat=True))
        everywhere = figures.Period(unit=figures.EVERYWHERE, month=month)
        by_path = figures.per_unit_figures(everywhere)
        _write(month, _by_unit_id(by_path), figures.per_unit_sections(everywhere), units=None)
        RollupMark.objects.filter(pk__in=marks).delete()
        state.built_at = timezone.now()
        state.save(update_fields=["built_at"])


def ensure_built(months: Iterable[datetime.date]) -> None:
    """Build the months whose rows were never made for every unit."""
    months = set(months)
    built = set(RollupMonth.objects.filter(month__in=months, built_at__isnull=False).values_list("month", flat=True))
    for month in sorted(months - built):
        build_month(month)


def refresh(*, under: Unit | None = None, months: Iterable[datetime.date] | None = None) -> int:
    """Recompute the marked pairs (only those of ``under``'s subtree and
    ``months`` if given) from the records; how many pairs. Marks of a month
    not built yet are left to its build."""
    marks = RollupMark.objects.filter(month__in=RollupMonth.objects.filter(built_at__isnull=False).values("month"))
    if under is not None:
        marks = marks.filter(unit__path__startswith=under.path)
    if months is not None:
        marks = marks.filter(month__in=list(months))
    return _recompute(list(marks.values_list("pk", "unit_id", "month")))


def _recompute(found: list[tuple[int, int, datetime.date]]) -> int:
    """Recompute the pairs of the marks ``found`` (pk, unit id, month) and
    drop those marks; how many pairs."""
    if not found:
        return 0
    by_month: dict[datetime.date, set[int]] = {}
    for _pk, unit_id, month in found:
        by_month.setdefault(month, set()).add(unit_id)
    units_by_id = Unit.objects.in_bulk({unit for _pk, unit, _m in found})
    for month, unit_ids in sorted(by_month.items()):
        with transaction.atomic():
            _lock_month(month)
            computed, sections = {}, {}
            for unit_id in unit_ids:
                unit = units_by_id.get(unit_id)
                if unit is None:
                    continue
                period = figures.Period(unit=unit, month=month)
                own = figures.per_unit_figures(period, own=True)
                computed[unit_id] = own.get(unit.path, figures.UnitFigures({}, {}, []))
                sections[unit_id] = figures.per_unit_sections(period, own=True).get(
                    unit_id, figures.UnitSections({}, []))
            _write(month, computed, sections, units=unit_ids)
            RollupMark.objects.filter(pk__in=[pk for pk, _u, m in found if m == month]).delete()
    return sum(len(unit_ids) for unit_ids in by_month.values())


def rebuild(*, months: Iterable[datetime.date] | None = None, log=None) -> list[datetime.date]:
    """Recompute every month (from the first record to this one, or ``months``)
    from the records; the months rebuilt. Rows of other months are dropped."""
    if months is None:
        first = Dispute.objects.aggregate(first=Min("received_at"))["first"]
        first_call = Incident.objects.aggregate(first=Min("received_at"))["first"]
        moments = [moment for moment in (first, first_call) if moment is not None]
        months = _months(month_of(min(moments)), current_month()) if moments else [current_month()]
        for model in (*ROLLUP_MODELS, RollupMonth):
            model.objects.exclude(month__in=months).delete()
    months = sorted(set(months))
    for month in months:
        build_month(month)
        if log:
            log(month)
    if connection.vendor == "postgresql":
        # Every row is new: let the planner know before anyone reads them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(model._meta.db_table for model in ROLLUP_MODELS))
    return months


# ------------------------------------------------------------- reading


def _subtree(model, unit: Unit, month: datetime.date):
    """The rows of ``month`` of the units of ``unit``'s subtree. The units
    as a subquery on their paths, which PostgreSQL estimates from the unit
    table's own statistics: a city's rows are then read through the
    (unit, month) keys, not the whole province's month joined and filtered."""
    return model.objects.filter(month=month, unit_id__in=subtree_ids(unit))


def prepare(unit: Unit, months: Iterable[datetime.date]) -> None:
    """Make the rows of ``unit``'s subtree for ``months`` current: build the
    months never built, recompute the pairs still marked. Which months are
    built and the subtree's marks are read in one query (on every cold read
    of the dashboard and the report, most often to find nothing to do)."""
    months = sorted(set(months))
    no_id = Value(None, output_field=IntegerField())
    built = RollupMonth.objects.filter(month__in=months, built_at__isnull=False).values_list(
        "month", no_id, no_id)
    marks = RollupMark.objects.filter(month__in=months, unit__path__startswith=unit.path).values_list(
        "month", "pk", "unit_id")
    rows = list(built.order_by().union(marks.order_by(), all=True))
    built_months = {month for month, pk, _unit in rows if pk is None}
    for month in months:
        if month not in built_months:
            build_month(month)  # drops the month's marks read before it
    _recompute([(pk, unit_id, month) for month, pk, unit_id in rows
                if pk is not None and month in built_months])


def _months_of(model, units, months: list[datetime.date]):
    return model.objects.filter(month__in=months, unit_id__in=units)


def _summed(model, keys, subtree, months: list[datetime.date]):
    """The rows of ``model`` (one per unit and month) of the ``subtree``'s
    units, summed per unit and month (for ``_added_up``)."""
    return (_months_of(model, subtree, months).values("month", "unit_id")
            .annotate(**{key: Sum(key) for key in keys}))


def _added_up(rows: list[dict], keys, months: list[datetime.date]) -> tuple[dict, list[int]]:
    """``_summed``'s rows added up by month, and the units that have any. A
    unit has a row of the month's counts whenever it has breakdown, duration
    or request-day rows, so those are then read for these units alone,
    through their (unit, month) keys: the subtree's rows only, whatever the
    size of the province (for the whole subtree, most of it without a row,
    PostgreSQL would expect half the month's rows and read them all)."""
    sums = {month: {key: 0 for key in keys} for month in months}
    units = set()
    for row in rows:
        units.add(row["unit_id"])
        for key in keys:
            sums[row["month"]][key] += row[key] or 0
    return sums, sorted(units)


def _middle(model, field: str, units: list[int], month: datetime.date, n: int):
    """The middle one or two values of ``field`` over the ``n`` rows of the
    units and month (an order statistic cannot be summed): the rows numbered
    in order, of which the middle ones are kept; None when there are none."""
    if not n:
        return None
    middle = sorted({(n - 1) // 2 + 1, n // 2 + 1})
    return (_months_of(model, units, [month])
            .annotate(_n=Window(RowNumber(), order_by=F(field).asc()))
            .filter(_n__in=middle).values("_n", field))


@dataclass
class Read:
    """What ``read_figures`` read: the figures of each month, and the
    ranking figures of the units below (``branch_figures``) when asked."""

    months: dict[datetime.date, dict]
    branches: dict[str, dict] | None = None


def figures_of_months(
    unit: Unit, months: Iterable[datetime.date], *, prepared: bool = False,
) -> dict[datetime.date, dict]:
    """The whole report (as ``figures.all_figures``) of ``unit`` for each of
    ``months`` (``read_figures``)."""
    return read_figures(unit, months, prepared=prepared).months


def read_figures(
    unit: Unit, months: Iterable[datetime.date], *, prepared: bool = False,
    branches_of: datetime.date | None = None,
) -> Read:
    """The whole report (as ``figures.all_figures``) of ``unit`` for each of
    ``months``, from the rollups of its subtree, made current once (unless
    the caller has: ``prepared``), in two queries whatever the months: the
    subtree's counts and section counts per unit and month, with the counts
    of now (active volunteers and enterprises) and, with ``branches_of``,
    that month's ranking of the units below (``branch_figures``); then, for
    the units that had any, the breakdowns and every month's medians."""
    months = sorted(set(months))
    if not prepared:
        prepare(unit, [*months, *([branches_of] if branches_of else [])])
    subtree = subtree_ids(unit)
    records = figures.section_records_of(figures.Period(unit=unit, month=months[0]))
    ranking = (
        {"branches": _branch_rows(figures.Period(unit=unit, month=branches_of))}
        if branches_of else {}
    )
    counted = read_rows({
        "counts": _summed(Rollup, Rollup.COUNTS, subtree, months),
        "sections": _summed(RollupSection, RollupSection.COUNTS, subtree, months),
        **{key: records[key].values(_all=Value(1, output_field=IntegerField()))
           .annotate(n=Count("pk")).values("n") for key in figures.SECTION_NOW},
        **ranking,
    })
    sums, units = _added_up(counted["counts"], Rollup.COUNTS, months)
    sections, section_units = _added_up(counted["sections"], RollupSection.COUNTS, months)
    now = {key: counted[key][0]["n"] for key in figures.SECTION_NOW}
    # By track and category at once, added up each way here; the medians.
    middles = {
        **{("duration", month): _middle(RollupDuration, "microseconds", units, month,
                                        sums[month]["concluded"]) for month in months},
        **{("request", month): _middle(RollupRequestDays, "days", section_units, month,
                                       sections[month]["requests_resolved"]) for month in months},
    }
    middles = {key: queryset for key, queryset in middles.items() if queryset is not None}
    names = {f"{kind}:{month:%Y-%m}": (kind, month) for kind, month in middles}
    found = read_rows({
        "breakdown": _months_of(RollupBreakdown, units, months).values("month", *figures.BREAKDOWNS)
        .annotate(received=Sum("received"), concluded=Sum("concluded"), resolved=Sum("resolved")),
        **{name: middles[key] for name, key in names.items()},
    }) if units or section_units else {"breakdown": []}
    by = {
        month: {field: {value: figures._empty_entry() for value in figures.BREAKDOWNS[field].values}
                for field in figures.BREAKDOWNS}
        for month in months
    }
    for row in found["breakdown"]:
        for field in figures.BREAKDOWNS:
            entry = by[row["month"]][field].setdefault(row[field], figures._empty_entry())
            for key in ("received", "concluded", "resolved"):
                entry[key] += row[key]
    middle = {key: [] for key in itertools.product(("duration", "request"), months)}
    for name, key in names.items():
        field = "microseconds" if key[0] == "duration" else "days"
        middle[key] = [row[field] for row in sorted(found[name], key=lambda row: row["_n"])]
    result = {}
    for month in months:
        counts = sums[month]
        for entries in by[month].values():
            for entry in entries.values():
                entry["resolution_rate"] = figures.rate(entry["resolved"], entry["concluded"])
        data = figures.dispute_section(
            counts, median_days=figures.median_of(middle["duration", month]),
            by_track=by[month]["track"], by_category=by[month]["category"],
        )
        data.update(figures.sections_from(sections[month], now=now,
                                          middle_days=middle["request", month]))
        result[month] = data
    return Read(result, _branches(counted["branches"]) if branches_of else None)


def dispute_figures(period: figures.Period) -> dict:
    """The dispute figures of ``period`` (as ``figures.dispute_figures``)."""
    data = figures_of_months(period.unit, [period.month])[period.month]
    return {key: value for key, value in data.items() if key not in figures.SECTIONS}


def section_figures(period: figures.Period) -> dict:
    """The volunteer and enterprise sections (as ``figures.volunteer_section``
    and ``figures.enterprise_section``)."""
    data = figures_of_months(period.unit, [period.month])[period.month]
    return {key: data[key] for key in figures.SECTIONS}


def all_figures(period: figures.Period) -> dict:
    """The whole report (as ``figures.all_figures``)."""
    return figures_of_months(period.unit, [period.month])[period.month]


def report_figures(period: figures.Period) -> dict:
    """The report of ``period`` with its 环比 and 同比 (``figures.comparisons``),
    the three months read from the rollups at once."""
    months = [period.month] + [add_months(period.month, n) for _name, n in figures.COMPARISONS]
    found = figures_of_months(period.unit, months)
    data = found[period.month]
    data["change"] = figures.comparisons(period, data, figures_of=lambda earlier: found[earlier.month])
    return data


def branch_figures(period: figures.Period, *, prepared: bool = False) -> dict[str, dict]:
    """The ranking figures of each unit directly below ``period.unit`` (as
    ``figures.branch_figures``), keyed by the child's path: one grouped query
    (after making the rows current, unless the caller has: ``prepared``)."""
    if not prepared:
        prepare(period.unit, [period.month])
    return _branches(_branch_rows(period))


BRANCH_KEYS = ("received", "concluded", "resolved", "overdue", "backlog")


def _branch_rows(period: figures.Period):
    depth = len(period.unit.path) + 7
    return (
        _subtree(Rollup, period.unit, period.month)
        .annotate(branch=Substr("unit__path", 1, depth)).order_by().values("branch")
        .annotate(**{key: Sum(key) for key in BRANCH_KEYS})
    )


def _branches(rows) -> dict[str, dict]:
    result = {}
    for row in rows:
        data = {key: row[key] or 0 for key in BRANCH_KEYS}
        data["resolution_rate"] = figures.rate(data["resolved"], data["concluded"])
        result[row["branch"]] = data
    return result


