"""Django admin for reference data and users: units and officers.

Unit paths are derived in ``Unit.save``, so the admin shows them read-only.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from units import accounts

from units.models import ExportEvent, Officer, Unit
from units.services import check_boundary


class UnitAdminForm(forms.ModelForm):
    """The outline, pasted as GeoJSON, is checked like an import's."""

    class Meta:
        model = Unit
        fields = ["name", "code", "kind", "parent", "boundary"]

    def clean(self):
        data = super().clean()
        if data.get("boundary"):
            try:
                check_boundary(unit=self.instance, parent=data.get("parent"),
                               geometry=data["boundary"])
            except ValidationError as error:
                self.add_error("boundary", error)
        return data


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
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


@admin.action(description=_("Require a password change at the next sign-in"))
def require_password_change(modeladmin, request, queryset) -> None:
    users = queryset if queryset.model is User else User.objects.filter(officer__in=queryset)
    marked = accounts.require_password_change(users=users)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d user must change their password at the next sign-in.",
            "%(count)d users must change their password at the next sign-in.",
            marked,
        ) % {"count": marked},
    )


User = get_user_model()


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "unit", "role", "badge_number", "must_change_password"]
    list_filter = ["role", "unit__kind", "must_change_password"]
    actions = [require_password_change]
    search_fields = ["user__username", "user__first_name", "user__last_name", "badge_number"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


class OfficerInline(admin.StackedInline):
    model = Officer
    can_delete = False
    autocomplete_fields = ["unit"]
    verbose_name_plural = _("place in the bureau")


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [OfficerInline]
    actions = [require_password_change]
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


# Change history (issue 7): every domain record's history is browsable here and
# can be neither edited nor deleted; personal fields stay out of the pages.
class HistoryAdmin(admin.ModelAdmin):
    list_display = ["history_date", "history_type", "history_user", "__str__"]
    list_filter = ["history_type"]
    list_select_related = ["history_user"]
    ordering = ["-history_date", "-history_id"]

    def get_exclude(self, request, obj=None):
        return [
            f.name
            for f in self.model._meta.fields
            if f.name == "id_number" or "phone" in f.name
        ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ExportEvent)
class ExportEventAdmin(admin.ModelAdmin):
    """The audit trail of list exports (units/listexport.py): read-only."""

    list_display = ["at", "user", "list_name", "file_format", "rows", "via", "query"]
    list_filter = ["list_name", "file_format", "via"]
    list_select_related = ["user"]
    search_fields = ["user__username", "list_name"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _register_history_admins() -> None:
    from simple_history.models import registered_models

    for model in registered_models.values():
        history_model = model.history.model
        if not admin.site.is_registered(history_model):
            admin.site.register(history_model, HistoryAdmin)


_register_history_admins()
