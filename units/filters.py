"""Filter pieces every app's FilterSets share, and the units' FilterSet."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from units.forms import UnitPickerField, UnitPickerWidget
from units.models import Unit
from units.selectors import unit_list


class AnyYesNoWidget(BooleanWidget):
    """Any / Yes / No, where django-filter's default offers "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter reading ``true``/``false`` in pages and the API alike."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AnyYesNoWidget)
        super().__init__(*args, **kwargs)


class UnitPickerFilter(django_filters.ModelChoiceFilter):
    """A unit filter through the unit picker (units.forms.UnitPickerField)."""

    field_class = UnitPickerField

    def __init__(self, *args, kinds: str = "", **kwargs):
        kwargs.setdefault("widget", UnitPickerWidget(kinds=kinds))
        super().__init__(*args, **kwargs)


def scoped_units(request):
    """The units a filter may offer: the user's subtree, without the beats."""
    from django.contrib.auth.models import AnonymousUser


    user = request.user if request is not None else AnonymousUser()
    return unit_list(user=user).exclude(kind=Unit.Kind.BEAT)


class UnitFilter(django_filters.FilterSet):
    """Also the unit picker's search: ``?q=东城&beats=false``."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search",
                                  help_text=_("Name or code"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Unit.Kind.choices)
    beats = YesNoFilter(label=_("Beats"), method="filter_beats")
    parent = django_filters.NumberFilter(label=_("Parent unit"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "beats", "parent"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_beats(self, queryset, name, value):
        if value is None:
            return queryset
        beat = Q(kind=Unit.Kind.BEAT)
        return queryset.filter(beat) if value else queryset.exclude(beat)

