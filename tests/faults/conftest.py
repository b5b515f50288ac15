"""Fault tests: the app served by gunicorn while PostgreSQL or Redis go away.

They stop and start the machine's real services, so they run only under
CI=true or with FENGQIAO_FAULTS=1, and always put the services back (finally).
Each run uses its own throwaway database ``fengqiao_faults_<pid>`` (migrated
and seeded with the demo data), never the test database: the pytest process
itself touches no database while a service is down.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, require_service

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("FENGQIAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: stops and starts PostgreSQL or Redis")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


def enabled() -> bool:
    return (os.environ.get("CI", "").lower() == "true"
            or os.environ.get("FENGQIAO_FAULTS", "") == "1")


@pytest.fixture(scope="session", autouse=True)
def _faults_enabled(request):
    if not enabled():
        pytest.skip("fault tests restart services: set FENGQIAO_FAULTS=1 (CI runs them)")


def run(*command: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=check, timeout=timeout)


def pg_cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, timeout=120)


def pg_ready() -> bool:
    return run("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432", check=False).returncode == 0


def wait_until(predicate, seconds: float, step: float = 0.3) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def redis_up() -> bool:
    done = run("redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping", check=False)
    return done.stdout.strip() == "PONG"


def redis_start() -> None:
    if not redis_up():
        run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
            "--save", "", "--appendonly", "no")
    assert wait_until(redis_up, 30), "Redis did not come back"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """gunicorn serving the faults database on a free loopback port."""

    def __init__(self, database_url: str, log: Path, broker: str | None = None):
        env = dict(os.environ)
        env.update(DATABASE_URL=database_url, FENGQIAO_DEMO="1", DJANGO_DEBUG="0",
                   DJANGO_SETTINGS_MODULE="policing.settings", PYTHONPATH=str(ROOT),
                   DJANGO_SECURE_HTTPS="0")
        env.pop("FENGQIAO_TESTING", None)
        env.pop("CELERY_BROKER_URL", None)
        if broker:
            env["CELERY_BROKER_URL"] = broker
        self.env, self.log = env, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "policing.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "2",
             "--timeout", "30", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not wait_until(self._answers, 40):
            self.stop()
            raise AssertionError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
        self.pids = self.worker_pids()

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.base}/login/", timeout=2).read()
            return True
        except OSError:
            return False

    def worker_pids(self) -> set[int]:
        out = run("pgrep", "-P", str(self.process.pid), check=False).stdout
        return {int(pid) for pid in out.split()} | {self.process.pid}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Client:
    """A signed-in browser without the browser: a cookie jar and CSRF tokens."""

    def __init__(self, app: App, username: str):
        self.app = app
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        status, page = self.get("/login/")
        data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(page)}
        status, page = self.post("/login/", data)
        assert status == 200 and 'name="password"' not in page, f"{username} could not sign in"
        with urllib.request.urlopen(
            urllib.request.Request(f"{app.base}/api/auth/token/",
                                   data=json.dumps(
                                       {"username": username, "password": PASSWORD}).encode(),
                                   headers={"Content-Type": "application/json"}),
            timeout=20,
        ) as answer:
            self.token = json.load(answer)["token"]

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=20) as answer:
                return answer.status, answer.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.app.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        return self._open(urllib.request.Request(
            self.app.base + path, data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.app.base + path},
        ))

    def api(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.app.base + path, data=body,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        # The API call carries no session cookie: token only.
        try:
            with urllib.request.urlopen(request, timeout=20) as answer:
                return answer.status, answer.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="session")
def faults_database(tmp_path_factory):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        require_service("PostgreSQL (DATABASE_URL=postgres://…)")
    if not pg_ready():
        require_service("PostgreSQL on 127.0.0.1:5432")
    url = urllib.parse.urlsplit(base)
    name = f"fengqiao_faults_{os.getpid()}"
    database_url = url._replace(path=f"/{name}").geturl()
    admin = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
             "-U", url.username or "postgres"]
    run("dropdb", *admin, "--if-exists", name)
    run("createdb", *admin, name)
    env = dict(os.environ, DATABASE_URL=database_url, FENGQIAO_DEMO="1",
               DJANGO_SETTINGS_MODULE="policing.settings", PYTHONPATH=str(ROOT))
    env.pop("FENGQIAO_TESTING", None)
    for command in (["migrate", "--no-input", "-v0"], ["seed", "--scale", "demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=600)
    yield database_url
    if not pg_ready():
        pg_cluster("start")
        wait_until(pg_ready, 60)
    run("dropdb", *admin, "--if-exists", "--force", name, check=False)


@pytest.fixture
def serve(faults_database, tmp_path):
    started: list[App] = []

    def start(broker: str | None = None) -> App:
        app = App(faults_database, tmp_path / f"gunicorn-{len(started)}.log", broker=broker)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()
