"""FilterSets of the enterprise register, visits and requests, shared by pages
and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from enterprises.selectors import not_visited_q, request_overdue_q
from units.filters import UnitPickerFilter, YesNoFilter, scoped_units
from units.selectors import subtree_ids


class EnterpriseFilter(django_filters.FilterSet):
    """Filters of the enterprise register; the queryset comes from
    ``selectors.enterprise_list`` (it carries ``last_visit``)."""

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", help_text=_("Name, credit code or address")
    )
    unit = UnitPickerFilter(
        label=_("Unit"), queryset=scoped_units, method="filter_unit", kinds="nobeats",
        help_text=_("This unit and the units below it"),
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), choices=Enterprise.Industry.choices
    )
    hazardous_chemicals = YesNoFilter(label=_("Hazardous chemicals"))
    logistics = YesNoFilter(label=_("Logistics or delivery"))
    foreign_staff = YesNoFilter(label=_("Foreign staff"))
    active = YesNoFilter(label=_("Active"))
    not_visited_days = django_filters.NumberFilter(
        label=_("Not visited for (days)"),
        method="filter_not_visited",
        min_value=0,
        help_text=_("Enterprises with no visit in this many days, or never visited."),
    )

    class Meta:
        model = Enterprise
        fields = ["q", "unit", "industry", "hazardous_chemicals", "logistics", "foreign_staff"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(credit_code__icontains=value)
            | Q(address__icontains=value)
        )

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(unit__in=subtree_ids(value))

    def filter_not_visited(self, queryset, name, value):
        return queryset.filter(not_visited_q(int(value)))


class EnterpriseVisitFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(label=_("Enterprise"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EnterpriseVisit.Kind.choices)
    visited_after = django_filters.DateFilter(
        label=_("Visited from"), field_name="visited_on", lookup_expr="gte"
    )
    visited_before = django_filters.DateFilter(
        label=_("Visited to"), field_name="visited_on", lookup_expr="lte"
    )

    class Meta:
        model = EnterpriseVisit
        fields = ["enterprise", "kind"]


class EnterpriseRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=EnterpriseRequest.Status.choices
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=EnterpriseRequest.Category.choices
    )
    enterprise = django_filters.NumberFilter(label=_("Enterprise"))
    green_channel = YesNoFilter(label=_("Green channel"))
    overdue = YesNoFilter(
        label=_("Overdue"), method="filter_overdue", help_text=_("Pending and past the due date.")
    )

    class Meta:
        model = EnterpriseRequest
        fields = ["status", "category", "enterprise", "green_channel"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(request_overdue_q()) if value else queryset.exclude(
            request_overdue_q()
        )

