"""Pages of the monthly reports and the supervisors' dashboard.

Every report is fetched through a selector (another unit's report is a 404);
a request goes through ``queue.report_request``; the lists behind a count
are the querysets of ``reports.figures``, further limited to the user's scope.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disputes.models import Category, Dispute, Track
from reports import charts, exports, figures, queue, selectors
from reports.filters import ReportFilter
from reports.forms import DashboardUnitForm, ReportRequestForm
from reports.hotspots import FIGURES as HOTSPOT_FIGURES
from reports.hotspots import hotspots
from reports.models import MonthlyReport
from reports.months import add_months, current_month, format_month
from units.conf import fengqiao
from units.listexport import page_export
from units.models import Unit

VIEW_PERM = "reports.view_monthlyreport"
# A page of a report still being made reloads itself (HTTP Refresh header).
REFRESH_SECONDS = 5
# Children ranked on the dashboard: their figures come grouped from one set of
# query over the rollups (rollups.branch_figures); the cap only keeps the table readable.
MAX_RANKED_CHILDREN = 200


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def report_list(request):
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report, queued = queue.report_ask(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except queue.QueueUnavailable as error:
            form.add_error(None, str(error.detail))
        else:
            messages.success(request, _request_message(report, queued))
            return redirect(report)
    reports = ReportFilter(
        request.GET, queryset=selectors.report_list(user=request.user), request=request
    )
    page = Paginator(reports.qs, fengqiao("PAGE_SIZE")).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/list.html",
        {"nav": "reports", "filter": reports, "page_obj": page, "form": form},
    )


def _request_message(report: MonthlyReport, queued: bool) -> str:
    names = {"unit": report.unit, "month": format_month(report.month)}
    if queued:
        return _("The report of %(unit)s for %(month)s was requested.") % names
    if report.state == MonthlyReport.State.DONE:
        return _("The report of %(unit)s for %(month)s is up to date: none of its records "
                 "changed since it was made.") % names
    return _("The report of %(unit)s for %(month)s is already being made.") % names


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
@require_POST
def report_regenerate(request, pk):
    """Make a report again although its records have not changed."""
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        report, queued = queue.report_regenerate(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except queue.QueueUnavailable as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _request_message(report, queued))
    return redirect(report)


def _breakdowns(data: dict) -> list[tuple]:
    return [
        (_("By track"), exports.breakdown_rows(data, "track"), "track"),
        (_("By category"), exports.breakdown_rows(data, "category"), "category"),
    ]


def _busy(report: MonthlyReport) -> bool:
    return report.state in (MonthlyReport.State.QUEUED, MonthlyReport.State.RUNNING)


def _report_context(report: MonthlyReport, user) -> dict:
    data = report.figures or {}
    return {
        "report": report,
        "month": format_month(report.month),
        "has_figures": report.figures is not None,
        "summary": exports.summary_rows(data),
        "breakdowns": _breakdowns(data),
        "sections": exports.section_tables(data, figures.record_keys_for(user)),
        "has_change": bool(data.get("change")),
        "busy": _busy(report),
    }


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    context = {"nav": "reports", **_report_context(report, request.user)}
    response = render(request, "reports/detail.html", context)
    if _busy(report):
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def report_print(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    return render(request, "reports/print.html", _report_context(report, request.user))


def _download(report, content: bytes, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = exports.filename(report, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _exportable(request, pk) -> MonthlyReport:
    report = selectors.report_get(user=request.user, pk=pk)
    if report.figures is None:
        raise Http404(_("This report has no figures yet."))
    return report


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def report_export_csv(request, pk):
    report = _exportable(request, pk)
    return _download(report, exports.report_csv(report), "csv", "text/csv; charset=utf-8")


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def report_export_xlsx(request, pk):
    report = _exportable(request, pk)
    return _download(
        report,
        exports.report_xlsx(report),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def definitions(request):
    """口径说明: what every figure counts, where and when — printable."""
    return render(request, "reports/definitions.html", {
        "nav": "reports",
        "general": exports.general_rules(),
        "groups": exports.definition_rows(),
        "backlog_days": fengqiao("BACKLOG_DAYS"),
        "track_days": [(Track(track).label, days)
                       for track, days in fengqiao("TRACK_DEADLINE_DAYS").items()],
    })


# ----------------------------------------------------------- drill-down


def _record_filters(request, key: str) -> tuple[str, str]:
    """The breakdown asked for; only the dispute counts have one."""
    track, category = request.GET.get("track", ""), request.GET.get("category", "")
    if (track or category) and key not in figures.BREAKDOWN_FIGURES:
        raise Http404
    if track and track not in Track.values and track != exports.NO_TRACK:
        raise Http404
    if category and category not in Category.values:
        raise Http404
    return track, category


def _records(request, report, key: str, track: str, category: str):
    period = figures.Period(unit=report.unit, month=report.month)
    queryset = figures.records(key, period, track=track, category=category)
    # The report is in the user's scope, so are its records; say so anyway.
    return selectors.record_list(user=request.user, queryset=queryset)


def _snapshot_count(data: dict, key: str, track: str, category: str) -> int | None:
    if track:
        entry = (data.get("by_track") or {}).get("" if track == exports.NO_TRACK else track)
        return (entry or {}).get(key, 0) if data else None
    if category:
        return ((data.get("by_category") or {}).get(category) or {}).get(key, 0) if data else None
    return figures.snapshot_count(data, key)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def report_records(request, pk, key):
    """The records behind one count: the current list, with the snapshot's count
    beside it and, when they differ, what changed since the snapshot."""
    report = selectors.report_get(user=request.user, pk=pk)
    if key not in figures.RECORD_KEYS:
        raise Http404
    if key not in figures.record_keys_for(request.user):
        # Lists of volunteers and enterprises follow their own apps' permissions.
        raise PermissionDenied(_("You are not allowed to see these records."))
    track, category = _record_filters(request, key)
    queryset = _records(request, report, key, track, category)
    export = page_export(request, exports.record_export(report, key, queryset.model), queryset)
    if export is not None:
        return export
    page = Paginator(queryset, fengqiao("PAGE_SIZE")).get_page(request.GET.get("page"))
    current = page.paginator.count
    snapshot = _snapshot_count(report.figures or {}, key, track, category)
    difference = None if snapshot is None else current - snapshot
    changed = []
    if queryset.model is Dispute and report.generated_at:
        changed = list(queryset.filter(updated_at__gt=report.generated_at)[:50])
    context = {
        "nav": "reports",
        "report": report,
        "month": format_month(report.month),
        "key": key,
        "label": exports.RECORD_LABELS.get(key, key),
        "kind": queryset.model._meta.model_name,
        "track_label": _choice_label(Track, track),
        "category_label": _choice_label(Category, category),
        "page_obj": page,
        "snapshot_count": snapshot,
        "current_count": current,
        "difference": difference,
        "more": max(difference or 0, 0),
        "fewer": max(-(difference or 0), 0),
        "changed": changed,
    }
    return render(request, "reports/records.html", context)


def _choice_label(choices, value: str) -> str:
    if not value:
        return ""
    if value == exports.NO_TRACK:
        return _("Not yet assessed")
    return str(choices(value).label)


# ----------------------------------------------------------- dashboard


def _dashboard_unit(request):
    """The unit whose dashboard is shown, the units the user may choose from,
    and the picker's form. A ``?unit=`` naming no unit of the user's (or
    several) is a 404, as another unit's report is."""
    units = selectors.report_units(user=request.user)
    form = DashboardUnitForm(request.GET or None, units=units)
    if request.GET.get("unit"):
        if not form.is_valid():
            raise Http404
        return form.cleaned_data["unit"], units, form
    unit = selectors.default_unit(user=request.user)
    # The user's own unit is in ``units`` unless it is a beat (beats hold no
    # cases, so have no report): then the first of ``units``, if any.
    if unit is not None and unit.kind == Unit.Kind.BEAT:
        unit = units.first()
    form = DashboardUnitForm(initial={"unit": unit}, units=units)
    return unit, units, form


def _trend_months(current: datetime.date) -> list[datetime.date]:
    return [add_months(current, -n) for n in range(12, 0, -1)]


def _trend(stored: dict, current: datetime.date, now: dict) -> list[dict]:
    """The last 12 months from stored snapshots (by month), then this month so far."""
    months = _trend_months(current)
    rows = []
    for month in months:
        report = stored.get(month)
        rows.append({"month": month, "label": format_month(month), "report": report,
                     "figures": report.figures if report else None})
    rows.append({"month": current, "label": format_month(current), "report": None,
                 "figures": now, "so_far": True})
    for row in rows:
        data = row["figures"] or {}
        row["cells"] = [
            exports.format_value(data.get(key), exports.KINDS[key]) if row["figures"] else None
            for key in TREND_KEYS
        ]
        # A snapshot made before the sections existed shows "no data" there.
        row["section_cells"] = [
            exports.format_value((data.get(section) or {}).get(key), exports.KINDS[key])
            for section, key in TREND_SECTION_KEYS
        ]
    return rows


TREND_KEYS = (
    "received", "concluded", "resolution_rate", "settlement_rate", "overdue", "backlog",
    "repeat_call_rate", "satisfaction_rate",
)
# The volunteer and enterprise figures of the 12-month table: (section, key).
TREND_SECTION_KEYS = (
    (figures.VOLUNTEERS, "patrols_done"),
    (figures.VOLUNTEERS, "patrol_attendances"),
    (figures.VOLUNTEERS, "patrol_hours"),
    (figures.VOLUNTEERS, "outreach_attendances"),
    (figures.VOLUNTEERS, "tips_received"),
    (figures.VOLUNTEERS, "tips_converted"),
    (figures.ENTERPRISES, "visited"),
    (figures.ENTERPRISES, "visit_coverage"),
    (figures.ENTERPRISES, "requests_received"),
    (figures.ENTERPRISES, "requests_resolved"),
    (figures.ENTERPRISES, "requests_overdue"),
)


def _charts(rows: list[dict]) -> dict:
    labels = [row["label"][2:] for row in rows]  # "26-03": thirteen fit in a line

    def series(key):
        return [(row["figures"] or {}).get(key) if row["figures"] else None for row in rows]

    no_data = _("no data")
    return {
        "rates": charts.line_chart(
            title=_("Resolution and settlement rate by month"),
            desc=_("Resolution rate and settlement rate of the last 12 months and this month "
                   "so far; months without a report are left blank."),
            labels=labels,
            series=[charts.Series(_("Resolution rate"), series("resolution_rate")),
                    charts.Series(_("Settlement rate"), series("settlement_rate"))],
            no_data=no_data,
        ),
        "counts": charts.bar_chart(
            title=_("Disputes received and concluded by month"),
            desc=_("Disputes received and concluded in each of the last 12 months and this "
                   "month so far; months without a report are left blank."),
            labels=labels,
            series=[charts.Series(_("Received"), series("received")),
                    charts.Series(_("Concluded"), series("concluded"))],
            no_data=no_data,
        ),
    }


def _ranking(children: list, by_branch: dict[str, dict], order: str) -> list[dict]:
    """Child units by resolution rate (no data last), or by overdue count."""
    empty = {"received": 0, "concluded": 0, "resolved": 0, "overdue": 0, "backlog": 0,
             "resolution_rate": None}
    rows = []
    for child in children:
        data = by_branch.get(child.path, empty)
        rows.append({"unit": child, "figures": data,
                     "rate_text": exports.format_value(data["resolution_rate"], exports.RATE)})
    if order == "overdue":
        rows.sort(key=lambda r: (-r["figures"]["overdue"], r["unit"].path))
    else:
        rows.sort(key=lambda r: (r["figures"]["resolution_rate"] is None,
                                 -(r["figures"]["resolution_rate"] or 0),
                                 r["figures"]["overdue"], r["unit"].path))
    return rows


def _hotspots(request, unit) -> dict | None:
    """The beats under ``unit`` with the most of the chosen figure this month,
    and the repeat-call addresses, for those who may read cases (as the map).
    Kept as long as the live figures, for this user (the lists behind them
    are the user's)."""
    if not request.user.has_perm("disputes.view_dispute"):
        return None
    figure = request.GET.get("hotspot")
    figure = figure if figure in HOTSPOT_FIGURES else "open"
    found = selectors.cached(
        f"reports:hotspots:{request.user.pk}:{unit.pk}:{figure}",
        lambda: hotspots(user=request.user, figure=figure, unit=unit),
    )
    return {**found, "label": HOTSPOT_FIGURES[figure], "figures": HOTSPOT_FIGURES}


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def dashboard(request):
    unit, units, unit_form = _dashboard_unit(request)
    if unit is None:
        raise Http404(_("You have no unit to report on."))
    current = current_month()
    # This month so far is computed live; earlier months come from snapshots.
    # 环比 and 同比 from the records by the report's rules (kept a few minutes
    # like this month's figures), never from a snapshot late entries made stale.
    compared = [add_months(current, months) for _name, months in figures.COMPARISONS]
    live = selectors.live_figures(unit=unit, months=[current, *compared], branches_of=current)
    now, computed_at = live[current]
    now = dict(now)
    recorded = selectors.recorded_before(unit=unit, days=[add_months(month, 1) for month in compared])
    now["change"] = figures.comparisons(
        figures.Period(unit=unit, month=current), now,
        figures_of=lambda period: live[period.month][0],
        recorded_before=lambda unit, day: recorded[day],
    )
    stored, children = selectors.snapshots_and_children(
        user=request.user, unit=unit, months=_trend_months(current), units=units,
        limit=MAX_RANKED_CHILDREN,
    )
    rows = _trend(stored, current, now)
    order = "overdue" if request.GET.get("rank") == "overdue" else "rate"
    context = {
        "nav": "reports",
        "unit": unit,
        "unit_form": unit_form,
        "current_label": format_month(current),
        "summary": exports.summary_rows(now),
        "breakdowns": _breakdowns(now),
        "sections": exports.section_tables(now),
        "trend": rows,
        "trend_labels": [exports.LABELS[key] for key in TREND_KEYS],
        "trend_section_labels": [exports.SECTION_LABELS[pair] for pair in TREND_SECTION_KEYS],
        "charts": _charts(rows),
        "ranking": _ranking(children, live["branches"], order),
        "rank_order": order,
        "computed_at": computed_at,
        "hotspots": _hotspots(request, unit),
    }
    return render(request, "reports/dashboard.html", context)
