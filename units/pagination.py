"""Paginating lists that may hold a province's records."""

import base64
import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, F, Field, Func, Q, TextField, Value
from django.db.models.expressions import OrderBy
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

# Past this many rows a list says "10000+": an exact COUNT over a million
# disputes costs more than the number is worth to someone paging by 25.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator that counts at most COUNT_CAP rows.

    Counting ``queryset[:cap + 1]`` lets the database stop early instead of
    counting every matching row; ``count_capped`` says whether it stopped.
    The count drops the ordering: sorted, a city's capped count walked the
    received-at index past 150,000 other cities' rows (730 ms); unsorted it
    reads the scope's unit index (40 ms).
    """

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def count_capped(self) -> bool:
        return self._counted > self.cap

    def page(self, number):
        """Paginator.page, its rows read by ``read_slice``."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(read_slice(self.object_list, bottom, top), number, self)


# Past this offset a page number is refused: OFFSET reads and throws away
# every row before the page, so page 20,000 of a province read a million.
# Further on, the API's lists are followed with a cursor. At 10,000 a city's
# last page number took 157 / 163 ms (median / p95) on the province copy,
# its cursor pages 53 / 57: the bound is where an offset is still cheap.
MAX_OFFSET = 5_000


class KeysetCursor:
    """A position in a list sorted by plain columns, the last one the id.

    The token carries the last row's values of the sort keys; the next page
    is the rows after it (``WHERE (k, id) > (v, last id)`` written out term by
    term), read down the ordering's index whatever the depth (or, for a key
    sorted scope first, from the scope's entries). Orders on a nullable
    column or a related field have no cursor: their lists stop at
    MAX_OFFSET and say so.
    """

    def __init__(self, queryset):
        self.model = queryset.model
        order = queryset.query.order_by or self.model._meta.ordering
        self.scope_first = {_plain_term(term).lstrip("-") for term in order if _is_scope_first(term)}
        terms = [_plain_term(term) for term in order]
        if not all(isinstance(term, str) for term in terms):
            self.terms = None
            return
        keys = [(term.lstrip("-"), term.startswith("-")) for term in terms]
        keys = [("id" if name == "pk" else name, desc) for name, desc in keys]
        if "id" not in [name for name, _ in keys]:
            keys.append(("id", keys[-1][1] if keys else False))
        self.terms = keys if all(self._plain(name) for name, _ in keys) else None

    def _plain(self, name: str) -> bool:
        try:
            field = self.model._meta.get_field(name)
        except Exception:  # noqa: BLE001 — a related path or an annotation
            return False
        return field.concrete and not field.is_relation and not field.null

    def _value_field(self, name: str) -> Field:
        """The field that reads a token's value: a generated column's is its
        output field (GeneratedField itself passes text through)."""
        field = self.model._meta.get_field(name)
        return field.output_field if field.generated else field

    @property
    def supported(self) -> bool:
        return self.terms is not None

    def order(self, queryset):
        """The keys, the id last, each sorted as the list sorts it: a key
        sorted scope first stays so, or the page would walk its index from
        the position past every other scope's rows."""
        return queryset.order_by(*[self._term(name, desc) for name, desc in self.terms])

    def _term(self, name: str, desc: bool):
        if name in self.scope_first:
            return ScopeFirst(name).desc() if desc else ScopeFirst(name).asc()
        return f"-{name}" if desc else name

    def encode(self, row) -> str:
        values = [self.model._meta.get_field(name).value_to_string(row) for name, _ in self.terms]
        return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")

    def after(self, queryset, token: str):
        """The rows after the token's position; ValueError for a bad token."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (ValueError, TypeError) as error:
            raise ValueError(token) from error
        if not isinstance(raw, list) or len(raw) != len(self.terms):
            raise ValueError(token)
        try:
            values = [
                self._value_field(name).to_python(value)
                for (name, _), value in zip(self.terms, raw, strict=True)
            ]
        except ValidationError as error:
            raise ValueError(token) from error
        directions = {desc for _, desc in self.terms}
        if len(directions) == 1:
            # One row-value comparison: an index range that starts right there.
            compare = LessThan if directions.pop() else GreaterThan
            keys = Row(*[F(name) for name, _ in self.terms])
            return queryset.filter(compare(keys, Row(*[Value(v) for v in values])))
        condition = Q(pk__in=[])
        for index, (name, desc) in enumerate(self.terms):
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[index]})
            for earlier, value in zip(self.terms[:index], values[:index], strict=False):
                step &= Q(**{earlier[0]: value})
            condition |= step
        first, desc = self.terms[0]
        return queryset.filter(condition, **{f"{first}__{'lte' if desc else 'gte'}": values[0]})


class ScopeFirst(Func):
    """A column's own order as an expression no index gives, ``(column ||
    '')`` for text and ``(column + 0)`` for a number: PostgreSQL then reads a
    narrow scope's rows through their unit indexes and sorts them, instead of
    walking the column's index across the whole table in search of the
    scope's rows. For keys whose index holds a scope's rows together behind
    other scopes': references begin with the station's code (a district's
    first 25 by reference sat behind 546,783 others), and a rank's ties run
    in id order, which clusters by unit where cases were loaded unit by unit
    (a city's first 25 high-risk cases sat behind 56,240 others). The cost
    is the scope's size, whatever the data's order; ``read_slice`` keeps it
    to the scope's index entries."""

    def __init__(self, name: str):
        super().__init__(F(name))
        self.name = name

    def as_sql(self, compiler, connection, **extra_context):
        text = isinstance(self.output_field, (CharField, TextField))
        template = "(%(expressions)s || '')" if text else "(%(expressions)s + 0)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _is_scope_first(term) -> bool:
    return isinstance(term, OrderBy) and isinstance(term.expression, ScopeFirst)


def _plain_term(term):
    """An ordering term as the cursor names it: ``ScopeFirst`` by its column."""
    if _is_scope_first(term):
        return f"-{term.expression.name}" if term.descending else term.expression.name
    return term


def read_slice(queryset, bottom: int, top: int):
    """Rows ``bottom`` to ``top`` of a list. Sorted scope first, the page's
    ids are chosen first, in a subquery that sorts the scope's entries of a
    ``(unit, key, id)`` index alone; only the page's rows are then read and
    joined to their units and officers. Sorting the scope's whole rows,
    joined, took a city's list by risk level 219 ms, the ids first 24 ms."""
    if not any(_is_scope_first(term) for term in queryset.query.order_by):
        return queryset[bottom:top]
    return queryset.filter(pk__in=queryset.values("pk")[bottom:top])


class Row(Func):
    """A row value, ``(a, b)``: PostgreSQL and SQLite compare them in order."""

    function = ""
    template = "(%(expressions)s)"
    output_field = Field()


class ListPagination(PageNumberPagination):
    """The API's lists: page numbers while the offset is cheap, then a cursor.

    ``count`` is capped at COUNT_CAP (``count_capped`` says it stopped). A
    ``page`` whose offset passes MAX_OFFSET is a 400 naming the ``cursor``;
    the last page number's ``next`` link already carries a cursor, so a
    client following ``next`` walks the whole list without ever reading past
    an OFFSET bound. A ``cursor`` page reads down the ordering's index.
    """

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.capped = CappedPaginator(queryset, self.page_size)
        self.keyset = KeysetCursor(queryset)
        token = request.query_params.get(self.cursor_query_param)
        if token is not None:
            return self._cursor_page(queryset, token)
        self.number = self._page_number(request)
        offset = (self.number - 1) * self.page_size
        if offset >= MAX_OFFSET:
            raise exceptions.ValidationError({self.page_query_param: [_past_bound_message()]})
        rows = list(read_slice(queryset, offset, offset + self.page_size + 1))
        self.has_next, rows = len(rows) > self.page_size, rows[: self.page_size]
        self.next_token = None
        if self.has_next and offset + self.page_size >= MAX_OFFSET:
            self.next_token = self._token_after(rows)
        return rows

    def _page_number(self, request) -> int:
        raw = request.query_params.get(self.page_query_param, 1)
        if raw in self.last_page_strings:
            return max(1, self.capped.num_pages)
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise exceptions.ValidationError({self.page_query_param: [_("A page number from 1.")]})
        if number > max(1, self.capped.num_pages) and not self.capped.count_capped:
            raise exceptions.NotFound(_("Invalid page."))
        return number

    def _cursor_page(self, queryset, token):
        if not self.keyset.supported:
            raise exceptions.ValidationError({self.cursor_query_param: [_past_bound_message()]})
        try:
            after = self.keyset.after(self.keyset.order(queryset), token)
        except ValueError:
            raise exceptions.ValidationError({self.cursor_query_param: [_("Not a valid cursor.")]})
        rows = list(read_slice(after, 0, self.page_size + 1))
        self.number = None
        self.next_token = self.keyset.encode(rows[self.page_size - 1]) if len(rows) > self.page_size else None
        return rows[: self.page_size]

    def _token_after(self, rows) -> str | None:
        return self.keyset.encode(rows[-1]) if self.keyset.supported else None

    def get_next_link(self):
        url = self.request.build_absolute_uri()
        if self.next_token:
            url = remove_query_param(url, self.page_query_param)
            return replace_query_param(url, self.cursor_query_param, self.next_token)
        if self.number is None or not self.has_next:
            return None
        return replace_query_param(url, self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if not self.number or self.number == 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response({
            "count": self.capped.count,
            "count_capped": self.capped.count_capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            f"Matching rows, counted up to {COUNT_CAP:,}; count_capped says there are more."
        )
        answer["properties"]["count_capped"] = {"type": "boolean"}
        answer["properties"]["next"]["description"] = (
            "The next page: page numbers while the offset stays under "
            f"{MAX_OFFSET:,} rows, then a cursor."
        )
        answer["required"] = [*answer.get("required", []), "count_capped"]
        return answer

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    f"A page number while page × page size stays under {MAX_OFFSET:,} rows "
                    "(a 400 beyond: follow the `next` link, which carries a cursor)."
                )
        parameters.append({
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "An opaque position from a `next` link: the rows after it.",
            "schema": {"type": "string"},
        })
        return parameters


def _past_bound_message():
    return _(
        "Pages end at %(rows)s rows: follow the list's next link (a cursor) or narrow the filters."
    ) % {"rows": f"{MAX_OFFSET:,}"}
