"""Creating and reading notifications.

``notify`` is called by the services that make a change (inside their
transaction, so a rolled-back change notifies nobody) and by the hourly
checks of each app (``<app>/reminders.py``). Recipients outside the record's unit
subtree are dropped: nobody is told about what they may not open.

``notifications_settle`` is the other half: the service that acts on a record
names the kinds (or keys) of notification its action made obsolete, and they
are marked done for every recipient, so nothing stays in a bell after the
work it asked for is done.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.models import Notification
from units.masking import mask_text
from units.models import Officer, Unit


def recipients_in_unit(unit: Unit, *, roles: Iterable[str], include_above: bool = False):
    """Active users of ``unit`` with one of ``roles`` (and, with
    ``include_above``, of the units above it, who see it too)."""
    units = Q(officer__unit=unit)
    if include_above:
        units = Q(officer__unit__path__in=unit.ancestor_paths())
    return get_user_model().objects.filter(units, officer__role__in=list(roles), is_active=True)


def moment_key(moment: datetime.datetime) -> str:
    """A moment as part of a notification's key: to the minute, Asia/Shanghai."""
    return timezone.localtime(moment).strftime("%Y%m%d%H%M")


def station_leads(unit: Unit):
    return recipients_in_unit(unit, roles=[Officer.Role.STATION_LEAD])


def notify(
    *,
    recipients: Iterable[AbstractBaseUser],
    kind: str,
    subject: models.Model,
    unit: Unit | None,
    key: str,
    label: str = "",
) -> None:
    """Notify each recipient once per ``key``. The label is stored with any ID or
    mobile number in it masked (``units.masking``), for the bell, list and API.

    ``unit`` is the unit the record belongs to: recipients whose own unit does
    not contain it are skipped (superusers see everything). Called inside the
    caller's transaction, so a change that rolls back notifies nobody.
    """
    users = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    if not users:
        return
    content_type = ContentType.objects.get_for_model(subject)
    # The unique (recipient, key) pair turns a repeated event into a no-op,
    # even when two checks run at once.
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=kind, content_type=content_type, object_id=subject.pk,
                label=mask_text(label or str(subject))[:250], url=subject.get_absolute_url(), key=key[:120],
            )
            for user in _in_scope(users, unit)
        ],
        ignore_conflicts=True,
    )


def _in_scope(users: list[AbstractBaseUser], unit: Unit | None) -> list[AbstractBaseUser]:
    if unit is None:
        return [u for u in users if u.is_superuser]
    paths = dict(Officer.objects.filter(user__in=users).values_list("user_id", "unit__path"))
    return [u for u in users if u.is_superuser or unit.path.startswith(paths.get(u.pk, "\0"))]


def notifications_settle(
    *, subject: models.Model, kinds: Iterable[str] = (), key_prefixes: Iterable[str] = ()
) -> int:
    """Mark done (and so read), for every recipient, the notifications about
    ``subject`` of one of ``kinds`` or whose key starts with one of
    ``key_prefixes``. Called inside the acting service's transaction, before
    it notifies whoever must act next, so a new notification of the same
    kind is not settled by the action that sent it."""
    match = Q(kind__in=list(kinds))
    for prefix in key_prefixes:
        match |= Q(key__startswith=prefix)
    now = timezone.now()
    return Notification.objects.filter(
        match, content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk, done_at__isnull=True,
    ).update(done_at=now, read_at=Coalesce("read_at", Value(now)))


def notification_mark_read(*, user: AbstractBaseUser, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: those of ``ids``, or all."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
