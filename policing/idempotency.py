"""``Idempotency-Key`` on the API's creating POSTs (issue 12).

A client that sends the same POST twice with the same ``Idempotency-Key``
(a retry after a timeout, a double click) gets the first answer again,
marked ``Idempotent-Replayed: true``, and nothing is created twice. The same
key with another body is refused with 409 ``idempotency_key_reused``; while
the first request is still running, a second one with its key gets 409 too.

Answers are kept 24 hours in the cache (shared by the web workers when
``CACHE_URL`` is set), by caller (a hash of the credentials sent), path and
key. Only successful answers are kept: a refused request may be retried.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from policing.api_errors import api_error, is_api

HEADER = "Idempotency-Key"
KEEP_SECONDS = 24 * 60 * 60
MAX_KEY_LENGTH = 200


def _caller(request: HttpRequest) -> str:
    credentials = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get("sessionid", "")
    return hashlib.sha256(credentials.encode()).hexdigest()


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if not key or request.method != "POST" or not is_api(request):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return api_error(
                _("The Idempotency-Key header is longer than %(n)d characters.")
                % {"n": MAX_KEY_LENGTH},
                "parse_error",
                400,
            )
        digest = hashlib.sha256(request.body).hexdigest()
        name = "idem:" + hashlib.sha256(
            f"{_caller(request)}|{request.path}|{key}".encode()
        ).hexdigest()
        stored = cache.get(name)
        if stored is not None:
            return self._replay(stored, digest)
        if not cache.add(f"{name}:running", 1, 60):
            return api_error(
                _("A request with this Idempotency-Key is still being handled."),
                "idempotency_key_reused",
                409,
            )
        try:
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                cache.set(
                    name,
                    {
                        "digest": digest,
                        "status": response.status_code,
                        "content": response.content,
                        "type": response.get("Content-Type", "application/json"),
                    },
                    KEEP_SECONDS,
                )
        finally:
            cache.delete(f"{name}:running")
        return response

    @staticmethod
    def _replay(stored: dict, digest: str) -> HttpResponse:
        if stored["digest"] != digest:
            return api_error(
                _("This Idempotency-Key was used for another request."),
                "idempotency_key_reused",
                409,
            )
        response = HttpResponse(stored["content"], status=stored["status"],
                                content_type=stored["type"])
        response["Idempotent-Replayed"] = "true"
        return response
