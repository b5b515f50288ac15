"""Handlers that keep the rollups in step with the records (``reports.rollups``).

Every write of a record a dispute figure reads — a case, its timeline, its
follow-ups, agreements and rulings, a 110 call — marks the units and months
it may change, in the write's own transaction; after the commit a Celery task
recomputes them. Reports listens to the models of the apps below it, which
never call up into reports (the layer rule of tests/test_layers.py).

Writes that bypass the models' ``save`` and ``delete`` (``QuerySet.update``,
``bulk_create``, raw SQL: the seeds' bulk loading, repairs by hand) are not
seen: after them, run ``manage.py rebuild_rollups`` (the seeds do).
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from disputes.models import Agreement, Dispute, DisputeEvent, FollowUp, JudicialConfirmation
from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from incidents.models import Incident
from reports import rollups
from reports.months import current_month
from volunteers.models import Alliance, Outreach, Patrol, PatrolAttendance, Tip, Volunteer

# The case each kind of record belongs to.
_CASE = {
    Dispute: lambda record: record.pk,
    DisputeEvent: lambda record: record.dispute_id,
    FollowUp: lambda record: record.dispute_id,
    Agreement: lambda record: record.dispute_id,
    JudicialConfirmation: lambda record: record.agreement.dispute_id,
    Incident: lambda record: record.dispute_id,
}

def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures
    case = _CASE[sender](instance)
    pairs = rollups.touched([case]) if case else set()
    if sender is Incident:
        pairs.add((instance.unit_id, rollups.month_of(instance.received_at)))
    if sender is Dispute and kwargs.get("signal") is pre_delete:
        pairs.add((instance.unit_id, current_month()))
    rollups.mark(pairs)
    _refresh_after_commit()


# A burst of writes (a shift's registrations) queues one refresh: the first
# commit of a window schedules it REFRESH_DELAY seconds on, the later ones
# find it pending and their marks wait for it. Queued after every commit, the
# refreshes (0.2-0.5 s for one station's month) kept the Celery worker's core
# busy and halved the web's throughput at 50 users (bench/load/run: 39 -> 20
# requests a second). Readers still refresh what they read first, and the
# beat refreshes every minute, so no figure waits longer.
REFRESH_DELAY = 30  # seconds
REFRESH_PENDING = "reports:rollups-refresh-pending"


def _queue_refresh() -> None:
    from reports.tasks import refresh_rollups

    if settings.CELERY_TASK_ALWAYS_EAGER:  # in process: at once, as every task
        refresh_rollups.delay()
    elif cache.add(REFRESH_PENDING, 1, timeout=REFRESH_DELAY):
        refresh_rollups.apply_async(countdown=REFRESH_DELAY)


def _refresh_after_commit() -> None:
    """Queue one refresh per transaction, once it has committed."""
    if any(entry[1] is _queue_refresh for entry in connection.run_on_commit):
        return
    transaction.on_commit(_queue_refresh)


# ------------------------------------------------- volunteers and enterprises
# A record of the sections counts at one unit (``figures.SECTION_UNIT_FIELDS``)
# in the month of its date; an enterprise's visits also count in the months
# after (year to date), its requests in every month they stay overdue, and
# its being active in all of them. So a write marks, at the unit(s) the record
# counted at before and after it, every month from the record's earliest
# date to this month (or to its own month if later): a few months for
# today's records, more only for a change to an old one.

def _section_moments(record) -> tuple[set[int], list]:
    """The units a section record counts at and the dates it counts by."""
    if isinstance(record, Patrol):
        return {record.unit_id}, [record.starts_at]
    if isinstance(record, PatrolAttendance):
        patrol = Patrol.objects.filter(pk=record.patrol_id).values_list("unit_id", "starts_at").first()
        return ({patrol[0]}, [patrol[1]]) if patrol else (set(), [])
    if isinstance(record, Outreach):
        unit = Alliance.objects.filter(pk=record.alliance_id).values_list("unit_id", flat=True).first()
        return {unit} - {None}, [record.date]
    if isinstance(record, Tip):
        return {record.unit_id}, [record.received_at]
    if isinstance(record, Alliance):
        dates = Outreach.objects.filter(alliance=record).values_list("date", flat=True)
        return {record.unit_id}, list(dates.order_by("date")[:1])
    if isinstance(record, Enterprise):
        visit = EnterpriseVisit.objects.filter(enterprise=record).order_by("visited_on")
        requests = EnterpriseRequest.objects.filter(enterprise=record)
        dates = list(visit.values_list("visited_on", flat=True)[:1])
        dates += list(requests.order_by("received_on").values_list("received_on", flat=True)[:1])
        dates += list(requests.order_by("due_on").values_list("due_on", flat=True)[:1])
        return {record.unit_id}, dates
    enterprise = Enterprise.objects.filter(pk=record.enterprise_id).values_list("unit_id", flat=True).first()
    units = {enterprise} - {None}
    if isinstance(record, EnterpriseVisit):
        return units, [record.visited_on]
    return units, [record.received_on, record.due_on, record.resolved_at]  # a request


def _section_pairs(record) -> set[tuple[int, datetime.date]]:
    units, dates = _section_moments(record)
    months = [rollups.month_of(moment) for moment in dates if moment is not None]
    if not units or not months:
        return set()
    span = rollups.month_span(min(months), max([*months, current_month()]))
    return {(unit, month) for unit in units for month in span}


_SECTION_MODELS = (Patrol, PatrolAttendance, Outreach, Tip, Alliance, Enterprise, EnterpriseVisit,
                   EnterpriseRequest)


# An alliance or an enterprise changes the figures only through these fields
# (where its outreach, visits and requests count; whether it counts at all):
# other edits mark nothing.
_COUNTED_BY = {Alliance: ("unit_id",), Enterprise: ("unit_id", "active")}


def _section_before(sender, instance, **kwargs) -> None:
    """Before a write: mark where the record counted until now."""
    if kwargs.get("raw") or instance.pk is None:
        return
    stored = sender.objects.filter(pk=instance.pk).first()
    if stored is None:
        return
    fields = _COUNTED_BY.get(sender)
    if fields and all(getattr(stored, f) == getattr(instance, f) for f in fields):
        instance._rollups_unchanged = True
        return
    rollups.mark(_section_pairs(stored))
    _refresh_after_commit()


def _section_after(sender, instance, **kwargs) -> None:
    """After a write (or before a deletion): mark where it counts now."""
    if kwargs.get("raw") or instance.__dict__.pop("_rollups_unchanged", False):
        return
    rollups.mark(_section_pairs(instance))
    _refresh_after_commit()


def _outreach_volunteers(sender, instance, action, pk_set, **kwargs) -> None:
    """Volunteers taking part in outreach, added or removed either way round."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if isinstance(instance, Outreach):
        outreach = [instance]
    elif action == "pre_clear":
        outreach = list(Outreach.objects.filter(volunteers=instance))
    else:
        outreach = list(Outreach.objects.filter(pk__in=pk_set or ()))
    rollups.mark(set().union(*(_section_pairs(item) for item in outreach)))
    _refresh_after_commit()


def _volunteer_gone(sender, instance, **kwargs) -> None:
    """A volunteer deleted (the admin site) takes their part in outreach along."""
    outreach = list(Outreach.objects.filter(volunteers=instance))
    if outreach:
        rollups.mark(set().union(*(_section_pairs(item) for item in outreach)))
        _refresh_after_commit()


def connect() -> None:
    for model in _CASE:
        post_save.connect(_changed, sender=model, dispatch_uid=f"rollups-save-{model.__name__}")
        pre_delete.connect(_changed, sender=model, dispatch_uid=f"rollups-delete-{model.__name__}")
    for model in _SECTION_MODELS:
        name = model.__name__
        pre_save.connect(_section_before, sender=model, dispatch_uid=f"rollups-before-{name}")
        post_save.connect(_section_after, sender=model, dispatch_uid=f"rollups-after-{name}")
        pre_delete.connect(_section_after, sender=model, dispatch_uid=f"rollups-gone-{name}")
    m2m_changed.connect(_outreach_volunteers, sender=Outreach.volunteers.through,
                        dispatch_uid="rollups-outreach-volunteers")
    pre_delete.connect(_volunteer_gone, sender=Volunteer, dispatch_uid="rollups-gone-Volunteer")
