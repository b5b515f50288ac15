"""Second-factor pages (enrol, verify) and the throttled API token endpoint."""

import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from knox.models import AuthToken
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from units import accounts
from units.api_parsers import JSONParser
from units.api_auth import VERIFIED_PREFIX
from units.api_permissions import SIGNED_IN
from units.api_support import ErrorSerializer, FieldErrorsSerializer


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _confirm(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    request.session[accounts.NEEDS_OTP] = True
    return redirect(_next_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Shows a new TOTP secret (text and QR code, drawn here: no outside service)
    and confirms the device once the user types a code it produced."""
    if user_has_device(request.user, confirmed=True):
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('accounts:otp_verify')}?{query}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _confirm(request, device)
        form.add_error(
            "otp", _("That code is not right. Check the clock of your phone and try again.")
        )
    context = {
        "form": form,
        "secret": base64.b32encode(device.bin_key).decode(),
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "next": _next_url(request),
        "required": accounts.otp_required(request.user),
    }
    return render(request, "accounts/otp_enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Asks for the current code of an enrolled device after the password."""
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:otp_enrol")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp"])
        if device is not None:
            return _confirm(request, device)
        form.add_error(
            "otp",
            _(
                "That code is not right, or too many wrong codes were tried; "
                "wait a little and try again."
            ),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Every user changes their own password (Django's validators apply); the
    session stays signed in, the API tokens issued with the old one end."""
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        accounts.password_changed(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "required": accounts.session_must_change_password(request),
    })


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        label=gettext_lazy("One-time code"),
        required=False,
        write_only=True,
        help_text=gettext_lazy("Required for users who sign in with a second factor."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if accounts.needs_second_factor(user):
            if not user_has_device(user, confirmed=True):
                raise serializers.ValidationError(
                    {"otp": [_("Enrol a second factor on the web before using the API.")]}
                )
            if not attrs.get("otp") or match_token(user, attrs["otp"]) is None:
                raise serializers.ValidationError({"otp": [_("A valid one-time code is required.")]})
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=gettext_lazy("Send as `Authorization: Token <token>`; shown only this once.")
    )
    expiry = serializers.DateTimeField(
        help_text=gettext_lazy("When the token ends unless used; each use renews it.")
    )


@extend_schema_view(
    post=extend_schema(
        summary=gettext_lazy("Get an API token"),
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(FieldErrorsSerializer, description=gettext_lazy("Wrong username, password or code.")),
            403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("An administrator asked this user to change their password on the web first.")),
            429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many failed sign-ins: locked for a while.")),
        },
    )
)
class ObtainTokenView(APIView):
    """``POST /api/auth/token/``: username, password and, for users with a second
    factor, ``otp``. Locked-out usernames and addresses get 429 (django-axes).
    The token is stored only as a hash (django-rest-knox) and expires."""

    authentication_classes = []
    permission_classes = []
    # JSON only, as every API body.
    parser_classes = [JSONParser]

    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes marks the DRF request when it refused a locked-out login.
            if getattr(request, "axes_locked_out", False):
                body = {"detail": accounts.lockout_message(), "code": "locked_out"}
                return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        if accounts.must_change_password(user):
            body = {"detail": accounts.password_change_message(), "code": "password_change_required"}
            return Response(body, status=status.HTTP_403_FORBIDDEN)
        prefix = VERIFIED_PREFIX if accounts.needs_second_factor(user) else ""
        instance, token = AuthToken.objects.create(user=user, prefix=prefix)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField()


@extend_schema_view(
    post=extend_schema(summary=gettext_lazy("End this token"), request=None,
                       responses={200: RevokedSerializer})
)
class RevokeTokenView(APIView):
    """``POST /api/auth/logout/``: the token of this request stops working."""

    read_permission = SIGNED_IN

    def post(self, request):
        token = request.auth
        revoked = 0
        if isinstance(token, AuthToken):
            token.delete()
            revoked = 1
        return Response({"revoked": revoked})


@extend_schema_view(
    post=extend_schema(summary=gettext_lazy("End all my tokens"), request=None,
                       responses={200: RevokedSerializer})
)
class RevokeAllTokensView(APIView):
    """``POST /api/auth/logout-all/``: every token of the user stops working."""

    read_permission = SIGNED_IN

    def post(self, request):
        return Response({"revoked": accounts.tokens_revoke(user=request.user)})


obtain_token = ObtainTokenView.as_view()
revoke_token = RevokeTokenView.as_view()
revoke_all_tokens = RevokeAllTokensView.as_view()
