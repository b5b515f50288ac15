"""Several short lists of one record read in one query.

A case page shows a dozen short lists (parties, sessions, referrals, the
timeline, …); a query each put the page at 20 queries, over the 12 of issue
16. ``read_lists`` reads them all in one ``UNION ALL``: each branch is one
list's own queryset (its filter; its order, kept as a row number computed by
the database), each row packed as a JSON object together with the records it
is shown with (like ``select_related``, one level). The rows come back as
model instances, as the lists' own querysets would give them.

Only for short lists: a branch reads its whole list, or its first ``limit``
rows.
"""

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, models
from django.db.models import CharField, F, Value, Window
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_duration


@dataclass(frozen=True)
class Branch:
    """One list: its queryset, the relations read with each row (forward
    foreign keys or a reverse one-to-one), its order (default: the queryset's
    or its model's), and how many of its first rows to read (default: all)."""

    queryset: models.QuerySet
    related: tuple[str, ...] = ()
    ordering: tuple = ()
    limit: int | None = None


def _packed(model: type[models.Model], prefix: str = "") -> JSONObject:
    return JSONObject(**{f.attname: F(prefix + f.attname) for f in model._meta.concrete_fields})


def _unpacked(model: type[models.Model], data: dict | None, using: str) -> models.Model | None:
    if not data or data.get(model._meta.pk.attname) is None:
        return None
    names, values = [], []
    for f in model._meta.concrete_fields:
        value = data.get(f.attname)
        if isinstance(f, models.JSONField):
            # SQLite packs a JSON column as its text; PostgreSQL as JSON.
            if isinstance(value, str) and connections[using].vendor == "sqlite":
                value = json.loads(value)
        elif value is not None:
            value = f.to_python(value)
            # SQLite keeps date-times as naive UTC text; PostgreSQL's JSON
            # carries the offset.
            if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
                value = timezone.make_aware(value, datetime.UTC)
        names.append(f.attname)
        values.append(value)
    return model.from_db(using, names, values)


def _branch_query(name: str, branch: Branch) -> models.QuerySet:
    queryset = branch.queryset
    model = queryset.model
    ordering = (
        list(branch.ordering) or list(queryset.query.order_by) or list(model._meta.ordering) or ["pk"]
    )
    row = {"row": _packed(model)}
    for relation in branch.related:
        row[relation] = _packed(model._meta.get_field(relation).related_model, f"{relation}__")
    numbered = queryset.order_by().annotate(
        _list=Value(name, output_field=CharField()),
        _n=Window(RowNumber(), order_by=ordering),
        _row=JSONObject(**row),
    )
    if branch.limit is not None:
        numbered = numbered.filter(_n__lte=branch.limit)
    return numbered.values_list("_list", "_n", "_row")


def read_lists(branches: dict[str, Branch]) -> dict[str, list[models.Model]]:
    """Every branch's rows, in its order, in one query."""
    queries = [_branch_query(name, branch) for name, branch in branches.items()]
    rows = list(queries[0].union(*queries[1:], all=True)) if queries else []
    numbered: dict[str, list] = {name: [] for name in branches}
    for name, number, data in rows:
        branch = branches[name]
        model = branch.queryset.model
        using = branch.queryset.db
        record = _unpacked(model, data["row"], using)
        for relation in branch.related:
            field = model._meta.get_field(relation)
            field.set_cached_value(record, _unpacked(field.related_model, data[relation], using))
        numbered[name].append((number, record))
    return {name: [record for _, record in sorted(pairs, key=lambda p: p[0])]
            for name, pairs in numbered.items()}


def set_prefetched(instance: models.Model, name: str, records: list[models.Model]) -> None:
    """Make ``instance.<name>.all()`` answer ``records`` without a query, as
    ``prefetch_related`` does; children of a foreign key get the instance as
    their parent."""
    manager = getattr(instance, name)
    queryset = manager.all()
    back = getattr(manager, "field", None)  # a reverse foreign key's field on the child
    if back is not None:
        for record in records:
            back.set_cached_value(record, instance)
    queryset._result_cache = list(records)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def read_aggregates(
    parts: dict[str, tuple[models.QuerySet, dict[str, models.Aggregate]]],
) -> dict[str, dict]:
    """Aggregates over several querysets in one query: name → (queryset,
    {key: aggregate}) gives name → {key: value}, as ``queryset.aggregate``
    would (a count of no rows is 0, any other aggregate of no rows None)."""
    queries = [
        queryset.order_by()
        .values(_list=Value(name, output_field=CharField()))
        .annotate(_row=JSONObject(**aggregates))
        .values_list("_list", "_row")
        for name, (queryset, aggregates) in parts.items()
    ]
    rows = dict(queries[0].union(*queries[1:], all=True)) if queries else {}
    result = {}
    for name, (queryset, aggregates) in parts.items():
        row = rows.get(name) or {}
        result[name] = {
            key: _aggregate_value(aggregate, row.get(key)) for key, aggregate in aggregates.items()
        }
    return result


def read_rows(parts: dict[str, models.QuerySet]) -> dict[str, list[dict]]:
    """The rows of several ``values(...)`` querysets, grouped and summed or
    not, in one query: name → its rows as dicts, as the queryset would give
    them. Each row travels packed as JSON, so the querysets need not have
    alike columns; a value of a model field comes back as that field's
    Python value (a date as a date), any other as JSON gives it (sums)."""
    queries, fields = [], {}
    for name, queryset in parts.items():
        names = [*queryset.query.values_select, *queryset.query.annotation_select]
        model = queryset.model
        fields[name] = {
            key: model._meta.get_field(key) for key in queryset.query.values_select
            if "__" not in key
        }
        queries.append(
            queryset.order_by()
            .annotate(_list=Value(name, output_field=CharField()),
                      _row=JSONObject(**{key: F(key) for key in names}))
            .values_list("_list", "_row")
        )
    rows: dict[str, list[dict]] = {name: [] for name in parts}
    for name, data in (queries[0].union(*queries[1:], all=True) if queries else []):
        data = json.loads(data) if isinstance(data, str) else data
        for key, field in fields[name].items():
            if data.get(key) is not None:
                data[key] = field.to_python(data[key])
        rows[name].append(data)
    return rows


def _aggregate_value(aggregate: models.Aggregate, value):
    if value is None:
        return 0 if isinstance(aggregate, models.Count) else None
    if isinstance(aggregate, models.Count):
        return value
    try:
        field = aggregate.output_field
    except AttributeError:  # over a plain column, known once resolved: not a duration
        field = None
    if isinstance(field, models.DurationField):
        # SQLite sums durations as microseconds, PostgreSQL as an interval.
        if isinstance(value, int | float):
            return datetime.timedelta(microseconds=value)
        return parse_duration(value)
    return value
