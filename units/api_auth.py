"""API tokens (django-rest-knox): stored only as a hash, expiring after
``FENGQIAO_TOKEN_HOURS`` (renewed by use up to ``FENGQIAO_TOKEN_MAX_HOURS``),
revocable one by one (``POST /api/auth/logout/``), all at once
(``/api/auth/logout-all/``) and by an administrator (the admin's token list).

A user who must confirm a second factor gets a token only with a valid code
(``units.views.TokenRequestSerializer``); such a token is marked by its
prefix. A token without the mark stops working as soon as its user needs a
second factor (they enrolled, or their role's requirement was turned on),
and is deleted then.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from units import accounts

# Tokens issued after a valid one-time code begin with this.
VERIFIED_PREFIX = "fq2f_"


class TokenAuthentication(KnoxTokenAuthentication):
    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if accounts.needs_second_factor(user) and not token.token_key.startswith(VERIFIED_PREFIX):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("This token was issued without a one-time code; get a new one with your code.")
            )
        return user, token


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's word for these tokens: an API key in the Authorization
    header, with the ``Token`` prefix."""

    target_class = "units.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token authentication with required prefix "Token": '
            "`Authorization: Token <token>` (from POST /api/auth/token/). Tokens expire "
            "and are renewed by use.",
        }
