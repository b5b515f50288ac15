"""Shared pieces of the REST API: errors in the shape DESIGN.md §7 promises."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from disputes.workflow import TransitionError


def exception_handler(exc, context):
    """Refused transitions answer 409 with a code; model validation errors 400
    with field errors; everything else as DRF does."""
    if isinstance(exc, TransitionError):
        return Response(
            {"detail": str(exc.message), "code": exc.code}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    if isinstance(exc, DjangoPermissionDenied) and exc.args:
        from rest_framework.exceptions import PermissionDenied

        exc = PermissionDenied(detail=str(exc.args[0]))
    return drf_exception_handler(exc, context)
