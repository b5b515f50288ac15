"""Forms of the enterprise pages. They check the shape of the input; the rules
live in enterprises.services."""

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from disputes.models import Category as DisputeCategory
from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from units.forms import (
    DATE_WIDGET,
    LocationForm,
    OfficerChoiceField,
    OfficerMultipleChoiceField,
    add_bootstrap_classes,
    offer_officers,
    offer_units,
    officer_user_choices,
)
from units.selectors import stations_in_scope, unit_list, user_unit
from units.validators import (
    normalise_credit_code,
    normalise_phone,
    validate_credit_code,
    validate_phone,
)


class EnterpriseForm(LocationForm):
    name = forms.CharField(label=pgettext_lazy("organisation", "Name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters, as on the business licence."),
    )
    unit = forms.ModelChoiceField(label=_("Station"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=200)
    industry = forms.ChoiceField(label=_("Industry"), choices=Enterprise.Industry.choices)
    hazardous_chemicals = forms.BooleanField(label=_("Hazardous chemicals"), required=False)
    logistics = forms.BooleanField(label=_("Logistics or delivery"), required=False)
    foreign_staff = forms.BooleanField(label=_("Foreign staff"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the number on file."),
    )
    liaison_officer = OfficerChoiceField(label=_("Liaison officer"), queryset=None, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user: AbstractBaseUser, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)

        self.editing = editing
        offer_units(self, "unit", stations_in_scope(user=user), kinds="station")
        offer_officers(self, "liaison_officer", officer_user_choices(user))
        if not editing:
            # A new enterprise needs its phone; when editing, the masked
            # number is never put back into the form.
            self.fields["contact_phone"].required = True
            self.fields["contact_phone"].help_text = ""
            own = user_unit(user)
            if own is not None and own.kind == own.Kind.STATION:
                self.initial.setdefault("unit", own)
        add_bootstrap_classes(self)

    def clean_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def clean_contact_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["contact_phone"])
        if phone:
            validate_phone(phone)
        return phone


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Kind"), choices=EnterpriseVisit.Kind.choices)
    officers = OfficerMultipleChoiceField(
        label=_("Other officers present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You are recorded as present."),
    )
    hazards_found = forms.IntegerField(label=_("Hazards found"), min_value=0, initial=0)
    hazards_rectified = forms.IntegerField(
        label=_("Hazards rectified on the spot"), min_value=0, initial=0
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user: AbstractBaseUser, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        # The officers of the enterprise's station (a province's every officer
        # was 7,109 check boxes for an administrator).
        self.fields["officers"].queryset = officer_user_choices(user).filter(
            officer__unit__in=enterprise.unit.subtree()
        ).exclude(pk=user.pk)
        self.fields["officers"].widget.attrs["size"] = 4
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())
        add_bootstrap_classes(self)

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("A visit is logged after it took place."))
        return visited_on

    def clean(self):
        data = super().clean()
        found, rectified = data.get("hazards_found"), data.get("hazards_rectified")
        if found is not None and rectified is not None and rectified > found:
            self.add_error(
                "hazards_rectified", _("More hazards cannot be rectified than were found.")
            )
        return data


class RequestForm(forms.Form):
    """One request raised during a visit; an untouched row of the formset is skipped."""

    category = forms.ChoiceField(label=_("Category"), choices=EnterpriseRequest.Category.choices)
    description = forms.CharField(
        label=_("Request"), widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)
    green_channel = forms.BooleanField(label=_("Green channel"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


RequestFormSet = forms.formset_factory(RequestForm, extra=3, max_num=10, validate_max=True)


class StandaloneRequestForm(RequestForm):
    """A request received outside a visit: by phone, at the window."""

    received_on = forms.DateField(label=_("Received on"), widget=DATE_WIDGET)
    field_order = ["received_on", "category", "description", "due_on", "green_channel"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class RequestResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done for the enterprise."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


class RequestDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reason given to the enterprise."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


class RequestConvertForm(forms.Form):
    title = forms.CharField(label=_("Title of the dispute"), max_length=200)
    category = forms.ChoiceField(label=_("Dispute category"), choices=DisputeCategory.choices)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to use the request's description."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)


class EnterpriseFiguresForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET, required=False)
    end = forms.DateField(label=_("To"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)
        offer_units(self, "unit", unit_list(user=user).exclude(kind="beat"), kinds="nobeats")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    unit = forms.ModelChoiceField(label=_("Station"), queryset=None)

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)

        offer_units(self, "unit", stations_in_scope(user=user), kinds="station")
        own = user_unit(user)
        if own is not None and own.kind == own.Kind.STATION:
            self.initial.setdefault("unit", own)
        add_bootstrap_classes(self)

