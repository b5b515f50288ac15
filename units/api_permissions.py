"""The API's permission class, apart from units.api_support: DRF imports its
default permission classes while rest_framework.views itself is loading, so
this module must not import rest_framework.views."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions

# ``read_permission`` of a viewset whose records are the user's own (their
# notifications): any signed-in user, the selector keeps them to their own.
SIGNED_IN = "signed-in"


class RolePermission(permissions.IsAuthenticated):
    """The API's one gate for rights: a viewset declares ``read_permission``
    (a permission of units/roles.py, or SIGNED_IN) and a user whose role
    lacks it is refused with 403 on every route of that viewset, as the
    matching page refuses. Writes check their own permission on top
    (``has_perm_or_403``) and the selectors apply scope and permission again,
    so a record is never read past either.

    A write's body is parsed here, before the view acts on it.

    A viewset that declares nothing is a programming error, never open.
    """

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        perm = getattr(view, "read_permission", None)
        if perm is None:
            raise ImproperlyConfigured(f"{type(view).__name__} declares no read_permission")
        if perm != SIGNED_IN and not request.user.has_perm(perm):
            return False
        if request.method not in permissions.SAFE_METHODS:
            # Parse the body now, so a malformed one (not JSON, nested too
            # deep, of a type the API does not read) is a 400 on every write,
            # also where the action reads no field of it.
            request.data  # noqa: B018
        return True
