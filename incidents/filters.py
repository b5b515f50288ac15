"""The 110 calls' FilterSet, shared by pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident
from units.filters import YesNoFilter


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search",
                                  help_text=_("Call number, caller name or address"))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Incident.Category.choices)
    linked = YesNoFilter(
        label=_("Linked to a case"), field_name="dispute", lookup_expr="isnull", exclude=True
    )
    is_repeat = YesNoFilter(label=_("Repeat call"))
    received_after = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", lookup_expr="date__gte"
    )
    received_before = django_filters.DateFilter(
        label=_("Received to"), field_name="received_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Incident
        fields = ["q", "category", "linked", "is_repeat"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matches = Q(number__icontains=value) | Q(caller_name__icontains=value) | Q(address__icontains=value)
        if value.isdigit() and len(value) >= 7:
            # A full phone number: exact match on the stored value.
            matches |= Q(caller_phone=value)
        return queryset.filter(matches)

