"""The demo's beat: `manage.py run_schedule` runs the beat schedule in process
when there is no broker, so reminders reach people on the embedded default."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, RiskLevel, Track
from notifications.models import Notification
from tests.conftest import register


def _overdue_case(world) -> Dispute:
    dispute = register(world)
    services.dispute_assess(
        dispute=dispute, actor=world.officer, risk_level=RiskLevel.LOW, track=Track.JOINT
    )
    Dispute.objects.filter(pk=dispute.pk).update(
        deadline=timezone.now() - datetime.timedelta(hours=2)
    )
    return dispute


def test_once_runs_the_hourly_reminders_and_not_the_monthly_reports(world):
    dispute = _overdue_case(world)
    call_command("run_schedule", "--once")
    overdue = Notification.objects.filter(kind=Notification.Kind.OVERDUE, object_id=dispute.pk)
    assert {n.recipient.username for n in overdue} == {"officer", "lead"}
    assert not Notification.objects.filter(kind=Notification.Kind.REPORT_READY).exists()
    # Safe to run again: each event notifies once.
    call_command("run_schedule", "--once")
    assert overdue.count() == 2


def test_refuses_when_a_broker_runs_beat(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with pytest.raises(CommandError, match="celery -A policing beat"):
        call_command("run_schedule", "--once")
