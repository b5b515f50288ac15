"""What a report shows, in the user's language: rows for the report page, the
print page, and the CSV and XLSX files an office sends upward.

Only figures are exported — counts and rates, never a person's data.
"""

import csv
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disputes.models import Category, Track
from reports import figures
from reports.months import format_month

COUNT, RATE, DAYS = "count", "rate", "days"

# The headline figures of DESIGN.md §6, in the order the report shows them.
SUMMARY = (
    ("received", gettext_lazy("Received"), COUNT),
    ("concluded", gettext_lazy("Concluded (outcome recorded)"), COUNT),
    ("resolved", gettext_lazy("Resolved"), COUNT),
    ("resolution_rate", gettext_lazy("Resolution rate"), RATE),
    ("settled", gettext_lazy("Received and concluded within the month"), COUNT),
    ("settlement_rate", gettext_lazy("Settlement rate"), RATE),
    ("median_days", gettext_lazy("Median days to conclusion"), DAYS),
    ("overdue", gettext_lazy("Overdue at the end of the month"), COUNT),
    ("backlog", gettext_lazy("Long-standing backlog"), COUNT),
    ("high_risk_resolved", gettext_lazy("High-risk disputes resolved"), COUNT),
    ("incidents_linked", gettext_lazy("Calls linked to a dispute"), COUNT),
    ("repeat_calls", gettext_lazy("Repeat calls"), COUNT),
    ("repeat_call_rate", gettext_lazy("Repeat-call rate"), RATE),
    ("follow_ups_rated", gettext_lazy("Follow-ups with a rating"), COUNT),
    ("follow_ups_satisfied", gettext_lazy("Follow-ups rated satisfied"), COUNT),
    ("satisfaction_rate", gettext_lazy("Follow-up satisfaction"), RATE),
)
KINDS = {key: kind for key, _label, kind in SUMMARY}
LABELS = {key: label for key, label, _kind in SUMMARY}
# For these a rise is bad news: the change is marked as such.
HIGHER_IS_WORSE = {"median_days", "overdue", "backlog", "repeat_calls", "repeat_call_rate"}
# More disputes received is neither good nor bad news.
NEUTRAL = {"received", "incidents_linked", "follow_ups_rated"}
# The value of the ``track`` parameter that opens the cases not yet assessed.
NO_TRACK = "none"


@dataclass
class Change:
    diff: float | None
    text: str
    direction: str  # "up", "down", "same" or "" (no data)
    good: bool | None


@dataclass
class Row:
    key: str
    label: str
    kind: str
    value: float | None
    text: str
    linked: bool
    month_on_month: Change | None = None
    year_on_year: Change | None = None


def format_value(value, kind: str) -> str:
    """A figure for reading: a rate as a percentage with one decimal; a missing
    value as "no data" — never 0 % or 100 %."""
    if value is None:
        return _("no data")
    if kind == RATE:
        return _("%(value).1f%%") % {"value": value * 100}
    if kind == DAYS:
        return _("%(value).1f days") % {"value": value}
    return str(value)


def format_change(key: str, diff) -> Change:
    kind = KINDS.get(key, COUNT)
    if diff is None:
        return Change(None, _("no data"), "", None)
    if kind == RATE:
        amount = _("%(value).1f points") % {"value": abs(diff) * 100}
    elif kind == DAYS:
        amount = _("%(value).1f days") % {"value": abs(diff)}
    else:
        amount = str(abs(int(diff)))
    if diff == 0:
        return Change(0, _("unchanged"), "same", None)
    up = diff > 0
    arrow = "▲" if up else "▼"
    good = None if key in NEUTRAL else up != (key in HIGHER_IS_WORSE)
    return Change(diff, f"{arrow} {amount}", "up" if up else "down", good)


def summary_rows(data: dict) -> list[Row]:
    changes = data.get("change") or {}
    mom, yoy = changes.get("month_on_month") or {}, changes.get("year_on_year") or {}
    rows = []
    for key, label, kind in SUMMARY:
        value = data.get(key)
        row = Row(key, str(label), kind, value, format_value(value, kind), key in figures.RECORDS)
        if key in figures.COMPARED:
            row.month_on_month = format_change(key, mom.get(key)) if changes else None
            row.year_on_year = format_change(key, yoy.get(key)) if changes else None
        rows.append(row)
    return rows


def change_rows(data: dict) -> list[Row]:
    """The figures compared with last month (环比) and the same month last year (同比)."""
    return [row for row in summary_rows(data) if row.key in figures.COMPARED]


def breakdown_rows(data: dict, field: str) -> list[dict]:
    """By track or by category: received, concluded, resolved, resolution rate."""
    choices = Track if field == "track" else Category
    entries = data.get(f"by_{field}") or {}
    order = list(choices.values) + sorted(v for v in entries if v not in choices.values)
    rows = []
    for value in order:
        entry = entries.get(value)
        if entry is None:
            continue
        if value in choices.values:
            label = str(choices(value).label)
        elif value == "":
            label = _("Not yet assessed")
        else:
            label = value
        rows.append(
            {
                "value": value or NO_TRACK,
                "label": label,
                "received": entry.get("received", 0),
                "concluded": entry.get("concluded", 0),
                "resolved": entry.get("resolved", 0),
                "resolution_rate": entry.get("resolution_rate"),
                "rate_text": format_value(entry.get("resolution_rate"), RATE),
            }
        )
    return rows


def header_block(report) -> list[tuple[str, str]]:
    generated = (
        timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")
        if report.generated_at
        else _("not yet generated")
    )
    return [
        (_("Monthly report"), ""),
        (_("Unit"), str(report.unit)),
        (_("Month"), format_month(report.month)),
        (_("Generated at"), generated),
    ]


def sections(report) -> list[tuple[str, list[str], list[list]]]:
    """Each section as (title, column headings, rows of plain values)."""
    data = report.figures or {}
    rate_heading = _("Resolution rate")
    breakdown_heads = [_("Received"), _("Concluded"), _("Resolved"), rate_heading]

    def breakdown(field, heading):
        return [
            [row["label"], row["received"], row["concluded"], row["resolved"], _rate_cell(row)]
            for row in breakdown_rows(data, field)
        ], [heading, *breakdown_heads]

    track_rows, track_heads = breakdown("track", _("Track"))
    category_rows, category_heads = breakdown("category", _("Category"))
    return [
        (
            _("Summary"),
            [_("Figure"), _("Value")],
            [[row.label, _cell(row.value, row.kind)] for row in summary_rows(data)],
        ),
        (_("By track"), track_heads, track_rows),
        (_("By category"), category_heads, category_rows),
        (
            _("Change"),
            [_("Figure"), _("Value"), _("Month on month"), _("Year on year")],
            [
                [
                    row.label,
                    _cell(row.value, row.kind),
                    row.month_on_month.text if row.month_on_month else _("no data"),
                    row.year_on_year.text if row.year_on_year else _("no data"),
                ]
                for row in change_rows(data)
            ],
        ),
    ]


class Percent(float):
    """A rate destined for a spreadsheet cell formatted as a percentage."""


def _cell(value, kind):
    if value is None:
        return _("no data")
    if kind == RATE:
        return Percent(value)
    return value


def _rate_cell(row):
    return _cell(row["resolution_rate"], RATE)


def _plain(value) -> str:
    if isinstance(value, Percent):
        return format_value(float(value), RATE)
    return str(value)


def filename(report, extension: str) -> str:
    return f"report-{report.unit.code}-{format_month(report.month)}.{extension}"


def report_csv(report) -> bytes:
    """All sections one after another, with a UTF-8 byte order mark so that
    Excel reads the Chinese labels correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for label, value in header_block(report):
        writer.writerow([label, value])
    for title, heads, rows in sections(report):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(heads)
        for row in rows:
            writer.writerow([_plain(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report) -> bytes:
    """A workbook with one sheet per section, each headed by unit, month and
    generation time."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, heads, rows in sections(report):
        sheet = workbook.create_sheet(_sheet_title(title))
        for label, value in header_block(report):
            sheet.append([label, value])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        sheet.append(heads)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in rows:
            sheet.append([float(c) if isinstance(c, Percent) else c for c in row])
            for cell, value in zip(sheet[sheet.max_row], row):
                if isinstance(value, Percent):
                    cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 36
        for letter in "BCDE":
            sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel refuses these characters and names longer than 31 characters.
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]
