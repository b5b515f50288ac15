"""Who carries how many cases: the workload tables of the unit page and of
the lead's and the supervisor's home pages.

Each table costs a constant number of queries (grouped aggregates, never a
query per person), and each count links to the dispute list narrowed by the
same parameters the count was grouped on and the same measure definition
(``disputes.filters.MEASURES``), so the link lists exactly the cases counted.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from disputes import selectors as dispute_selectors
from disputes.filters import MEASURES, measure_query
from units.models import Officer, Unit


def measure_links(**narrow) -> dict[str, str]:
    """The dispute list's link for each measure, narrowed (e.g. ``unit=3``)."""
    base = reverse("disputes:list")
    return {measure: f"{base}?{measure_query(measure, **narrow)}" for measure in MEASURES}


def _row(name: str, counts: dict, *, href: str = "", **narrow) -> dict:
    """A table row: the name (linked to ``href`` if given) and, per measure,
    the count and (when the row can be narrowed to exactly its cases) the
    list's link."""
    links = measure_links(**narrow) if narrow else {}
    return {
        "name": name,
        "href": href,
        "cells": [
            {"measure": measure, "count": counts.get(measure, 0), "url": links.get(measure, "")}
            for measure in MEASURES
        ],
        "busy": counts.get("open", 0) + counts.get("awaiting_verification", 0),
    }


def _busiest_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: (-row["busy"], row["name"]))


def officer_rows(*, user: AbstractBaseUser, unit: Unit) -> list[dict]:
    """Every officer and lead attached to ``unit`` itself (a row of zeros when
    they carry nothing) and anyone else assigned cases in its subtree."""
    counts = dispute_selectors.workload_by_officer(user=user, unit=unit)
    staff = Officer.objects.filter(
        unit=unit, role__in=[Officer.Role.OFFICER, Officer.Role.STATION_LEAD],
        user__is_active=True,
    ).select_related("user")
    users = {officer.user_id: officer.user for officer in staff}
    missing = set(counts) - set(users)
    if missing:
        users.update(get_user_model().objects.in_bulk(missing))
    return _busiest_first([
        _row(person.get_full_name() or person.get_username(), counts.get(pk, {}),
             unit=unit.pk, assigned_officer=pk)
        for pk, person in users.items()
    ])


def mediator_rows(*, user: AbstractBaseUser, unit: Unit) -> list[dict]:
    """Each mediator named on an open or concluded case in ``unit``'s subtree."""
    return _busiest_first([
        _row(row["name"], row, unit=unit.pk, mediator=row["mediator"])
        for row in dispute_selectors.workload_by_mediator(user=user, unit=unit)
    ])


def station_rows(*, user: AbstractBaseUser, unit: Unit | None) -> list[dict]:
    """Each station holding open or concluded cases in ``unit``'s subtree. A
    case held above a station (rare) is counted on its unit's row, without
    links: the unit filter would list its whole subtree."""
    if unit is None:
        return []
    return [
        _row(row["name"], row, href=reverse("policing:unit_detail", args=[row["unit"]]),
             **({"unit": row["unit"]} if row["kind"] == Unit.Kind.STATION else {}))
        for row in dispute_selectors.workload_by_station(user=user, unit=unit)
    ]
