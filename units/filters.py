"""Filter pieces every app's FilterSets share, and the units' FilterSet."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

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


def scoped_units(request):
    """The units a filter may offer: the user's subtree, without the beats."""
    from django.contrib.auth.models import AnonymousUser


    user = request.user if request is not None else AnonymousUser()
    return unit_list(user=user).exclude(kind=Unit.Kind.BEAT)


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Unit.Kind.choices)
    parent = django_filters.NumberFilter(label=_("Parent unit"))

    class Meta:
        model = Unit
        fields = ["kind", "parent"]

