"""Every response the test suite gets from /api/ is checked against the
served OpenAPI schema (openapi-core, strict OAS 3.1 validation): status
documented, body of the documented shape. tests/conftest.py hooks it into
Django's test client, so every API test of every app checks it."""

import json
import re

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

_openapi = None
_spec = None


class _Request(DjangoOpenAPIRequest):
    """Only the response is checked: a multipart body already read is not needed."""

    @property
    def body(self) -> bytes:
        try:
            return super().body
        except Exception:  # noqa: BLE001 - RawPostDataException after an upload
            return b""

# Not contract answers: the schema itself, the docs page, a crash.
SKIPPED = ("/api/schema/", "/api/docs/")


def openapi() -> OpenAPI:
    global _openapi, _spec
    if _openapi is None:
        with translation.override("en"):
            schema = SchemaGenerator().get_schema(request=None, public=True)
            # Through JSON, as a client reads it (lazy strings become text).
            _spec = json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))
        _openapi = OpenAPI.from_dict(_spec)
    return _openapi


def check_file_response(request, response) -> None:
    """A file (a list's CSV or XLSX export): its status and media type must be
    documented for the operation; the body is a file, not JSON to validate."""
    openapi()
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    # Literal paths first: /api/disputes/export/ is not /api/disputes/{id}/.
    for template, operations in sorted(_spec["paths"].items(), key=lambda p: p[0].count("{")):
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, request.path):
            operation = operations.get(request.method.lower()) or {}
            content = operation.get("responses", {}).get(str(response.status_code), {}).get(
                "content", {})
            if media_type in content:
                return
            raise AssertionError(
                f"{request.method} {request.path}: {response.status_code} {media_type} "
                f"is not documented (documented: {sorted(content)})"
            )
    raise AssertionError(f"{request.method} {request.path}: not JSON and no documented path")


def check_response(response) -> None:
    request = getattr(response, "wsgi_request", None)
    if request is None or not request.path.startswith("/api/") or request.path.startswith(SKIPPED):
        return
    if response.status_code == 500 or not response.get("Content-Type", "").startswith(
        "application/json"
    ):
        if response.status_code < 300 and response.status_code != 500:
            check_file_response(request, response)
        return
    if request.resolver_match is None:
        return  # a URL no route matches: a 404 {"detail", "code"}, no operation to check
    try:
        openapi().validate_response(
            _Request(request), DjangoOpenAPIResponse(response)
        )
    except (PathNotFound, OperationNotFound):
        return  # a method the path does not have: a 405 {"detail", "code"}
    except Exception as error:  # noqa: BLE001 - re-raised with the request named
        body = response.content[:500]
        raise AssertionError(
            f"{request.method} {request.path} {response.status_code} does not match the "
            f"schema: {error!r} {getattr(error, '__cause__', '')!r} body={body!r}"
        ) from error
