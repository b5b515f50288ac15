"""The embedded default (SQLite, as bin/demo runs it) under simultaneous
writes, through HTTP against a real server: gunicorn with several workers on
an SQLite file in WAL mode with immediate write transactions.

Before (rollback journal, deferred transactions): of 6 simultaneous
registrations 2 were saved and 4 answered 503 "database is locked", and the
loser of two simultaneous verifies got 503. After: all land, the loser 409.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(base, path, token=None, data=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(
        base + path, data=json.dumps(data).encode() if data is not None else None, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, body[:200]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("sqlite-demo")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "FENGQIAO_DEMO": "1",
        "DJANGO_SETTINGS_MODULE": "policing.settings",
        "FENGQIAO_TESTING": "0",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "seed", "--scale", "demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    port = _free_port()
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "policing.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", "3", "--threads", "4", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=2).read()
            break
        except OSError:
            time.sleep(0.3)
    try:
        yield base, work / "db.sqlite3"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)


def _token(base, username):
    status, body = _call(base, "/api/auth/token/", data={"username": username, "password": PASSWORD})
    assert status == 200, body
    return body["token"]


def _together(calls):
    """Run the calls at the same moment, one thread each; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def test_the_demo_database_is_in_wal_mode(demo_server):
    _base, path = demo_server
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_simultaneous_registrations_all_land(demo_server):
    base, _ = demo_server
    token = _token(base, "officer")
    status, units = _call(base, "/api/units/?kind=station", token)
    station = next(u["id"] for u in units["results"] if u["code"] == "TH-DC")
    status, before = _call(base, "/api/disputes/", token)

    def register(i):
        return lambda: _call(base, "/api/disputes/", token, {
            "title": f"同时登记 {i}", "category": "neighbourhood", "source": "walk_in",
            "received_at": "2026-03-01T10:00:00+08:00", "place": "东城", "summary": "并发",
            "unit": station, "parties": [{"name": f"甲{i}", "role": "applicant"}],
        })

    answers = _together([register(i) for i in range(8)])
    assert [status for status, _ in answers] == [201] * 8, answers
    references = {body["reference"] for _, body in answers}
    assert len(references) == 8
    status, after = _call(base, "/api/disputes/", token)
    assert after["count"] == before["count"] + 8


def test_the_loser_of_two_simultaneous_verifies_gets_409(demo_server):
    base, _ = demo_server
    officer, lead = _token(base, "officer"), _token(base, "lead")
    status, units = _call(base, "/api/units/?kind=station", officer)
    station = next(u["id"] for u in units["results"] if u["code"] == "TH-DC")
    status, case = _call(base, "/api/disputes/", officer, {
        "title": "核查竞争", "category": "neighbourhood", "source": "walk_in",
        "received_at": "2026-03-01T10:00:00+08:00", "place": "东城", "summary": "并发",
        "unit": station, "parties": [{"name": "甲", "role": "applicant"}],
    })
    assert status == 201, case
    pk = case["id"]
    for path, data in [("assess", {"risk_level": "low", "track": "immediate"}),
                       ("dispatch", {}), ("resolve", {"resolution_note": "当场和解"})]:
        status, body = _call(base, f"/api/disputes/{pk}/{path}/", lead, data)
        assert status == 200, (path, body)
    answers = _together([
        lambda: _call(base, f"/api/disputes/{pk}/verify/", lead, {"note": "核查属实"})
        for _ in range(2)
    ])
    assert sorted(status for status, _ in answers) == [200, 409], answers
    loser = next(body for status, body in answers if status == 409)
    assert loser["code"] == "transition_not_allowed"
