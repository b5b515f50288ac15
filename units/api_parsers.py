"""The API's request body parser: JSON only (uploads name their own parser),
refusing what would otherwise crash or tie up a worker."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deeper than any body the API takes (a registration is 3 levels deep).
MAX_JSON_DEPTH = 32


def _depth_exceeded(value, limit: int) -> bool:
    """Whether ``value`` nests deeper than ``limit``, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested past MAX_JSON_DEPTH (which makes
    Python's json module raise RecursionError at about 1,000 levels) is a 400
    like any other parse error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(self._too_deep())
        except json.JSONDecodeError as error:  # pragma: no cover - DRF wraps it
            raise ParseError(str(error))
        if _depth_exceeded(data, MAX_JSON_DEPTH):
            raise ParseError(self._too_deep())
        return data

    @staticmethod
    def _too_deep() -> str:
        return _("JSON parse error: nested more than %(depth)d levels deep.") % {
            "depth": MAX_JSON_DEPTH
        }


def max_body_bytes() -> int:
    return settings.FENGQIAO_API_MAX_BODY_BYTES
