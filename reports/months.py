"""Calendar months in the bureau's time zone (Asia/Shanghai)."""

import datetime
import re
import zoneinfo

from django.conf import settings
from django.utils import timezone

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> datetime.date:
    """'2026-03' → date(2026, 3, 1); ValueError for anything else."""
    match = _MONTH_RE.match((value or "").strip())
    if not match:
        raise ValueError(value)
    return datetime.date(int(match[1]), int(match[2]), 1)


def format_month(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of the month and of the next one, local time."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime(month.year, month.month, 1, tzinfo=tz)
    nxt = add_months(month, 1)
    return start, datetime.datetime(nxt.year, nxt.month, 1, tzinfo=tz)


def current_month() -> datetime.date:
    return timezone.localdate().replace(day=1)
