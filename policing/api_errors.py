"""Every answer under /api/ is JSON, errors included.

- A body larger than ``FENGQIAO_API_MAX_BODY_BYTES`` (1 MB; an upload's
  multipart body may be as large as an attachment) is refused with 400 before
  anything reads it, as is a Content-Length that is not a number.
- Django's own 400, 403, 404 and 500 (a URL no route matches, an error
  outside the view) answer ``{"detail", "code"}`` under /api/ and the usual
  pages elsewhere. Messages follow the request's language (LocaleMiddleware).
"""

import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from policing import middleware_db


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_error(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


class ApiBodyLimitMiddleware:
    """Refuses an oversized /api/ body by its Content-Length, unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse | None:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return api_error(_("The Content-Length header is not a number."), "parse_error", 400)
        limit = settings.FENGQIAO_API_MAX_BODY_BYTES
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            # An attachment upload: the file's own limit plus room for the form.
            limit = settings.FENGQIAO["ATTACHMENT_MAX_BYTES"] + 64 * 1024
        if length > limit:
            message = _("The request body is larger than %(limit)d KB.") % {"limit": limit // 1024}
            return api_error(message, "body_too_large", 400)
        return None


def bad_request(request: HttpRequest, exception=None, *args, **kwargs) -> HttpResponse:
    if is_api(request):
        return api_error(_("Malformed request."), "parse_error", 400)
    return defaults.bad_request(request, exception, *args, **kwargs)


def permission_denied(request: HttpRequest, exception=None, *args, **kwargs) -> HttpResponse:
    if is_api(request):
        return api_error(_("You are not allowed to do this."), "permission_denied", 403)
    return defaults.permission_denied(request, exception, *args, **kwargs)


def page_not_found(request: HttpRequest, exception=None, *args, **kwargs) -> HttpResponse:
    if is_api(request):
        return api_error(_("Not found."), "not_found", 404)
    return defaults.page_not_found(request, exception, *args, **kwargs)


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    error = sys.exc_info()[1]
    if is_api(request) and not isinstance(error, middleware_db.DATABASE_ERRORS):
        return api_error(_("Server error: the failure is logged."), "server_error", 500)
    return middleware_db.server_error(request, *args, **kwargs)
