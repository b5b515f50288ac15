"""One-time form tokens: a form submitted twice (a double click, a resend
after a slow answer) creates its record once; the second submit lands on
the record the first one made (issue 12).

The page puts ``form_token`` in a hidden field; a valid POST claims it in
the cache (atomic ``add``, shared by the web workers when ``CACHE_URL`` is
set) before saving, then records the new record's id under it for a day.
"""

import uuid

from django.core.cache import cache

FIELD = "form_token"
KEEP_SECONDS = 24 * 60 * 60
PENDING = 0


def issue() -> str:
    return uuid.uuid4().hex


def _key(user, token: str) -> str:
    return f"formtoken:{user.pk}:{token[:64]}"


def claim(user, token: str | None) -> tuple[bool, int | None]:
    """(True, None) when this submit may save; (False, pk) when the token was
    used already (pk the record it made, None while the first is saving)."""
    if not token:
        return True, None
    if cache.add(_key(user, token), PENDING, KEEP_SECONDS):
        return True, None
    existing = cache.get(_key(user, token))
    return False, (existing or None)


def done(user, token: str | None, pk: int) -> None:
    if token:
        cache.set(_key(user, token), pk, KEEP_SECONDS)


def release(user, token: str | None) -> None:
    """The save was refused: the same form may be submitted again."""
    if token:
        cache.delete(_key(user, token))
