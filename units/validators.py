"""Validators for Chinese identity numbers, phone numbers and credit codes."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    """An 18-character resident ID number (GB 11643) with a correct check character."""
    value = normalise_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(
            _("An ID number has 17 digits followed by a digit or X."), code="id_format"
        )
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("This ID number's check character is wrong; please check it against the card."),
            code="id_checksum",
        )


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", value or "")


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits, 1[3-9]…) or a landline with area code."""
    value = normalise_phone(value)
    if not (_MOBILE_RE.match(value) or _LANDLINE_RE.match(value)):
        raise ValidationError(
            _("Enter a mobile number of 11 digits or a landline with its area code."),
            code="phone",
        )


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


# Unified social credit codes (统一社会信用代码, GB 32100-2015).
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(rf"^[{CREDIT_CODE_CHARS}]{{18}}$")


def normalise_credit_code(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character: 31 − (Σ value × weight mod 31), where 31 counts as 0."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """An 18-character unified social credit code with a correct check character.

    The letters I, O, S, V and Z are never used, so they are refused too.
    """
    value = normalise_credit_code(value)
    if not _CREDIT_RE.match(value):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital "
                "letters except I, O, S, V and Z."
            ),
            code="credit_code_format",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _(
                "This credit code's check character is wrong; please check it against "
                "the business licence."
            ),
            code="credit_code_checksum",
        )


# No record of this product's work predates 2000: an earlier time is a typo
# (and before 1901 Asia/Shanghai's offset is not even a whole minute).
EARLIEST_RECORD_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def check_received_at(received_at: datetime.datetime, now: datetime.datetime) -> None:
    """A time received: not ahead of now (five minutes' clock slack), not before 2000."""
    if received_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    if received_at < EARLIEST_RECORD_TIME:
        raise ValidationError({"received_at": _("The time received cannot be before 2000.")})
