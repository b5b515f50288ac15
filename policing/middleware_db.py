"""A database outage answers a clean 503, never a stack trace.

When PostgreSQL restarts (or is unreachable) every query raises
``OperationalError`` or ``InterfaceError``. Pages then get the static
``templates/503.html`` and the API ``{"detail", "code"}`` with status 503 and a
``Retry-After`` header. Nothing here touches the database: the page is
rendered without a request context (the context processors read the
database). ``CONN_HEALTH_CHECKS`` lets the next request reconnect by itself,
so the app recovers without a restart.

``DatabaseUnavailableMiddleware`` catches what a view raises;
``server_error`` (``handler500``) catches the same errors raised by other
middleware (sessions, authentication), which Django turns into a 500.
"""

import logging
import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger("fengqiao.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    # One line, no traceback: the cause is the outage, not the code.
    log.warning("database unavailable: %s %s: %s", request.method, request.path,
                type(error).__name__)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _("The database is unavailable. Please try again in a moment."),
                "code": "database_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """``handler500``: a database error outside the view is still a 503."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable_response(request, error)
    return defaults.server_error(request, *args, **kwargs)
