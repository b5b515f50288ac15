"""Forms of the 110-call pages. They check the shape of the input; the rules
live in incidents.services."""

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident
from units.forms import DATETIME_INPUT_FORMATS, LocationForm, add_bootstrap_classes, offer_units
from units.selectors import unit_list, user_unit
from units.validators import (
    normalise_phone,
    validate_phone,
)


class IncidentForm(LocationForm):
    number = forms.CharField(
        label=_("Call number"),
        max_length=30,
        help_text=_("The number given by the 110 dispatch system."),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    caller_name = forms.CharField(label=_("Caller name"), max_length=50)
    caller_phone = forms.CharField(label=_("Caller phone"), max_length=20)
    address = forms.CharField(label=_("Address"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    category = forms.ChoiceField(label=_("Category"), choices=Incident.Category.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units the user may log calls for are offered.
        offer_units(self, "unit", unit_list(user=user))
        if not self.is_bound:
            self.initial.setdefault("unit", user_unit(user))
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        add_bootstrap_classes(self)

    def clean_caller_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["caller_phone"])
        validate_phone(phone)
        return phone


class IncidentLinkForm(forms.Form):
    dispute = forms.IntegerField(widget=forms.HiddenInput)

