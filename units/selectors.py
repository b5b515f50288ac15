"""Reads of the organisation, and the scope rule every app's selectors apply."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Q,
    QuerySet,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from units.models import Officer, Unit


def user_officer(user: AbstractBaseUser) -> Officer | None:
    """The user's officer record with its unit, read once per request (one
    query for both; every scope of the request reads it again)."""
    if not user.is_authenticated:
        return None
    if "officer" in user._state.fields_cache:
        return user._state.fields_cache["officer"]
    officer = Officer.objects.select_related("unit").filter(user_id=user.pk).first()
    user._state.fields_cache["officer"] = officer
    return officer


def user_unit(user: AbstractBaseUser) -> Unit | None:
    officer = user_officer(user)
    return officer.unit if officer else None


def scope_q(user: AbstractBaseUser, field: str = "unit") -> Q:
    """A filter for records whose ``field`` lies in the user's unit subtree.

    A superuser sees everything; a user with no unit sees nothing.
    """
    if user.is_superuser:
        return Q()
    unit = user_unit(user)
    if unit is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": subtree_ids(unit)})


def subtree_ids(unit: Unit) -> QuerySet[Unit]:
    """The ids of ``unit`` and every unit below it, as a subquery.

    Filtering records by ``unit_id IN (SELECT id FROM units_unit WHERE path
    LIKE 'p%')`` rather than by ``LIKE`` on a joined units table lets
    PostgreSQL estimate the subtree from the unit table's own statistics (the
    prefix is a range on ``unit_path_idx``): it then knows whether the scope is
    120 units of a district, to be read through the records' unit indexes, or
    a city's thousands, better read down the list's ordering index. The join
    was estimated at one unit whatever the scope, and sorted a district's
    every case to show 25.
    """
    return Unit.objects.filter(path__startswith=unit.path).values("pk")


def unit_list(*, user: AbstractBaseUser) -> QuerySet[Unit]:
    units = Unit.objects.select_related("parent")
    if user.is_superuser:
        return units
    unit = user_unit(user)
    if unit is None:
        return units.none()
    return units.filter(path__startswith=unit.path)


def unit_get(*, user: AbstractBaseUser, pk: int) -> Unit:
    return get_object_or_404(unit_list(user=user), pk=pk)


def station_choices() -> QuerySet[Unit]:
    """Every station, for transfers: a case may move across regions."""
    return Unit.objects.filter(kind=Unit.Kind.STATION).order_by("path")


def stations_in_scope(*, user: AbstractBaseUser) -> QuerySet[Unit]:
    return unit_list(user=user).filter(kind=Unit.Kind.STATION)


def beats_in_scope(*, user: AbstractBaseUser) -> QuerySet[Unit]:
    return unit_list(user=user).filter(kind=Unit.Kind.BEAT)


def officers_in_scope(*, user: AbstractBaseUser) -> QuerySet[Officer]:
    return (
        Officer.objects.filter(scope_q(user))
        .filter(role__in=[Officer.Role.OFFICER, Officer.Role.STATION_LEAD])
        .select_related("user", "unit")
    )


def in_scope(user: AbstractBaseUser, unit: Unit) -> bool:
    """Whether ``unit`` lies in the user's unit subtree (a superuser's is all)."""
    if user.is_superuser:
        return True
    own = user_unit(user)
    return own is not None and unit.path.startswith(own.path)


def require_in_scope(user: AbstractBaseUser, unit: Unit) -> None:
    if not in_scope(user, unit):
        raise Http404

