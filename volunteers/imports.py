"""Importing volunteers from the spreadsheets coordinators keep today (CSV or
XLSX), on the generic ``units.imports.RowImporter``."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from units.imports import ImportRow, RowImporter, parse_date
from units.validators import (
    normalise_id_number,
    normalise_phone,
    validate_id_number,
    validate_phone,
)


class VolunteerImporter(RowImporter):
    """Volunteers with an optional membership, as coordinators keep them.

    A phone already registered is reported as such and not written again;
    the same phone twice in the file is an error.
    """

    columns = {
        "name": ("姓名", "名字"),
        "phone": ("手机", "手机号", "电话", "联系电话", "phonenumber"),
        "id_number": ("身份证", "身份证号", "身份证号码", "idnumber"),
        "skills": ("技能", "特长"),
        "alliance": ("联盟", "队伍", "所属联盟"),
        "joined_on": ("加入日期", "入队日期", "joined", "joinedon"),
        "role": ("角色", "职务"),
    }
    required = ("name", "phone")
    ROLES = {"member": "member", "成员": "member", "队员": "member",
             "leader": "leader", "队长": "leader", "负责人": "leader"}

    def __init__(self, *, actor, unit, alliances):
        # ``alliances``: the alliances the actor may manage (a selector's queryset).
        self.actor, self.unit = actor, unit
        self.alliances = {a.name: a for a in alliances}

    def clean_row(self, row: ImportRow) -> None:
        raw, data, errors = row.raw, row.data, row.errors
        data["name"] = raw.get("name", "")
        if not data["name"]:
            errors.append(_("The name is missing."))
        data["phone"] = normalise_phone(raw.get("phone", ""))
        data["id_number"] = normalise_id_number(raw.get("id_number", ""))
        for key, validate in (("phone", validate_phone), ("id_number", validate_id_number)):
            if data[key] or key == "phone":
                try:
                    validate(data[key])
                except ValidationError as error:
                    errors.extend(error.messages)
        data["skills"] = raw.get("skills", "")[:200]
        data["alliance_id"] = None
        if raw.get("alliance"):
            alliance = self.alliances.get(raw["alliance"])
            if alliance is None:
                errors.append(
                    _("There is no alliance “%(name)s” among yours.") % {"name": raw["alliance"]}
                )
            else:
                data["alliance_id"] = alliance.pk
        data["joined_on"] = None
        if raw.get("joined_on"):
            try:
                data["joined_on"] = parse_date(raw["joined_on"])
            except ValidationError as error:
                errors.extend(error.messages)
        role = raw.get("role", "").lower() or "member"
        data["role"] = self.ROLES.get(role, "")
        if not data["role"]:
            errors.append(_("The role must be member or leader."))

    def check_rows(self, rows: list[ImportRow]) -> None:
        from volunteers.models import Volunteer

        phones = [row.data["phone"] for row in rows if row.data.get("phone")]
        registered = set(Volunteer.objects.filter(phone__in=phones).values_list("phone", flat=True))
        first_row: dict[str, int] = {}
        for row in rows:
            phone = row.data.get("phone")
            if not phone:
                continue
            if phone in first_row:
                row.errors.append(
                    _("The same phone number is already on row %(row)s.") % {"row": first_row[phone]}
                )
                continue
            first_row[phone] = row.number
            if phone in registered:
                row.skip_reason = _("Already registered: not imported again.")

    def revive(self, row: ImportRow) -> None:
        if row.data.get("joined_on"):
            row.data["joined_on"] = datetime.date.fromisoformat(row.data["joined_on"])

    def write(self, rows: list[ImportRow]) -> int:
        from volunteers import services

        return services.volunteers_import(
            actor=self.actor,
            unit=self.unit,
            rows=[services.VolunteerRow(**row.data, row_number=row.number) for row in rows],
        )
