"""Fixtures of the volunteer tests: alliances in both sub-bureaus.

    亭湖分局      coordinator (world)
    ├── 东城派出所   东亭有义平安联盟 (patrol), volunteers 陈一 (leader), 刘二
    └── 五星派出所   万家卫士志愿联盟 (mediation), volunteer 周三
    盐都分局      coordinator_yd
    └── 楼王派出所   水乡平安服务队 (patrol), volunteer 吴四
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.conftest import make_user
from units.models import Officer
from volunteers import services


def at(days=0, hours=0):
    """A time relative to now, whole minutes."""
    return (timezone.now() + datetime.timedelta(days=days, hours=hours)).replace(
        second=0, microsecond=0
    )


@pytest.fixture
def vw(world):
    coord, coord_yd = world.coordinator, make_user("coordinator_yd", world.yandu, Officer.Role.COORDINATOR)
    dongting = services.alliance_save(
        actor=coord, name="东亭有义平安联盟", unit=world.dongcheng, focus="patrol", coordinators=[coord]
    )
    wanjia = services.alliance_save(
        actor=coord, name="万家卫士志愿联盟", unit=world.wuxing, focus="mediation"
    )
    shuixiang = services.alliance_save(
        actor=coord_yd, name="水乡平安服务队", unit=world.louwang, focus="patrol",
        coordinators=[coord_yd],
    )

    def volunteer(name, phone, unit, alliance, by=coord, role="member"):
        v = services.volunteer_save(actor=by, name=name, phone=phone, unit=unit)
        services.membership_save(actor=by, volunteer=v, alliance=alliance, role=role,
                                 joined_on=datetime.date(2024, 1, 1))
        return v

    return SimpleNamespace(
        w=world, coord=coord, coord_yd=coord_yd,
        dongting=dongting, wanjia=wanjia, shuixiang=shuixiang,
        chen=volunteer("陈一", "13812340001", world.dongcheng, dongting, role="leader"),
        liu=volunteer("刘二", "13812340002", world.dongcheng, dongting),
        zhou=volunteer("周三", "13812340003", world.wuxing, wanjia),
        wu=volunteer("吴四", "13812340004", world.louwang, shuixiang, by=coord_yd),
    )


def patrol(vw, *, alliance=None, starts=None, hours=3, needed=2, by=None, unit=None):
    alliance = alliance or vw.dongting
    starts = starts or at(hours=-1)
    return services.patrol_schedule(
        actor=by or vw.coord, alliance=alliance, unit=unit or alliance.unit, area="东城小区夜巡",
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours), volunteers_needed=needed,
    )


def tip(vw, *, kind="dispute", unit=None, alliance=None, by=None, volunteer=None):
    return services.tip_submit(
        actor=by or vw.coord, alliance=alliance or vw.dongting, unit=unit or vw.w.dongcheng,
        kind=kind, description="两户因楼道堆物争吵", place="东城小区5栋",
        volunteer=volunteer, received_at=at(hours=-2),
    )
