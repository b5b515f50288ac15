"""Form pieces every app's pages share: Bootstrap classes, officer choices."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from units.selectors import officers_in_scope

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def use_date_picker(widget: forms.Widget) -> None:
    """Every date field, filters too, gets the browser's date picker (one style)."""
    if isinstance(widget, forms.DateInput):
        widget.input_type = "date"
        widget.format = "%Y-%m-%d"


def add_bootstrap_classes(form: forms.Form) -> forms.Form:
    """Give every widget Bootstrap's small form classes (for FilterSet forms too)."""
    for field in form.fields.values():
        widget = field.widget
        use_date_picker(widget)
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)
    return form


def officer_user_choices(user: AbstractBaseUser):
    """The users a form may name as an officer: officers and leads of the
    user's units, by username."""
    ids = officers_in_scope(user=user).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()



class LocationForm(forms.Form):
    """Where it happened: latitude and longitude, both or neither. The page
    offers "use my location" (the browser's geolocation, with consent)."""

    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
        min_value=-90, max_value=90, widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
        min_value=-180, max_value=180, widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        return data
