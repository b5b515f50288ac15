from django.contrib import admin

from reports.models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made by the task (a request goes through the page
    or the API, which call the service)."""

    list_display = ["unit", "month", "state", "generated_at", "requested_at", "attempts"]
    list_filter = ["state", "month"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit"]
    readonly_fields = [f.name for f in MonthlyReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
