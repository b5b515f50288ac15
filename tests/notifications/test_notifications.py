"""Work that finds its person: each trigger notifies exactly the right people
once; the hourly checks never repeat themselves; nobody sees another's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from disputes import reminders as dispute_reminders
from disputes import services
from disputes.models import Dispute, FollowUp, Track
from enterprises import reminders as enterprise_reminders
from notifications.models import Notification
from notifications.services import notify
from reports.queue import report_request
from tests.conftest import login, register
from tests.volunteers.conftest import patrol, tip, vw  # noqa: F401 - fixture
from volunteers import reminders as volunteer_reminders


def run_checks(now=None):
    """What the beat runs every hour: each app's reminders."""
    for reminders in (dispute_reminders, volunteer_reminders, enterprise_reminders):
        reminders.send_reminders(now)

K = Notification.Kind


def notes(user=None, kind=None):
    qs = Notification.objects.all()
    if user is not None:
        qs = qs.filter(recipient=user)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs)


def _assessed(world, track=Track.JOINT):
    dispute = register(world)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=track)
    return dispute


def test_dispatch_notifies_the_officer_it_is_given_to_once(world):
    dispute = _assessed(world)
    services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    assigned = notes(kind=K.CASE_ASSIGNED)
    assert [(n.recipient, n.object_id) for n in assigned] == [(world.officer, dispute.pk)]
    assert assigned[0].url == dispute.get_absolute_url()


def test_nobody_is_notified_of_their_own_action(world):
    dispute = _assessed(world, Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    assert notes(kind=K.CASE_ASSIGNED) == []


def test_transfer_notifies_the_receiving_stations_leads(world):
    dispute = register(world)
    services.dispute_transfer(dispute=dispute, actor=world.lead, to_unit=world.wuxing, note="属五星辖区")
    assert [n.recipient for n in notes(kind=K.CASE_TRANSFERRED)] == [world.lead2]


def test_outcome_notifies_the_lead_who_must_verify(world):
    dispute = _assessed(world)
    services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    assert [n.recipient for n in notes(kind=K.AWAITING_VERIFICATION)] == [world.lead]


def test_a_refused_transition_notifies_nobody(world):
    dispute = register(world)
    with pytest.raises(Exception):
        services.dispute_verify(dispute=dispute, actor=world.lead)
    assert notes(kind=K.AWAITING_VERIFICATION) == []


def _due(dispute, delta):
    Dispute.objects.filter(pk=dispute.pk).update(deadline=timezone.now() + delta)


def test_hourly_checks_notify_deadlines_once(world):
    soon, late = _assessed(world), _assessed(world)
    _due(soon, datetime.timedelta(hours=20))
    _due(late, -datetime.timedelta(hours=2))
    run_checks()
    run_checks()
    assert [(n.recipient, n.object_id) for n in notes(kind=K.DEADLINE_SOON)] == [(world.officer, soon.pk)]
    overdue = {(n.recipient.username, n.object_id) for n in notes(kind=K.OVERDUE)}
    assert overdue == {("officer", late.pk), ("lead", late.pk)}
    assert len(notes(kind=K.OVERDUE)) == 2


def test_follow_up_due_notifies_the_officer(world):
    dispute = _assessed(world, Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    first = dispute.follow_ups.order_by("due_on").first()
    run_checks()
    assert notes(kind=K.FOLLOW_UP_DUE) == []
    FollowUp.objects.filter(pk=first.pk).update(due_on=timezone.localdate())
    run_checks()
    run_checks()
    assert [n.recipient for n in notes(kind=K.FOLLOW_UP_DUE)] == [world.officer]


def test_short_patrol_within_a_day_notifies_coordinators(vw):  # noqa: F811
    now = timezone.now()
    short = patrol(vw, starts=now + datetime.timedelta(hours=5), needed=2)
    patrol(vw, starts=now + datetime.timedelta(days=3), needed=2)  # too far off
    run_checks()
    run_checks()
    assert [(n.recipient, n.object_id) for n in notes(kind=K.PATROL_SHORT)] == [(vw.coord, short.pk)]


def test_tip_notifies_the_officers_of_its_station_only(vw):  # noqa: F811
    t = tip(vw)
    recipients = {n.recipient.username for n in notes(kind=K.TIP_RECEIVED)}
    assert recipients == {"officer", "lead"}
    assert all(n.object_id == t.pk for n in notes(kind=K.TIP_RECEIVED))


def test_report_ready_notifies_who_asked(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=world.supervisor, unit=world.tinghu, month=datetime.date(2026, 3, 1))
    assert [(n.recipient, n.object_id) for n in notes(kind=K.REPORT_READY)] == [(world.supervisor, report.pk)]


def test_recipients_outside_the_records_scope_are_dropped(world):
    dispute = register(world)
    notify(recipients=[world.officer, world.officer2, world.outsider], kind=K.OVERDUE,
           subject=dispute, unit=dispute.unit, key="x")
    assert [n.recipient for n in notes()] == [world.officer]


def test_user_cannot_read_or_mark_anothers_notification(client, world):
    dispute = _assessed(world)
    services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    mine = notes(kind=K.CASE_ASSIGNED)[0]
    login(client, world.officer2)
    assert client.get(f"/notifications/{mine.pk}/").status_code == 404
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 404
    api = APIClient()
    api.force_authenticate(world.officer2)
    assert api.get(f"/api/notifications/{mine.pk}/").status_code == 404
    assert api.post(f"/api/notifications/{mine.pk}/read/").status_code == 404
    assert api.get("/api/notifications/").json()["count"] == 0
    mine.refresh_from_db()
    assert mine.read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_the_record(client, world):
    dispute = _assessed(world)
    services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    mine = notes(kind=K.CASE_ASSIGNED)[0]
    login(client, world.officer)
    response = client.get(f"/notifications/{mine.pk}/")
    assert response.status_code == 302 and response.url == dispute.get_absolute_url()
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_list_page_unread_first_and_mark_all(client, world):
    for _ in range(3):
        dispute = _assessed(world)
        services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    first = notes(kind=K.CASE_ASSIGNED)[-1]
    login(client, world.officer)
    client.post(f"/notifications/{first.pk}/read/")
    page = client.get("/notifications/")
    listed = list(page.context["page_obj"])
    assert listed[-1] == first and all(n.read_at is None for n in listed[:-1])
    client.post("/notifications/read-all/")
    assert Notification.objects.filter(recipient=world.officer, read_at__isnull=True).count() == 0


def test_api_lists_and_marks_read(world):
    dispute = _assessed(world)
    services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    api = APIClient()
    api.force_authenticate(world.officer)
    listed = api.get("/api/notifications/?unread=true").json()
    assert listed["count"] == 1 and listed["results"][0]["kind"] == "case_assigned"
    assert api.post("/api/notifications/read-all/").json() == {"marked": 1}
    assert api.get("/api/notifications/?unread=true").json()["count"] == 0


def _bell_queries(client):
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/notifications/?kind=tip_received")
    assert page.status_code == 200
    return [q["sql"] for q in captured if "notifications_notification" in q["sql"] and "COUNT" in q["sql"]]


def test_bell_count_is_one_query_whatever_the_number(client, world):
    login(client, world.officer)
    none = _bell_queries(client)
    for _ in range(20):
        dispute = _assessed(world)
        services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    many = _bell_queries(client)
    assert len(none) == len(many)
    page = client.get("/")
    assert 'id="bell"' in page.text and ">20<" in page.text


def test_home_page_digest_counts_overnight_by_kind(client, world):
    for _ in range(2):
        dispute = _assessed(world)
        services.dispute_dispatch(dispute=dispute, actor=world.lead, officer=world.officer)
    login(client, world.officer)
    digest = client.get("/", HTTP_ACCEPT_LANGUAGE="en").context["digest"]
    assert [(row["kind"], row["total"], row["unread"]) for row in digest] == [("case_assigned", 2, 2)]


def test_enterprise_request_due_soon_notifies_the_liaison_officer_once(world):
    from tests.enterprises.helpers import make_enterprise, make_request

    enterprise = make_enterprise(world, liaison_officer=world.officer)
    soon = make_request(world, enterprise, due_in=2)        # received yesterday: due tomorrow
    make_request(world, enterprise, due_in=20)              # not yet
    run_checks()
    run_checks()
    due = notes(kind=K.REQUEST_DUE_SOON)
    assert [(n.recipient, n.object_id) for n in due] == [(world.officer, enterprise.pk)]
    assert soon.get_category_display() in due[0].label


def test_green_channel_request_due_soon_also_tells_the_lead(world):
    from tests.enterprises.helpers import make_enterprise, make_request

    enterprise = make_enterprise(world, liaison_officer=world.officer)
    make_request(world, enterprise, due_in=2, green=True)
    run_checks()
    assert {n.recipient.username for n in notes(kind=K.REQUEST_DUE_SOON)} == {"officer", "lead"}
