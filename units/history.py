"""The change history of records (django-simple-history), read for the history page
(``policing.history`` names the records that have one).

Rules:
- Every create, change and delete of a domain record made through the ORM's
  ``save()``/``delete()`` leaves a history row with the acting user (set by
  ``HistoryRequestMiddleware``; None for tasks, commands and seeds). Bulk writes
  (``bulk_create``, ``QuerySet.update``) bypass it by design.
- A record's page is reached through its own selector, so another unit's record
  is a 404. A dispute's page also lists the history of its parties, sessions,
  agreements, follow-ups, referrals and attachments — deleted ones included,
  since their history rows keep the dispute's id.
- Personal fields (ID numbers, phone numbers) are shown masked, and any ID or
  mobile number typed into free text is masked too.
- History is read-only: no page, API or admin action writes or deletes it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext as _

from units.bundle import Branch, read_lists
from units.masking import mask_text
from units.validators import mask_id_number, mask_phone

# Fields never shown in a diff: bookkeeping of the history itself or derived data.
_SKIPPED = {"id", "path", "depth", "created_at", "updated_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: Any
    user: AbstractBaseUser | None
    kind: str  # "+", "~" or "-"
    record: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""  # the change reason a service gave (e.g. an attendance correction)


def history_entries(
    *, record: models.Model, children: list[tuple[type[models.Model], str]] = ()
) -> list[Entry]:
    """Every history row of ``record`` and of its ``children`` (model, foreign
    key to the record), newest first, with diffs.

    One query for the rows of every table (plus one per kind of related record
    shown by name), whatever the number of rows.
    """
    sources = [(type(record), {"id": record.pk})]
    sources += [(model, {f"{fk}_id": record.pk}) for model, fk in children]
    # Every table's rows in one query (units.bundle), each with its user.
    rows = read_lists({
        str(index): Branch(
            model.history.filter(**lookup), related=("history_user",), ordering=("id", "history_id")
        )
        for index, (model, lookup) in enumerate(sources)
    })
    entries: list[Entry] = []
    for index, (model, _lookup) in enumerate(sources):
        entries += _diff_rows(model, rows[str(index)])
    _name_related(entries, known={type(record): {record.pk: record}})
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _fields(model: type[models.Model]) -> list[models.Field]:
    kept = {f.attname for f in model.history.model._meta.concrete_fields}
    return [
        f for f in model._meta.concrete_fields if f.name not in _SKIPPED and f.attname in kept
    ]


def _diff_rows(model: type[models.Model], rows: list) -> list[Entry]:
    entries, previous = [], {}
    fields = _fields(model)
    for row in rows:
        before = previous.get(row.id)
        changes = []
        for f in fields:
            new = getattr(row, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if row.history_type == "-" or (before is not None and old == new):
                continue
            if before is None and new in (None, ""):
                continue
            changes.append(_Pending(f, old, new))
        entries.append(
            Entry(
                when=row.history_date,
                user=row.history_user,
                kind=row.history_type,
                record=f"{model._meta.verbose_name} #{row.id}",
                changes=changes,
                reason=mask_text(row.history_change_reason or ""),
            )
        )
        previous[row.id] = row
    return entries


class _Pending(Change):
    """A change whose values are shown once related names are fetched in bulk."""

    def __init__(self, f: models.Field, old: Any, new: Any) -> None:
        super().__init__(label=str(f.verbose_name), old="", new="")
        self.field, self.old_raw, self.new_raw = f, old, new


def _name_related(entries: list[Entry], known: dict[type[models.Model], dict]) -> None:
    """Fetch the records the changes point to, a query per model, except those
    ``known`` already (the page's own record, which its children point to)."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for entry in entries:
        for change in entry.changes:
            if change.field.is_relation:
                wanted[change.field.related_model].update(
                    v for v in (change.old_raw, change.new_raw) if v is not None
                )
    names = {}
    for model, ids in wanted.items():
        names[model] = dict(known.get(model, {}))
        missing = ids - set(names[model])
        if missing:
            names[model].update(_named(model).in_bulk(missing))
    for entry in entries:
        for change in entry.changes:
            change.old = display_value(change.field, change.old_raw, names)
            change.new = display_value(change.field, change.new_raw, names)


def _named(model: type[models.Model]) -> models.QuerySet:
    """The records of ``model`` with the records their names show (a visit is
    named after its enterprise, a patrol after its alliance): one query for
    all of them, not one more per record."""
    forward = [
        f.name for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]
    return model._default_manager.select_related(*forward)


def display_value(f: models.Field, value: Any, names: dict | None = None) -> str:
    """A value as the history page shows it: masked when it is personal data."""
    if value is None or value == "":
        return ""
    if f.is_relation:
        related = (names or {}).get(f.related_model, {}).get(value)
        return mask_text(str(related)) if related is not None else f"#{value}"
    if f.name == "id_number":
        return mask_id_number(str(value))
    if "phone" in f.name:
        return mask_phone(str(value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return mask_text(str(value))
