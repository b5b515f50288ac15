"""FilterSets shared by the dispute pages and the API."""

import re
from urllib.parse import urlencode

import django_filters
from django_filters.constants import EMPTY_VALUES
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disputes.models import (
    CONCLUDED_STATUSES,
    OPEN_STATUSES,
    Category,
    Dispute,
    FollowUp,
    Mediator,
    Party,
    RiskLevel,
    Status,
    Track,
)
from disputes.selectors import mediator_list
from units.filters import UnitPickerFilter, YesNoFilter, scoped_units
from units.forms import OfficerChoiceField, RowsFirstChoiceField, offer_rows
from units.pagination import ScopeFirst
from units.selectors import officers_in_scope, subtree_ids

PHONE_OR_ID = re.compile(r"\d{7,17}[\dXx]")

_OPEN = [("status", status) for status in OPEN_STATUSES]
# The list's quick filters and the workload tables' links: one definition of
# each measure as query parameters of this FilterSet, so a count and the rows
# its link lists cannot drift apart.
MEASURES: dict[str, list[tuple[str, str]]] = {
    "open": _OPEN,
    "overdue": [("overdue", "true")],
    "high_risk": [("risk_level", RiskLevel.HIGH), *_OPEN],
    "awaiting_verification": [("status", status) for status in CONCLUDED_STATUSES],
}


def measure_query(measure: str, **narrow) -> str:
    """The list's query string for one measure, narrowed (e.g. to a unit
    and an officer): ``measure_query("overdue", unit=3)``."""
    return urlencode([*narrow.items(), *MEASURES[measure]])


def _officers(request):
    User = get_user_model()
    if request is None:
        return User.objects.none()
    ids = officers_in_scope(user=request.user).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("first_name", "username")


def _mediators(request):
    if request is None:
        return Mediator.objects.none()
    return mediator_list(user=request.user).prefetch_related(None).order_by("name")


class MediatorChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = RowsFirstChoiceField


class OfficerFilter(django_filters.ModelChoiceFilter):
    """Offers officers by name (the username only when no name is recorded)."""

    field_class = OfficerChoiceField


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter formats its descending labels once, when the FilterSet
    class is built, in whatever language is active then; these stay lazy so
    each page shows them in its own language."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, param)
            choices.append((param, label))
            choices.append(("-" + param, format_lazy(_("{label}, descending"), label=label)))
        return choices

    # Keys a narrow scope sorts on its own rows (units.pagination.ScopeFirst):
    # a reference begins with its station's code, and a rank's ties run in id
    # order, so in their indexes a scope's rows may sit behind others'.
    SCOPE_FIRST = ("reference", "risk_rank", "status_rank")

    def filter(self, qs, value):
        """Sort as asked, then by id in the last key's direction: a total
        order pages cannot shuffle, read down one ``(key, id)`` index; within
        a narrow scope, a key of SCOPE_FIRST is read scope first
        (units.pagination.ScopeFirst)."""
        qs = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return qs
        terms = list(qs.query.order_by)
        last = str(terms[-1]) if terms else ""
        if self._narrow_scope():
            terms = [self._scope_first(term) for term in terms]
        return qs.order_by(*terms, "-id" if last.startswith("-") else "id")

    def _narrow_scope(self) -> bool:
        """Less than everything: a user's own subtree, or a unit chosen."""
        request = getattr(self.parent, "request", None)
        if request is None:
            return False
        return not request.user.is_superuser or bool(self.parent.data.get("unit"))

    def _scope_first(self, term):
        name = term.lstrip("-") if isinstance(term, str) else ""
        if name not in self.SCOPE_FIRST:
            return term
        return ScopeFirst(name).desc() if term.startswith("-") else ScopeFirst(name).asc()


def search_ids(value: str):
    """The ids of the disputes whose title, reference or a party's name holds
    ``value``, or with a party of exactly that full phone or ID number.

    One UNION of index reads (each branch has its trigram or B-tree index on
    PostgreSQL) that the planner joins to the list: an ``OR`` of the same
    tests, with the party's as an ``EXISTS``, could use none of the indexes and
    walked the whole list. Personal data is never matched in part.
    """
    matches = Q(name__icontains=value)
    if PHONE_OR_ID.fullmatch(value):
        matches |= Q(phone=value) | Q(id_number=value.upper())
    return (
        Dispute.objects.filter(title__icontains=value).order_by().values("pk")
        .union(
            Dispute.objects.filter(reference__icontains=value).order_by().values("pk"),
            Party.objects.filter(matches).order_by().values("dispute_id"),
        )
    )


class DisputeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search",
        help_text=_("Title, reference, party name, or a full phone or ID number"),
    )
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=RiskLevel.choices)
    # The beat map links a beat's cases here; not a field of the filter bar.
    beat = django_filters.NumberFilter(field_name="beat_id", widget=forms.HiddenInput)
    unit = UnitPickerFilter(
        label=_("Unit"), queryset=scoped_units, method="filter_unit", kinds="nobeats",
        help_text=_("This unit and the units below it"),
    )
    assigned_officer = OfficerFilter(label=_("Officer"), queryset=_officers)
    mediator = MediatorChoiceFilter(label=_("Mediator"), queryset=_mediators, field_name="mediators")
    overdue = YesNoFilter(label=_("Overdue"), method="filter_overdue")
    follow_up_due = YesNoFilter(label=_("Follow-up due"), method="filter_follow_up_due")
    received_after = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", lookup_expr="date__gte"
    )
    received_before = django_filters.DateFilter(
        label=_("Received to"), field_name="received_at", lookup_expr="date__lte"
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("received_at", "received_at"),
            ("deadline", "deadline"),
            ("reference", "reference"),
            # Status and risk level in the domain's order: Dispute.status_rank, risk_rank.
            ("status_rank", "status"),
            ("risk_rank", "risk_level"),
        ),
        field_labels={
            "received_at": _("Received"),
            "deadline": _("Deadline"),
            "reference": _("Reference"),
            "status_rank": _("Status"),
            "risk_rank": _("Risk level"),
        },
    )

    class Meta:
        model = Dispute
        fields = [
            "q", "status", "track", "category", "risk_level", "unit", "assigned_officer",
            "mediator",
        ]

    # A bureau's scope may hold thousands of officers, mediators and units:
    # the officer and mediator lists are offered once a unit narrows them (or
    # when they are short anyway; a province's 849 mediators were 35 KB of
    # the admin's page); the unit is named through the unit picker.
    # Validation still accepts any unit, officer or mediator in scope.
    OFFICER_CHOICES_MAX = 200

    def offer_choices(self) -> None:
        """For the page's filter bar (the API renders no choices): the officer
        and mediator lists, narrowed to the chosen unit, or hidden when long."""
        chosen = self._chosen_unit()
        self._narrow_choices(
            "assigned_officer", chosen and Q(officer__unit__in=subtree_ids(chosen)))
        # A unit's mediators, and the pools above it that serve it (mediator_list).
        self._narrow_choices("mediator", chosen and (
            Q(unit__in=subtree_ids(chosen)) | Q(unit__path__in=chosen.ancestor_paths())))

    def _chosen_unit(self):
        unit = self.form["unit"].data
        if not unit:
            return None
        units = self.form.fields["unit"].resolve(str(unit))
        return units[0] if len(units) == 1 else None

    def _narrow_choices(self, name: str, within: Q | None) -> None:
        field = self.form.fields[name]
        if within is not None:
            field.queryset = field.queryset.filter(within)
        if self.form[name].value() not in (None, ""):
            return
        if not offer_rows(field, field.queryset, self.OFFICER_CHOICES_MAX):
            field.widget = forms.HiddenInput()

    # Up to this many matches a search's ids are read first and listed.
    SEARCH_IDS_LISTED = 5_000

    def filter_search(self, queryset, name, value):
        """The cases ``search_ids`` finds. Their ids are read first (one
        query) and listed when they are few: PostgreSQL estimates a trigram
        match from the pattern alone (a name's 1,669 parties as 20,775) and
        then hashed the scope's every case against the matches (a city's
        66,000, 90 ms) rather than look up each match (4 ms)."""
        value = value.strip()
        if not value:
            return queryset
        matches = search_ids(value)
        found = list(matches.values_list("pk", flat=True)[: self.SEARCH_IDS_LISTED + 1])
        if len(found) > self.SEARCH_IDS_LISTED:
            return queryset.filter(pk__in=matches)
        return queryset.filter(pk__in=found)

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(unit__in=subtree_ids(value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=OPEN_STATUSES, deadline__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_follow_up_due(self, queryset, name, value):
        if value is None:
            return queryset
        due = FollowUp.objects.filter(
            dispute=OuterRef("pk"), done_at__isnull=True, due_on__lte=timezone.localdate()
        )
        return queryset.filter(Exists(due)) if value else queryset.exclude(Exists(due))


class MediatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Mediator.Kind.choices)
    speciality = django_filters.ChoiceFilter(
        label=_("Speciality"), choices=Category.choices, field_name="specialities__category",
        distinct=True,
    )
    active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Mediator
        fields = ["q", "kind", "speciality", "active"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organisation__icontains=value))
