"""Every action on a page has its API endpoint, and every endpoint its page.

The table below pairs each page (URL name) with the API routes that do the
same thing. A new page or endpoint that is not in the table fails this test,
so a gap between the two cannot open unnoticed; the few things that exist on
one side only say why.
"""

from django.urls import URLPattern, URLResolver, get_resolver

# page → API routes doing the same (list routes also create, detail routes
# also change; a list page's ?export=csv|xlsx is its list route's /export/).
PAGE_API: dict[str, tuple[str, ...]] = {
    "home": ("notification-list",),
    "login": ("api-token",),
    "logout": ("api-token-revoke", "api-token-revoke-all"),
    "accounts:otp_verify": ("api-token",),  # the token endpoint takes the TOTP code
    "policing:unit_detail": ("unit-detail", "unit-list"),
    "map": ("map-beats", "map-points", "map-hotspots"),
    # disputes
    "disputes:list": ("dispute-list", "dispute-export"),
    "disputes:create": ("dispute-list",),
    "disputes:detail": ("dispute-detail", "dispute-events"),
    "disputes:action": (
        "dispute-assess", "dispute-dispatch", "dispute-resolve", "dispute-fail",
        "dispute-verify", "dispute-transfer", "dispute-reopen", "dispute-withdraw",
        "dispute-change-track",
    ),
    "disputes:reveal_party": ("dispute-party-reveal",),
    "reveal_text": ("reveal-text",),
    "disputes:session_create": ("dispute-sessions",),
    "disputes:follow_up_create": ("dispute-follow-ups",),
    "disputes:referral_create": ("dispute-referrals",),
    "disputes:referral_answer": ("dispute-referral-answer",),
    "disputes:attachment_add": ("dispute-attachments",),
    "disputes:attachment": ("dispute-detail",),
    "disputes:agreement_performance": ("dispute-agreement-performance",),
    "disputes:agreement_confirmation": ("dispute-agreement-confirmation",),
    "disputes:agreement_confirmation_decision": ("dispute-agreement-confirmation-decision",),
    "disputes:agreement_print": ("dispute-detail", "dispute-party-reveal"),
    "disputes:mediator_list": ("mediator-list", "mediator-export"),
    "disputes:mediator_create": ("mediator-list",),
    "disputes:mediator_detail": ("mediator-detail",),
    "disputes:mediator_edit": ("mediator-detail",),
    # 110 calls
    "incidents:list": ("incident-list", "incident-export"),
    "incidents:create": ("incident-list",),
    "incidents:detail": ("incident-detail", "incident-repeat-candidates"),
    "incidents:link": ("incident-link",),
    "incidents:register_dispute": ("dispute-list",),  # with "incident"
    # enterprises
    "enterprises:list": ("enterprise-list", "enterprise-export"),
    "enterprises:create": ("enterprise-list",),
    "enterprises:detail": ("enterprise-detail",),
    "enterprises:edit": ("enterprise-detail",),
    "enterprises:visit_create": ("enterprise-visit-list",),
    "enterprises:request_create": ("enterprise-request-list",),
    "enterprises:requests": (
        "enterprise-request-list", "enterprise-visit-detail", "enterprise-request-export",
    ),
    "enterprises:request_detail": ("enterprise-request-detail",),
    "enterprises:request_start": ("enterprise-request-start",),
    "enterprises:request_resolve": ("enterprise-request-resolve",),
    "enterprises:request_decline": ("enterprise-request-decline",),
    "enterprises:request_convert": ("enterprise-request-convert",),
    # volunteers
    "volunteers:alliance_list": ("alliance-list", "alliance-export"),
    "volunteers:alliance_create": ("alliance-list",),
    "volunteers:alliance_detail": ("alliance-detail",),
    "volunteers:alliance_edit": ("alliance-detail",),
    "volunteers:membership_add": ("alliance-members",),
    "volunteers:membership_remove": ("alliance-member-remove",),
    "volunteers:volunteer_list": ("volunteer-list", "volunteer-export"),
    "volunteers:volunteer_create": ("volunteer-list",),
    "volunteers:volunteer_detail": ("volunteer-detail",),
    "volunteers:volunteer_edit": ("volunteer-detail",),
    "volunteers:patrol_week": ("patrol-list", "patrol-export"),
    "volunteers:patrol_create": ("patrol-list",),
    "volunteers:patrol_detail": ("patrol-detail",),
    "volunteers:patrol_sign_up": ("patrol-sign-up",),
    "volunteers:patrol_attendance": (
        "patrol-check-in", "patrol-check-out", "patrol-undo-check-out",
    ),
    "volunteers:attendance_correct": ("patrol-correct-attendance",),
    "volunteers:patrol_complete": ("patrol-complete",),
    "volunteers:patrol_cancel": ("patrol-cancel",),
    "volunteers:tip_list": ("tip-list", "tip-export"),
    "volunteers:tip_create": ("tip-list",),
    "volunteers:tip_detail": ("tip-detail",),
    "volunteers:tip_handle": ("tip-verify", "tip-reject"),
    "volunteers:tip_convert": ("tip-convert",),
    "volunteers:outreach_list": ("outreach-list", "outreach-detail", "outreach-export"),
    "volunteers:outreach_create": ("outreach-list",),
    # reports and notifications
    "reports:list": ("report-list",),
    "reports:detail": ("report-detail",),
    "reports:regenerate": ("report-regenerate",),
    "reports:print": ("report-detail",),
    "reports:definitions": ("report-detail",),  # the definitions travel with each report
    "reports:export_csv": ("report-detail",),
    "reports:export_xlsx": ("report-detail",),
    "notifications:list": ("notification-list", "notification-detail", "notification-export"),
    "notifications:open": ("notification-read",),
    "notifications:read": ("notification-read",),
    "notifications:read_all": ("notification-read-all",),
}

# Pages with no API counterpart, and why.
PAGE_ONLY: dict[str, str] = {
    "set_language": "a page preference; the API follows Accept-Language",
    "accounts:otp_enrol": "enrolling a phone needs the QR code on screen",
    "accounts:password_change": "a person changes their own password in the browser",
    "enterprises:import": "spreadsheet import is a page workflow (preview, then confirm)",
    "enterprises:import_confirm": "the second step of the spreadsheet import",
    "volunteers:import": "spreadsheet import is a page workflow (preview, then confirm)",
    "volunteers:import_confirm": "the second step of the spreadsheet import",
    "enterprises:figures": "figures of the register; the monthly report carries them too",
    "volunteers:figures": "figures of the alliances; the monthly report carries them too",
    "reports:dashboard": "charts over stored reports, which report-list and report-detail give",
    "reports:records": "the records behind a figure: the filtered lists of each kind",
    "history": "the audit trail is read by leads in the app, not by other systems",
}

# Endpoints with no page of their own, and why.
API_ONLY: dict[str, str] = {
    "api-root": "the API's index",
    "schema": "the OpenAPI schema",
    "api-docs": "the API's documentation",
}


def _names() -> tuple[set[str], set[str]]:
    pages, api = set(), set()

    def walk(patterns, namespace=None, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                route = prefix + str(pattern.pattern)
                if route.startswith("admin/"):
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                (api if route.startswith("api/") else pages).add(name)

    walk(get_resolver().url_patterns)
    return pages, api


def test_every_page_has_its_endpoint_or_says_why_not():
    pages, _ = _names()
    unpaired = pages - set(PAGE_API) - set(PAGE_ONLY)
    assert unpaired == set(), f"pages without an API counterpart in the table: {unpaired}"


def test_every_endpoint_has_its_page_or_says_why_not():
    _, api = _names()
    paired = {route for routes in PAGE_API.values() for route in routes}
    unpaired = api - paired - set(API_ONLY)
    assert unpaired == set(), f"endpoints without a page in the table: {unpaired}"


def test_the_table_names_only_what_exists():
    pages, api = _names()
    assert set(PAGE_API) | set(PAGE_ONLY) <= pages
    named = {route for routes in PAGE_API.values() for route in routes} | set(API_ONLY)
    assert named <= api, f"stale API names: {named - api}"
