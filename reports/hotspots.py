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
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.models import OPEN_STATUSES
from disputes.selectors import dispute_list
from incidents.selectors import incident_list
from reports.months import current_month, month_bounds
from units.models import Unit
from units.selectors import unit_list
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
HOTSPOT_COUNT = 10


def _by_beat(queryset, field: str, **counts) -> dict[int, dict]:
    rows = queryset.exclude(**{f"{field}__isnull": True}).values(field).annotate(**counts)
    return {row.pop(field): row for row in rows}


def beat_figures(*, user, beats: list[Unit], now: datetime.datetime) -> dict[int, dict]:
    """Each figure of FIGURES for each beat in ``beats``: four grouped queries."""
    start, end = month_bounds(current_month())
    ids = [beat.pk for beat in beats]
    disputes = dispute_list(user=user).filter(beat_id__in=ids)
    open_counts = _by_beat(
        disputes.filter(status__in=OPEN_STATUSES), "beat_id",
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=now)),
    )
    received = _by_beat(
        disputes.filter(received_at__gte=start, received_at__lt=end), "beat_id",
        received=Count("pk"),
    )
    calls = _by_beat(
        incident_list(user=user).filter(
            dispute__beat_id__in=ids, received_at__gte=start, received_at__lt=end
        ),
        "dispute__beat_id", linked=Count("pk"), repeat=Count("pk", filter=Q(is_repeat=True)),
    )
    tips = _by_beat(
        tip_list(user=user).filter(unit_id__in=ids, received_at__gte=start, received_at__lt=end),
        "unit_id", tips=Count("pk"),
    )
    figures = {}
    for beat_id in ids:
        call = calls.get(beat_id, {})
        figures[beat_id] = {
            "open": open_counts.get(beat_id, {}).get("open", 0),
            "overdue": open_counts.get(beat_id, {}).get("overdue", 0),
            "received": received.get(beat_id, {}).get("received", 0),
            "repeat_rate": round(call["repeat"] / call["linked"], 4) if call.get("linked") else None,
            "tips": tips.get(beat_id, {}).get("tips", 0),
        }
    return figures


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


def hotspots(*, user, figure: str, unit: Unit | None = None) -> dict:
    """The ten beats of the user's units (under ``unit`` if given) with the
    highest ``figure`` this month, outlined or not, and the addresses with
    more than one call in the last 90 days. Six queries, whatever the number
    of beats and records."""
    # A city holds about a thousand beats: their outlines are not read, only
    # whether they have one.
    beats = (
        unit_list(user=user).filter(kind=Unit.Kind.BEAT).select_related("parent")
        .only("id", "name", "path", "parent__name")
        .annotate(has_outline=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField()))
    )
    calls = incident_list(user=user)
    if unit is not None:
        beats = beats.filter(path__startswith=unit.path)
        calls = calls.filter(unit__path__startswith=unit.path)
    beats = list(beats)
    figures = beat_figures(user=user, beats=beats, now=timezone.now())
    ranked = sorted(
        (beat for beat in beats if figures[beat.pk][figure]),
        key=lambda beat: (-figures[beat.pk][figure], beat.path),
    )[:HOTSPOT_COUNT]
    since = timezone.now() - datetime.timedelta(days=REPEAT_ADDRESS_DAYS)
    addresses = (
        calls.filter(received_at__gte=since)
        .order_by().values("address")
        .annotate(calls=Count("pk"), cases=Count("dispute", distinct=True))
        .filter(calls__gte=2)
        .order_by("-calls", "-cases", "address")[:HOTSPOT_COUNT]
    )
    return {
        "figure": figure,
        "beats": [
            {"id": beat.pk, "name": beat.name, "station": beat.parent.name if beat.parent_id else "",
             "value": figures[beat.pk][figure], "url": beat.get_absolute_url(),
             "list_url": beat_list_url(beat, figure),
             "has_outline": beat.has_outline}
            for beat in ranked
        ],
        "addresses": [dict(row) for row in addresses],
    }
