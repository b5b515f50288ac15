"""Django admin for reference data and users: units and officers.

Unit paths are derived in ``Unit.save``, so the admin shows them read-only.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from policing.models import Officer, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "code", "kind", "parent", "path"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    readonly_fields = ["path", "depth"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit: Unit) -> str:
        return f"{'— ' * unit.depth}{unit.name}"


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "unit", "role", "badge_number"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "badge_number"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


class OfficerInline(admin.StackedInline):
    model = Officer
    can_delete = False
    autocomplete_fields = ["unit"]
    verbose_name_plural = _("place in the bureau")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [OfficerInline]
    list_display = [
        "username", "first_name", "last_name", "officer_unit", "officer_role", "is_active",
    ]
    list_select_related = ["officer__unit"]

    @admin.display(description=_("unit"))
    def officer_unit(self, user) -> str:
        officer = getattr(user, "officer", None)
        return str(officer.unit) if officer else "—"

    @admin.display(description=_("role"))
    def officer_role(self, user) -> str:
        officer = getattr(user, "officer", None)
        return officer.get_role_display() if officer else "—"
