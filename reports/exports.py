"""What a report shows, in the user's language: rows for the report page, the
print page, and the CSV and XLSX files an office sends upward.

Only figures are exported — counts and rates, never a person's data.
"""

import csv
import dataclasses
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disputes import exports as dispute_exports
from disputes.models import Category, Dispute, FollowUp, Track
from enterprises import exports as enterprise_exports
from enterprises.models import Enterprise, EnterpriseRequest
from incidents.exports import INCIDENTS
from incidents.models import Incident
from reports import figures
from reports.months import format_month
from units.exports import csv_row, sheet_title, xlsx_text_as_text
from units.listexport import ListExport
from volunteers import exports as volunteer_exports
from volunteers.models import Outreach, Patrol, PatrolAttendance, Tip, Volunteer

COUNT, RATE, DAYS, HOURS = "count", "rate", "days", "hours"

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
    ("agreements_due", gettext_lazy("Agreements due for performance"), COUNT),
    ("agreements_performed", gettext_lazy("Agreements performed"), COUNT),
    ("agreements_breached", gettext_lazy("Agreements breached"), COUNT),
    ("performance_rate", gettext_lazy("Performance rate"), RATE),
    ("agreements_confirmed", gettext_lazy("Agreements judicially confirmed"), COUNT),
)


@dataclass(frozen=True)
class Section:
    """A section of figures from another module: its key in the report's
    figures, its title, and rows of (figure key, label, kind, drill-down key)."""

    key: str
    title: str
    rows: tuple


VOLUNTEER_SECTION = Section(
    figures.VOLUNTEERS,
    gettext_lazy("Volunteers"),
    (
        ("active_volunteers", gettext_lazy("Active volunteers"), COUNT, "active_volunteers"),
        ("patrols_done", gettext_lazy("Patrols done"), COUNT, "patrols_done"),
        ("patrol_attendances", gettext_lazy("Patrol attendances (person-times)"), COUNT,
         "patrol_attendances"),
        ("patrol_hours", gettext_lazy("Patrol hours"), HOURS, "patrol_attendances"),
        ("outreach_sessions", gettext_lazy("Outreach sessions"), COUNT, "outreach"),
        ("outreach_attendances", gettext_lazy("Outreach attendances (person-times)"), COUNT,
         "outreach_attendances"),
        ("households_reached", gettext_lazy("Households reached by outreach"), COUNT, "outreach"),
        ("people_reached", gettext_lazy("People reached by outreach"), COUNT, "outreach"),
        ("tips_received", gettext_lazy("Tips received"), COUNT, "tips_received"),
        ("tips_verified", gettext_lazy("Tips found true"), COUNT, "tips_verified"),
        ("tips_converted", gettext_lazy("Tips converted into disputes"), COUNT, "tips_converted"),
        ("tips_rejected", gettext_lazy("Tips rejected"), COUNT, "tips_rejected"),
        ("tips_pending", gettext_lazy("Tips not yet handled"), COUNT, "tips_pending"),
    ),
)
ENTERPRISE_SECTION = Section(
    figures.ENTERPRISES,
    gettext_lazy("Enterprises"),
    (
        ("enterprises", gettext_lazy("Enterprises in scope"), COUNT, "enterprises"),
        ("visited", gettext_lazy("Enterprises visited in the month"), COUNT,
         "enterprises_visited"),
        ("visited_ytd", gettext_lazy("Enterprises visited since 1 January"), COUNT,
         "enterprises_visited_ytd"),
        ("visit_coverage", gettext_lazy("Visit coverage, year to date"), RATE, None),
        ("drilled_ytd", gettext_lazy("Enterprises with an emergency drill since 1 January"),
         COUNT, "enterprises_drilled_ytd"),
        ("drill_coverage", gettext_lazy("Drill coverage, year to date"), RATE, None),
        ("trained_ytd", gettext_lazy("Enterprises with security training since 1 January"),
         COUNT, "enterprises_trained_ytd"),
        ("training_coverage", gettext_lazy("Training coverage, year to date"), RATE, None),
        ("requests_received", gettext_lazy("Enterprise requests received"), COUNT,
         "requests_received"),
        ("requests_resolved", gettext_lazy("Enterprise requests resolved"), COUNT,
         "requests_resolved"),
        ("requests_overdue", gettext_lazy("Enterprise requests overdue at the end of the month"),
         COUNT, "requests_overdue"),
        ("median_days_to_resolve", gettext_lazy("Median days to resolve a request"), DAYS, None),
    ),
)
SECTIONS = (VOLUNTEER_SECTION, ENTERPRISE_SECTION)

# The section keys differ from the dispute keys, so one table serves all.
KINDS = {key: kind for key, _label, kind in SUMMARY} | {
    key: kind for section in SECTIONS for key, _label, kind, _link in section.rows
}
LABELS = {key: label for key, label, _kind in SUMMARY}
SECTION_LABELS = {
    (section.key, key): label for section in SECTIONS for key, label, _kind, _link in section.rows
}


def _record_labels() -> dict:
    """The title of each drill-down list: the label of the first row opening it."""
    labels = dict(LABELS)
    for section in SECTIONS:
        for _key, label, _kind, link in section.rows:
            if link:
                labels.setdefault(link, label)
    return labels


RECORD_LABELS = _record_labels()
# For these a rise is bad news: the change is marked as such.
HIGHER_IS_WORSE = {
    "median_days", "overdue", "backlog", "repeat_calls", "repeat_call_rate", "agreements_breached",
    "requests_overdue", "median_days_to_resolve", "tips_pending",
}
# More disputes, calls, tips or requests received is neither good nor bad news.
NEUTRAL = {
    "received", "incidents_linked", "follow_ups_rated", "tips_received", "tips_rejected",
    "agreements_due",
    "requests_received", "enterprises",
}
# The value of the ``track`` parameter that opens the cases not yet assessed.
NO_TRACK = figures.NO_TRACK


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
    link: str = ""  # the drill-down key the value opens

    @property
    def definition(self) -> str:
        """What the figure counts (``figures.DEFINITIONS``), in the reader's language."""
        text = figures.DEFINITIONS.get(self.key)
        return _(text) if text else ""

    @property
    def definition_url(self) -> str:
        return definition_url(self.key)


def format_value(value, kind: str) -> str:
    """A figure for reading: a rate as a percentage with one decimal; a missing
    value as "no data" — never 0 % or 100 %."""
    if value is None:
        return _("no data")
    if kind == RATE:
        return _("%(value).1f%%") % {"value": value * 100}
    if kind == DAYS:
        return _("%(value).1f days") % {"value": value}
    if kind == HOURS:
        return _("%(value).1f hours") % {"value": value}
    return str(value)


def format_change(key: str, diff) -> Change:
    kind = KINDS.get(key, COUNT)
    if diff is None:
        return Change(None, _("no data"), "", None)
    if kind == RATE:
        amount = _("%(value).1f points") % {"value": abs(diff) * 100}
    elif kind == DAYS:
        amount = _("%(value).1f days") % {"value": abs(diff)}
    elif kind == HOURS:
        amount = _("%(value).1f hours") % {"value": abs(diff)}
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
        linked = key in figures.RECORDS
        row = Row(key, str(label), kind, value, format_value(value, kind), linked,
                  link=key if linked else "")
        if key in figures.COMPARED:
            row.month_on_month = format_change(key, mom.get(key)) if changes else None
            row.year_on_year = format_change(key, yoy.get(key)) if changes else None
        rows.append(row)
    return rows


def section_rows(data: dict, section: Section, allowed=None) -> list[Row]:
    """The rows of a section with their changes; a value links to its list when
    it has one and ``allowed`` (the drill-down keys the reader may open, None
    for all) includes it. A report made before the section existed shows
    "no data" for each row."""
    values = data.get(section.key) or {}
    changes = data.get("change") or {}
    mom = (changes.get("month_on_month") or {}).get(section.key) or {}
    yoy = (changes.get("year_on_year") or {}).get(section.key) or {}
    compared = figures.SECTION_COMPARED[section.key]
    rows = []
    for key, label, kind, link in section.rows:
        value = values.get(key)
        linked = bool(link) and (allowed is None or link in allowed)
        row = Row(key, str(label), kind, value, format_value(value, kind), linked,
                  link=link if linked else "")
        if key in compared and changes:
            row.month_on_month = format_change(key, mom.get(key))
            row.year_on_year = format_change(key, yoy.get(key))
        rows.append(row)
    return rows


def section_tables(data: dict, allowed=None) -> list[dict]:
    """Each section as {"key", "title", "rows"} for the pages."""
    return [
        {"key": section.key, "title": str(section.title),
         "rows": section_rows(data, section, allowed)}
        for section in SECTIONS
    ]


def change_rows(data: dict) -> list[Row]:
    """The figures compared with last month (环比) and the same month last year (同比)."""
    return [row for row in summary_rows(data) if row.key in figures.COMPARED]


def breakdown_rows(data: dict, field: str) -> list[dict]:
    """By track or by category: received, concluded, resolved, resolution rate."""
    choices = Track if field == "track" else Category
    entries = data.get(f"by_{field}") or {}
    changes = data.get("change") or {}
    mom = (changes.get("month_on_month") or {}).get(f"by_{field}") or {}
    yoy = (changes.get("year_on_year") or {}).get(f"by_{field}") or {}
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
                # 环比 and 同比 of each column; none for a report made before
                # they were kept for each track and category.
                "changes": [
                    (_breakdown_change(key, mom, value), _breakdown_change(key, yoy, value))
                    for key in figures.BREAKDOWN_COMPARED
                ] if changes and (mom or yoy) else [],
            }
        )
    return rows


def _breakdown_change(key: str, changes: dict, value: str) -> Change:
    return format_change(key, (changes.get(value) or {}).get(key))


BREAKDOWN_LABELS = {
    "by_track": gettext_lazy("By track"),
    "by_category": gettext_lazy("By category"),
}


def definition_rows() -> list[dict]:
    """Every figure of the report with its definition (``figures.DEFINITIONS``,
    the one source of truth), in the order the report shows them, grouped:
    [{"title", "rows": [{"key", "anchor", "label", "text"}]}]."""

    def row(key, label):
        return {"key": key, "anchor": f"def-{key}", "label": str(label),
                "text": _(figures.DEFINITIONS[key])}

    disputes = [row(key, label) for key, label, _kind in SUMMARY]
    disputes.insert(7, row("open_at_end", _("Open at the end of the month")))
    disputes += [row(key, label) for key, label in BREAKDOWN_LABELS.items()]
    groups = [{"title": _("Disputes, calls and follow-ups"), "rows": disputes}]
    for section in SECTIONS:
        groups.append({"title": str(section.title),
                       "rows": [row(key, label) for key, label, _kind, _link in section.rows]})
    return groups


def general_rules() -> list[str]:
    """The rules that hold for every figure (month boundary, subtree, time)."""
    return [_(text) for text in figures.GENERAL]


def definition_url(key: str) -> str:
    """Where a figure's definition is shown (the 口径说明 page)."""
    from django.urls import reverse

    return f"{reverse('reports:definitions')}#def-{key}"


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

    change_heads = [
        f"{label} · {when}"
        for label in breakdown_heads
        for when in (_("Month on month"), _("Year on year"))
    ]

    def breakdown(field, heading):
        rows = breakdown_rows(data, field)
        with_changes = any(row["changes"] for row in rows)
        return [
            [row["label"], row["received"], row["concluded"], row["resolved"], _rate_cell(row)]
            + [change.text for pair in row["changes"] for change in pair]
            for row in rows
        ], [heading, *breakdown_heads, *(change_heads if with_changes else [])]

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
        *[
            (
                str(section.title),
                [_("Figure"), _("Value"), _("Month on month"), _("Year on year")],
                [
                    _change_line(row, compared=row.key in figures.SECTION_COMPARED[section.key])
                    for row in section_rows(data, section)
                ],
            )
            for section in SECTIONS
        ],
        (
            _("Change"),
            [_("Figure"), _("Value"), _("Month on month"), _("Year on year")],
            [_change_line(row) for row in change_rows(data)],
        ),
        (
            _("Definitions"),
            [_("Figure"), _("Definition")],
            [[rule, ""] for rule in general_rules()]
            + [[row["label"], row["text"]] for group in definition_rows() for row in group["rows"]],
        ),
    ]


def _change_line(row: Row, *, compared: bool = True) -> list:
    """A figure, its value and its changes, for a sheet with change columns
    (a figure that is not compared, such as a count year to date, has none)."""
    if not compared:
        return [row.label, _cell(row.value, row.kind), "", ""]
    return [
        row.label,
        _cell(row.value, row.kind),
        row.month_on_month.text if row.month_on_month else _("no data"),
        row.year_on_year.text if row.year_on_year else _("no data"),
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
        writer.writerow(csv_row([label, value]))
    for title, heads, rows in sections(report):
        writer.writerow([])
        writer.writerow(csv_row([title]))
        writer.writerow(csv_row(heads))
        for row in rows:
            # Text cells neutralised before numbers are written as text.
            writer.writerow([_plain(cell) for cell in csv_row(row)])
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
        sheet = workbook.create_sheet(sheet_title(title))
        for label, value in header_block(report):
            sheet.append([label, value])
            xlsx_text_as_text(sheet[sheet.max_row])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        sheet.append(heads)
        xlsx_text_as_text(sheet[sheet.max_row])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in rows:
            sheet.append([float(c) if isinstance(c, Percent) else c for c in row])
            xlsx_text_as_text(sheet[sheet.max_row])
            for cell, value in zip(sheet[sheet.max_row], row):
                if isinstance(value, Percent):
                    cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 36
        for letter in "BCDE":
            sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()



# The file of each drill-down list, by the model it lists: the columns of
# that kind's own list where its rows carry what they need.
RECORD_EXPORTS = {
    Dispute: dispute_exports.DISPUTES,
    FollowUp: dispute_exports.FOLLOW_UPS,
    Incident: INCIDENTS,
    Volunteer: volunteer_exports.VOLUNTEERS,
    Patrol: volunteer_exports.PATROL_RECORDS,
    PatrolAttendance: volunteer_exports.ATTENDANCES,
    Outreach: volunteer_exports.OUTREACH,
    Outreach.volunteers.through: volunteer_exports.OUTREACH_ATTENDANCES,
    Tip: volunteer_exports.TIPS,
    Enterprise: enterprise_exports.ENTERPRISE_RECORDS,
    EnterpriseRequest: enterprise_exports.REQUEST_RECORDS,
}


def record_export(report, key: str, model) -> ListExport:
    """A drill-down list's export, its file named after the report and figure."""
    export = RECORD_EXPORTS[model]
    name = f"report-{report.unit.code}-{format_month(report.month)}-{key}"
    return dataclasses.replace(export, name=name, title=RECORD_LABELS.get(key, export.title))
