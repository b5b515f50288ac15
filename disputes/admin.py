"""Django admin: the mediator pool as reference data; disputes, their timeline
and the personal-data access log read-only.

Disputes change only through disputes.services, which check the flow and
write the timeline, so the admin never adds, edits or deletes them. Party
data is shown masked here as everywhere.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from disputes.models import (
    Dispute,
    DisputeEvent,
    Mediator,
    MediatorSpeciality,
    Party,
    PersonalDataAccess,
)


class MediatorSpecialityInline(admin.TabularInline):
    model = MediatorSpeciality
    extra = 1


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "unit", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "organisation"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    inlines = [MediatorSpecialityInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: the rows are written by services, never by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PartyInline(admin.TabularInline):
    model = Party
    fields = ["name", "role", "id_number_masked", "phone_masked", "address"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ID number"))
    def id_number_masked(self, party: Party) -> str:
        return party.id_number_masked

    @admin.display(description=_("phone"))
    def phone_masked(self, party: Party) -> str:
        return party.phone_masked


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "unit", "status", "track", "risk_level", "received_at"]
    list_filter = ["status", "track", "risk_level", "category"]
    search_fields = ["reference", "title"]
    date_hierarchy = "received_at"
    list_select_related = ["unit"]
    inlines = [PartyInline]


@admin.register(DisputeEvent)
class DisputeEventAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "kind", "actor", "at", "from_status", "to_status"]
    list_filter = ["kind"]
    search_fields = ["dispute__reference"]
    date_hierarchy = "at"
    list_select_related = ["dispute", "actor"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = [
        "accessed_at", "user", "record_kind", "record_id", "field", "party_name",
        "dispute_reference", "via", "reason",
    ]
    list_filter = ["via", "record_kind"]
    search_fields = ["user__username", "party__dispute__reference"]
    date_hierarchy = "accessed_at"
    list_select_related = ["user", "party__dispute"]

    @admin.display(description=_("party"))
    def party_name(self, access: PersonalDataAccess) -> str:
        # A free-text reveal names no party.
        return access.party.name if access.party else "—"

    @admin.display(description=_("reference"))
    def dispute_reference(self, access: PersonalDataAccess) -> str:
        return access.party.dispute.reference if access.party else "—"
