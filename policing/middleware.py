"""Request-level security: session lifetime, the second factor, no caching.

API requests authenticated by token carry no session, so the session rules do
not touch them; the token view itself asks for the second factor.
"""

from urllib.parse import urlencode

from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from units import accounts


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _login_redirect(request: HttpRequest, **extra: str) -> HttpResponse:
    query = urlencode({"next": request.get_full_path(), **extra})
    return redirect(f"{reverse('login')}?{query}")


class SessionLifetimeMiddleware:
    """Ends a session whose user was disabled or deleted, or that has been idle
    or alive too long; the next page is the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session and not request.user.is_authenticated:
            # ModelBackend no longer returns an inactive user: flush what is left.
            logout(request)
        elif request.user.is_authenticated and accounts.session_expired(request):
            logout(request)
            if not _is_api(request) and request.method == "GET":
                return _login_redirect(request, expired="1")
        return self.get_response(request)


class SecondFactorMiddleware:
    """Sends a signed-in user who still owes a TOTP code to the verify page (or
    to enrolment when they have no device yet) before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not self._exempt(request)
            and accounts.session_needs_second_factor(request)
        ):
            if _is_api(request):
                message = _("Confirm your sign-in with a one-time code on the web first.")
                return JsonResponse({"detail": message, "code": "otp_required"}, status=403)
            return self._to_second_factor(request)
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        open_paths = {
            reverse("login"),
            reverse("logout"),
            reverse("set_language"),
            reverse("accounts:otp_verify"),
            reverse("accounts:otp_enrol"),
        }
        return request.path in open_paths

    @staticmethod
    def _to_second_factor(request: HttpRequest) -> HttpResponse:
        from django_otp import user_has_device

        name = (
            "accounts:otp_verify"
            if user_has_device(request.user, confirmed=True)
            else "accounts:otp_enrol"
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(name)}?{query}")


class PasswordChangeMiddleware:
    """Sends a user whom an administrator obliged to change their password to
    the password page before any other page (the API answers 403 in JSON),
    until they changed it. Decided at login (``units.accounts``): no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and accounts.session_must_change_password(request)
            and request.path not in self._open_paths()
        ):
            if _is_api(request):
                return JsonResponse(
                    {"detail": accounts.password_change_message(), "code": "password_change_required"},
                    status=403,
                )
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)

    @staticmethod
    def _open_paths() -> set[str]:
        return {
            reverse("accounts:password_change"),
            reverse("logout"),
            reverse("set_language"),
            reverse("accounts:otp_verify"),
            reverse("accounts:otp_enrol"),
        }


class NoStoreMiddleware:
    """Nothing the app itself answers may be kept by a browser or proxy cache:
    pages and API responses carry personal data, and a shared police computer
    must not show them again after logout. Static files (WhiteNoise) are
    answered before this middleware and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
