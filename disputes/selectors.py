"""Reads of disputes, already limited to the user's unit subtree."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from disputes.models import (
    CONCLUDED_STATUSES,
    OPEN_STATUSES,
    Dispute,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Mediator,
    Party,
    RiskLevel,
    Status,
)
from units.bundle import Branch, read_lists, set_prefetched
from units.conf import fengqiao
from units.models import Unit
from units.selectors import in_scope, scope_q, user_unit


def dispute_list(*, user: AbstractBaseUser) -> QuerySet[Dispute]:
    if not user.has_perm("disputes.view_dispute"):
        return Dispute.objects.none()
    return Dispute.objects.filter(scope_q(user)).select_related(
        "unit", "beat", "assigned_officer"
    )


def dispute_get(*, user: AbstractBaseUser, pk: int) -> Dispute:
    return get_object_or_404(dispute_list(user=user), pk=pk)


def dispute_detail(*, user: AbstractBaseUser, pk: int) -> Dispute:
    """One dispute with everything its page and API representation show,
    including the records it came from, reached through their links to it
    (the calls, enterprise requests and volunteer tip).

    Two queries whatever the case holds (issue 16): the case, then every list
    of it at once (``units.bundle``). ``dispute.<list>.all()`` and each
    session's and confirmation's people answer from what was read."""
    dispute = get_object_or_404(
        dispute_list(user=user).select_related("tip__alliance", "tip__unit"), pk=pk
    )
    _read_lists(dispute)
    return dispute


def _read_lists(dispute: Dispute) -> None:
    sessions = MediationSession.objects.filter(dispute=dispute)
    lists = read_lists({
        "parties": Branch(dispute.parties.all(), ordering=("role", "id")),
        "mediators": Branch(dispute.mediators.all()),
        "co_officers": Branch(dispute.co_officers.all()),
        "agreements": Branch(dispute.agreements.all(), related=("confirmation",)),
        "follow_ups": Branch(dispute.follow_ups.all(), related=("officer",)),
        "referrals": Branch(dispute.referrals.all()),
        "attachments": Branch(dispute.attachments.all()),
        "incidents": Branch(dispute.incidents.all()),
        "enterprise_requests": Branch(dispute.enterprise_requests.all(), related=("enterprise",)),
        "sessions": Branch(sessions),
        "events": Branch(
            dispute.events.all(),
            related=("actor", "from_unit", "to_unit", "from_officer", "to_officer"),
        ),
        # The people of each session and confirmation: links, with the record.
        "session_mediators": Branch(
            MediationSession.mediators.through.objects.filter(mediationsession__in=sessions),
            related=("mediator",), ordering=("mediator__kind", "mediator__name", "mediator_id"),
        ),
        "session_officers": Branch(
            MediationSession.officers.through.objects.filter(mediationsession__in=sessions),
            related=("user",), ordering=("user_id",),
        ),
        "session_parties": Branch(
            MediationSession.parties_present.through.objects.filter(mediationsession__in=sessions),
            ordering=("party__role", "party_id"),
        ),
        "applicants": Branch(
            JudicialConfirmation.applicants.through.objects.filter(
                judicialconfirmation__agreement__dispute=dispute
            ),
            ordering=("party__role", "party_id"),
        ),
    })
    for name in ("parties", "mediators", "co_officers", "agreements", "follow_ups", "referrals",
                 "attachments", "incidents", "enterprise_requests", "sessions", "events"):
        set_prefetched(dispute, name, lists[name])
    parties = {party.pk: party for party in lists["parties"]}
    people = {
        "mediators": [(link.mediationsession_id, link.mediator) for link in lists["session_mediators"]],
        "officers": [(link.mediationsession_id, link.user) for link in lists["session_officers"]],
        "parties_present": [
            (link.mediationsession_id, parties[link.party_id]) for link in lists["session_parties"]
        ],
    }
    for session in lists["sessions"]:
        for name, links in people.items():
            set_prefetched(session, name, [person for pk, person in links if pk == session.pk])
    for agreement in lists["agreements"]:
        confirmation = agreement.confirmation if hasattr(agreement, "confirmation") else None
        if confirmation is not None:
            set_prefetched(confirmation, "applicants", [
                parties[link.party_id] for link in lists["applicants"]
                if link.judicialconfirmation_id == confirmation.pk
            ])


def dispute_source_tip(*, user: AbstractBaseUser, dispute: Dispute):
    """The volunteer tip the case was converted from, if the user may see it:
    they may read tips, and the tip's unit lies in their scope."""
    tip = getattr(dispute, "tip", None)  # the tip's one-to-one link to the case
    if tip is None or not user.has_perm("volunteers.view_tip"):
        return None
    return tip if in_scope(user, tip.unit) else None


def agreement_participants(*, dispute: Dispute) -> dict:
    """Who mediated the case, for its agreement: the mediators and officers named
    at dispatch or present at a session, and the sessions' dates. Three
    queries, whatever the number of sessions."""
    sessions = MediationSession.objects.filter(dispute=dispute)
    mediators = Mediator.objects.filter(
        Q(pk__in=dispute.mediators.through.objects.filter(dispute=dispute).values("mediator_id"))
        | Q(pk__in=MediationSession.mediators.through.objects.filter(
            mediationsession__dispute=dispute).values("mediator_id"))
    )
    officers = get_user_model().objects.filter(
        Q(pk=dispute.assigned_officer_id)
        | Q(pk__in=dispute.co_officers.through.objects.filter(dispute=dispute).values("user_id"))
        | Q(pk__in=MediationSession.officers.through.objects.filter(
            mediationsession__dispute=dispute).values("user_id"))
    )
    return {
        "mediators": list(mediators.order_by("name", "pk")),
        "officers": list(officers.order_by("username")),
        "session_days": sorted(
            {timezone.localtime(held_at).date() for held_at in sessions.values_list("held_at", flat=True)}
        ),
    }


def case_counts(*, user: AbstractBaseUser, **filters: Q) -> dict[str, int]:
    """Several counts of the user's cases in one query: name → filter."""
    return dispute_list(user=user).order_by().aggregate(
        **{name: Count("pk", filter=q) for name, q in filters.items()}
    )


def overdue_q(now: datetime.datetime | None = None) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=now or timezone.now())


def open_disputes(*, user: AbstractBaseUser) -> QuerySet[Dispute]:
    return dispute_list(user=user).filter(status__in=OPEN_STATUSES)


def follow_ups_due(*, user: AbstractBaseUser, on: datetime.date | None = None) -> QuerySet[FollowUp]:
    """Scheduled follow-ups not yet done and due by ``on`` (today)."""
    on = on or timezone.localdate()
    return (
        FollowUp.objects.filter(
            dispute__in=dispute_list(user=user), done_at__isnull=True, due_on__lte=on
        )
        .select_related("dispute", "dispute__unit")
        .order_by("due_on", "id")
    )


def repeat_call_candidates(
    *, user: AbstractBaseUser, phone: str = "", address: str = ""
) -> QuerySet[Dispute]:
    """Disputes a new call may be about: open, or closed within the window,
    with a party who shares the caller's phone number or address."""
    if not phone and not address:
        return Dispute.objects.none()
    match = Q()
    if phone:
        match |= Q(phone=phone)
    if address:
        match |= Q(address=address)
    since = timezone.now() - datetime.timedelta(days=fengqiao("REPEAT_CALL_WINDOW_DAYS"))
    recent = Q(status__in=[*OPEN_STATUSES, Status.RESOLVED, Status.UNRESOLVED]) | Q(
        status=Status.CLOSED, closed_at__gte=since
    )
    party_matches = Party.objects.filter(match, dispute=OuterRef("pk"))
    return dispute_list(user=user).filter(recent).filter(Exists(party_matches)).order_by(
        "-received_at"
    )


def mediator_list(*, user: AbstractBaseUser) -> QuerySet[Mediator]:
    """Mediators of the user's subtree and of the units above it: a city
    bureau's pool serves every station beneath it."""
    if not user.has_perm("disputes.view_mediator"):
        return Mediator.objects.none()
    queryset = Mediator.objects.select_related("unit").prefetch_related("specialities")
    if user.is_superuser:
        return queryset
    unit = user_unit(user)
    if unit is None:
        return queryset.none()
    return queryset.filter(Q(unit__path__startswith=unit.path) | Q(unit__path__in=unit.ancestor_paths()))


def mediator_get(*, user: AbstractBaseUser, pk: int) -> Mediator:
    return get_object_or_404(mediator_list(user=user), pk=pk)


def counts_by_branch(*, user: AbstractBaseUser, unit: Unit | None) -> list[dict]:
    """The workload measures (open, overdue, high-risk, awaiting
    verification) of ``unit``'s subtree, grouped by the child unit (branch)
    they fall under, in one aggregate query.

    Each row is ``{"branch": <path prefix of the child>, "open", "overdue",
    "high_risk", "awaiting_verification"}``; a dispute held at ``unit`` itself
    has the unit's own path as its branch. ``unit`` None (a superuser without
    a unit) groups by the top-level units.
    """
    base = unit.path if unit is not None else ""
    return list(
        _workload_cases(user=user, base_path=base)
        .annotate(branch=Substr("unit__path", 1, len(base) + 7))
        .values("branch")
        .annotate(**_workload_counts())
        .order_by("branch")
    )


def subtree_counts(*, user: AbstractBaseUser, unit: Unit) -> dict:
    """Open and overdue disputes of ``unit`` and everything below it."""
    return (
        dispute_list(user=user)
        .filter(status__in=OPEN_STATUSES, unit__path__startswith=unit.path)
        .aggregate(open=Count("id"), overdue=Count("id", filter=overdue_q()))
    )


# Workload: who carries how many cases ------------------------------------------


def _workload_counts() -> dict:
    """Open, overdue, high-risk (open) and awaiting verification (resolved or
    unresolved, not yet closed): the same definitions as the dispute list's
    quick filters, so each count is the number of rows its link lists."""
    open_q = Q(status__in=OPEN_STATUSES)
    return {
        "open": Count("id", filter=open_q),
        "overdue": Count("id", filter=overdue_q()),
        "high_risk": Count("id", filter=open_q & Q(risk_level=RiskLevel.HIGH)),
        "awaiting_verification": Count("id", filter=Q(status__in=CONCLUDED_STATUSES)),
    }


def _workload_cases(*, user: AbstractBaseUser, base_path: str) -> QuerySet[Dispute]:
    # Only open and concluded cases count: filtering on them first keeps the
    # closed millions out of the grouping.
    return dispute_list(user=user).filter(
        status__in=[*OPEN_STATUSES, *CONCLUDED_STATUSES], unit__path__startswith=base_path
    )


def workload_by_officer(*, user: AbstractBaseUser, unit: Unit) -> dict[int, dict]:
    """The workload of each assigned officer in ``unit``'s subtree, by user id,
    in one aggregate query (cases nobody is assigned to are left out)."""
    rows = (
        _workload_cases(user=user, base_path=unit.path)
        .filter(assigned_officer__isnull=False)
        .values("assigned_officer")
        .annotate(**_workload_counts())
        .order_by()
    )
    return {row.pop("assigned_officer"): row for row in rows}


def workload_by_mediator(*, user: AbstractBaseUser, unit: Unit) -> list[dict]:
    """The workload of each mediator named on a case in ``unit``'s subtree,
    in one aggregate query: ``{"mediator", "name", counts…}`` by name."""
    return list(
        _workload_cases(user=user, base_path=unit.path)
        .filter(mediators__isnull=False)
        .values(mediator=F("mediators"), name=F("mediators__name"))
        .annotate(**_workload_counts())
        .order_by("name", "mediator")
    )


def workload_by_station(*, user: AbstractBaseUser, unit: Unit) -> list[dict]:
    """The workload of each unit holding cases in ``unit``'s subtree (the
    stations), in one aggregate query: ``{"unit", "name", counts…}``."""
    return list(
        _workload_cases(user=user, base_path=unit.path)
        .values("unit", name=F("unit__name"), kind=F("unit__kind"))
        .annotate(**_workload_counts())
        .order_by("unit__path")
    )
