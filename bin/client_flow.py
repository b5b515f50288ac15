"""The main flow through a Python client generated from the served schema
(openapi-python-client), run by ``bin/gate.py client``: typed request
models in, parsed response models out. Any unexpected status, or a response
the client cannot parse, fails the gate.

Usage: python bin/client_flow.py BASE_URL   (the generated package
``fengqiao_client`` on PYTHONPATH).
"""

import datetime
import sys
import time

from fengqiao_client import AuthenticatedClient, Client
from fengqiao_client.api.alliances import alliances_list
from fengqiao_client.api.auth import auth_token_create
from fengqiao_client.api.disputes import (
    disputes_assess_create,
    disputes_create,
    disputes_dispatch_create,
    disputes_resolve_create,
    disputes_retrieve,
    disputes_sessions_create,
    disputes_verify_create,
)
from fengqiao_client.api.incidents import incidents_create, incidents_link_create
from fengqiao_client.api.reports import reports_create, reports_retrieve
from fengqiao_client.api.tips import tips_convert_create, tips_create
from fengqiao_client.api.units import units_list
from fengqiao_client import models

PASSWORD = "demo12345"


def expect(answer, status: int, what: str):
    if answer.status_code != status or answer.parsed is None:
        raise SystemExit(f"{what}: expected {status}, got {answer.status_code}: "
                         f"{answer.content[:400]!r}")
    print(f"  {what}: {answer.status_code}", flush=True)
    return answer.parsed


def session(base: str, username: str) -> AuthenticatedClient:
    body = models.TokenRequestRequest(username=username, password=PASSWORD)
    token = expect(auth_token_create.sync_detailed(client=Client(base_url=base), body=body),
                   200, f"token for {username}")
    return AuthenticatedClient(base_url=base, token=token.token, prefix="Token", timeout=60)


def main(base: str) -> None:
    officer, lead, coordinator = (session(base, u) for u in ("officer", "lead", "coordinator"))
    units = expect(units_list.sync_detailed(client=officer), 200, "units")
    station = next(u for u in units.results if u.code == "TH-DC").id
    now = datetime.datetime.now(datetime.timezone.utc)

    registration = models.DisputeRegisterRequest.from_dict({
        "title": "生成客户端：邻里噪音", "category": "neighbourhood", "source": "walk_in",
        "received_at": now.isoformat(), "place": "东城小区", "summary": "楼上装修噪音",
        "unit": station,
        "parties": [
            {"name": "张三", "role": "applicant", "phone": "13851234567"},
            {"name": "李四", "role": "respondent"},
        ],
    })
    case = expect(disputes_create.sync_detailed(client=officer, body=registration), 201, "register")
    pk = case.id
    expect(disputes_assess_create.sync_detailed(
        client=officer, id=pk,
        body=models.AssessInputRequest.from_dict({"risk_level": "low", "track": "immediate"})),
        200, "assess")
    expect(disputes_dispatch_create.sync_detailed(
        client=officer, id=pk, body=models.DispatchInputRequest.from_dict({})), 200, "dispatch")
    mode = list(models.ModeEnum)[0].value
    outcome = list(models.OutcomeEnum)[0].value
    expect(disputes_sessions_create.sync_detailed(
        client=officer, id=pk,
        body=models.SessionInputRequest.from_dict({
            "held_at": now.isoformat(), "mode": mode, "outcome": outcome, "notes": "调解一次"})),
        201, "session")
    expect(disputes_resolve_create.sync_detailed(
        client=officer, id=pk,
        body=models.ResolveInputRequest.from_dict({
            "resolution_note": "达成协议",
            "agreement": {"terms": "双方同意限时施工", "signed_on": now.date().isoformat()},
        })), 200, "resolve with agreement")
    verified = expect(disputes_verify_create.sync_detailed(
        client=lead, id=pk, body=models.NoteInputRequest.from_dict({"note": "核查属实"})),
        200, "verify")
    print(f"  case {verified.reference}: {verified.status}", flush=True)

    call = expect(incidents_create.sync_detailed(
        client=officer,
        body=models.IncidentCreateRequest.from_dict({
            "number": f"GC{int(time.time())}", "received_at": now.isoformat(),
            "caller_name": "王五", "caller_phone": "13900001111", "address": "东城小区",
            "unit": station, "category": list(models.IncidentCategoryEnum)[0].value,
            "summary": "再次报警：噪音"})), 201, "log a 110 call")
    expect(incidents_link_create.sync_detailed(
        client=officer, id=call.id, body=models.IncidentLinkRequest(dispute=pk)), 200, "link the call")

    alliances = expect(alliances_list.sync_detailed(client=coordinator), 200, "alliances")
    alliance = alliances.results[0]
    tip = expect(tips_create.sync_detailed(
        client=coordinator,
        body=models.TipInputRequest.from_dict({
            "alliance": alliance.id, "unit": station,
            "kind": "dispute",
            "description": "巡逻发现两户争吵", "place": "东城小区"})), 201, "a volunteer tip")
    converted = expect(tips_convert_create.sync_detailed(
        client=officer, id=tip.id,
        body=models.TipConvertRequest.from_dict({
            "title": "巡逻线索：两户争吵", "category": "neighbourhood",
            "parties": [{"name": "赵六", "role": "applicant"}]})), 200, "convert the tip")
    print(f"  tip {converted.id} converted", flush=True)

    first = now.date().replace(day=1) - datetime.timedelta(days=1)
    accepted = expect(reports_create.sync_detailed(
        client=lead, body=models.ReportRequestRequest(unit=station, month=first.strftime("%Y-%m"))),
        202, "request last month's report")
    deadline = time.monotonic() + 180
    while True:
        report = expect(reports_retrieve.sync_detailed(client=lead, id=accepted.id), 200, "poll")
        if str(report.state.value if hasattr(report.state, "value") else report.state) in ("done", "failed"):
            break
        if time.monotonic() > deadline:
            raise SystemExit("the report was not generated within 180 s")
        time.sleep(2)
    if str(getattr(report.state, "value", report.state)) != "done":
        raise SystemExit(f"the report failed: {report.error}")
    print(f"  report {report.id}: done, {len(report.figures.additional_properties)} figures")
    expect(disputes_retrieve.sync_detailed(client=officer, id=pk), 200, "read the case back")


if __name__ == "__main__":
    main(sys.argv[1])
