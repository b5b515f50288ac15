"""Shared pieces of the REST API: errors in the shape DESIGN.md §7 promises,
and the small building blocks every app's serializers and viewsets use."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.validators import MaxLengthValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from units.api_permissions import SIGNED_IN, RolePermission  # noqa: F401  (re-exported)
from units.errors import TransitionError


def exception_handler(exc, context):
    """Refused transitions answer 409 with a code; model validation errors 400
    with field errors, as does a body of a type the API does not read; every
    other refusal ``{"detail", "code"}`` in the
    request's language (a missing record is "Not found.", never Django's
    English "No Dispute matches the given query.")."""
    if isinstance(exc, TransitionError):
        return Response(
            {"detail": str(exc.message), "code": exc.code}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                # Django's catch-all key becomes DRF's, so clients see one name.
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.UnsupportedMediaType):
        # A body of the wrong type is malformed input like any other: 400 with
        # its own code (issue 12), so a client has one status to handle.
        exc = exceptions.ParseError(detail=exc.detail, code="unsupported_media_type")
    if isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(detail=str(exc.args[0]))
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, exceptions.APIException)
        and isinstance(response.data, dict)
        and set(response.data) == {"detail"}
    ):
        response.data["code"] = getattr(exc.detail, "code", None) or exc.default_code
    return response


class ErrorSerializer(serializers.Serializer):
    """A refusal: 403, 404 or 409 (then with a machine-readable ``code``)."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class FieldErrorsSerializer(serializers.Serializer):
    """400: ``{"field": ["message", …]}``; nested lists keep their positions."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ERRORS_400 = OpenApiResponse(FieldErrorsSerializer, description=_("Invalid input: field errors."))
ERRORS_403 = OpenApiResponse(ErrorSerializer, description=_("You are not allowed to do this."))
ERRORS_404 = OpenApiResponse(ErrorSerializer, description=_("Not found in your units."))
ERRORS_409 = OpenApiResponse(
    ErrorSerializer, description=_("The case's state does not allow this action (code says why).")
)


# Every list a client may send has a length cap, checked before any item is
# looked at: nested records (parties, requests) as the registration form's 20
# parties, lists of ids (mediators, officers, volunteers present) 50.
MAX_NESTED_ITEMS = 20
MAX_RELATED_ITEMS = 50


class CappedManyRelatedField(ManyRelatedField):
    """A list of related ids refused at once past ``max_length`` items (no
    lookup runs), with the cap stated in the schema (``maxItems``)."""

    def __init__(self, *args, max_length: int = MAX_RELATED_ITEMS, **kwargs):
        self.max_length = max_length
        super().__init__(*args, **kwargs)
        self.error_messages.setdefault(
            "max_length", _("Ensure this field has no more than {max_length} elements.")
        )

    def to_internal_value(self, data):
        if isinstance(data, (list, tuple)) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)

    def get_validators(self):
        return [*super().get_validators(), MaxLengthValidator(self.max_length)]


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id looked up only among what the requesting user may see.

    ``scope(user, context)`` returns the queryset, normally a selector; an id
    outside it is answered "does not exist", exactly like an unknown id, so
    the field never tells whether another unit's record exists.
    """

    def __init__(self, *, model: type[Model], scope: Callable[..., QuerySet], **kwargs):
        self.scope = scope
        if not kwargs.get("read_only"):
            # Only for the schema (the id's type); lookups use get_queryset().
            kwargs["queryset"] = model._default_manager.none()
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scope(self.context["request"].user, self.context)

    @classmethod
    def many_init(cls, *args, max_length: int = MAX_RELATED_ITEMS, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs), "max_length": max_length}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return CappedManyRelatedField(**list_kwargs)


def has_perm_or_403(user, perm: str) -> None:
    """Refuse early with 403, before the input is validated: the service
    checks again, but a refused user should not be told about field errors."""
    if not user.has_perm(perm):
        raise exceptions.PermissionDenied(_("You are not allowed to do this."))


class PositionalErrorsListSerializer(serializers.ListSerializer):
    """A nested list whose errors come back as a list in the items' order,
    ``{}`` for a good item: ``{"parties": [{}, {"phone": [...]}]}``, the shape
    DESIGN.md §7 promises whatever DRF's default (a dict keyed by index since
    3.16). At most ``MAX_NESTED_ITEMS`` items unless the field says otherwise,
    refused before any item is validated."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_NESTED_ITEMS)
        super().__init__(*args, **kwargs)

    def get_validators(self):
        return [*super().get_validators(), MaxLengthValidator(self.max_length)]

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except exceptions.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict) and detail and all(isinstance(k, int) for k in detail):
                raise exceptions.ValidationError(
                    [detail.get(index, {}) for index in range(len(data))]
                ) from exc
            raise


class BlankChoicesMixin:
    """Read-only choice fields of ``blank=True`` model fields may be "".

    DRF drops ``allow_blank`` from fields listed in ``read_only_fields``, so the
    schema's enum would leave "" out while the API answers it (a case not yet
    assessed has no track). Keeping it puts "" into the schema's enum.
    """

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank_choices = bool(kwargs.get("allow_blank") and kwargs.get("choices"))
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choices:
            kwargs["allow_blank"] = True
        return kwargs
