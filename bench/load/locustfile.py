"""Load on the main pages and API calls of each role (locust).

Run through bench/load/run (it serves the app with gunicorn on loopback and
bounds users, spawn rate and duration). Each simulated user signs in with the
login form as one demo role (weighted like a bureau's day: mostly officers),
fetches an API token, then mixes pages and API calls with think time.
Only 127.0.0.1 is ever addressed (the runner passes --host).
"""

import random
import re

from locust import HttpUser, between, task

PASSWORD = "demo12345"


class Role(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    username = ""
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
            headers={"Referer": f"{self.host}/login/"},
        ) as answer:
            if 'name="password"' in answer.text:
                answer.failure(f"{self.username} could not sign in")
        self.ids = self._dispute_ids()

    def _dispute_ids(self) -> list[int]:
        answer = self.client.get("/api/disputes/", name="/api/disputes/", headers=self._auth())
        if not answer.ok:
            return []
        return [row["id"] for row in answer.json().get("results", [])][:20]

    def _auth(self) -> dict:
        return {"Authorization": f"Token {self.token}"}

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


class Lead(Role):
    weight = 2
    username = "lead"
    pages = ["/", "/disputes/", "/disputes/?status=resolved", "/disputes/?overdue=true"]
    api = ["/api/disputes/?status=resolved", "/api/mediators/"]


class Coordinator(Role):
    weight = 1
    username = "coordinator"
    pages = ["/", "/volunteers/", "/volunteers/patrols/", "/volunteers/tips/",
             "/volunteers/people/"]
    api = ["/api/patrols/", "/api/tips/", "/api/volunteers/"]


class Supervisor(Role):
    weight = 1
    username = "supervisor"
    pages = ["/", "/disputes/", "/reports/dashboard/", "/reports/"]
    api = ["/api/disputes/", "/api/reports/", "/api/units/"]
