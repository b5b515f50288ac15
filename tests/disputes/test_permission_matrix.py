"""Who may do what: every role against every action of the flow, through the API.

Each case is put in the state the action needs, so a refusal here can only
come from the role, never from the state.
"""

import pytest
from rest_framework.test import APIClient

from disputes import services
from disputes.models import Dispute, Track
from tests.conftest import register

ROLES = ["officer", "lead", "supervisor", "coordinator"]


def _assessed(world, track):
    d = register(world)
    services.dispute_assess(dispute=d, actor=world.officer, risk_level="low", track=track)
    return d


def _in_mediation(world, track=Track.IMMEDIATE):
    d = _assessed(world, track)
    services.dispute_dispatch(dispute=d, actor=world.lead, officer=world.officer)
    return d


def _resolved(world):
    d = _in_mediation(world)
    services.dispute_resolve(dispute=d, actor=world.officer, resolution_note="和解")
    return d


SETUPS = {
    "assess": (lambda w: register(w), {"risk_level": "low", "track": "joint"}),
    "dispatch-immediate": (lambda w: _assessed(w, Track.IMMEDIATE), {}),
    "dispatch-joint": (lambda w: _assessed(w, Track.JOINT), {}),
    "resolve": (_in_mediation, {"resolution_note": "当场和解"}),
    "fail": (_in_mediation, {"target": "court", "target_name": "亭湖区人民法院"}),
    "verify": (_resolved, {"note": "核查属实"}),
    "transfer": (lambda w: register(w), {"to_unit": None, "note": "属五星辖区"}),
    "reopen": (_resolved, {"note": "再次报警"}),
    "withdraw": (lambda w: register(w), {"note": "申请人撤回"}),
    "change-track": (_in_mediation, {"track": "joint", "note": "现场调解未果"}),
}

# True: allowed. Coordinators cannot even read disputes: 403 on every dispute route.
MATRIX = {
    "assess":             {"officer": True,  "lead": True,  "supervisor": False, "coordinator": False},
    "dispatch-immediate": {"officer": True,  "lead": True,  "supervisor": False, "coordinator": False},
    "dispatch-joint":     {"officer": False, "lead": True,  "supervisor": False, "coordinator": False},
    "resolve":            {"officer": True,  "lead": True,  "supervisor": False, "coordinator": False},
    "fail":               {"officer": True,  "lead": True,  "supervisor": False, "coordinator": False},
    "verify":             {"officer": False, "lead": True,  "supervisor": True,  "coordinator": False},
    "transfer":           {"officer": False, "lead": True,  "supervisor": True,  "coordinator": False},
    "reopen":             {"officer": True,  "lead": True,  "supervisor": False, "coordinator": False},
    "withdraw":           {"officer": True,  "lead": True,  "supervisor": False, "coordinator": False},
    "change-track":       {"officer": True,  "lead": True,  "supervisor": False, "coordinator": False},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(MATRIX))
def test_role_may_take_action_only_if_the_matrix_says_so(world, case, role):
    setup, data = SETUPS[case]
    dispute = setup(world)
    before = (dispute.status, dispute.version)
    if case == "transfer":
        data = {**data, "to_unit": world.wuxing.pk}
    action = case.split("-")[0] if case.startswith("dispatch") else case
    client = APIClient()
    client.force_authenticate(getattr(world, role))
    response = client.post(f"/api/disputes/{dispute.pk}/{action}/", data, format="json")
    dispute = Dispute.objects.get(pk=dispute.pk)
    if MATRIX[case][role]:
        assert response.status_code == 200, response.content
        assert dispute.version == before[1] + 1
    else:
        assert response.status_code == 403, response.content
        assert (dispute.status, dispute.version) == before
