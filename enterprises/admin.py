"""Django admin for the enterprise register: reference data for administrators.

Officers work on the pages, which go through the services; the admin shows
phones masked.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "unit", "industry", "contact_name", "phone", "active"]
    list_filter = ["industry", "active", "hazardous_chemicals", "logistics", "foreign_staff"]
    search_fields = ["name", "credit_code", "address"]
    autocomplete_fields = ["unit", "liaison_officer"]
    list_select_related = ["unit"]

    @admin.display(description=_("contact phone"))
    def phone(self, enterprise: Enterprise) -> str:
        return enterprise.contact_phone_masked


class EnterpriseRequestInline(admin.TabularInline):
    model = EnterpriseRequest
    extra = 0
    fields = ["category", "description", "received_on", "due_on", "green_channel", "status"]
    readonly_fields = fields
    can_delete = False


@admin.register(EnterpriseVisit)
class EnterpriseVisitAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "visited_on", "kind", "hazards_found", "hazards_rectified"]
    list_filter = ["kind"]
    date_hierarchy = "visited_on"
    search_fields = ["enterprise__name"]
    autocomplete_fields = ["enterprise", "officers"]
    list_select_related = ["enterprise"]
    inlines = [EnterpriseRequestInline]


@admin.register(EnterpriseRequest)
class EnterpriseRequestAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "category", "received_on", "due_on", "green_channel", "status"]
    list_filter = ["status", "category", "green_channel"]
    search_fields = ["enterprise__name", "description"]
    # The state changes through the services (pages and API), never here.
    readonly_fields = ["status", "resolution", "resolved_at", "handled_by", "dispute"]
    autocomplete_fields = ["enterprise", "visit"]
    list_select_related = ["enterprise"]


