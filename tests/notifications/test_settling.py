"""Notifications that stay true: acting on a record settles, for every
recipient, the notifications the action made obsolete, so the bell and the
home page count only what still needs someone."""

import datetime
import re

from django.utils import timezone

from disputes import reminders as dispute_reminders
from disputes import services
from disputes.models import CONCLUDED_STATUSES, Dispute, FollowUp, Track
from notifications.models import Notification
from notifications.selectors import unread_count
from tests.conftest import login, register
from tests.volunteers.conftest import tip, vw  # noqa: F401 - fixture
from volunteers import services as volunteer_services

K = Notification.Kind


def in_mediation(world, title="邻里噪音纠纷"):
    dispute = register(world, title=title)
    services.dispute_assess(
        dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE
    )
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    return dispute


def resolved(world, title="邻里噪音纠纷"):
    dispute = in_mediation(world, title)
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    return dispute


def unread(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind, read_at__isnull=True).count()


def test_awaiting_verification_count_on_home_equals_cases_awaiting_it(world, client):
    cases = [resolved(world, f"纠纷{i}") for i in range(5)]
    services.dispute_verify(dispute=cases[0], actor=world.lead)
    # A supervisor's verification settles the lead's notification too.
    services.dispute_verify(dispute=cases[1], actor=world.supervisor)
    services.dispute_reopen(dispute=cases[2], actor=world.officer, note="再次报警")
    services.dispute_resolve(dispute=cases[2], actor=world.officer, resolution_note="再次和解")
    services.dispute_reopen(dispute=cases[3], actor=world.officer, note="再次报警")
    in_mediation(world, "未结纠纷")

    awaiting = Dispute.objects.filter(status__in=CONCLUDED_STATUSES).count()
    assert awaiting == 2  # cases 2 (resolved again) and 4
    assert unread(world.lead, K.AWAITING_VERIFICATION) == awaiting

    page = login(client, world.lead).get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    digest = page[page.index('id="digest"'):page.index("</section>", page.index('id="digest"'))]
    row = re.search(r"纠纷待核查</a>(.*?)</li>", digest, re.S).group(1)
    # The number is printed once (no separate total next to it) and is right.
    assert re.findall(r"\d+", re.sub(r"<[^>]+>", "", row)) == [str(awaiting)]
    assert f"{awaiting} 条未读" in row


def test_resolving_settles_the_overdue_warning_of_officer_and_lead(world):
    dispute = in_mediation(world)
    Dispute.objects.filter(pk=dispute.pk).update(
        deadline=timezone.now() - datetime.timedelta(hours=2)
    )
    dispute_reminders.send_reminders()
    assert unread(world.officer, K.OVERDUE) == unread(world.lead, K.OVERDUE) == 1
    services.dispute_resolve(dispute=dispute, actor=world.officer, resolution_note="和解")
    assert unread(world.officer, K.OVERDUE) == unread(world.lead, K.OVERDUE) == 0
    assert Notification.objects.filter(kind=K.OVERDUE, done_at__isnull=False).count() == 2


def test_dispatch_settles_the_transfer_and_the_earlier_assignment(world):
    dispute = register(world)
    services.dispute_transfer(dispute=dispute, actor=world.lead, to_unit=world.wuxing, note="属五星")
    assert unread(world.lead2, K.CASE_TRANSFERRED) == 1
    services.dispute_assess(dispute=dispute, actor=world.lead2, risk_level="low", track=Track.JOINT)
    assert unread(world.lead2, K.CASE_TRANSFERRED) == 1  # still to dispatch
    services.dispute_dispatch(dispute=dispute, actor=world.lead2, officer=world.officer2)
    assert unread(world.lead2, K.CASE_TRANSFERRED) == 0
    # The new assignment, sent by the same action, stays.
    assert unread(world.officer2, K.CASE_ASSIGNED) == 1


def test_transfer_settles_everything_the_old_station_was_told(world):
    dispute = in_mediation(world)
    Dispute.objects.filter(pk=dispute.pk).update(
        deadline=timezone.now() - datetime.timedelta(hours=2)
    )
    dispute_reminders.send_reminders()
    services.dispute_transfer(dispute=dispute, actor=world.lead, to_unit=world.wuxing, note="属五星")
    assert unread_count(user=world.officer) == unread_count(user=world.lead) == 0
    assert unread(world.lead2, K.CASE_TRANSFERRED) == 1


def test_recording_a_follow_up_settles_only_its_own_reminder(world):
    dispute = resolved(world)
    first, second = dispute.follow_ups.order_by("due_on")
    FollowUp.objects.filter(dispute=dispute).update(due_on=timezone.localdate())
    dispute_reminders.send_reminders()
    assert unread(world.officer, K.FOLLOW_UP_DUE) == 2
    services.follow_up_record(dispute=dispute, actor=world.officer, method="phone", finding="stable")
    assert unread(world.officer, K.FOLLOW_UP_DUE) == 1
    left = Notification.objects.get(kind=K.FOLLOW_UP_DUE, read_at__isnull=True)
    assert left.key == f"follow_up:{second.pk}"


def test_handling_a_tip_settles_it_for_every_officer_told(vw):  # noqa: F811
    sent = tip(vw)
    told = list(Notification.objects.filter(kind=K.TIP_RECEIVED, object_id=sent.pk))
    assert len(told) >= 2
    volunteer_services.tip_verify(actor=told[0].recipient, tip=sent)
    assert not Notification.objects.filter(kind=K.TIP_RECEIVED, read_at__isnull=True).exists()


def test_a_notification_read_before_it_is_settled_keeps_its_read_time(world):
    dispute = resolved(world)
    note = Notification.objects.get(recipient=world.lead, kind=K.AWAITING_VERIFICATION)
    read_at = timezone.now() - datetime.timedelta(hours=1)
    Notification.objects.filter(pk=note.pk).update(read_at=read_at)
    services.dispute_verify(dispute=dispute, actor=world.lead)
    note.refresh_from_db()
    assert note.read_at == read_at and note.done_at is not None


def test_settled_notifications_are_marked_on_the_list(world, client):
    dispute = resolved(world)
    services.dispute_verify(dispute=dispute, actor=world.supervisor)
    page = login(client, world.lead).get("/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert "settled" in page.content.decode()
