"""A real Celery worker on Redis generates reports in the test database.

Needs PostgreSQL (the worker is another process and must see the test
database) and Redis: skipped on a plain machine, required under CI=true.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from reports.models import MonthlyReport
from tests.conftest import build_world, require_service
from tests.reports.test_figures import MARCH, case, t

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("FENGQIAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
QUEUE = f"fengqiao-test-{os.getpid()}"
TASK = "reports.tasks.generate_monthly_report"


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def pg_world(transactional_db):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL")
    if not _redis_available():
        require_service("Redis")
    return build_world()


class Worker:
    """A celery worker process bound to the test database and a private queue."""

    def __init__(self, tmp_path: Path, pause: int = 0, concurrency: int = 1):
        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        database_url = url._replace(path="/" + connection.settings_dict["NAME"]).geturl()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
            "FENGQIAO_REPORT_TEST_PAUSE_SECONDS": str(pause),
        }
        self.log = tmp_path / f"worker-{time.monotonic_ns()}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "policing", "worker", "--pool", "prefork",
             "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-Q", QUEUE],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        self._wait_for("ready.", 60)

    def _wait_for(self, text: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker never said {text!r}:\n{self.log.read_text(errors='replace')}")

    def child_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def sender():
    import redis

    redis.Redis.from_url(REDIS_URL).delete(QUEUE)
    app = Celery("fengqiao-test-sender", broker=REDIS_URL)

    def send(report_id: int):
        return app.send_task(TASK, args=[report_id], queue=QUEUE)

    yield send
    app.close()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(pause: int = 0, concurrency: int = 1) -> Worker:
        worker = Worker(tmp_path, pause=pause, concurrency=concurrency)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _wait_state(report_id: int, states: set[str], seconds: float = 60) -> MonthlyReport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report = MonthlyReport.objects.get(pk=report_id)
        if report.state in states:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report {report_id} stayed {report.state}")


def _queued_report(world, month):
    from django.utils import timezone

    return MonthlyReport.objects.create(unit=world.tinghu, month=month, requested_at=timezone.now())


def test_real_worker_generates_report(pg_world, sender, workers):
    world = pg_world
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4))
    case(world, t(3, 10), outcome="failed", outcome_at=t(3, 20), by=world.officer2, unit=world.wuxing)
    workers()
    report = _queued_report(world, MARCH)
    sender(report.pk)
    report = _wait_state(report.pk, {"done", "failed"})
    assert report.state == "done", report.error
    assert (report.figures["received"], report.figures["concluded"], report.figures["resolved"]) == (2, 2, 1)
    assert report.figures["resolution_rate"] == 0.5


def test_duplicate_delivery_leaves_one_report(pg_world, sender, workers):
    world = pg_world
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4))
    # Two pool processes, each pausing 2 s mid-task: the deliveries overlap.
    workers(pause=2, concurrency=2)
    report = _queued_report(world, MARCH)
    sender(report.pk)
    sender(report.pk)
    deadline = time.monotonic() + 60
    while MonthlyReport.objects.get(pk=report.pk).attempts < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    report = _wait_state(report.pk, {"done"})
    assert MonthlyReport.objects.filter(unit=world.tinghu).count() == 1
    assert report.attempts == 2
    assert report.figures["resolved"] == 1


def test_worker_killed_mid_task_leaves_no_partial_report_and_completes(pg_world, sender, workers):
    world = pg_world
    case(world, t(3, 2), outcome="resolved", outcome_at=t(3, 4))
    worker = workers(pause=4)
    report = _queued_report(world, MARCH)
    sender(report.pk)
    _wait_state(report.pk, {"running"}, seconds=30)
    children = worker.child_pids()
    assert children, "the worker has no pool process"
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    killed = MonthlyReport.objects.get(pk=report.pk)
    assert killed.figures is None and killed.state == "running"
    # reject_on_worker_lost puts the message back; a fresh pool process runs it.
    report = _wait_state(report.pk, {"done", "failed"}, seconds=90)
    assert report.state == "done", report.error
    assert report.figures["resolved"] == 1
    assert report.attempts >= 2
