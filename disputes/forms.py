"""Forms of the dispute pages.

Forms only parse and check input; every write goes through disputes.services.
Choices that depend on who is asking (stations, officers, mediators) come from
the selectors, so a form can never offer a record outside the user's scope.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.models import (
    Agreement,
    Attachment,
    Category,
    Dispute,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Mediator,
    Party,
    Referral,
    RiskLevel,
    Source,
    Track,
)
from disputes.selectors import mediator_list
from units.forms import LocationForm, add_bootstrap_classes, offer_units
from units.models import Unit
from units.selectors import (
    beats_in_scope,
    officers_in_scope,
    station_choices,
    stations_in_scope,
    unit_list,
)
from units.validators import (
    normalise_id_number,
    normalise_phone,
    validate_id_number,
    validate_phone,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def local_now_minute() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(format=DATETIME_LOCAL, attrs={"type": "datetime-local"})


def date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def text_area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# The one styling of forms and filter bars (units.forms), by its older name.
style_form = add_bootstrap_classes


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field when
    the form has it, otherwise as a non-field error."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def officer_user_choices(*, user, unit: Unit | None = None) -> QuerySet:
    """Users who are officers or leads in the user's scope (under ``unit``)."""
    officers = officers_in_scope(user=user)
    if unit is not None:
        officers = officers.filter(unit__path__startswith=unit.path)
    return get_user_model().objects.filter(pk__in=officers.values("user_id")).order_by(
        "first_name", "username"
    )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class OfficersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


# Registration -----------------------------------------------------------------


class DisputeForm(StyledForm, LocationForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    received_at = forms.DateTimeField(label=_("Received at"), widget=datetime_input())
    place = forms.CharField(label=_("Place"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Station"), queryset=Unit.objects.none())
    beat = forms.ModelChoiceField(label=_("Beat"), queryset=Unit.objects.none(), required=False)
    summary = forms.CharField(label=_("Summary"), widget=text_area(3))

    def __init__(self, *args, user, fixed_source: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", stations_in_scope(user=user), kinds="station")
        offer_units(self, "beat", beats_in_scope(user=user), kinds="beat")
        if fixed_source:
            # A case registered from a record (a 110 call) takes its source
            # from it; it cannot be edited away.
            self.fields["source"].disabled = True
            self.fields["source"].initial = fixed_source

    def clean(self):
        data = super().clean()
        unit, beat = data.get("unit"), data.get("beat")
        if unit and beat and not unit.contains(beat):
            self.add_error("beat", _("The beat must belong to the station."))
        return data


class PartyForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    # The blank choice lets an untouched spare row count as empty.
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Party.Role.choices])
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def clean_id_number(self) -> str:
        value = normalise_id_number(self.cleaned_data["id_number"])
        if value:
            validate_id_number(value)
        return value

    def clean_phone(self) -> str:
        value = normalise_phone(self.cleaned_data["phone"])
        if value:
            validate_phone(value)
        return value


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise ValidationError(_("A dispute needs at least one party."))


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=1, min_num=1, validate_min=True, max_num=20,
    validate_max=True,
)


# Actions on a dispute ---------------------------------------------------------


class ActionForm(StyledForm):
    """Base of every action form: carries the version the user saw, so a form
    posted after someone else changed the case is refused as stale."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), widget=text_area(2), required=False)

    def __init__(self, *args, dispute: Dispute, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", dispute.version)
        super().__init__(*args, **kwargs)
        self.dispute, self.user = dispute, user


class NoteRequiredActionForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True


class AssessForm(ActionForm):
    # No default: a click-through must not record low risk.
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", "---------"), *RiskLevel.choices]
    )
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices)
    field_order = ["risk_level", "track", "note"]


class DispatchForm(ActionForm):
    officer = OfficerChoiceField(label=_("Officer in charge"), queryset=None)
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    co_officers = OfficersChoiceField(
        label=_("Other officers mediating"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["officer", "mediators", "co_officers", "note"]

    def __init__(self, *args, dispute, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("officer", dispute.assigned_officer_id)
        super().__init__(*args, dispute=dispute, user=user, **kwargs)
        officers = officer_user_choices(user=user, unit=dispute.unit)
        self.fields["officer"].queryset = officers
        self.fields["co_officers"].queryset = officers
        self.fields["mediators"].queryset = mediator_list(user=user).filter(active=True)


class ResolveForm(ActionForm):
    terms = forms.CharField(
        label=_("Terms of the agreement"), widget=text_area(4), required=False
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=date_input(), required=False)
    performance_due = forms.DateField(
        label=_("Performance due"), widget=date_input(), required=False
    )
    resolution_note = forms.CharField(
        label=_("Resolution note"), widget=text_area(3), required=False,
        help_text=_("How the dispute was settled, when there is no written agreement."),
    )
    field_order = ["terms", "signed_on", "performance_due", "resolution_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The resolution note is the event's note; a second note box would confuse.
        del self.fields["note"]

    def clean(self):
        data = super().clean()
        terms = (data.get("terms") or "").strip()
        if terms and not data.get("signed_on"):
            self.add_error("signed_on", _("Give the date the agreement was signed."))
        if data.get("signed_on") and not terms:
            self.add_error("terms", _("Write down the terms of the agreement."))
        if not terms and not (data.get("resolution_note") or "").strip():
            self.add_error(
                "resolution_note",
                _("Record the agreement or describe how the dispute was settled."),
            )
        return data


class FailForm(ActionForm):
    target = forms.ChoiceField(label=_("Referred to"), choices=Referral.Target.choices)
    target_name = forms.CharField(label=_("Name of the body"), max_length=100)
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=text_area(2),
        required=False,
    )
    field_order = ["target", "target_name", "reason", "note"]


class VerifyForm(ActionForm):
    pass


class TransferForm(NoteRequiredActionForm):
    to_unit = forms.ModelChoiceField(label=_("Transfer to station"), queryset=None)
    field_order = ["to_unit", "note"]

    def __init__(self, *args, dispute, user, **kwargs):
        super().__init__(*args, dispute=dispute, user=user, **kwargs)
        # Any station may receive a case: transfers cross regions (DESIGN.md §3).
        self.fields["to_unit"].queryset = station_choices().exclude(pk=dispute.unit_id)


class ReopenForm(NoteRequiredActionForm):
    pass


class WithdrawForm(NoteRequiredActionForm):
    pass


class ChangeTrackForm(NoteRequiredActionForm):
    track = forms.ChoiceField(label=_("New track"), choices=Track.choices)
    field_order = ["track", "note"]


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "assess": AssessForm,
    "dispatch": DispatchForm,
    "resolve": ResolveForm,
    "fail": FailForm,
    "verify": VerifyForm,
    "transfer": TransferForm,
    "reopen": ReopenForm,
    "withdraw": WithdrawForm,
    "change_track": ChangeTrackForm,
}


# Records added to a dispute -----------------------------------------------------


class SessionForm(StyledForm):
    held_at = forms.DateTimeField(label=_("Held at"), widget=datetime_input())
    mode = forms.ChoiceField(label=_("Mode"), choices=MediationSession.Mode.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationSession.Outcome.choices)
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators present"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    officers = OfficersChoiceField(
        label=_("Officers present"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parties_present = forms.ModelMultipleChoiceField(
        label=_("Parties present"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), widget=text_area(3), required=False)

    def __init__(self, *args, dispute: Dispute, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_at", local_now_minute())
        kwargs["initial"].setdefault("mediators", list(dispute.mediators.all()))
        kwargs["initial"].setdefault("officers", [user.pk])
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = mediator_list(user=user)
        self.fields["officers"].queryset = officer_user_choices(user=user, unit=dispute.unit)
        self.fields["parties_present"].queryset = dispute.parties.all()
        # Names and roles only: this list must not show personal data.
        self.fields["parties_present"].label_from_instance = str


class FollowUpForm(StyledForm):
    done_at = forms.DateTimeField(label=_("Done at"), widget=datetime_input())
    method = forms.ChoiceField(label=_("Method"), choices=FollowUp.Method.choices)
    finding = forms.ChoiceField(label=_("Finding"), choices=FollowUp.Finding.choices)
    satisfaction = forms.ChoiceField(
        label=_("Party satisfaction"),
        choices=[("", _("Not rated")), *FollowUp.Satisfaction.choices],
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), widget=text_area(3), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("done_at", local_now_minute())
        super().__init__(*args, **kwargs)


class RevealReasonForm(StyledForm):
    """Why personal data is shown in full: asked before every reveal, logged."""

    REASONS = [
        ("contact", _("Contacting the party")),
        ("verify", _("Verifying identity")),
        ("agreement", _("Issuing a document (agreement, notice)")),
        ("court", _("Application to the court")),
        ("other", _("Other (say why)")),
    ]
    reason = forms.ChoiceField(label=_("Why"), choices=[("", "---------"), *REASONS])
    detail = forms.CharField(
        label=_("Details"), max_length=150, required=False,
        help_text=_("Required for “Other”."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not data.get("detail", "").strip():
            self.add_error("detail", _("Say why the data is needed."))
        return data

    def logged_reason(self) -> str:
        label = dict(self.REASONS)[self.cleaned_data["reason"]]
        detail = self.cleaned_data.get("detail", "").strip()
        return f"{label}: {detail}" if detail else str(label)


class PerformanceForm(StyledForm):
    performance = forms.ChoiceField(
        label=_("Was the agreement kept?"),
        choices=[
            ("", "---------"),
            *[
                (c.value, c.label)
                for c in (
                    Agreement.Performance.PERFORMED,
                    Agreement.Performance.PARTLY,
                    Agreement.Performance.BREACHED,
                )
            ],
        ],
    )
    on = forms.DateField(label=_("Found on"), widget=date_input())
    note = forms.CharField(
        label=_("Note"), widget=text_area(3), required=False,
        help_text=_("Required for a partial performance or a breach: what was not kept."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ConfirmationApplyForm(StyledForm):
    court = forms.CharField(label=_("Court"), max_length=100)
    applied_on = forms.DateField(label=_("Applied on"), widget=date_input())
    applicants = forms.ModelMultipleChoiceField(
        label=_("Parties applying"), queryset=None, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, dispute: Dispute, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("applied_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["applicants"].queryset = dispute.parties.all()
        # Names and roles only: this list must not show personal data.
        self.fields["applicants"].label_from_instance = str


class ConfirmationDecideForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("The court's ruling"),
        choices=[
            ("", "---------"),
            *[
                (c.value, c.label)
                for c in (
                    JudicialConfirmation.Outcome.CONFIRMED,
                    JudicialConfirmation.Outcome.REJECTED,
                )
            ],
        ],
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=date_input())
    ruling_number = forms.CharField(
        label=_("Ruling number"), max_length=60, required=False,
        help_text=_("Required when confirmed."),
    )
    ruling = forms.ModelChoiceField(
        label=_("Ruling scan"), queryset=None, required=False,
        help_text=_("Upload the scan as an attachment of the case first."),
    )

    def __init__(self, *args, dispute: Dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruling"].queryset = dispute.attachments.all()


class ReferralForm(StyledForm):
    target = forms.ChoiceField(label=_("Refer to"), choices=Referral.Target.choices)
    target_name = forms.CharField(label=_("Name of the body"), max_length=100)
    reason = forms.CharField(label=_("Reason"), widget=text_area(2), required=False)


class ReferralAnswerForm(StyledForm):
    state = forms.ChoiceField(
        label=_("Their answer"),
        choices=[
            (Referral.State.ACCEPTED, Referral.State.ACCEPTED.label),
            (Referral.State.ANSWERED, Referral.State.ANSWERED.label),
            (Referral.State.DECLINED, Referral.State.DECLINED.label),
        ],
    )
    answer = forms.CharField(label=_("What they said"), widget=text_area(2), required=False)


class AttachmentForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("JPEG or PNG photos and PDF documents."),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )


# Mediator pool ---------------------------------------------------------------


class MediatorForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=Mediator.Kind.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    specialities = forms.MultipleChoiceField(
        label=_("Specialities"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, mediator: Mediator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mediator = mediator
        offer_units(self, "unit", unit_list(user=user).exclude(kind=Unit.Kind.BEAT), kinds="nobeats")
        if mediator is not None and mediator.phone:
            # The number on file is not put in the page; blank keeps it.
            self.fields["phone"].help_text = _(
                "On file: %(phone)s. Leave blank to keep it."
            ) % {"phone": mediator.phone_masked}

    def clean_phone(self) -> str:
        value = normalise_phone(self.cleaned_data["phone"])
        if value:
            validate_phone(value)
        elif self.mediator is not None:
            value = self.mediator.phone
        return value

    @staticmethod
    def initial_for(mediator: Mediator) -> dict:
        return {
            "name": mediator.name, "kind": mediator.kind, "organisation": mediator.organisation,
            "unit": mediator.unit_id, "active": mediator.active,
            "specialities": [s.category for s in mediator.specialities.all()],
        }
