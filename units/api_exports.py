"""The API's side of the list exports (units/listexport.py): every list
endpoint whose page exports also answers ``GET /api/<list>/export/`` with the
same file, from the same filter parameters as the list and the same columns.

The file format is chosen as DRF chooses any format: ``?format=csv`` or
``?format=xlsx``, or an ``Accept`` header naming the file's media type; CSV
when nothing is asked. Refusals (a too large XLSX, 403) answer JSON as
everywhere in the API.
"""

import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from units.api_support import ERRORS_400, ERRORS_403
from units.listexport import (
    CONTENT_TYPES,
    CSV,
    XLSX,
    ListExport,
    file_response,
    over_cap,
    too_many_message,
)


class _FileRenderer(renderers.BaseRenderer):
    """Chooses the file's format in content negotiation; the file itself is
    written by units.listexport, so only a refusal is ever rendered here (as
    JSON, by ExportAction.finalize_response)."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode()


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = CSV


class XLSXRenderer(_FileRenderer):
    media_type = CONTENT_TYPES[XLSX]
    format = XLSX


_FILE_RENDERERS = (CSVRenderer, XLSXRenderer)


class ExportSchema(AutoSchema):
    """Documents the list's filter parameters on its export route too (the
    generator only gives them to list routes)."""

    def get_filter_backends(self) -> list:
        if getattr(self.view, "action", None) == "export":
            return getattr(self.view, "filter_backends", [])
        return super().get_filter_backends()


class ExportAction:
    """Mixed into a list viewset with ``list_export`` (a ListExport): adds the
    ``export`` route, filtered by the viewset's own filter backends."""

    list_export: ListExport
    schema = ExportSchema()

    def export_queryset(self):
        return self.filter_queryset(self.get_queryset())

    @extend_schema(
        summary=_("Export the list as a CSV or XLSX file"),
        description=_(
            "The rows of the list with the same filter and ordering parameters, all of them "
            "(not one page): CSV streamed with a UTF-8 byte order mark, or XLSX up to a limit "
            "(a larger XLSX is refused with 400: narrow the filter or take CSV). The columns "
            "are those of the list page, in the request's language, personal data masked."
        ),
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=[CSV, XLSX],
                description=_("The file format (CSV when not given)."),
            ),
        ],
        responses={
            (200, CSVRenderer.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The list as CSV.")),
            (200, XLSXRenderer.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The list as XLSX.")),
            400: ERRORS_400,
            403: ERRORS_403,
        },
    )
    @action(
        detail=False, methods=["get"], url_path="export", pagination_class=None,
        renderer_classes=[*_FILE_RENDERERS, renderers.JSONRenderer],
    )
    def export(self, request):
        file_format = getattr(request.accepted_renderer, "format", CSV)
        if file_format not in (CSV, XLSX):
            file_format = CSV
        queryset = self.export_queryset()
        too_many = over_cap(queryset, file_format)
        if too_many is not None:
            raise serializers.ValidationError({"non_field_errors": [too_many_message(too_many)]})
        return file_response(
            self.list_export, queryset, file_format,
            user=request.user, params=request.query_params, via="api",
        )

    def finalize_response(self, request, response, *args, **kwargs):
        # A refusal of the export answers JSON, whatever file was asked for.
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), _FILE_RENDERERS
        ):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
