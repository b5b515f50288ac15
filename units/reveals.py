"""Showing personal data in full for one request after a logged reveal (issue 11).

A reveal is a POST that names a reason and is logged; it then redirects (so a
refresh logs nothing more) to the page that shows the data. What lets that
page show it is a short-lived grant kept in the server-side session, keyed to
what was revealed (``"party:12"``, ``"dispute:7:summary"``): never in the URL,
and used up by the first page that shows it, so the next view is masked again.
"""

import time

from django.http import HttpRequest

GRANTS = "fq_reveal_grants"
# Long enough for the redirect to land, short enough that a forgotten tab
# does not keep a grant.
GRANT_SECONDS = 120


def grant(request: HttpRequest, key: str) -> None:
    """Let the next page that asks for ``key`` show it in full, once."""
    now = time.time()
    grants = {k: t for k, t in request.session.get(GRANTS, {}).items() if t > now}
    grants[key] = now + GRANT_SECONDS
    request.session[GRANTS] = grants


def take(request: HttpRequest, key: str) -> bool:
    """Was ``key`` granted and not yet shown? Uses the grant up. Costs nothing
    (no session write) when the session holds no grant at all."""
    grants = request.session.get(GRANTS)
    if not grants or key not in grants:
        return False
    expires = grants.pop(key)
    request.session[GRANTS] = grants
    return expires > time.time()
