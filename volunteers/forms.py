"""Forms of the volunteer pages: they parse and check input only; every write
goes through volunteers.services. Choices come from the selectors, so a form
never offers a record outside the user's scope."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disputes.forms import (  # noqa: F401  (re-exported for the views)
    PartyFormSet,
    StyledForm,
    add_service_errors,
    date_input,
    datetime_input,
    style_form,
)
from disputes.models import Category
from units.forms import LocationForm, offer_rows, offer_units
from units.models import Officer, Unit
from units.selectors import unit_list, user_unit
from units.validators import (
    normalise_id_number,
    normalise_phone,
    validate_id_number,
    validate_phone,
)
from volunteers import selectors
from volunteers.models import Alliance, Membership, Outreach, Tip, Volunteer
from volunteers.services import CORRECTION_REASON_LENGTH, coordinator_users_for


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def coordinator_choices(*, user):
    """Volunteer coordinators of the user's subtree and of the units above it
    (the service checks them against the alliance's own unit)."""
    own = user_unit(user)
    coordinators = Officer.objects.filter(role=Officer.Role.COORDINATOR)
    if own is not None:
        above = coordinator_users_for(own).values("pk")
        coordinators = coordinators.filter(Q(unit__path__startswith=own.path) | Q(user__in=above))
    elif not user.is_superuser:
        coordinators = coordinators.none()
    return get_user_model().objects.filter(
        pk__in=coordinators.values("user_id")
    ).order_by("username")


class AllianceForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    focus = forms.ChoiceField(label=_("Focus"), choices=Alliance.Focus.choices)
    coordinators = UserChoiceField(
        label=_("Coordinators"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", unit_list(user=user).exclude(kind=Unit.Kind.BEAT), kinds="nobeats")
        self.fields["coordinators"].queryset = coordinator_choices(user=user)


class VolunteerForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", unit_list(user=user))

    def clean_phone(self) -> str:
        value = normalise_phone(self.cleaned_data["phone"])
        if value or self.fields["phone"].required:
            validate_phone(value)
        return value

    def clean_id_number(self) -> str:
        value = normalise_id_number(self.cleaned_data["id_number"])
        if value:
            validate_id_number(value)
        return value


# Volunteers a form lists, at most (past it: the alliance first, or a phone number).
MEMBERS_LISTED_MAX = 300


class VolunteerChoiceField(forms.ModelChoiceField):
    """A volunteer by name from a select, or, in a long list, by their full
    phone number typed in (one volunteer per number)."""

    def to_python(self, value):
        if self.to_field_name == "phone":
            value = normalise_phone(str(value or ""))
        return super().to_python(value)


class MembershipForm(StyledForm):
    volunteer = VolunteerChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    joined_on = forms.DateField(label=_("Joined on"), widget=date_input())

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        candidates = (
            selectors.volunteer_list(user=user).filter(active=True).exclude(memberships__alliance=alliance)
        )
        # Up to MEMBERS_LISTED_MAX a select; past it (a district's 717
        # volunteers were 59 KB of the alliance's page) the phone number.
        if offer_rows(field, candidates, MEMBERS_LISTED_MAX):
            return
        field.to_field_name = "phone"
        field.widget = forms.TextInput(attrs={
            "class": "form-control form-control-sm", "autocomplete": "off", "inputmode": "tel",
        })
        field.help_text = _("Their mobile number, in full.")
        field.error_messages["invalid_choice"] = _(
            "No volunteer of yours outside this alliance has that number.")


class PatrolForm(StyledForm):
    alliance = forms.ModelChoiceField(label=_("Alliance"), queryset=Alliance.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    beat = forms.ModelChoiceField(label=_("Beat"), queryset=Unit.objects.none(), required=False)
    area = forms.CharField(label=_("Route or area"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=datetime_input())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=datetime_input())
    volunteers_needed = forms.IntegerField(label=_("Volunteers needed"), min_value=1, max_value=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alliance"].queryset = selectors.alliance_choices(user=user).filter(active=True)
        units = unit_list(user=user)
        offer_units(self, "unit", units.exclude(kind=Unit.Kind.BEAT), kinds="nobeats")
        offer_units(self, "beat", units.filter(kind=Unit.Kind.BEAT), kinds="beat")

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A patrol must end after it starts."))
        return data


class SignUpForm(StyledForm):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())

    def __init__(self, *args, user, patrol, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = (
            selectors.volunteer_list(user=user)
            .filter(active=True, memberships__alliance=patrol.alliance)
            .exclude(attendances__patrol=patrol)
        )


class PatrolCompleteForm(StyledForm):
    report = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What the patrol saw and did."))


class AttendanceCorrectForm(StyledForm):
    """New check-in and check-out times of one volunteer, and why."""

    checked_in_at = forms.DateTimeField(label=_("Checked in at"), widget=datetime_input())
    checked_out_at = forms.DateTimeField(
        label=_("Checked out at"), widget=datetime_input(), required=False,
        help_text=_("Leave empty while the volunteer is still on patrol."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=CORRECTION_REASON_LENGTH,
        help_text=_("Kept in the record's history, e.g. “signed in on paper at 19:05”."),
    )


class PatrolCancelForm(StyledForm):
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)


def offer_members(form: forms.Form, name: str, *, user) -> None:
    """The volunteers a tip or an outreach may name: members of the chosen
    alliance (the services accept no one else). Before one is chosen, every
    member in the user's scope when there are at most MEMBERS_LISTED_MAX;
    past that the list waits for the alliance (app.js reloads the form with
    ``?alliance=``), so a district's 737 volunteers were no longer 169 KB of
    check boxes, nor a province's 6,000 a megabyte."""
    field = form.fields[name]
    members = selectors.volunteer_list(user=user).filter(memberships__isnull=False)
    alliance = form["alliance"].value()
    form.fields["alliance"].widget.attrs["data-reload-with"] = "alliance"
    if alliance not in (None, "") and str(alliance).isdigit():
        field.queryset = members.filter(memberships__alliance_id=int(alliance)).distinct()
        return
    if members.distinct()[: MEMBERS_LISTED_MAX + 1].count() <= MEMBERS_LISTED_MAX:
        field.queryset = members.distinct()
        return
    field.queryset = members.none()
    field.help_text = _("Choose the alliance first: its members are listed here.")


class TipForm(StyledForm, LocationForm):
    alliance = forms.ModelChoiceField(label=_("Alliance"), queryset=Alliance.objects.none())
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer"), queryset=Volunteer.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Send to"), queryset=Unit.objects.none(),
        help_text=_("The station or beat whose officers should handle it."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Tip.Kind.choices)
    place = forms.CharField(label=_("Place"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    received_at = forms.DateTimeField(label=_("Received at"), widget=datetime_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alliance"].queryset = selectors.alliance_choices(user=user)
        offer_members(self, "volunteer", user=user)
        offer_units(self, "unit", unit_list(user=user).filter(
            kind__in=[Unit.Kind.STATION, Unit.Kind.BEAT]
        ))


class TipNoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TipConvertForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Left empty, the tip's description is used."),
    )


class OutreachForm(StyledForm, LocationForm):
    alliance = forms.ModelChoiceField(label=_("Alliance"), queryset=Alliance.objects.none())
    date = forms.DateField(label=_("Date"), widget=date_input())
    theme = forms.ChoiceField(label=_("Theme"), choices=Outreach.Theme.choices)
    place = forms.CharField(label=_("Place"), max_length=200)
    volunteers = forms.ModelMultipleChoiceField(
        label=_("Volunteers taking part"), queryset=Volunteer.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    households_reached = forms.IntegerField(label=_("Households reached"), min_value=0, initial=0)
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, initial=0)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alliance"].queryset = selectors.alliance_choices(user=user).filter(active=True)
        offer_members(self, "volunteers", user=user)


class ImportUploadForm(StyledForm):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("CSV or XLSX with the columns name, phone, id_number, skills, alliance, "
                    "joined_on, role; the first row holds the column names."),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit of the volunteers"), queryset=Unit.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", unit_list(user=user))


class FiguresForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", unit_list(user=user).exclude(kind=Unit.Kind.BEAT), kinds="nobeats")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data
