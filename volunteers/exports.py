"""What the volunteer, patrol and tip lists export (units/listexport.py):
phones masked as on the pages, descriptions and notes through the free-text
masker."""

from django.utils.translation import gettext_lazy as _

from units.listexport import Column, ListExport, display, person
from volunteers.models import Membership


def _alliances(volunteer) -> str:
    """Each alliance, with the role when the volunteer leads it (as the page)."""
    return "、".join(
        f"{m.alliance.name}（{m.get_role_display()}）" if m.role == Membership.Role.LEADER
        else m.alliance.name
        for m in volunteer.memberships.all()
    )


VOLUNTEERS = ListExport(
    name="volunteers",
    title=_("Volunteers"),
    columns=(
        Column(_("Name"), lambda v: v.name),
        Column(_("Phone"), lambda v: v.phone_masked),
        Column(_("Unit"), lambda v: v.unit.name),
        Column(_("Alliances"), _alliances),
        Column(_("Skills"), lambda v: v.skills, free_text=True),
        Column(_("Active"), lambda v: v.active),
    ),
    select_related=("unit",),
    # A string, not a Prefetch: the list's selector may have prefetched them.
    prefetch_related=("memberships__alliance",),
)

ALLIANCES = ListExport(
    name="alliances",
    title=_("Alliances"),
    columns=(
        Column(_("Name"), lambda a: a.name),
        Column(_("Focus"), display("focus")),
        Column(_("Unit"), lambda a: a.unit.name),
        # The list annotates member_count (its selector).
        Column(_("Members"), lambda a: a.member_count),
        Column(_("Coordinators"), lambda a: "、".join(person(u) for u in a.coordinators.all())),
        Column(_("Active"), lambda a: a.active),
    ),
    select_related=("unit",),
    prefetch_related=("coordinators",),
)

_PATROL_COLUMNS = (
    Column(_("Starts at"), lambda p: p.starts_at),
    Column(_("Ends at"), lambda p: p.ends_at),
    Column(_("Alliance"), lambda p: p.alliance.name),
    Column(_("Unit"), lambda p: p.unit.name),
    Column(_("Beat"), lambda p: p.beat.name if p.beat_id else ""),
    Column(_("Route or area"), lambda p: p.area, free_text=True),
    Column(_("Volunteers needed"), lambda p: p.volunteers_needed),
    Column(_("Status"), display("status")),
    Column(_("Report"), lambda p: p.report, free_text=True),
)
# The week page (patrol_list annotates ``signed_up``).
PATROLS = ListExport(
    name="patrols",
    title=_("Patrols"),
    columns=_PATROL_COLUMNS + (Column(_("Signed up"), lambda p: p.signed_up),),
    select_related=("alliance", "unit", "beat"),
)
# A report's list of patrols (not annotated).
PATROL_RECORDS = ListExport(
    name="patrols", title=_("Patrols"), columns=_PATROL_COLUMNS,
    select_related=("alliance", "unit", "beat"),
)

ATTENDANCES = ListExport(
    name="patrol-attendances",
    title=_("Patrol attendances"),
    columns=(
        Column(_("Patrol"), lambda a: a.patrol.starts_at),
        Column(_("Alliance"), lambda a: a.patrol.alliance.name),
        Column(_("Volunteer"), lambda a: a.volunteer.name),
        Column(_("Checked in at"), lambda a: a.checked_in_at),
        Column(_("Checked out at"), lambda a: a.checked_out_at),
        Column(_("Hours"), lambda a: a.hours),
    ),
    select_related=("patrol__alliance", "volunteer"),
)

OUTREACH = ListExport(
    name="outreach",
    title=_("Outreach"),
    columns=(
        Column(_("Date"), lambda o: o.date),
        Column(_("Alliance"), lambda o: o.alliance.name),
        Column(_("Theme"), display("theme")),
        Column(_("Place"), lambda o: o.place, free_text=True),
        Column(_("Households reached"), lambda o: o.households_reached),
        Column(_("People reached"), lambda o: o.people_reached),
        Column(_("Notes"), lambda o: o.notes, free_text=True),
    ),
    select_related=("alliance",),
)

# Rows of outreach × volunteer (a report's outreach attendances).
OUTREACH_ATTENDANCES = ListExport(
    name="outreach-attendances",
    title=_("Outreach attendances"),
    columns=(
        Column(_("Date"), lambda t: t.outreach.date),
        Column(_("Alliance"), lambda t: t.outreach.alliance.name),
        Column(_("Theme"), lambda t: t.outreach.get_theme_display()),
        Column(_("Volunteer"), lambda t: t.volunteer.name),
    ),
    select_related=("outreach__alliance", "volunteer"),
)

TIPS = ListExport(
    name="tips",
    title=_("Tips"),
    columns=(
        Column(_("Received"), lambda t: t.received_at),
        Column(_("Kind"), display("kind")),
        Column(_("Place"), lambda t: t.place, free_text=True),
        Column(_("Description"), lambda t: t.description, free_text=True),
        Column(_("Alliance"), lambda t: t.alliance.name),
        Column(_("Volunteer"), lambda t: t.volunteer.name if t.volunteer_id else ""),
        Column(_("Sent to"), lambda t: t.unit.name),
        Column(_("Status"), display("status")),
        Column(_("Handled by"), lambda t: person(t.handled_by)),
        Column(_("Handled at"), lambda t: t.handled_at),
        Column(_("Handling note"), lambda t: t.handling_note, free_text=True),
        Column(_("Dispute"), lambda t: t.dispute.reference if t.dispute_id else ""),
    ),
    select_related=("alliance", "unit", "volunteer", "handled_by", "dispute"),
)
