"""Admin for reference data only: alliances and volunteers. Patrols, tips and
outreach change state through volunteers.services, so they are read-only here."""

from django.contrib import admin

from volunteers.models import Alliance, Membership, Outreach, Patrol, Tip, Volunteer


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["volunteer"]


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "focus", "active"]
    list_filter = ["focus", "active"]
    search_fields = ["name"]
    filter_horizontal = ["coordinators"]
    inlines = [MembershipInline]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["name", "phone_masked", "unit", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    # Personal data stays masked in the admin too.
    exclude = ["phone", "id_number"]
    readonly_fields = ["phone_masked", "id_number_masked"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ["alliance", "area", "starts_at", "status", "volunteers_needed"]
    list_filter = ["status"]


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = ["kind", "place", "unit", "received_at", "status"]
    list_filter = ["kind", "status"]


@admin.register(Outreach)
class OutreachAdmin(ReadOnlyAdmin):
    list_display = ["alliance", "date", "theme", "households_reached", "people_reached"]
