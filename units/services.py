"""Writes of the organisation."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from units.geo import TOLERANCE, boundary_shape, clean_boundary
from units.models import Unit


@transaction.atomic
def unit_set_boundary(*, actor: AbstractBaseUser | None, unit: Unit, geometry: dict | None) -> Unit:
    """Give a unit its outline (GeoJSON Polygon or MultiPolygon), or clear it.

    Rules: only an administrator (``units.change_unit``; None is a command
    run by the operator); the outline is valid (closed rings, no crossing)
    and lies inside the parent's outline when the parent has one; the
    children that have outlines still lie inside it.
    """
    if actor is not None and not actor.has_perm("units.change_unit"):
        raise PermissionDenied(_("You are not allowed to do this."))
    if geometry is not None:
        check_boundary(unit=unit, parent=unit.parent, geometry=geometry)
    unit.boundary = geometry
    unit.save(update_fields=["boundary"])
    return unit


def check_boundary(*, unit: Unit | None, parent: Unit | None, geometry: dict) -> None:
    """Raise ValidationError unless ``geometry`` is a valid outline inside the
    parent's and around the outlines of the units already below ``unit``."""
    outline = clean_boundary(geometry, parent_geometry=parent.boundary if parent else None)
    if unit is None or unit.pk is None:
        return
    outside = [
        child.name for child in unit.children.exclude(boundary=None)
        if not _inside(outline, child.boundary)
    ]
    if outside:
        raise ValidationError(
            _("These units below it would lie outside the new outline: %(names)s.")
            % {"names": "、".join(outside)}
        )


def _inside(outline, geometry: dict) -> bool:
    return outline.buffer(TOLERANCE).contains(boundary_shape(geometry))
