"""The FilterSet of the report list, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from reports import selectors
from reports.forms import MonthField
from reports.models import MonthlyReport
from units.filters import UnitPickerFilter
from units.models import Unit


def _units(request):
    if request is None:
        return Unit.objects.none()
    return selectors.report_units(user=request.user)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class ReportFilter(django_filters.FilterSet):
    unit = UnitPickerFilter(label=_("Unit"), queryset=_units, kinds="nobeats")
    month = MonthFilter(label=_("Month"), help_text=_("YYYY-MM"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=MonthlyReport.State.choices)

    class Meta:
        model = MonthlyReport
        fields = ["unit", "month", "state"]
