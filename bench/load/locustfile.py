"""Reads and writes of every role, as a bureau's shift uses the app (locust).

Run through bench/load/run: it ramps the users step by step, then checks the
database against what the server acknowledged. Each simulated user signs in
with the login form as one demo role (weighted like a bureau's day: mostly
officers), fetches an API token, then mixes pages and API calls with think
time, and writes:

- officers register a case (a unique marker in its title), then take it
  through assess → dispatch → resolve;
- station leads verify the cases officers resolved (two leads may try the
  same case: the loser's 409 is the right answer, not a lost write);
- coordinators log a volunteer tip (a unique marker in its description);
- supervisors ask for monthly reports (through Celery) and read them until
  they are done.

Every acknowledged write (2xx) is appended to ``$LOAD_ACKS`` as a JSON line;
every answer's status is counted into ``$LOAD_STATUS`` when locust quits.
Only 127.0.0.1 is ever addressed (the runner passes --host).
"""

import collections
import datetime
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

PASSWORD = "demo12345"
ACKS = os.environ.get("LOAD_ACKS", "load-acks.jsonl")
STATUS = os.environ.get("LOAD_STATUS", "load-status.json")
MARK = "负载测试"

statuses: collections.Counter = collections.Counter()
# Cases resolved by officers, waiting for a lead to verify them (one process:
# locust's users are greenlets sharing this list).
resolved_cases: list[int] = []


@events.request.add_listener
def count_status(request_type, name, response_time, response_length, response=None,
                 exception=None, **kwargs):
    code = getattr(response, "status_code", 0) or 0
    statuses[str(code)] += 1


@events.quitting.add_listener
def write_statuses(environment, **kwargs):
    with open(STATUS, "w") as out:
        json.dump(dict(statuses), out)


def acknowledge(kind: str, **fields) -> None:
    with open(ACKS, "a") as out:
        out.write(json.dumps({"kind": kind, **fields}, ensure_ascii=False) + "\n")


class Role(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    username = ""
    reads_disputes = True  # a coordinator's role does not read dispute records (403)
    pages: list[str] = []
    api: list[str] = []

    def on_start(self) -> None:
        # The token first: with a session cookie the token view asks for CSRF.
        answer = self.client.post("/api/auth/token/", name="/api/auth/token/",
                                  json={"username": self.username, "password": PASSWORD})
        self.token = answer.json().get("token", "") if answer.ok else ""
        page = self.client.get("/login/", name="/login/ (form)").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        with self.client.post(
            "/login/", name="/login/ (sign in)", catch_response=True,
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/login/"}, allow_redirects=False,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"{self.username} could not sign in ({answer.status_code})")
        self.ids = self._dispute_ids() if self.reads_disputes else []

    def _dispute_ids(self) -> list[int]:
        answer = self.client.get("/api/disputes/", name="/api/disputes/", headers=self._auth())
        if not answer.ok:
            return []
        return [row["id"] for row in answer.json().get("results", [])][:20]

    def _auth(self) -> dict:
        return {"Authorization": f"Token {self.token}"}

    def _post(self, path: str, body: dict, name: str, ok=(200, 201, 202)):
        """POST JSON with the token; 409 (the state moved on) is not a failure."""
        # Signed in with a session too: DRF then asks for the CSRF token.
        headers = {**self._auth(), "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                   "Referer": f"{self.host}/"}
        with self.client.post(path, json=body, name=name, headers=headers,
                              catch_response=True) as answer:
            if answer.status_code in ok:
                answer.success()
                return answer.json()
            if answer.status_code == 409:
                answer.success()
                return None
            answer.failure(f"{answer.status_code}: {answer.text[:200]}")
            return None

    @task(3)
    def page(self) -> None:
        self.client.get(random.choice(self.pages))

    @task(2)
    def api_call(self) -> None:
        self.client.get(random.choice(self.api), headers=self._auth())

    @task(2)
    def dispute(self) -> None:
        if self.ids:
            pk = random.choice(self.ids)
            self.client.get(f"/disputes/{pk}/", name="/disputes/<id>/")
            self.client.get(f"/api/disputes/{pk}/", name="/api/disputes/<id>/",
                            headers=self._auth())


class Officer(Role):
    weight = 6
    username = "officer"
    pages = ["/", "/disputes/", "/disputes/?status=in_mediation", "/incidents/",
             "/notifications/"]
    api = ["/api/disputes/", "/api/incidents/", "/api/notifications/"]

    def on_start(self) -> None:
        super().on_start()
        units = self.client.get("/api/units/?kind=station", name="/api/units/",
                                headers=self._auth())
        rows = units.json().get("results", []) if units.ok else []
        self.unit = next((row["id"] for row in rows if row.get("kind") == "station"), None)

    @task(2)
    def register_and_resolve(self) -> None:
        if self.unit is None:
            return
        marker = f"{MARK} {uuid.uuid4().hex[:12]}"
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        created = self._post("/api/disputes/", {
            "title": marker, "category": "neighbourhood", "source": "walk_in",
            "received_at": now, "place": "负载测试小区", "summary": "负载测试",
            "unit": self.unit, "parties": [{"name": "张三", "role": "applicant"}],
        }, name="/api/disputes/ (register)")
        if not created:
            return
        pk = created["id"]
        acknowledge("register", id=pk, marker=marker, reference=created.get("reference"))
        steps = [
            ("assess", {"risk_level": "low", "track": "immediate"}, "assessed"),
            ("dispatch", {}, "dispatched"),
            ("resolve", {"resolution_note": "负载测试和解"}, "resolved"),
        ]
        for action, body, event in steps:
            if not self._post(f"/api/disputes/{pk}/{action}/", body,
                              name=f"/api/disputes/<id>/{action}/"):
                return
            acknowledge("transition", id=pk, event=event)
        resolved_cases.append(pk)


class Lead(Role):
    weight = 2
    username = "lead"
    pages = ["/", "/disputes/", "/disputes/?status=resolved", "/disputes/?overdue=true"]
    api = ["/api/disputes/?status=resolved", "/api/mediators/"]

    @task(2)
    def verify(self) -> None:
        if not resolved_cases:
            return
        # Sometimes two leads take the same case at once: one verifies, one gets 409.
        pk = random.choice(resolved_cases[-3:])
        if self._post(f"/api/disputes/{pk}/verify/", {"note": "负载测试核实"},
                      name="/api/disputes/<id>/verify/"):
            acknowledge("transition", id=pk, event="verified")
            if pk in resolved_cases:
                resolved_cases.remove(pk)


class Coordinator(Role):
    weight = 1
    username = "coordinator"
    reads_disputes = False
    pages = ["/", "/volunteers/", "/volunteers/patrols/", "/volunteers/tips/",
             "/volunteers/people/"]
    api = ["/api/patrols/", "/api/tips/", "/api/volunteers/"]

    def on_start(self) -> None:
        super().on_start()
        answer = self.client.get("/api/alliances/", name="/api/alliances/", headers=self._auth())
        rows = answer.json().get("results", []) if answer.ok else []
        self.alliance = rows[0] if rows else None

    @task(1)
    def log_tip(self) -> None:
        if not self.alliance:
            return
        marker = f"{MARK} {uuid.uuid4().hex[:12]}"
        unit = self.alliance["unit"]["id"] if isinstance(self.alliance["unit"], dict) else self.alliance["unit"]
        created = self._post("/api/tips/", {
            "alliance": self.alliance["id"], "unit": unit, "kind": "safety_hazard",
            "description": marker, "place": "负载测试路口",
        }, name="/api/tips/ (log)")
        if created:
            acknowledge("tip", id=created["id"], marker=marker)


class Supervisor(Role):
    weight = 1
    username = "supervisor"
    pages = ["/", "/disputes/", "/reports/dashboard/", "/reports/"]
    api = ["/api/disputes/", "/api/reports/", "/api/units/"]

    def on_start(self) -> None:
        super().on_start()
        answer = self.client.get("/api/units/", name="/api/units/", headers=self._auth())
        rows = answer.json().get("results", []) if answer.ok else []
        self.units = [row["id"] for row in rows if row.get("kind") != "beat"][:8]

    @task(1)
    def ask_for_report(self) -> None:
        if not self.units:
            return
        today = datetime.date.today().replace(day=1)
        back = random.randint(1, 3)
        month = datetime.date(today.year - (today.month - back <= 0),
                              (today.month - back - 1) % 12 + 1, 1)
        answer = self._post("/api/reports/", {"unit": random.choice(self.units),
                                              "month": f"{month:%Y-%m}"},
                            name="/api/reports/ (ask)")
        if answer:
            acknowledge("report", id=answer["id"], state=answer["state"])
            for _ in range(5):  # read it a few times, as the page does
                state = self.client.get(f"/api/reports/{answer['id']}/", name="/api/reports/<id>/",
                                        headers=self._auth())
                if not state.ok or state.json().get("state") in ("done", "failed"):
                    break
                self.wait()
