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

from django.db import connection, transaction
from django.db.models.signals import post_save, pre_delete

from disputes.models import Agreement, Dispute, DisputeEvent, FollowUp, JudicialConfirmation
from incidents.models import Incident
from reports import rollups
from reports.months import current_month

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


def _queue_refresh() -> None:
    from reports.tasks import refresh_rollups

    refresh_rollups.delay()


def _refresh_after_commit() -> None:
    """Queue one refresh per transaction, once it has committed."""
    if any(entry[1] is _queue_refresh for entry in connection.run_on_commit):
        return
    transaction.on_commit(_queue_refresh)


def connect() -> None:
    for model in _CASE:
        post_save.connect(_changed, sender=model, dispatch_uid=f"rollups-save-{model.__name__}")
        pre_delete.connect(_changed, sender=model, dispatch_uid=f"rollups-delete-{model.__name__}")
