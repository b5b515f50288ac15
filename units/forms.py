"""Form pieces every app's pages share: Bootstrap classes, officer choices."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
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
    """Give every widget Bootstrap's small form classes (FilterSet forms too):
    the one look of every form and filter bar."""
    for field in form.fields.values():
        widget = field.widget
        use_date_picker(widget)
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
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


class RowsFirstIterator(forms.models.ModelChoiceIterator):
    """Iterates the rows a view already read (``field.rows``) instead of
    querying again; the queryset still validates a submitted choice."""

    def __iter__(self):
        rows = getattr(self.field, "rows", None)
        if rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in rows:
            yield self.choice(row)

    def __len__(self) -> int:
        rows = getattr(self.field, "rows", None)
        if rows is None:
            return super().__len__()
        return len(rows) + (1 if self.field.empty_label is not None else 0)


class RowsFirstChoiceField(forms.ModelChoiceField):
    """A choice of records the view may have read already (``field.rows``)."""

    iterator = RowsFirstIterator


class OfficerChoiceField(forms.ModelChoiceField):
    iterator = RowsFirstIterator

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


# A form's unit list is a select up to this many units, the picker beyond.
UNIT_SELECT_MAX = 300


def offer_rows(field: forms.ModelChoiceField, queryset, limit: int) -> bool:
    """Give a choice field ``queryset``; when it holds at most ``limit`` rows,
    read them once, here, as its choices (RowsFirstIterator) and answer True.
    One read tells the size and gives the options; past the limit the caller
    offers something other than a list."""
    rows = list(queryset[: limit + 1])
    field.iterator = RowsFirstIterator
    field.queryset = queryset
    if len(rows) > limit:
        return False
    field.rows = rows
    field.widget.choices = field.choices
    return True


def offer_units(form: forms.Form, name: str, queryset, *, kinds: str = "") -> None:
    """Give the form's unit field ``name`` the units of ``queryset``: a select
    when there are at most UNIT_SELECT_MAX of them (read once, here), else the
    unit picker (search as you type, matched on the server), so that no form
    lists a bureau's thousands of units (a province's 14,288 were 586 KB of
    the volunteer form). ``kinds`` narrows the picker's search ("nobeats",
    "beat"). Either way the field accepts only a unit of ``queryset``."""
    field = form.fields[name]
    if offer_rows(field, queryset, UNIT_SELECT_MAX):
        return
    picker = UnitPickerField(
        queryset, label=field.label, required=field.required, help_text=field.help_text,
        widget=UnitPickerWidget(kinds=kinds),
    )
    picker.widget.attrs.setdefault("class", "form-control form-control-sm")
    form.fields[name] = picker


def offer_officers(form: forms.Form, name: str, queryset) -> None:
    """An officer field (users): a select up to UNIT_SELECT_MAX officers, read
    once; beyond, a text field for the officer's username (police number),
    matched exactly among ``queryset``: a province's 7,109 officers were
    279 KB of the enterprise form."""
    field = form.fields[name]
    if offer_rows(field, queryset, UNIT_SELECT_MAX):
        return
    field.to_field_name = "username"
    field.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    field.help_text = _("The officer's username (police number).")


class UnitPickerWidget(forms.TextInput):
    """A text field that names a unit; app.js makes it a search-as-you-type
    combobox over ``/api/units/?q=`` (the user's scope, server-side).
    Without JavaScript it is a plain text field the server matches."""

    template_name = "units/unit_picker.html"

    def __init__(self, attrs=None, kinds: str = ""):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.kinds = kinds

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["kinds"] = self.kinds
        return context


class UnitPickerField(forms.ModelChoiceField):
    """A unit of the queryset named by id, by code, by "name (code)" as the
    picker fills it, or by a name or part of one that matches a single unit.

    A bureau's scope may hold 14,000 units: no select lists them, and
    nothing here reads more than a few units, whatever the scope.
    """

    widget = UnitPickerWidget
    MATCHES_SHOWN = 5

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", UnitPickerWidget)
        super().__init__(queryset, **kwargs)

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.__dict__.pop("_resolved", None)  # each form its own
        return copy

    def to_python(self, value):
        if value in self.empty_values:
            return None
        units = self.resolve(str(value))
        if len(units) == 1:
            return units[0]
        if not units:
            raise forms.ValidationError(_("No unit of yours matches “%(value)s”."),
                                        code="invalid_choice", params={"value": value})
        raise forms.ValidationError(
            _("Several units match “%(value)s” (%(names)s…): type more of the name, or the code."),
            code="ambiguous",
            params={"value": value, "names": "、".join(self._label(u) for u in units)},
        )

    def resolve(self, text: str) -> list:
        """The units ``text`` names: one when it is unambiguous. Remembered
        for the request: cleaning, the officer list, the field and its chip
        all ask."""
        text = text.strip()
        cache = self.__dict__.setdefault("_resolved", {})
        if text not in cache:
            cache[text] = self._match(text)
        return cache[text]

    def _match(self, text: str) -> list:
        match = re.fullmatch(r".*\(([^()]+)\)", text)
        if text.isdigit():
            exact = self.queryset.filter(pk=int(text))
        elif match:
            exact = self.queryset.filter(code=match.group(1).strip())
        else:
            exact = self.queryset.filter(Q(code__iexact=text) | Q(name=text))
        units = list(exact[:2])
        if units or text.isdigit() or match:
            return units
        return list(self.queryset.filter(name__icontains=text).order_by("path")[: self.MATCHES_SHOWN])

    def prepare_value(self, value):
        if hasattr(value, "_meta"):
            return self._label(value)
        if value in self.empty_values:
            return ""
        return self.label_for_value(str(value))

    def label_for_value(self, value: str) -> str:
        """How a submitted value shows: the unit it names, or the text as typed."""
        units = self.resolve(str(value))
        return self._label(units[0]) if len(units) == 1 else str(value)

    @staticmethod
    def _label(unit) -> str:
        return f"{unit.name} ({unit.code})"
