"""The one way personal data typed into free text is masked (issue 12).

A citizen's ID number or mobile number is masked on the structured fields
(``units.validators.mask_id_number`` / ``mask_phone``); the same numbers typed
into a summary, a note or a log message are found and masked here, the same
way, by ``mask_text``. Every place that shows free text goes through it: log
records (``units.logmask``), pages (the ``masked`` template filter in
``policing.templatetags.fq``), the API (``MaskedTextMixin`` in
``units.serializers``), notifications and exports. The full text is shown only
through the logged reveal.

What is found:
- an 18-character resident ID number (17 digits and a digit or X) and an old
  15-digit one whose digits 7–12 are a birth date (YYMMDD), so that other
  15-digit numbers stay;
- a mainland mobile number (1[3-9] and 9 digits), also with a +86 / 86 / 0086
  prefix (URL-encoded too, %2B86) and spaces, dashes or %20 between the
  3-4-4 groups.

Neither is matched inside a longer run of digits or letters, so reference
numbers (2026-000123, TH-DC-2026-00001), amounts, dates and timestamps stay.
"""

import re

from units.validators import mask_id_number, mask_phone

_ID_18_RE = r"\d{17}[\dXx]"
_ID_15_RE = r"\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
_ID_NUMBER_RE = re.compile(rf"(?<![0-9A-Za-z])(?:{_ID_18_RE}|{_ID_15_RE})(?![0-9A-Za-z])")

_SEP = r"(?:[ \-]|%20)?"
_MOBILE_RE = re.compile(
    # Not inside a longer run of digits, but right after "%20" or "%3A" is fine.
    r"(?:(?<=%[0-9A-Fa-f]{2})|(?<![\d%]))(?:(?:\+|%2[Bb]|00)?86" + _SEP + r")?"
    r"(1[3-9]\d)" + _SEP + r"(\d{4})" + _SEP + r"(\d{4})(?!\d)"
)


def _mask_mobile(match: re.Match) -> str:
    return mask_phone("".join(match.groups()))


def mask_text(text: str) -> str:
    """``text`` with every ID number and mobile number masked as on the pages."""
    if not text:
        return text
    text = _ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_RE.sub(_mask_mobile, text)


def has_personal_data(text: str) -> bool:
    """Does ``text`` hold a number ``mask_text`` would mask (so a reveal is worth offering)?"""
    return bool(text) and mask_text(text) != text
