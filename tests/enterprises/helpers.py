"""Helpers of the enterprise tests: records made through the real services."""

import datetime
import random

from django.utils import timezone

from enterprises import services
from seeds.enterprises import credit_code
from units.validators import credit_code_check_char

_rng = random.Random(4)


def new_code() -> str:
    return credit_code(_rng)


def wrong_check(code: str) -> str:
    right = code[17]
    wrong = "0" if right != "0" else "1"
    assert credit_code_check_char(code[:17]) != wrong
    return code[:17] + wrong


def make_enterprise(world, *, by=None, unit=None, name="盐城东诚汽车零部件有限公司", **kw):
    return services.enterprise_save(
        actor=by or world.officer,
        name=name,
        credit_code=kw.pop("credit_code", None) or new_code(),
        unit=unit or world.dongcheng,
        address=kw.pop("address", "亭湖区东城大道88号"),
        industry=kw.pop("industry", "automotive"),
        contact_name=kw.pop("contact_name", "钱经理"),
        contact_phone=kw.pop("contact_phone", "13851234567"),
        **kw,
    )


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def log_visit(world, enterprise, *, by=None, days=1, kind="routine", requests=(), **kw):
    return services.visit_log(
        actor=by or world.officer,
        enterprise=enterprise,
        visited_on=kw.pop("visited_on", None) or days_ago(days),
        kind=kind,
        requests=list(requests),
        **kw,
    )


def request_data(*, category="exit_entry", received=None, due_in=5, green=False, text="居留许可即将到期"):
    received = received or days_ago(1)
    return services.RequestData(
        category=category,
        description=text,
        received_on=received,
        due_on=received + datetime.timedelta(days=due_in),
        green_channel=green,
    )


def make_request(world, enterprise, **kw):
    visit = log_visit(world, enterprise, requests=[request_data(**kw)])
    return visit.requests.get()
