"""Forms of the reports pages."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports import selectors
from reports.months import add_months, current_month, format_month, parse_month
from units.forms import UnitPickerField, UnitPickerWidget, offer_units
from units.models import Unit


class MonthField(forms.CharField):
    """A calendar month written ``YYYY-MM``; cleans to its first day."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-03.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_month(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return format_month(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {"placeholder": "YYYY-MM", "maxlength": "7", "pattern": r"\d{4}-\d{2}",
             "inputmode": "numeric"}
        )
        return attrs


class ReportRequestForm(forms.Form):
    """Ask for a unit's report of a month. The unit can only be one of the
    user's units; the month must have begun (the service checks it again)."""

    # A select up to 300 units, the unit picker beyond (units.forms.offer_units):
    # a bureau's scope may hold thousands.
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    month = MonthField(
        label=_("Month"),
        help_text=_("YYYY-MM; the month must have begun."),
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {"month": format_month(add_months(current_month(), -1)),
             "unit": selectors.default_unit(user=user)},
        )
        super().__init__(*args, **kwargs)
        offer_units(self, "unit", selectors.report_units(user=user), kinds="nobeats")

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month is not None and month > current_month():
            raise ValidationError(_("A report cannot be made for a month that has not begun."))
        return month


class DashboardUnitForm(forms.Form):
    """Which unit's dashboard to show (``?unit=``: an id, a code or a name, as
    the unit picker fills it)."""

    unit = UnitPickerField(
        label=_("Unit"),
        queryset=None,
        required=False,
        widget=UnitPickerWidget(attrs={"class": "form-control form-control-sm"}, kinds="nobeats"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
