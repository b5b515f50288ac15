"""The pages that gather every app's work: the home page of each role and the
unit page.

Every read goes through a selector, so another unit's record is a 404.
"""

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone

from disputes import selectors as dispute_selectors
from disputes.filters import MEASURES
from disputes.models import CONCLUDED_STATUSES, OPEN_STATUSES, Status
from incidents.selectors import incident_list
from notifications import selectors as notification_selectors
from policing import workload
from units import selectors
from units.bundle import Branch, read_lists
from units.models import Officer, Unit
from units.validators import mask_phone
from volunteers import selectors as volunteer_selectors
from volunteers.models import Patrol, Tip
from volunteers.selectors import tips_for_officer_home

HOME_LIST_SIZE = 20
COORDINATOR_LIST_SIZE = 8
# A volunteer is "new" on the coordinator's home for this long after joining.
NEW_VOLUNTEER_DAYS = 30


def _mask_callers(incidents) -> None:
    # Caller phones are personal data: pages only ever show them masked.
    for incident in incidents:
        incident.caller_phone_masked = mask_phone(incident.caller_phone)


@login_required
def home(request):
    officer = selectors.user_officer(request.user)
    role = officer.role if officer else None
    if request.user.is_superuser and role is None:
        role = Officer.Role.ADMIN
    context = {
        "nav": "home", "officer": officer, "role": role, "today": timezone.localdate(),
        "digest": notification_selectors.morning_digest(user=request.user),
        "digest_since": notification_selectors.overnight_start(),
    }
    if role in (Officer.Role.OFFICER, Officer.Role.STATION_LEAD):
        context.update(_case_work(request.user, lead=role == Officer.Role.STATION_LEAD))
    if role == Officer.Role.COORDINATOR:
        context.update(_coordinator_work(request.user, context["today"]))
    if role in (Officer.Role.SUPERVISOR, Officer.Role.ADMIN):
        context.update(_supervisor_work(request.user, officer.unit if officer else None))
    return render(request, "policing/home.html", context)


def _case_work(user, *, lead: bool) -> dict:
    """The officer's own open cases by deadline, follow-ups due on their cases,
    the tips waiting and the latest calls of their station not yet linked to
    a case; for a lead also the station's cases waiting on them (dispatch,
    overdue, verification) and who carries the station's cases. The short
    lists are read in one query (``units.bundle``), their numbers in one more."""
    cases = dispute_selectors.dispute_list(user=user)
    follow_ups = dispute_selectors.follow_ups_due(user=user).filter(dispute__assigned_officer=user)
    tips = tips_for_officer_home(user=user)
    counts = {"my_cases": Q(assigned_officer=user, status__in=OPEN_STATUSES)}
    lists = {
        "my_cases": Branch(
            cases.filter(counts["my_cases"]).order_by(
                F("deadline").asc(nulls_last=True), "received_at"
            ),
            related=("assigned_officer",), limit=HOME_LIST_SIZE,
        ),
        "my_follow_ups": Branch(follow_ups, related=("dispute",), limit=HOME_LIST_SIZE),
        "tips": Branch(tips, related=("unit",), limit=HOME_LIST_SIZE),
        "unlinked_calls": Branch(incident_list(user=user).filter(dispute__isnull=True), limit=10),
    }
    if lead:
        counts.update(
            awaiting_dispatch=Q(status=Status.ASSESSED),
            overdue=dispute_selectors.overdue_q(),
            awaiting_verification=Q(status__in=CONCLUDED_STATUSES),
        )
        for name, order in (
            ("awaiting_dispatch", "deadline"), ("overdue", "deadline"),
            ("awaiting_verification", "concluded_at"),
        ):
            lists[name] = Branch(
                cases.filter(counts[name]).order_by(order),
                related=("assigned_officer",), limit=HOME_LIST_SIZE,
            )
    work = read_lists(lists)
    _mask_callers(work["unlinked_calls"])
    work.update({f"{name}_count": n for name, n in dispute_selectors.case_counts(
        user=user, **counts).items()})
    work["tips_count"] = tips.count()
    work["my_follow_ups_count"] = follow_ups.count()
    if lead:
        station = selectors.user_unit(user)
        work["officer_workload"] = workload.officer_rows(user=user, unit=station)
        work["mediator_workload"] = workload.mediator_rows(user=user, unit=station)
    return work


def _coordinator_work(user, today: datetime.date) -> dict:
    """The week's patrols still to run (short of volunteers first), new tips
    waiting for the officers, volunteers who joined lately, recent outreach."""
    low, high = volunteer_selectors.local_day_bounds(
        today, volunteer_selectors.week_start(today) + datetime.timedelta(days=6)
    )
    patrols = list(
        volunteer_selectors.patrol_list(user=user).filter(
            starts_at__gte=low, starts_at__lt=high,
            status__in=[Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY],
        )
    )
    for patrol in patrols:
        patrol.understaffed = patrol.signed_up < patrol.volunteers_needed
        patrol.is_today = timezone.localtime(patrol.starts_at).date() == today
    patrols.sort(key=lambda p: (not p.understaffed, p.starts_at))
    tips = volunteer_selectors.tip_list(user=user).filter(status=Tip.Status.NEW).order_by(
        "received_at", "id"
    )
    since = today - datetime.timedelta(days=NEW_VOLUNTEER_DAYS)
    new_volunteers = volunteer_selectors.volunteer_list(user=user).filter(
        created_at__date__gte=since
    ).order_by("-created_at")
    return {
        "week_patrols": patrols[:HOME_LIST_SIZE],
        "week_patrols_count": len(patrols),
        "understaffed_count": sum(p.understaffed for p in patrols),
        "new_tips": tips[:COORDINATOR_LIST_SIZE],
        "new_tips_count": tips.count(),
        "new_volunteers": new_volunteers[:COORDINATOR_LIST_SIZE],
        "new_volunteers_count": new_volunteers.count(),
        "new_volunteer_days": NEW_VOLUNTEER_DAYS,
        "new_volunteers_since": since,
        "recent_outreach": volunteer_selectors.outreach_list(user=user)[:COORDINATOR_LIST_SIZE],
    }


def _supervisor_work(user, unit: Unit | None) -> dict:
    """Open, overdue and high-risk counts of the subtree, one row per child unit."""
    children = list(Unit.objects.filter(parent=unit).order_by("path"))
    rows_by_branch = dispute_selectors.counts_by_branch(user=user, unit=unit)
    counts = {row["branch"]: row for row in rows_by_branch}
    empty = dict.fromkeys(MEASURES, 0)
    rows = [
        {"unit": child, **(counts.pop(child.path, None) or empty),
         "links": workload.measure_links(unit=child.pk)}
        for child in children
    ]
    # Whatever is left is held at the unit itself (a case is normally at a
    # station); no links, as the unit filter would list its whole subtree.
    for row in counts.values():
        rows.append({"unit": unit, "at_unit_itself": True, **row})
    totals = {key: sum(row[key] for row in rows) for key in empty}
    return {"branch_rows": rows, "branch_totals": totals, "supervised_unit": unit}


def _workload(user, unit: Unit) -> dict:
    """Who carries the unit's cases: per officer and per mediator on a
    station's page, per station above it."""
    if not user.has_perm("disputes.view_dispute") or unit.kind == Unit.Kind.BEAT:
        return {}
    if unit.kind == Unit.Kind.STATION:
        return {
            "officer_workload": workload.officer_rows(user=user, unit=unit),
            "mediator_workload": workload.mediator_rows(user=user, unit=unit),
        }
    return {"station_workload": workload.station_rows(user=user, unit=unit)}


def _outline(unit: Unit) -> dict | None:
    """The unit's outline and those of the units just below it, as GeoJSON."""
    if unit.boundary is None:
        return None
    children = unit.children.exclude(boundary=None).order_by("path")
    features = [{"type": "Feature", "geometry": unit.boundary,
                 "properties": {"name": unit.name, "self": True}}]
    features += [
        {"type": "Feature", "geometry": child.boundary,
         "properties": {"name": child.name, "url": child.get_absolute_url()}}
        for child in children
    ]
    return {"type": "FeatureCollection", "features": features}


@login_required
@permission_required("units.view_unit", raise_exception=True)
def unit_detail(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk)
    own = selectors.user_unit(request.user)
    parent_visible = unit.parent is not None and (
        request.user.is_superuser or (own is not None and own.contains(unit.parent))
    )
    context = {
        "unit": unit,
        "parent_visible": parent_visible,
        "children": unit.children.order_by("path"),
        "officers": unit.officers.select_related("user").order_by("role", "user__username"),
        "counts": dispute_selectors.subtree_counts(user=request.user, unit=unit),
        "can_see_disputes": request.user.has_perm("disputes.view_dispute"),
        "outline": _outline(unit),
        **_workload(request.user, unit),
    }
    return render(request, "policing/unit_detail.html", context)

