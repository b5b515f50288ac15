"""Asking for a report that is already made: answered without queuing unless
its records changed; "generate again" is an explicit, permission-checked
action; reports stuck past their limits are queued again or failed."""

import datetime

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from disputes import services as dispute_services
from reports import rollups, selectors, services, tasks
from reports.models import MonthlyReport
from tests.conftest import login, register
from tests.reports.test_figures import MARCH, case, t
from tests.reports.test_pages import march_data  # noqa: F401 - fixture
from units.models import Unit

HOUR = datetime.timedelta(hours=1)


def age_records(hours: int = 1) -> None:
    """Move every record's history back, as if written ``hours`` ago."""
    for model, _path in selectors._REPORTED_HISTORY:
        model.history.update(history_date=F("history_date") - hours * HOUR)
    Unit.history.update(history_date=F("history_date") - hours * HOUR)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def made(march_data, api, django_capture_on_commit_callbacks):  # noqa: F811
    """Tinghu's March report, made once, its records older than it."""
    age_records()
    api.force_authenticate(march_data.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/reports/", {"unit": march_data.tinghu.pk, "month": "2026-03"},
                            format="json")
    assert response.status_code == 202
    report = MonthlyReport.objects.get(unit=march_data.tinghu, month=MARCH)
    assert (report.state, report.attempts) == ("done", 1)
    return report


def ask(api, world, capture, unit=None):
    with capture(execute=True) as callbacks:
        response = api.post("/api/reports/", {"unit": (unit or world.tinghu).pk, "month": "2026-03"},
                            format="json")
    return response, callbacks


def test_unchanged_done_report_is_the_answer_200_and_nothing_is_queued(
    api, made, march_data, django_capture_on_commit_callbacks, django_assert_max_num_queries  # noqa: F811
):
    with django_assert_max_num_queries(12):
        response, callbacks = ask(api, march_data, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert callbacks == []  # nothing published
    body = response.json()
    assert body["id"] == made.pk and body["state"] == "done"
    assert body["figures"]["received"] == made.figures["received"] == 4
    made.refresh_from_db()
    assert made.attempts == 1


def test_page_request_for_unchanged_report_redirects_to_it_saying_so(
    client, made, march_data, django_capture_on_commit_callbacks  # noqa: F811
):
    login(client, march_data.supervisor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reports:list"), {"unit": march_data.tinghu.pk, "month": "2026-03"})
    assert response.status_code == 302 and response.url == made.get_absolute_url()
    assert callbacks == []
    page = client.get(response.url)
    assert "is up to date: none of its records changed since it was made" in page.text
    made.refresh_from_db()
    assert made.attempts == 1


def test_a_new_case_in_the_subtree_makes_the_report_again(
    api, made, march_data, django_capture_on_commit_callbacks  # noqa: F811
):
    case(march_data, t(3, 15), outcome="resolved", outcome_at=t(3, 16))
    response, _ = ask(api, march_data, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    made.refresh_from_db()
    # A new request: its own count of starts.
    assert (made.state, made.attempts, made.figures["received"]) == ("done", 1, 5)


def test_a_change_in_another_station_leaves_the_report_current(
    api, march_data, django_capture_on_commit_callbacks  # noqa: F811
):
    age_records()
    api.force_authenticate(march_data.supervisor)
    assert ask(api, march_data, django_capture_on_commit_callbacks, unit=march_data.dongcheng)[0].status_code == 202
    register(march_data, by=march_data.officer2, unit=march_data.wuxing, received_at=t(3, 20))
    response, callbacks = ask(api, march_data, django_capture_on_commit_callbacks, unit=march_data.dongcheng)
    assert response.status_code == 200 and callbacks == []


def test_a_case_transferred_away_makes_the_old_stations_report_again(
    api, march_data, django_capture_on_commit_callbacks  # noqa: F811
):
    dispute = register(march_data, unit=march_data.dongcheng, received_at=t(3, 21))
    age_records()
    api.force_authenticate(march_data.supervisor)
    assert ask(api, march_data, django_capture_on_commit_callbacks, unit=march_data.dongcheng)[0].status_code == 202
    first = MonthlyReport.objects.get(unit=march_data.dongcheng, month=MARCH)
    before = first.figures["received"]
    dispute_services.dispute_transfer(dispute=dispute, actor=march_data.supervisor,
                                      to_unit=march_data.wuxing, note="辖区调整")
    response, _ = ask(api, march_data, django_capture_on_commit_callbacks, unit=march_data.dongcheng)
    assert response.status_code == 202
    report = MonthlyReport.objects.get(unit=march_data.dongcheng, month=MARCH)
    # Made again, as its records changed; a case still counts as received where
    # it was received (DESIGN.md §6, "where a case counts, through time").
    assert report.generated_at > first.generated_at and report.figures["received"] == before


def test_regenerate_from_the_page_makes_it_again(client, made, march_data, django_capture_on_commit_callbacks):  # noqa: F811
    login(client, march_data.supervisor)
    page = client.get(made.get_absolute_url())
    assert reverse("reports:regenerate", args=[made.pk]) in page.text
    first = made.generated_at
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:regenerate", args=[made.pk]))
    assert response.status_code == 302 and response.url == made.get_absolute_url()
    made.refresh_from_db()
    assert made.state == "done" and made.generated_at > first
    assert client.get(reverse("reports:regenerate", args=[made.pk])).status_code == 405


def test_regenerate_through_the_api_answers_202(api, made, march_data, django_capture_on_commit_callbacks):  # noqa: F811
    first = made.generated_at
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/reports/{made.pk}/regenerate/")
    assert response.status_code == 202
    assert response.json()["id"] == made.pk
    made.refresh_from_db()
    assert made.generated_at > first


@pytest.mark.parametrize(("who", "status"), [("lead2", 404), ("officer", 403), ("coordinator", 403)])
def test_regenerate_is_refused_outside_scope_or_without_permission(
    api, client, made, march_data, who, status  # noqa: F811
):
    user = getattr(march_data, who)
    api.force_authenticate(user)
    assert api.post(f"/api/reports/{made.pk}/regenerate/").status_code == status
    login(client, user)
    assert client.post(reverse("reports:regenerate", args=[made.pk])).status_code == status
    made.refresh_from_db()
    assert made.attempts == 1


def test_a_report_needs_the_regenerate_permission_for_the_button(client, made, march_data):  # noqa: F811
    from django.contrib.auth.models import Permission

    march_data.supervisor.groups.first().permissions.remove(
        Permission.objects.get(codename="regenerate_monthlyreport"))
    login(client, march_data.supervisor)
    page = client.get(made.get_absolute_url())
    assert reverse("reports:regenerate", args=[made.pk]) not in page.text
    assert client.post(reverse("reports:regenerate", args=[made.pk])).status_code == 403


def test_reaper_queues_a_report_running_past_its_limit_again(made, settings):
    MonthlyReport.objects.filter(pk=made.pk).update(
        state="running", started_at=timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60))
    assert tasks.reap_stuck_reports() == 1  # run in process: no broker in the tests
    made.refresh_from_db()
    assert (made.state, made.attempts) == ("done", 2)
    assert tasks.reap_stuck_reports() == 0


def test_reaper_leaves_a_report_running_within_its_limit(made):
    MonthlyReport.objects.filter(pk=made.pk).update(state="running", started_at=timezone.now())
    assert tasks.reap_stuck_reports() == 0
    made.refresh_from_db()
    assert made.state == "running"


def test_reaper_fails_a_report_started_too_often_with_a_reason_the_supervisor_reads(
    client, made, march_data, settings  # noqa: F811
):
    MonthlyReport.objects.filter(pk=made.pk).update(
        state="running", attempts=5, started_at=timezone.now() - datetime.timedelta(days=1))
    assert tasks.reap_stuck_reports() == 0
    made.refresh_from_db()
    assert made.state == "failed" and made.figures is not None
    login(client, march_data.supervisor)
    assert "The worker making the report stopped several times" in client.get(made.get_absolute_url()).text
    zh = client.get(made.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "生成报表的后台进程多次中断" in zh.text


def test_report_past_its_soft_time_limit_fails_with_the_reason(
    api, made, march_data, monkeypatch, django_capture_on_commit_callbacks  # noqa: F811
):
    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(rollups, "figures_of_months", too_slow)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/reports/{made.pk}/regenerate/").status_code == 202
    made.refresh_from_db()
    assert made.state == "failed" and made.figures["received"] == 4  # the snapshot stays
    detail = api.get(f"/api/reports/{made.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["error"].startswith("The report took longer than its time limit")
    zh = api.get(f"/api/reports/{made.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["error"].startswith("报表生成超过时限")


def test_asking_again_for_a_report_stuck_running_queues_it(
    api, made, march_data, settings, django_capture_on_commit_callbacks  # noqa: F811
):
    MonthlyReport.objects.filter(pk=made.pk).update(state="running", started_at=timezone.now())
    response, callbacks = ask(api, march_data, django_capture_on_commit_callbacks)
    assert response.status_code == 202 and callbacks == []
    MonthlyReport.objects.filter(pk=made.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=settings.REPORT_RUNNING_LIMIT_SECONDS + 1))
    response, callbacks = ask(api, march_data, django_capture_on_commit_callbacks)
    assert response.status_code == 202 and len(callbacks) == 1
    made.refresh_from_db()
    assert (made.state, made.attempts) == ("done", 1)  # the new request's one start



def test_a_month_regenerated_many_times_is_made_every_time(
    api, made, march_data, django_capture_on_commit_callbacks  # noqa: F811
):
    """Each request counts its own starts: counted across requests, the
    fifth regeneration of a month failed at once as "worker lost"."""
    for _ in range(services.MAX_ATTEMPTS + 2):
        first = MonthlyReport.objects.get(pk=made.pk).generated_at
        with django_capture_on_commit_callbacks(execute=True):
            assert api.post(f"/api/reports/{made.pk}/regenerate/").status_code == 202
        made.refresh_from_db()
        assert (made.state, made.error) == ("done", "") and made.generated_at > first
