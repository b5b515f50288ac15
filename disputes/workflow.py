"""The dispute flow (评估 → 派单 → 反馈 → 核查) as one table.

Every status change goes through ``disputes.services`` which looks the action
up here; nothing else decides whether a transition is allowed.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models import OPEN_STATUSES, Status, Track


class Action(models.TextChoices):
    ASSESS = "assess", _("Assess")
    DISPATCH = "dispatch", _("Dispatch")
    RESOLVE = "resolve", _("Record resolution")
    FAIL = "fail", _("Record failure and refer")
    VERIFY = "verify", _("Verify and close")
    TRANSFER = "transfer", _("Transfer to another unit")
    REOPEN = "reopen", _("Reopen")
    WITHDRAW = "withdraw", _("Withdraw")
    CHANGE_TRACK = "change_track", _("Change track")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    # None: the action keeps the status (a change of track).
    target: str | None
    permission: str


TRANSITIONS: dict[str, Transition] = {
    Action.ASSESS: Transition(frozenset({Status.REGISTERED}), Status.ASSESSED, "disputes.assess_dispute"),
    Action.DISPATCH: Transition(
        frozenset({Status.ASSESSED}), Status.IN_MEDIATION, "disputes.dispatch_dispute"
    ),
    Action.RESOLVE: Transition(
        frozenset({Status.IN_MEDIATION}), Status.RESOLVED, "disputes.mediate_dispute"
    ),
    Action.FAIL: Transition(
        frozenset({Status.IN_MEDIATION}), Status.UNRESOLVED, "disputes.mediate_dispute"
    ),
    Action.VERIFY: Transition(
        frozenset({Status.RESOLVED, Status.UNRESOLVED}), Status.CLOSED, "disputes.verify_dispute"
    ),
    Action.TRANSFER: Transition(
        frozenset(OPEN_STATUSES), Status.REGISTERED, "disputes.transfer_dispute"
    ),
    Action.REOPEN: Transition(
        frozenset({Status.RESOLVED, Status.CLOSED}), Status.IN_MEDIATION, "disputes.mediate_dispute"
    ),
    Action.WITHDRAW: Transition(frozenset(OPEN_STATUSES), Status.WITHDRAWN, "disputes.mediate_dispute"),
    Action.CHANGE_TRACK: Transition(
        frozenset({Status.ASSESSED, Status.IN_MEDIATION}), None, "disputes.assess_dispute"
    ),
}


def required_permission(action: str, *, track: str) -> str:
    # Dispatching an immediate-track case is the responding officer's call;
    # every other track needs the station lead (DESIGN.md §3).
    if action == Action.DISPATCH and track != Track.IMMEDIATE:
        return "disputes.dispatch_any_track"
    return TRANSITIONS[action].permission


def allowed_actions(dispute, user) -> list[str]:
    """The actions ``user`` may take on ``dispute`` now, in table order."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if dispute.status in transition.sources
        and user.has_perm(required_permission(action, track=dispute.track))
    ]
