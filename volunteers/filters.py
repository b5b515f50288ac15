"""FilterSets shared by the volunteer pages and the API.

Choices that name records (alliances, units) come from the selectors, so a
filter never offers something outside the user's scope.
"""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from units.filters import UnitPickerFilter, YesNoFilter
from units.selectors import subtree_ids, unit_list
from volunteers import selectors
from volunteers.models import Alliance, Outreach, Patrol, Tip, Volunteer


def _alliances(request):
    if request is None:
        return Alliance.objects.none()
    return selectors.alliance_choices(user=request.user)


def _units(request):
    if request is None:
        return unit_list(user=_anonymous())
    return unit_list(user=request.user)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


class SubtreeFilterMixin:
    def filter_subtree(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{name}__in": subtree_ids(value)})


class AllianceFilter(SubtreeFilterMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    focus = django_filters.ChoiceFilter(label=_("Focus"), choices=Alliance.Focus.choices)
    unit = UnitPickerFilter(
        label=_("Unit"), queryset=_units, method="filter_subtree",
        help_text=_("This unit and the units below it"),
    )
    active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Alliance
        fields = ["q", "focus", "unit", "active"]


class VolunteerFilter(SubtreeFilterMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search",
                                  help_text=_("Name or skills"))
    alliance = django_filters.ModelChoiceFilter(
        label=_("Alliance"), queryset=_alliances, field_name="memberships__alliance"
    )
    unit = UnitPickerFilter(
        label=_("Unit"), queryset=_units, method="filter_subtree"
    )
    active = YesNoFilter(label=_("Active"))
    # The coordinator's home links its "new volunteers" here.
    joined_after = django_filters.DateFilter(
        label=_("Joined from"), field_name="created_at", lookup_expr="date__gte"
    )

    class Meta:
        model = Volunteer
        fields = ["q", "alliance", "unit", "active", "joined_after"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(skills__icontains=value))


class PatrolFilter(SubtreeFilterMixin, django_filters.FilterSet):
    alliance = django_filters.ModelChoiceFilter(label=_("Alliance"), queryset=_alliances)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Patrol.Status.choices)
    unit = UnitPickerFilter(
        label=_("Unit"), queryset=_units, method="filter_subtree"
    )
    starts_after = django_filters.DateFilter(
        label=_("Starts from"), field_name="starts_at", lookup_expr="date__gte"
    )
    starts_before = django_filters.DateFilter(
        label=_("Starts to"), field_name="starts_at", lookup_expr="date__lte"
    )
    understaffed = YesNoFilter(
        label=_("Understaffed"), method="filter_understaffed"
    )

    class Meta:
        model = Patrol
        fields = ["alliance", "status", "unit"]

    def filter_understaffed(self, queryset, name, value):
        # Needs the ``signed_up`` annotation of selectors.patrol_list.
        if value is None:
            return queryset
        short = Q(signed_up__lt=F("volunteers_needed"))
        return queryset.filter(short) if value else queryset.exclude(short)


class TipFilter(SubtreeFilterMixin, django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Tip.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Tip.Kind.choices)
    alliance = django_filters.ModelChoiceFilter(label=_("Alliance"), queryset=_alliances)
    unit = UnitPickerFilter(
        label=_("Sent to"), queryset=_units, method="filter_subtree"
    )
    received_after = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", lookup_expr="date__gte"
    )
    received_before = django_filters.DateFilter(
        label=_("Received to"), field_name="received_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Tip
        fields = ["status", "kind", "alliance", "unit"]


class OutreachFilter(django_filters.FilterSet):
    alliance = django_filters.ModelChoiceFilter(label=_("Alliance"), queryset=_alliances)
    theme = django_filters.ChoiceFilter(label=_("Theme"), choices=Outreach.Theme.choices)
    date_after = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Outreach
        fields = ["alliance", "theme"]
