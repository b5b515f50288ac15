"""Importing the enterprise register from CSV or XLSX.

Reuses the generic ``volunteers.imports.RowImporter`` (parse → preview with
per-row errors → commit all or nothing); only the columns, the checks of one
row and the write are the enterprise's own. Every row is written through
``enterprises.services.enterprise_save``, as on the page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.services import enterprise_save
from units.imports import ImportRow, RowImporter
from units.validators import (
    normalise_credit_code,
    normalise_phone,
    validate_credit_code,
    validate_phone,
)

_YES = {"1", "y", "yes", "true", "是", "有", "√", "✓", "x"}
_NO = {"", "0", "n", "no", "false", "否", "无"}

# Industry names as registers write them, besides the codes themselves.
_INDUSTRY_ALIASES = {
    "制造": "manufacturing", "制造业": "manufacturing",
    "化工": "chemicals", "危化": "chemicals",
    "汽车": "automotive", "汽车制造": "automotive",
    "新能源": "energy", "能源": "energy",
    "物流": "logistics", "快递": "logistics", "寄递": "logistics", "物流寄递": "logistics",
    "建筑": "construction", "建筑业": "construction",
    "零售": "retail", "餐饮": "retail", "商贸": "retail",
    "信息技术": "technology", "科技": "technology", "软件": "technology",
    "金融": "finance",
    "其他": "other",
}


class EnterpriseImporter(RowImporter):
    """Enterprises of one station. A credit code twice in the file, or one
    already registered, is an error on that row: nothing is imported until
    the sheet is corrected."""

    columns = {
        "name": ("企业名称", "名称", "单位名称", "企业"),
        "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "creditcode", "uscc"),
        "address": ("地址", "企业地址", "住所", "经营地址"),
        "industry": ("行业", "所属行业"),
        "contact_name": ("联系人", "负责人", "contact", "contactperson"),
        "contact_phone": ("联系电话", "电话", "手机", "联系人电话", "phone"),
        "hazardous_chemicals": ("危化品", "危险化学品", "涉危化品", "hazardouschemicals"),
        "logistics": ("物流", "寄递", "物流寄递"),
        "foreign_staff": ("外籍员工", "外籍人员", "foreignstaff"),
    }
    required = ("name", "credit_code", "address", "contact_name", "contact_phone")

    def __init__(self, *, actor, unit):
        self.actor, self.unit = actor, unit

    def clean_row(self, row: ImportRow) -> None:
        raw, data, errors = row.raw, row.data, row.errors
        for key in ("name", "address", "contact_name"):
            data[key] = raw.get(key, "")
        if not data["name"]:
            errors.append(_("The enterprise's name is missing."))
        if not data["address"]:
            errors.append(_("The address is missing."))
        if not data["contact_name"]:
            errors.append(_("The contact person is missing."))
        data["credit_code"] = normalise_credit_code(raw.get("credit_code", ""))
        data["contact_phone"] = normalise_phone(raw.get("contact_phone", ""))
        checks = (("credit_code", validate_credit_code), ("contact_phone", validate_phone))
        for key, validate in checks:
            try:
                validate(data[key])
            except ValidationError as error:
                errors.extend(error.messages)
        data["industry"] = self._industry(raw.get("industry", ""), errors)
        for key in ("hazardous_chemicals", "logistics", "foreign_staff"):
            data[key] = self._flag(raw.get(key, ""), errors)

    def _industry(self, text: str, errors: list[str]) -> str:
        if not text:
            return Enterprise.Industry.OTHER
        lowered = text.strip().lower()
        for value, label in Enterprise.Industry.choices:
            if lowered in (value, str(label).lower()):
                return value
        if text.strip() in _INDUSTRY_ALIASES:
            return _INDUSTRY_ALIASES[text.strip()]
        errors.append(_("“%(value)s” is not a known industry.") % {"value": text})
        return ""

    def _flag(self, text: str, errors: list[str]) -> bool:
        lowered = text.strip().lower()
        if lowered in _YES:
            return True
        if lowered not in _NO:
            errors.append(_("“%(value)s” is not yes or no.") % {"value": text})
        return False

    def check_rows(self, rows: list[ImportRow]) -> None:
        codes = [row.data["credit_code"] for row in rows if row.data.get("credit_code")]
        registered = set(
            Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
        )
        first_row: dict[str, int] = {}
        for row in rows:
            code = row.data.get("credit_code")
            if not code:
                continue
            if code in first_row:
                row.errors.append(
                    _("The same credit code is already on row %(row)s.") % {"row": first_row[code]}
                )
                continue
            first_row[code] = row.number
            if code in registered:
                row.errors.append(_("An enterprise with this credit code is already registered."))

    def write(self, rows: list[ImportRow]) -> int:

        for row in rows:
            try:
                enterprise_save(actor=self.actor, unit=self.unit, **row.data)
            except ValidationError as error:
                raise ValidationError(
                    _("Row %(row)s: %(message)s")
                    % {"row": row.number, "message": " ".join(error.messages)}
                ) from error
        return len(rows)
