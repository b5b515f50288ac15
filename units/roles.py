"""Roles are Django groups; this table is the one place that says what each may do.

``sync_roles`` runs after every migrate, so a new permission reaches the
groups without a hand-written data migration.
"""

from django.contrib.auth.models import Group, Permission

from units.models import Officer

_READ_CORE = [
    "units.view_unit",
    "incidents.view_incident",
    "disputes.view_dispute",
    "disputes.view_mediator",
]
# Volunteer alliances (issue 3): coordinators run them; officers handle the
# tips sent to their units; supervisors read.
_VIEW_VOLUNTEERS = [
    "volunteers.view_alliance",
    "volunteers.view_volunteer",
    "volunteers.view_patrol",
    "volunteers.view_tip",
    "volunteers.view_outreach",
]
_HANDLE_TIPS = ["volunteers.view_tip", "volunteers.handle_tip"]
# Enterprise visits (issue 4): officers and leads keep the register of their
# scope, log visits and handle requests; supervisors read.
_VIEW_ENTERPRISES = [
    "enterprises.view_enterprise",
    "enterprises.view_enterprisevisit",
    "enterprises.view_enterpriserequest",
]
_SERVE_ENTERPRISES = _VIEW_ENTERPRISES + [
    "enterprises.add_enterprise",
    "enterprises.change_enterprise",
    "enterprises.add_enterprisevisit",
    "enterprises.change_enterprisevisit",
    "enterprises.add_enterpriserequest",
    "enterprises.change_enterpriserequest",
]
_OFFICER = _READ_CORE + _HANDLE_TIPS + _SERVE_ENTERPRISES + [
    "incidents.add_incident",
    "incidents.change_incident",
    "disputes.add_dispute",
    "disputes.change_dispute",
    "disputes.assess_dispute",
    "disputes.dispatch_dispute",
    "disputes.mediate_dispute",
    "disputes.reveal_personal_data",
    "disputes.add_attachment",
]
_LEAD = _OFFICER + [
    "disputes.dispatch_any_track",
    "disputes.verify_dispute",
    "disputes.transfer_dispute",
    "disputes.add_mediator",
    "disputes.change_mediator",
    "reports.view_monthlyreport",
    "reports.regenerate_monthlyreport",
    "units.view_history",
]
_SUPERVISOR = _READ_CORE + _VIEW_VOLUNTEERS + _VIEW_ENTERPRISES + [
    "disputes.verify_dispute",
    "disputes.transfer_dispute",
    "reports.view_monthlyreport",
    "reports.regenerate_monthlyreport",
    "units.view_history",
]
_COORDINATOR = ["units.view_unit"] + _VIEW_VOLUNTEERS + [
    "volunteers.add_alliance",
    "volunteers.change_alliance",
    "volunteers.add_volunteer",
    "volunteers.change_volunteer",
    "volunteers.import_volunteers",
    "volunteers.add_patrol",
    "volunteers.change_patrol",
    "volunteers.record_attendance",
    "volunteers.add_tip",
    "volunteers.add_outreach",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Officer.Role.OFFICER: _OFFICER,
    Officer.Role.STATION_LEAD: _LEAD,
    Officer.Role.COORDINATOR: _COORDINATOR,
    Officer.Role.SUPERVISOR: _SUPERVISOR,
    Officer.Role.ADMIN: _LEAD,
}


def group_name(role: str) -> str:
    return f"role:{role}"


def _permissions(codes: list[str]) -> list[Permission]:
    wanted = {tuple(code.split(".", 1)) for code in codes}
    found = [
        p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in=[c for _, c in wanted]
        )
        if (p.content_type.app_label, p.codename) in wanted
    ]
    return found


def sync_roles(**kwargs) -> None:
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set(_permissions(codes))
