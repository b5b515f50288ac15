"""Account rules: session lifetime, the second factor, disabling users, lockouts.

- A web session ends after ``SESSION_IDLE_MINUTES`` without a request and in any
  case ``SESSION_MAX_HOURS`` after signing in (policing.middleware).
- Users of the roles in ``settings.FENGQIAO_REQUIRE_OTP_ROLES`` must confirm a
  TOTP code after the password before any other page; anyone else who enrolled
  a device must too. Whether a session needs it is decided once, at login, and
  kept in the session, so ordinary requests cost no extra query.
- A disabled user (``is_active=False``) loses their API tokens at once, and their
  next web request ends their session.
- Too many failed logins (django-axes) answer 429 with a translated message.
- An administrator can require a user to change their password at the next
  sign-in (``Officer.must_change_password``): decided at login and kept in the
  session like the second factor, the user then reaches only the password page
  (the API answers 403) until they change it; their API tokens end when the
  requirement is set, and no new one is issued until then.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_otp import user_has_device
from knox.models import AuthToken

from units.conf import fengqiao
from units.models import Officer
from units.selectors import user_officer

LOGIN_AT = "fq_login_at"
SEEN_AT = "fq_seen_at"
NEEDS_OTP = "fq_needs_otp"
MUST_CHANGE_PASSWORD = "fq_must_change_password"
ADMIN_ROLE = "admin"


def otp_required(user: AbstractBaseUser) -> bool:
    """Does this user's role oblige them to use a second factor?"""
    roles = set(settings.FENGQIAO_REQUIRE_OTP_ROLES)
    if not roles or not user.is_authenticated:
        return False
    if ADMIN_ROLE in roles and (user.is_superuser or user.is_staff):
        return True
    officer = user_officer(user)
    return officer is not None and officer.role in roles


def needs_second_factor(user: AbstractBaseUser) -> bool:
    """A session of this user must be verified: required by role, or enrolled."""
    return otp_required(user) or user_has_device(user, confirmed=True)


def session_needs_second_factor(request: HttpRequest) -> bool:
    """Read the decision stored at login; compute it once for older sessions."""
    if NEEDS_OTP not in request.session:
        request.session[NEEDS_OTP] = needs_second_factor(request.user)
    return request.session[NEEDS_OTP] and not request.user.is_verified()


def stamp_session(request: HttpRequest, user: AbstractBaseUser) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[NEEDS_OTP] = needs_second_factor(user)
    request.session[MUST_CHANGE_PASSWORD] = must_change_password(user)


def must_change_password(user: AbstractBaseUser) -> bool:
    officer = user_officer(user)
    return officer is not None and officer.must_change_password


def session_must_change_password(request: HttpRequest) -> bool:
    """Read at no cost: the decision stored in the session at login."""
    return bool(request.session.get(MUST_CHANGE_PASSWORD))


def password_change_message() -> str:
    return _("An administrator asked you to change your password: change it on the web first.")


@transaction.atomic
def require_password_change(*, users) -> int:
    """Oblige ``users`` to change their password at their next sign-in; their
    API tokens end now. How many users (with a place in the bureau) were marked."""
    officers = Officer.objects.filter(user__in=users)
    marked = officers.update(must_change_password=True)
    AuthToken.objects.filter(user__officer__in=officers).delete()
    return marked


def password_changed(request: HttpRequest, user: AbstractBaseUser) -> None:
    """After the user chose a new password: the requirement is met."""
    Officer.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )
    request.session[MUST_CHANGE_PASSWORD] = False
    tokens_revoke(user=user)


def session_expired(request: HttpRequest, *, now: float | None = None) -> bool:
    """True when the idle or the absolute lifetime of this session has passed.

    Records the request as activity, but writes the session at most once a
    minute so ordinary browsing does not save the session on every request.
    """

    now = int(now if now is not None else time.time())
    session = request.session
    login_at = session.setdefault(LOGIN_AT, now)
    seen_at = session.get(SEEN_AT, now)
    if now - seen_at > fengqiao("SESSION_IDLE_MINUTES") * 60:
        return True
    if now - login_at > fengqiao("SESSION_MAX_HOURS") * 3600:
        return True
    if SEEN_AT not in session or now - seen_at >= 60:
        session[SEEN_AT] = now
    return False


@transaction.atomic
def user_disable(*, user: AbstractBaseUser, actor: AbstractBaseUser | None = None) -> None:
    """Disable a user: they can no longer sign in, their API tokens are deleted,
    and their open web sessions end on their next request."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens_revoke(user=user)


def _user_saved(sender, instance, **kwargs) -> None:
    # The admin's user form and the shell save users directly, not through
    # user_disable; a disabled user must lose API access whatever the path.
    if not instance.is_active:
        tokens_revoke(user=instance)


def tokens_revoke(*, user: AbstractBaseUser) -> int:
    """Delete every API token of ``user``; how many there were."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted


def _officer_saved(sender, instance, **kwargs) -> None:
    # The admin's forms save officers directly: a required change ends the tokens.
    if instance.must_change_password:
        AuthToken.objects.filter(user_id=instance.user_id).delete()


def _device_saved(sender, instance, **kwargs) -> None:
    # Enrolling a second factor ends the tokens issued with the password alone.
    if instance.confirmed:
        AuthToken.objects.filter(user_id=instance.user_id).exclude(
            token_key__startswith="fq2f_"
        ).delete()


def _user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        stamp_session(request, user)


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_save

    from django_otp.plugins.otp_totp.models import TOTPDevice

    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="fq_user_disabled")
    post_save.connect(_device_saved, sender=TOTPDevice, dispatch_uid="fq_device_enrolled")
    post_save.connect(_officer_saved, sender=Officer, dispatch_uid="fq_officer_must_change")
    user_logged_in.connect(_user_logged_in, dispatch_uid="fq_stamp_session")


def client_address(request: HttpRequest) -> str | None:
    """The address a login attempt counts against (django-axes): behind the
    proxy (``DJANGO_BEHIND_PROXY=1``) the entry the proxy appended to
    X-Forwarded-For, which a client cannot forge; else the peer address."""
    if settings.FENGQIAO_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [part.strip() for part in forwarded.split(",") if part.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-in attempts. This account or computer is locked for "
        "%(minutes)d minutes; try again later or ask the system administrator."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out attempt: JSON for the API, else the
    login page with the message. 429 either way."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=429)
    form = AuthenticationForm(request)
    context = {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
