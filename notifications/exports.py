"""What the notification list exports (units/listexport.py): the user's own
notifications, as the list shows them."""

from django.utils.translation import gettext_lazy as _

from units.listexport import Column, ListExport, display

NOTIFICATIONS = ListExport(
    name="notifications",
    title=_("Notifications"),
    columns=(
        Column(_("When"), lambda n: n.created_at),
        Column(_("Kind"), display("kind")),
        Column(_("About"), lambda n: n.label, free_text=True),
        Column(_("Read"), lambda n: n.read_at),
    ),
)
