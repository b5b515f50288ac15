"""Reads of the reports app, already limited to the user's unit subtree."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from policing.models import Unit
from policing.selectors import scope_q, unit_list, user_unit
from reports import figures
from reports.models import MonthlyReport


def report_list(*, user: AbstractBaseUser) -> QuerySet[MonthlyReport]:
    """Reports of units in the user's subtree (a superuser sees all)."""
    return MonthlyReport.objects.filter(scope_q(user)).select_related("unit", "requested_by")


def report_get(*, user: AbstractBaseUser, pk: int) -> MonthlyReport:
    return get_object_or_404(report_list(user=user), pk=pk)


def report_units(*, user: AbstractBaseUser) -> QuerySet[Unit]:
    """Units a report may be asked for: the user's subtree without the beats
    (cases are held at stations, so a beat's report would always be empty)."""
    return unit_list(user=user).exclude(kind=Unit.Kind.BEAT).order_by("path")


def default_unit(*, user: AbstractBaseUser) -> Unit | None:
    """The user's own unit; for a superuser without one, the top of the tree."""
    unit = user_unit(user)
    if unit is None and user.is_superuser:
        unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return unit


def snapshots(*, user: AbstractBaseUser, unit: Unit, months: list[datetime.date]) -> dict:
    """The stored reports of a unit for some months, by month."""
    reports = report_list(user=user).filter(unit=unit, month__in=months)
    return {report.month: report for report in reports}


def figures_of_month(*, unit: Unit, month: datetime.date) -> dict:
    """A month's figures: the stored snapshot when there is one, else computed."""
    stored = (
        MonthlyReport.objects.filter(unit=unit, month=month, figures__isnull=False)
        .values_list("figures", flat=True)
        .first()
    )
    if stored is not None:
        return stored
    return figures.dispute_figures(figures.Period(unit=unit, month=month))
