import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from notifications.models import Notification


def notification_list(*, user: AbstractBaseUser) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first."""
    return Notification.objects.filter(recipient=user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )


def notification_get(*, user: AbstractBaseUser, pk: int) -> Notification:
    return get_object_or_404(Notification, recipient=user, pk=pk)


def unread_count(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def overnight_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """The end of the previous working day: 18:00 local time yesterday."""
    local = timezone.localtime(now or timezone.now())
    return (local - datetime.timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)


def morning_digest(*, user: AbstractBaseUser, now: datetime.datetime | None = None) -> list[dict]:
    """What reached the user since yesterday evening, counted by kind."""
    rows = (
        Notification.objects.filter(recipient=user, created_at__gte=overnight_start(now))
        .values("kind")
        .annotate(total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
        .order_by("kind")
    )
    labels = dict(Notification.Kind.choices)
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in rows]

