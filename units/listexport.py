"""Every list exports what it shows: the rows of the current filter and
ordering (not the current page) as CSV or XLSX.

Each app declares one ``ListExport`` per list (``disputes/exports.py`` …):
its columns as (header, accessor) pairs and the related rows to load with the
list. Pages hook it with ``page_export(request, EXPORT, queryset)`` on the
queryset they paginate (``?export=csv`` / ``?export=xlsx`` on the list's URL,
so the file carries the page's filter); the API with ``ExportAction``
(units/api_exports.py), from the list endpoint's own filter backends.

The rules every export follows:

- Scope: the queryset is the list's own, from its selector and filterset.
- Personal data: ID numbers and phones are masked by the accessors as the page
  masks them (units/validators.py); free text (``Column(..., free_text=True)``)
  goes through ``mask_free_text``, the one place that calls the text masker.
- Formula-safe: units/exports.py (``csv_row``, ``xlsx_text_as_text``).
- Size: CSV streams (``iterator(chunk_size=…)``, constant memory, a constant
  number of queries whatever the rows); XLSX is built in memory, so a filter
  matching more than ``XLSX_MAX_ROWS`` rows is refused with a message asking
  to narrow it (a partial workbook would pass for the whole list).
- Audit: every export is an ``ExportEvent`` (who, which list, which filter,
  how many rows, web or API).
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from units.exports import csv_row, sheet_title, xlsx_text_as_text
from units.logmask import mask_text
from units.models import ExportEvent

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# An XLSX file is built in memory; past this many rows the export is refused.
XLSX_MAX_ROWS = 10_000
# Rows fetched per query while streaming (prefetches run once per chunk).
CHUNK_SIZE = 500
# The page's own parameters, not part of the filter an export records.
_NOT_FILTER = ("export", "format", "page")


def mask_free_text(value: str) -> str:
    """Free text a user typed (a summary, a note): ID and mobile numbers in it
    masked. The one call of the text masker, so it can be switched here."""
    return mask_text(value)


@dataclass(frozen=True)
class Column:
    """One column: its header (translated when the file is written) and how
    to read its value from a row. ``free_text`` columns are masked."""

    header: Any
    value: Callable[[Any], Any]
    free_text: bool = False


@dataclass(frozen=True)
class ListExport:
    """A list's export: ``name`` (audit log and file name), ``title`` (the
    sheet's name), the columns, and what to load with each row so that no
    row costs a query of its own."""

    name: str
    title: Any
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()

    def prepare(self, queryset: QuerySet) -> QuerySet:
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def row(self, record) -> list:
        values = []
        for column in self.columns:
            value = column.value(record)
            if column.free_text and isinstance(value, str):
                value = mask_free_text(value)
            values.append(value)
        return values

    def rows(self, queryset: QuerySet) -> Iterator[list]:
        for record in self.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
            yield self.row(record)

    def filename(self, file_format: str) -> str:
        return f"{self.name}-{timezone.localdate():%Y%m%d}.{file_format}"


# ------------------------------------------------------------ accessor helpers


def display(field: str) -> Callable[[Any], str]:
    """The label of a choice field in the user's language, as
    ``get_X_display`` gives it; the field's labels are looked up once per
    export rather than rebuilt for every row."""
    labels: dict = {}  # per model: {value: lazy label}

    def label(record) -> str:
        model = type(record)
        if model not in labels:
            labels[model] = dict(record._meta.get_field(field).flatchoices)
        value = getattr(record, field)
        return force_str(labels[model].get(value, value), strings_only=True)

    return label


def person(user) -> str:
    """A user as the pages name them: full name, else username."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def names(manager) -> str:
    """The prefetched records of a many-to-many, by name, joined."""
    return "、".join(str(item) for item in manager.all())


# ------------------------------------------------------------ cell values


def _plain(value) -> Any:
    """A value as a spreadsheet cell: dates in Asia/Shanghai, yes/no in the
    user's language, nothing as an empty cell, lazy text as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, (int, float, datetime.date)):
        return value
    return str(value)


def _csv_text(value) -> Any:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class _Echo:
    """csv.writer writes into this; each row comes back as a string to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(export: ListExport, queryset: QuerySet) -> Iterator[str]:
    """The CSV file piece by piece: a UTF-8 byte order mark (Excel and WPS then
    read the Chinese correctly), the headers, then one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(csv_row(export.headers()))
    for row in export.rows(queryset):
        yield writer.writerow([_csv_text(cell) for cell in csv_row([_plain(v) for v in row])])


def xlsx_bytes(export: ListExport, queryset: QuerySet) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode: each row
    is serialised as it is appended, so the time grows with the rows, not
    with their square)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(str(export.title)))
    sheet.freeze_panes = "A2"
    for index, _column in enumerate(export.columns):
        sheet.column_dimensions[_letter(index)].width = 18
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, header, font=bold) for header in export.headers()])
    for row in export.rows(queryset):
        sheet.append([_xlsx_cell(sheet, _plain(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value, font=None):
    """One cell: text stays text (never a formula), dates get a date format."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    xlsx_text_as_text([cell])
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# ------------------------------------------------------------ responses


def filter_query(params) -> str:
    """The filter an export recorded: the query string without the page's
    own parameters."""
    query = params.copy()
    for key in _NOT_FILTER:
        query.pop(key, None)
    return query.urlencode()


def too_many_message(count: int) -> str:
    return _(
        "%(count)d rows match this filter; an XLSX file holds at most %(max)d. "
        "Narrow the filter, or export CSV (no limit)."
    ) % {"count": count, "max": XLSX_MAX_ROWS}


def file_response(
    export: ListExport, queryset: QuerySet, file_format: str, *, user, params, via: str
) -> HttpResponse:
    """The file, after logging the export. The caller has checked the XLSX cap."""
    count = queryset.count()
    ExportEvent.objects.create(
        user=user, list_name=export.name, file_format=file_format,
        query=filter_query(params), rows=count, via=via,
    )
    if file_format == CSV:
        response = StreamingHttpResponse(
            _encoded(csv_lines(export, queryset), translation.get_language()),
            content_type=CONTENT_TYPES[CSV],
        )
    else:
        response = HttpResponse(xlsx_bytes(export, queryset), content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = f'attachment; filename="{export.filename(file_format)}"'
    response["X-Export-Rows"] = str(count)
    return response


def _encoded(lines: Iterator[str], language: str) -> Iterator[bytes]:
    """The streamed lines as bytes, written in the request's language: the
    rows are made after the view has returned, when the request's language
    may no longer be the active one."""
    with translation.override(language):
        for line in lines:
            yield line.encode("utf-8")


def over_cap(queryset: QuerySet, file_format: str) -> int | None:
    """The number of matching rows when an XLSX file would exceed the cap."""
    if file_format != XLSX:
        return None
    counted = queryset[: XLSX_MAX_ROWS + 1].count()
    return queryset.count() if counted > XLSX_MAX_ROWS else None


def page_export(request, export: ListExport, queryset: QuerySet) -> HttpResponse | None:
    """On a list page: the file asked for by ``?export=csv|xlsx``, a redirect
    back to the list with a message when XLSX would be too large, or None
    (show the page)."""
    file_format = request.GET.get("export")
    if file_format not in FORMATS:
        return None
    too_many = over_cap(queryset, file_format)
    if too_many is not None:
        messages.warning(request, too_many_message(too_many))
        query = filter_query(request.GET)
        return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
    return file_response(
        export, queryset, file_format, user=request.user, params=request.GET, via="web"
    )

