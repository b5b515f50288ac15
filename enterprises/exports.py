"""What the enterprise register and the request board export
(units/listexport.py): the contact's phone masked as on the page, request
descriptions and answers through the free-text masker."""

from django.utils.translation import gettext_lazy as _

from units.listexport import Column, ListExport, display, person


def _flags(enterprise) -> str:
    flags = [
        (enterprise.hazardous_chemicals, _("hazardous chemicals")),
        (enterprise.logistics, _("logistics or delivery")),
        (enterprise.foreign_staff, _("foreign staff")),
    ]
    return "、".join(str(label) for on, label in flags if on)


_ENTERPRISE_COLUMNS = (
    Column(_("Name"), lambda e: e.name),
    Column(_("Credit code"), lambda e: e.credit_code),
    Column(_("Industry"), display("industry")),
    Column(_("Flags"), _flags),
    Column(_("Station"), lambda e: e.unit.name),
    Column(_("Address"), lambda e: e.address, free_text=True),
    Column(_("Contact"), lambda e: e.contact_name),
    Column(_("Phone"), lambda e: e.contact_phone_masked),
    Column(_("Liaison officer"), lambda e: person(e.liaison_officer)),
    Column(_("Active"), lambda e: e.active),
)
# The register (enterprise_list annotates ``last_visit``).
ENTERPRISES = ListExport(
    name="enterprises",
    title=_("Enterprise register"),
    columns=_ENTERPRISE_COLUMNS + (Column(_("Last visit"), lambda e: e.last_visit),),
    select_related=("unit", "liaison_officer"),
)
# A report's list of enterprises (not annotated).
ENTERPRISE_RECORDS = ListExport(
    name="enterprises", title=_("Enterprise register"), columns=_ENTERPRISE_COLUMNS,
    select_related=("unit", "liaison_officer"),
)

_REQUEST_COLUMNS = (
    Column(_("Due"), lambda r: r.due_on),
    Column(_("Enterprise"), lambda r: r.enterprise.name),
    Column(_("Station"), lambda r: r.enterprise.unit.name),
    Column(_("Category"), display("category")),
    Column(_("Request"), lambda r: r.description, free_text=True),
    Column(_("Received"), lambda r: r.received_on),
    Column(_("Green channel"), lambda r: r.green_channel),
    Column(_("Status"), display("status")),
    Column(_("Handled by"), lambda r: person(r.handled_by)),
    Column(_("Answered at"), lambda r: r.resolved_at),
    Column(_("Resolution"), lambda r: r.resolution, free_text=True),
    Column(_("Dispute"), lambda r: r.dispute.reference if r.dispute_id else ""),
)
# The request board (request_list annotates ``overdue``).
REQUESTS = ListExport(
    name="enterprise-requests",
    title=_("Enterprise requests"),
    columns=_REQUEST_COLUMNS + (Column(_("Overdue"), lambda r: r.overdue),),
    select_related=("enterprise__unit", "handled_by", "dispute"),
)
# A report's list of requests (not annotated).
REQUEST_RECORDS = ListExport(
    name="enterprise-requests", title=_("Enterprise requests"), columns=_REQUEST_COLUMNS,
    select_related=("enterprise__unit", "handled_by", "dispute"),
)
