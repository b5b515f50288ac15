"""Form pieces every app's pages share: Bootstrap classes, officer choices."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

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

