"""The OpenAPI schema's error documentation, added to every operation by one
postprocessing hook (SPECTACULAR_SETTINGS ``POSTPROCESSING_HOOKS``), so an
endpoint cannot forget the errors it may answer.

Every refusal is ``{"detail", "code"}`` with ``code`` from ``ERROR_CODES``
(``Error``); a 409's code is one of ``CONFLICT_CODES`` (``Conflict``); a 400
is either field errors (``FieldErrors``) or ``Error`` (a parse error, a body
too large). tests/api/test_schema.py checks that every code the code base
raises is listed here.
"""

from django.utils.translation import gettext_lazy as _

# The codes of TransitionError: a 409 (the record's state forbids the change).
CONFLICT_CODES = [
    "transition_not_allowed",
    "stale",
    "already_linked",
    "already_converted",
    "request_state",
    "not_a_dispute_request",
    "not_a_dispute_tip",
    "tip_state",
    "patrol_closed",
    "patrol_ended",
    "patrol_full",
    "already_signed_up",
    "not_signed_up",
    "already_in",
    "already_out",
    "not_checked_in",
    "not_checked_out",
    "undo_expired",
    "patrol_cancelled",
    "too_early",
    "not_started",
    "not_planned",
    "idempotency_key_reused",
    "case_not_concluded",
    "already_applied",
    "already_decided",
]
# Every other refusal: DRF's own codes and the app's.
ERROR_CODES = [
    "parse_error",
    "body_too_large",
    "invalid",
    "not_authenticated",
    "authentication_failed",
    "permission_denied",
    "otp_required",
    "password_change_required",
    "not_found",
    "method_not_allowed",
    "not_acceptable",
    "unsupported_media_type",
    "throttled",
    "locked_out",
    "server_error",
    "database_unavailable",
    "queue_unavailable",
    *CONFLICT_CODES,
]

_ERROR = {"$ref": "#/components/schemas/Error"}
_CONFLICT = {"$ref": "#/components/schemas/Conflict"}
_FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}


def _json(schema: dict, description) -> dict:
    return {"description": str(description), "content": {"application/json": {"schema": schema}}}


def _nullable_as_31(node):
    """OpenAPI 3.1 has no ``nullable``: DRF's pagination schema still writes
    it. ``{"type": "string", "nullable": true}`` becomes ``{"type":
    ["string", "null"]}``, anything else ``{"oneOf": [..., {"type": "null"}]}``."""
    if isinstance(node, list):
        return [_nullable_as_31(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_as_31(value) for key, value in node.items()}
    if node.pop("nullable", False) is True:
        kind = node.get("type")
        if isinstance(kind, str):
            node["type"] = [kind, "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        elif isinstance(kind, list):
            node["type"] = kind if "null" in kind else [*kind, "null"]
        else:
            return {"oneOf": [node, {"type": "null"}]}
    return node


def document_errors(result, generator, request, public):
    """Add the error answers every operation may give, with their bodies."""
    result = _nullable_as_31(result)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorCode"] = {"type": "string", "enum": ERROR_CODES}
    schemas["ConflictCode"] = {"type": "string", "enum": CONFLICT_CODES}
    schemas["Error"] = {
        "type": "object",
        "description": "A refusal: what went wrong, in the request's language, and a code.",
        "properties": {
            "detail": {"type": "string"},
            "code": {"$ref": "#/components/schemas/ErrorCode"},
        },
        "required": ["detail", "code"],
    }
    schemas["Conflict"] = {
        "type": "object",
        "description": "The record's state does not allow this change; code says why.",
        "properties": {
            "detail": {"type": "string"},
            "code": {"$ref": "#/components/schemas/ConflictCode"},
        },
        "required": ["detail", "code"],
    }
    field_errors = schemas.setdefault("FieldErrors", {"type": "object", "properties": {}})
    # Field names are keys: any field may carry its list (or nested errors).
    field_errors["additionalProperties"] = True
    bad_input = {"anyOf": [_FIELD_ERRORS, _ERROR]}

    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "ordering" and parameter.get("in") == "query":
                    # Repeated keys, as generated clients send an array.
                    parameter["style"], parameter["explode"] = "form", True
            responses = operation.setdefault("responses", {})
            if method == "post" and ({"201", "202"} & set(responses)):
                # policing/idempotency.py: a repeated creating POST creates once.
                operation.setdefault("parameters", []).append({
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "Send the same key to repeat this request safely: the first "
                    "answer comes back again and nothing is created twice (kept 24 hours).",
                    "schema": {"type": "string", "maxLength": 200},
                })
                responses.setdefault("409", {"description": "The key was used for another request."})
            # No security requirement: open to anyone (the token endpoint);
            # say so explicitly rather than leave it to the reader.
            operation.setdefault("security", [])
            anonymous = operation["security"] in ([], [{}])
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            # A write's body is parsed even where the action reads no field
            # (units.api_permissions), so every write may answer 400.
            if "requestBody" in operation or has_query or method in {"post", "put", "patch"}:
                responses["400"] = _json(bad_input, responses.get("400", {}).get(
                    "description", _("Invalid input: field errors, or a body that cannot be read.")))
            if not anonymous:
                responses.setdefault("401", _json(_ERROR, _("Not signed in: send a token.")))
                responses.setdefault("403", _json(_ERROR, _("You are not allowed to do this.")))
            if "{" in path or method == "get" and has_query:
                # A detail's record, or a list's page, that does not exist.
                responses.setdefault("404", _json(_ERROR, _("Not found in your units.")))
            if "409" in responses:
                responses["409"] = _json(_CONFLICT, responses["409"].get("description", ""))
            for code in ("403", "404"):
                if code in responses:
                    responses[code] = _json(_ERROR, responses[code].get("description", ""))
            responses.setdefault(
                "503", _json(_ERROR, _("The database or the queue is unavailable; retry later."))
            )
    return result
