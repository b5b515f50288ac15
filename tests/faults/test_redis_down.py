"""Redis (the Celery broker) down: pages keep working, a report request says
plainly that the queue is unavailable, and the report is marked failed."""

import json

from django.utils.translation import override

from reports.months import current_month
from reports.queue import QueueUnavailable
from tests.conftest import require_service
from tests.faults.conftest import REDIS_URL, Client, csrf, redis_start, redis_up, run


def queue_message(language: str) -> str:
    with override(language):
        return str(QueueUnavailable().detail)


def test_redis_down_pages_work_and_report_request_says_queue_unavailable(serve):
    if not redis_up():
        require_service("Redis on 127.0.0.1:6379")
    app = serve(broker=REDIS_URL)
    supervisor = Client(app, "supervisor")
    status, page = supervisor.get("/reports/")
    assert status == 200
    units = __import__("re").findall(r'<option value="(\d+)"[^>]*>亭湖分局', page)
    assert units, "the sub-bureau is not offered in the request form"
    month = current_month().strftime("%Y-%m")
    try:
        run("redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave", check=False)
        assert not redis_up()

        for path in ("/", "/disputes/", "/reports/", "/reports/dashboard/"):
            assert supervisor.get(path)[0] == 200, path

        status, page = supervisor.get("/reports/")
        status, page = supervisor.post(
            "/reports/", {"csrfmiddlewaretoken": csrf(page), "unit": units[0], "month": month}
        )
        assert status == 200
        assert queue_message("zh-hans") in page.replace("&quot;", '"').replace("&#x27;", "'")
        assert "Traceback" not in page

        status, body = supervisor.api("/api/reports/", {"unit": int(units[0]), "month": month})
        assert status == 503, body
        assert json.loads(body)["detail"] == queue_message("zh-hans")

        status, body = supervisor.api(f"/api/reports/?unit={units[0]}")
        assert status == 200
        states = {r["state"] for r in json.loads(body)["results"] if r["month"].startswith(month)}
        assert states == {"failed"}, body
    finally:
        redis_start()
    assert redis_up()
