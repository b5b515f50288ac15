"""What the dispute and mediator lists export (units/listexport.py): the
columns a station reads, in the user's language, personal data masked."""

from django.utils.translation import gettext_lazy as _

from units.listexport import Column, ListExport, display, names, person

DISPUTES = ListExport(
    name="disputes",
    title=_("Disputes"),
    columns=(
        Column(_("Reference"), lambda d: d.reference),
        Column(_("Title"), lambda d: d.title),
        Column(_("Category"), display("category")),
        Column(_("Source"), display("source")),
        Column(_("Station"), lambda d: d.unit.name),
        Column(_("Officer"), lambda d: person(d.assigned_officer)),
        Column(_("Mediators"), lambda d: names(d.mediators)),
        Column(_("Risk"), display("risk_level")),
        Column(_("Track"), display("track")),
        Column(_("Status"), display("status")),
        Column(_("Received"), lambda d: d.received_at),
        Column(_("Deadline"), lambda d: d.deadline),
        Column(_("Outcome recorded at"), lambda d: d.concluded_at),
        Column(_("Closed at"), lambda d: d.closed_at),
        Column(_("Place"), lambda d: d.place, free_text=True),
        Column(_("Summary"), lambda d: d.summary, free_text=True),
    ),
    select_related=("unit", "assigned_officer"),
    prefetch_related=("mediators",),
)

MEDIATORS = ListExport(
    name="mediators",
    title=_("Mediators"),
    columns=(
        Column(_("Name"), lambda m: m.name),
        Column(_("Kind"), display("kind")),
        Column(_("Organisation"), lambda m: m.organisation),
        Column(_("Unit"), lambda m: m.unit.name),
        Column(_("Phone"), lambda m: m.phone_masked),
        Column(_("Specialities"), lambda m: names(m.specialities)),
        Column(_("Active"), lambda m: m.active),
    ),
    select_related=("unit",),
    prefetch_related=("specialities",),
)

FOLLOW_UPS = ListExport(
    name="follow-ups",
    title=_("Follow-ups"),
    columns=(
        Column(_("Dispute"), lambda f: f.dispute.reference),
        Column(_("Station"), lambda f: f.dispute.unit.name),
        Column(_("Due"), lambda f: f.due_on),
        Column(_("Done at"), lambda f: f.done_at),
        Column(_("Officer"), lambda f: person(f.officer)),
        Column(_("Method"), display("method")),
        Column(_("Finding"), display("finding")),
        Column(_("Satisfaction"), display("satisfaction")),
        Column(_("Notes"), lambda f: f.notes, free_text=True),
    ),
    select_related=("dispute__unit", "officer"),
)
