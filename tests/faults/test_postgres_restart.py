"""PostgreSQL goes away under load: clean 503s, then recovery with no app restart."""

import json
import re
import threading
import time

from tests.faults.conftest import Client, pg_cluster, pg_ready, wait_until

PAGES = ["/", "/disputes/", "/api/disputes/"]


class Load(threading.Thread):
    """Requests the pages and the API in a loop until stopped (bounded: 120 s)."""

    def __init__(self, client: Client):
        super().__init__(daemon=True)
        self.client = client
        self.answers: list[tuple[float, str, int, str]] = []
        self.done = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 120
        while not self.done.is_set() and time.monotonic() < deadline:
            for path in PAGES:
                if path.startswith("/api/"):
                    status, body = self.client.api(path)
                else:
                    status, body = self.client.get(path)
                self.answers.append((time.monotonic(), path, status, body))
            time.sleep(0.05)


def test_postgres_restart_gives_clean_503_and_the_app_recovers_by_itself(serve):
    app = serve()
    client = Client(app, "officer")
    assert client.get("/disputes/")[0] == 200
    load = Load(client)
    load.start()
    try:
        time.sleep(1)
        pg_cluster("stop")
        outage_started = time.monotonic()
        time.sleep(4)  # requests keep coming while the database is down
        pg_cluster("start")
        assert wait_until(pg_ready, 60), "PostgreSQL did not come back"
        back = time.monotonic()
        # The same gunicorn workers answer 200 again within a few seconds.
        assert wait_until(
            lambda: any(t > back and s == 200 for t, _, s, _ in load.answers[-6:]), 30
        ), "the app did not recover after PostgreSQL came back"
    finally:
        load.done.set()
        load.join(timeout=30)
        if not pg_ready():
            pg_cluster("start")
            wait_until(pg_ready, 60)

    assert app.process.poll() is None and app.worker_pids() >= app.pids - {None}
    statuses = {status for _, _, status, _ in load.answers}
    during = [a for a in load.answers if a[0] > outage_started]
    assert statuses <= {200, 503}, f"unexpected statuses {statuses}"
    unavailable = [a for a in during if a[2] == 503]
    assert unavailable, "no request saw the outage"
    for _, path, status, body in unavailable:
        assert "Traceback" not in body and "File \"" not in body
        if path.startswith("/api/"):
            assert json.loads(body)["code"] == "database_unavailable"
        else:
            assert "Temporarily unavailable" in body and "系统暂时不可用" in body
    # After recovery every page answers normally again.
    for path in PAGES:
        status = client.api(path)[0] if path.startswith("/api/") else client.get(path)[0]
        assert status == 200, path
    # The server log may keep a traceback of the outage itself (Django logs an
    # error raised outside a view before handler500 answers 503), nothing else.
    log = app.log.read_text(errors="replace")
    lines = log.splitlines()
    raised = set()  # the last exception of each traceback (chained ones are context)
    for index, line in enumerate(lines):
        match = re.match(r"^([\w.]+(?:Error|Exception)):", line)
        following = " ".join(lines[index + 1:index + 3])
        if match and "During handling" not in following and "above exception" not in following:
            raised.add(match.group(1))
    assert raised <= {"django.db.utils.OperationalError", "django.db.utils.InterfaceError",
                      "psycopg.OperationalError", "psycopg.InterfaceError"}, log[-4000:]
