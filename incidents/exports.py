"""What the 110 call list exports (units/listexport.py); the caller's phone
masked as on the page, the call's summary through the free-text masker."""

from django.utils.translation import gettext_lazy as _

from units.listexport import Column, ListExport, display, person
from units.validators import mask_phone

INCIDENTS = ListExport(
    name="calls",
    title=_("110 calls"),
    columns=(
        Column(_("Call number"), lambda i: i.number),
        Column(_("Received"), lambda i: i.received_at),
        Column(_("Category"), display("category")),
        Column(_("Caller"), lambda i: i.caller_name),
        Column(_("Phone"), lambda i: mask_phone(i.caller_phone)),
        Column(_("Address"), lambda i: i.address, free_text=True),
        Column(_("Unit"), lambda i: i.unit.name),
        Column(_("Handling officer"), lambda i: person(i.handling_officer)),
        Column(_("Case"), lambda i: i.dispute.reference if i.dispute_id else ""),
        Column(_("Repeat call"), lambda i: i.is_repeat),
        Column(_("Summary"), lambda i: i.summary, free_text=True),
    ),
    select_related=("unit", "handling_officer", "dispute"),
)
