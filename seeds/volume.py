"""Synthetic volume for ``seed --scale tiny|city|province`` (issue 6).

``city`` is Yancheng over three years: about 130 stations and 883 beats,
22,000 disputes a year, 4,200 enterprises and 39,000 volunteer attendances a
year. ``province`` adds twelve more Jiangsu cities and Wenzhou for about
1,000,000 disputes with their parties, sessions, agreements, follow-ups,
referrals and 110 calls. ``tiny`` is the same generator on the demo tree with a
few hundred disputes, for the test suite.

Why not the services: they write one case at a time (a dozen queries per
step), which would take hours for a province. This module bypasses them by
design and instead writes rows the services *would* have written: every
dispute's timeline is produced by ``Timeline``, a small replay of the
transition table (disputes.workflow.TRANSITIONS) that keeps status, track,
deadline, concluded_at / closed_at, version and the event rows in step, with
the event ``deadline`` the services record. Reference numbers follow
``disputes.services.next_reference`` and the ReferenceCounter rows are set to
the last number issued. tests/test_seed_volume.py checks the rules on
``tiny``.

How rows are written: the small reference tables (units, users, mediators)
with ``bulk_create``; the bulk with PostgreSQL ``COPY … FROM STDIN`` through
psycopg 3's ``cursor.copy()`` (``CopySink``) — several times faster than
``bulk_create``'s multi-row INSERTs, which is what brings a province under
15 minutes on two cores. During the load the secondary indexes of the big
tables are dropped and rebuilt afterwards (one sorted build beats millions
of incremental inserts), and foreign-key triggers are off
(``session_replication_role = replica``: the generator only writes ids it
has just issued). On other databases (SQLite in the tests) ``InsertSink``
writes the same rows with ``executemany``.

Deterministic for a given seed and day: every random choice comes from one
``random.Random(seed)`` and times are measured back from today's midnight.
"""

import bisect
import datetime
import itertools
import random
import time
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models

from disputes.models import (
    Agreement,
    Dispute,
    DisputeEvent,
    FollowUp,
    MediationSession,
    Mediator,
    MediatorSpeciality,
    Party,
    ReferenceCounter,
    Referral,
)
from incidents.models import Incident
from seeds import geography, people, volume_extra
from seeds.bulk import CopySink, InsertSink, Sink, Table
from seeds.scenarios import SCENARIOS
from seeds.units import (
    CHINESE_NUMERALS,
    CITY,
    SUB_BUREAUS,
    WENZHOU_CITY,
    WENZHOU_SUB_BUREAUS,
    YANCHENG_BEATS,
    YANCHENG_FULL,
)
from units.conf import fengqiao
from units.models import Officer, Unit
from units.roles import group_name, sync_roles

R = Officer.Role
EK = DisputeEvent.Kind
PASSWORD = "demo12345"


@dataclass(frozen=True)
class Scale:
    # Cities by code (see CITIES); Yancheng is always first.
    cities: tuple[str, ...]
    years: int
    # Disputes over the whole period, per city (Yancheng may differ).
    disputes_yancheng: int
    disputes_other: int
    full_yancheng: bool
    enterprises: int
    attendances_per_year: int
    officers_per_station: int = 3


SCALES = {
    "tiny": Scale(("YC",), 1, 300, 0, False, 20, 300, 2),
    "city": Scale(("YC",), 3, 66_000, 0, True, 4_200, 39_000),
    "province": Scale(
        ("YC", "NJ", "WXI", "XZ", "CZ", "SZ", "NT", "LYG", "HA", "YZ", "ZJ", "TZ", "SQ", "WZ"),
        3, 66_000, 71_800, True, 4_200, 39_000,
    ),
}

# The other cities of ``province``: (name, area code prefix, districts). Unit
# names are place names; stations are numbered within their district.
CITIES = {
    "NJ": ("南京市公安局", "3201", "玄武 秦淮 建邺 鼓楼 浦口 栖霞 雨花台 江宁 六合 溧水 高淳"),
    "WXI": ("无锡市公安局", "3202", "梁溪 锡山 惠山 滨湖 新吴 江阴 宜兴"),
    "XZ": ("徐州市公安局", "3203", "鼓楼 云龙 贾汪 泉山 铜山 丰县 沛县 睢宁 新沂 邳州"),
    "CZ": ("常州市公安局", "3204", "天宁 钟楼 新北 武进 金坛 溧阳"),
    "SZ": ("苏州市公安局", "3205", "姑苏 虎丘 吴中 相城 吴江 常熟 张家港 昆山 太仓"),
    "NT": ("南通市公安局", "3206", "崇川 通州 海门 如东 启东 如皋 海安"),
    "LYG": ("连云港市公安局", "3207", "连云 海州 赣榆 东海 灌云 灌南"),
    "HA": ("淮安市公安局", "3208", "淮安 淮阴 清江浦 洪泽 涟水 盱眙 金湖"),
    "YZ": ("扬州市公安局", "3210", "广陵 邗江 江都 宝应 仪征 高邮"),
    "ZJ": ("镇江市公安局", "3211", "京口 润州 丹徒 丹阳 扬中 句容"),
    "TZ": ("泰州市公安局", "3212", "海陵 高港 姜堰 兴化 靖江 泰兴"),
    "SQ": ("宿迁市公安局", "3213", "宿城 宿豫 沭阳 泗阳 泗洪"),
    "WZ": (WENZHOU_CITY[0], "3303", "龙湾 瓯海 洞头 瑞安 乐清 永嘉 平阳 苍南"),
}
STATIONS_PER_CITY = 130
BEATS_PER_STATION = 7

ROADS = ["人民路", "建设路", "解放路", "新华路", "幸福路", "文化路", "和平路", "团结路",
         "开放大道", "青年路", "健康路", "迎宾大道"]
ESTATES = ["花园", "新村", "小区", "家园", "名苑", "佳苑"]

# Share of disputes by scenario (seeds.scenarios): neighbourhood and family
# cases dominate police mediation; medical and land cases are rare.
SCENARIO_WEIGHTS = [9, 7, 8, 4, 5, 3, 5, 3, 2, 3, 6, 4, 3, 4, 1, 4, 4, 3, 2, 2]
TRACKS = ["immediate", "online", "joint", "professional"]
TRACK_WEIGHTS = [55, 10, 20, 15]
RISKS = ["low", "medium", "high"]
RISK_WEIGHTS = [70, 24, 6]
SOURCES = ["call_110", "walk_in", "volunteer_tip", "enterprise_visit", "grid_worker"]
SOURCE_WEIGHTS = [45, 28, 9, 4, 14]
# Seasonality: more disputes in summer and around the Spring Festival.
MONTH_WEIGHTS = [1.1, 1.15, 0.9, 0.95, 1.0, 1.05, 1.2, 1.2, 1.0, 0.95, 0.9, 1.0]
WEEKDAY_WEIGHTS = [1.0, 1.0, 1.0, 1.0, 1.05, 1.2, 1.15]
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 6, 7, 8, 8, 8, 8, 9, 9, 8, 6, 4, 2]
# Days from receipt to the outcome, by track: (low, mode, high) of a triangle.
DURATION_DAYS = {
    "immediate": (0.05, 0.4, 6), "online": (1, 6, 22),
    "joint": (3, 14, 45), "professional": (3, 12, 40),
}
RESOLVED_SHARE = 0.985  # of concluded cases (published resolution rate ≈ 98 %)
WITHDRAWN_SHARE = 0.012
STUCK_SHARE = 0.006  # never concluded: the long tail of old open cases
REPEAT_CALL_SHARE = 0.10  # calls again while the case is open
REOPEN_SHARE = 0.015  # of closed cases: a recurrence reopens them
TRACK_CHANGE_SHARE = 0.06  # immediate cases moved to the joint track
TRANSFER_SHARE = 0.01














class Ids:
    """The next primary key of each model: max(id) + 1 at the start."""

    def __init__(self):
        self.next: dict[type, int] = {}

    def __call__(self, model) -> int:
        if model not in self.next:
            last = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
            self.next[model] = last + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


# ---- the unit tree, users and mediators ---------------------------------------------------


@dataclass
class Station:
    unit: Unit
    city: str
    area: str
    beats: list[int] = field(default_factory=list)
    officers: list[int] = field(default_factory=list)
    lead: int = 0
    mediators: list[int] = field(default_factory=list)
    town: str = ""


def _tree_nodes(scale: Scale, rng: random.Random) -> list[tuple[str, str, str, str | None, str]]:
    """(name, code, kind, parent code, area code) of every unit, parents first."""
    K = Unit.Kind
    nodes = [(CITY[0], CITY[1], K.CITY_BUREAU, None, "")]
    full = {code: towns for _, code, _, towns in YANCHENG_FULL} if scale.full_yancheng else {}
    stations: list[tuple[str, str, str, str]] = []  # (name, code, parent, area)
    demo = {code: stations_ for _, code, stations_ in SUB_BUREAUS}
    for name, code, area, towns in YANCHENG_FULL:
        if code not in demo and code not in full:
            continue
        nodes.append((name, code, K.SUB_BUREAU, CITY[1], area))
        for station_name, station_code, _beats in demo.get(code, []):
            stations.append((station_name, station_code, code, area))
        for i, town in enumerate(full.get(code, []), start=1):
            stations.append((f"{town}派出所", f"{code}-{i:02d}", code, area))
    nodes += [(n, c, K.STATION, p, a) for n, c, p, a in stations]
    beats_wanted = YANCHENG_BEATS if scale.full_yancheng else 2 * len(stations)
    per_station = _spread(beats_wanted, len(stations), rng)
    for (name, code, _, area), n in zip(stations, per_station):
        short = name.removesuffix("派出所")
        for b in range(n):
            nodes.append((f"{short}{CHINESE_NUMERALS[b]}警区", f"{code}-{b + 1:02d}", K.BEAT, code,
                          area))
    for city in scale.cities[1:]:
        nodes += _city_nodes(city)
    return nodes


def _spread(total: int, n: int, rng: random.Random) -> list[int]:
    """``total`` beats over ``n`` stations: at least 2, at most 16 each."""
    counts = [2] * n
    for _ in range(total - 2 * n):
        i = rng.randrange(n)
        while counts[i] >= len(CHINESE_NUMERALS):
            i = rng.randrange(n)
        counts[i] += 1
    return counts


def _city_nodes(city: str) -> list[tuple]:
    K = Unit.Kind
    name, prefix, districts = CITIES[city]
    districts = districts.split()
    nodes = [(name, city, K.CITY_BUREAU, None, "")]
    per_district = STATIONS_PER_CITY // len(districts)
    for d, district in enumerate(districts, start=1):
        sub = f"{city}{d:02d}"
        area = f"{prefix}{d:02d}"
        nodes.append((f"{district}分局", sub, K.SUB_BUREAU, city, area))
        for s in range(1, per_district + 1):
            station = f"{sub}-{s:02d}"
            label = f"{district}第{CHINESE_NUMERALS[(s - 1) % 16]}" + ("" if s <= 16 else f"{s}")
            nodes.append((f"{label}派出所", station, K.STATION, sub, area))
            for b in range(1, BEATS_PER_STATION + 1):
                nodes.append((f"{label}{CHINESE_NUMERALS[b - 1]}警区", f"{station}-{b:02d}",
                              K.BEAT, station, area))
    if city == "WZ":
        # Lucheng with the stations of the "八仙堂" article.
        nodes.append((WENZHOU_SUB_BUREAUS[0][0], "LC", K.SUB_BUREAU, "WZ", "330302"))
        for station_name, code, beats in WENZHOU_SUB_BUREAUS[0][2]:
            nodes.append((station_name, code, K.STATION, "LC", "330302"))
            nodes += [(n, c, K.BEAT, code, "330302") for n, c in beats]
    return nodes


def build_units(scale: Scale, rng: random.Random) -> tuple[dict[str, Unit], dict[str, str]]:
    """Create the tree with bulk inserts, level by level, then the paths."""
    nodes = _tree_nodes(scale, rng)
    units: dict[str, Unit] = {}
    areas = {code: area for _, code, _, _, area in nodes}
    for level in (Unit.Kind.CITY_BUREAU, Unit.Kind.SUB_BUREAU, Unit.Kind.STATION, Unit.Kind.BEAT):
        batch = [
            Unit(name=name, code=code, kind=kind, parent=units.get(parent), path="", depth=0)
            for name, code, kind, parent, _ in nodes if kind == level
        ]
        Unit.objects.bulk_create(batch, batch_size=2000)
        if batch[0].pk is None:  # a backend without RETURNING
            by_code = Unit.objects.in_bulk([u.code for u in batch], field_name="code")
            batch = [by_code[u.code] for u in batch]
        for unit in batch:
            prefix = unit.parent.path if unit.parent is not None else ""
            unit.path = f"{prefix}{unit.pk:06d}."
            unit.depth = unit.path.count(".") - 1
            units[unit.code] = unit
        Unit.objects.bulk_update(batch, ["path", "depth"], batch_size=2000)
    return units, areas


DEMO_USERS = [
    ("officer", "王警官", "TH-DC", R.OFFICER),
    ("officer2", "赵警官", "TH-WX", R.OFFICER),
    ("lead", "李所长", "TH-DC", R.STATION_LEAD),
    ("lead2", "陈所长", "TH-WX", R.STATION_LEAD),
    ("coordinator", "周协调员", "TH", R.COORDINATOR),
    ("supervisor", "吴督察", "TH", R.SUPERVISOR),
]


def build_users(scale: Scale, units: dict[str, Unit], rng: random.Random) -> dict:
    """The demo logins (password demo12345) and the staff of every station,
    who cannot sign in. Returns {"stations": {code: Station}, "users": {...}}."""
    User = get_user_model()
    sync_roles()
    demo_hash = make_password(PASSWORD)
    rows: list[tuple[object, str, str]] = []  # (user, unit code, role)
    for username, display, code, role in DEMO_USERS:
        rows.append((User(username=username, first_name=display, password=demo_hash), code, role))
    admin = User(username="admin", email="admin@example.invalid", password=demo_hash,
                 is_superuser=True, is_staff=True)
    rows.append((admin, "YC", R.ADMIN))
    for unit in units.values():
        if unit.kind != Unit.Kind.STATION:
            continue
        wanted = scale.officers_per_station - (1 if unit.code in ("TH-DC", "TH-WX") else 0)
        short = unit.code.lower()
        for i in range(wanted):
            rows.append((User(username=f"{short}.officer{i + 1}", password="!seeded",
                              first_name=people.name(rng) + "警官"), unit.code, R.OFFICER))
        if unit.code not in ("TH-DC", "TH-WX"):
            rows.append((User(username=f"{short}.lead", password="!seeded",
                              first_name=people.name(rng) + "所长"), unit.code, R.STATION_LEAD))
    for unit in units.values():
        if unit.kind == Unit.Kind.SUB_BUREAU and unit.code != "TH":
            rows.append((User(username=f"{unit.code.lower()}.supervisor", password="!seeded",
                              first_name=people.name(rng) + "督察"), unit.code, R.SUPERVISOR))
    User.objects.bulk_create([u for u, _, _ in rows], batch_size=2000)
    by_name = dict(User.objects.values_list("username", "pk"))
    groups = {role: Group.objects.get(name=group_name(role)).pk for role in R.values}
    Officer.objects.bulk_create(
        [Officer(user_id=by_name[u.username], unit=units[code], role=role) for u, code, role in rows],
        batch_size=2000,
    )
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=by_name[u.username], group_id=groups[role]) for u, _, role in rows],
        batch_size=2000,
    )
    stations: dict[str, Station] = {}
    for unit in units.values():
        if unit.kind == Unit.Kind.STATION:
            stations[unit.code] = Station(unit=unit, city=_city_of(unit, units), area="")
    for unit in units.values():
        if unit.kind == Unit.Kind.BEAT:
            stations[unit.parent.code].beats.append(unit.pk)
    for u, code, role in rows:
        if code in stations:
            if role == R.STATION_LEAD:
                stations[code].lead = by_name[u.username]
            else:
                stations[code].officers.append(by_name[u.username])
    return {"stations": stations, "users": by_name}


def _city_of(unit: Unit, units: dict[str, Unit]) -> str:
    while unit.parent is not None:
        unit = unit.parent
    return unit.code


MEDIATOR_ORGS = {
    "judicial": "{d}司法所", "lawyer": "{d}律师事务所", "enforcement": "{d}综合行政执法局",
    "market": "{d}市场监督管理局", "school": "{d}实验学校", "women": "{d}妇女联合会",
    "resident": "{d}社区居民代表", "professional": "{d}平安服务中心",
}
KIND_SPECIALITIES = {
    "judicial": ["neighbourhood", "land", "debt"], "lawyer": ["labour", "debt", "medical"],
    "enforcement": ["property", "neighbourhood"], "market": ["consumer"],
    "school": ["family"], "women": ["family"], "resident": ["neighbourhood", "property"],
    "professional": ["labour", "traffic", "neighbourhood"],
}


def build_mediators(units: dict[str, Unit], stations: dict[str, Station], rng) -> None:
    """One mediator of every "八仙堂" kind per sub-bureau; stations use their
    sub-bureau's pool."""
    subs = [u for u in units.values() if u.kind == Unit.Kind.SUB_BUREAU]
    mediators = [
        Mediator(name=people.name(rng), kind=kind, unit=sub, phone=people.phone(rng),
                 organisation=org.format(d=sub.name.removesuffix("分局").removesuffix("公安局")))
        for sub in subs for kind, org in MEDIATOR_ORGS.items()
    ]
    Mediator.objects.bulk_create(mediators, batch_size=2000)
    if mediators and mediators[0].pk is None:
        mediators = list(Mediator.objects.order_by("pk"))
    MediatorSpeciality.objects.bulk_create(
        [MediatorSpeciality(mediator=m, category=c) for m in mediators
         for c in KIND_SPECIALITIES[m.kind]], batch_size=2000,
    )
    by_sub: dict[int, list[tuple[int, str]]] = {}
    for m in mediators:
        by_sub.setdefault(m.unit_id, []).append((m.pk, m.kind))
    for station in stations.values():
        station.mediators = by_sub.get(station.unit.parent_id, [])


# ---- disputes ------------------------------------------------------------------------------


class Timeline:
    """One case's life, replayed by the transition table's rules.

    Each method is one service action: it checks the status it starts from
    (an AssertionError here is a bug in the generator, never data), changes
    the case as the service does and records the event the service writes.
    """

    __slots__ = ("events", "status", "track", "deadline", "concluded_at", "closed_at",
                 "version", "officer", "unit", "follow_ups", "last")

    def __init__(self, unit: int, officer: int):
        self.events: list[tuple] = []
        self.status, self.track, self.deadline = "", "", None
        self.concluded_at = self.closed_at = None
        self.version, self.officer, self.unit = 0, officer, unit
        # [due_on, done_at, officer, method, finding, satisfaction]
        self.follow_ups: list[list] = []
        self.last = None

    def _event(self, kind, actor, at, *, frm="", to="", ftrack="", ttrack="", funit=None,
               tunit=None, foff=None, toff=None, deadline=None, note=""):
        assert self.last is None or at >= self.last, (kind, at, self.last)
        self.last = at
        self.events.append((kind, actor, at, frm, to, ftrack, ttrack, funit, tunit, foff, toff,
                            deadline, note))

    def _move(self, kind, actor, at, sources, target, note="", **extra):
        assert self.status in sources, (kind, self.status)
        frm = self.status
        self.status = target or self.status
        self.version += 1
        self._event(kind, actor, at, frm=frm, to=self.status, deadline=self.deadline, note=note,
                    **extra)

    def register(self, actor, at):
        self.status, self.version = "registered", 1
        self._event(EK.REGISTERED, actor, at, to="registered", tunit=self.unit, toff=self.officer)

    def assess(self, actor, at, track, days):
        self.track, self.deadline = track, at + datetime.timedelta(days=days[track])
        self._move(EK.ASSESSED, actor, at, ("registered",), "assessed", ttrack=track)

    def dispatch(self, actor, at, officer):
        previous, self.officer = self.officer, officer
        self._move(EK.DISPATCHED, actor, at, ("assessed",), "in_mediation", foff=previous,
                   toff=officer)

    def change_track(self, actor, at, track, days, note):
        previous, self.track = self.track, track
        self.deadline = at + datetime.timedelta(days=days[track])
        self._move(EK.TRACK_CHANGED, actor, at, ("assessed", "in_mediation"), None, note=note,
                   ftrack=previous, ttrack=track)

    def transfer(self, actor, at, to_unit, note):
        assert self.status in ("registered", "assessed", "in_mediation")
        from_unit, from_officer, from_track = self.unit, self.officer, self.track
        self.unit, self.officer, self.track, self.deadline = to_unit, None, "", None
        self._move(EK.TRANSFERRED, actor, at, ("registered", "assessed", "in_mediation"),
                   "registered", note=note, funit=from_unit, tunit=to_unit, foff=from_officer,
                   ftrack=from_track)

    def session(self, actor, at, note):
        assert self.status == "in_mediation"
        self._event(EK.SESSION, actor, at, note=note)

    def resolve(self, actor, at, follow_up_days, note=""):
        self.concluded_at = at
        self._move(EK.RESOLVED, actor, at, ("in_mediation",), "resolved", note=note)
        today = _local_date(at)
        for days in follow_up_days:
            self.follow_ups.append([today + datetime.timedelta(days=days), None, None, "", "", ""])

    def fail(self, actor, at, note):
        self.concluded_at = at
        self._move(EK.FAILED, actor, at, ("in_mediation",), "unresolved", note=note)

    def verify(self, actor, at, note):
        self.closed_at = at
        self._move(EK.VERIFIED, actor, at, ("resolved", "unresolved"), "closed", note=note)

    def withdraw(self, actor, at, note):
        self.closed_at = at
        self._move(EK.WITHDRAWN, actor, at, ("registered", "assessed", "in_mediation"),
                   "withdrawn", note=note)

    def reopen(self, actor, at, days, note):
        self.concluded_at = self.closed_at = None
        self.deadline = at + datetime.timedelta(days=days[self.track or "joint"])
        self.track = self.track or "joint"
        self.follow_ups = [f for f in self.follow_ups if f[1] is not None]
        self._move(EK.REOPENED, actor, at, ("resolved", "closed"), "in_mediation", note=note)

    def follow_up(self, actor, at, method, finding, satisfaction, note):
        assert self.status in ("resolved", "closed")
        pending = [f for f in self.follow_ups if f[1] is None]
        row = min(pending, key=lambda f: f[0]) if pending else None
        if row is None:
            row = [None, None, None, "", "", ""]
            self.follow_ups.append(row)
        row[1:] = [at, actor, method, finding, satisfaction]
        self._event(EK.FOLLOW_UP, actor, at, note=note)

    def link_call(self, actor, at, number):
        self._event(EK.INCIDENT_LINKED, actor, at, note=number)


_TZ = None


def _local_date(moment: datetime.datetime) -> datetime.date:
    global _TZ
    _TZ = _TZ or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return moment.astimezone(_TZ).date()


class Generator:
    def __init__(self, scale: Scale, seed: int, sink: Sink, log=print):
        self.scale, self.rng, self.sink, self.log = scale, random.Random(seed), sink, log
        # Locations draw from their own generator (the rest is the same with
        # or without them); boxes are the units' synthetic outlines by unit id.
        self.places = random.Random(seed * 7919 + 1)
        self.boxes: dict[int, tuple] = {}
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        today = datetime.datetime.now(tz).date()
        # Everything happens before today's midnight: the same seed on the same
        # day gives the same rows.
        self.now = datetime.datetime.combine(today, datetime.time(), tzinfo=tz)
        self.ids = Ids()
        self.days = fengqiao("TRACK_DEADLINE_DAYS")
        self.follow_up_days = fengqiao("FOLLOW_UP_DAYS")
        self.call_seq = 0
        now = self.now
        self.t_dispute = Table(Dispute, [
            "id", "reference", "title", "category", "source", "received_at", "place", "unit_id",
            "beat_id", "assigned_officer_id", "risk_level", "track", "status", "deadline",
            "summary", "resolution_note", "concluded_at", "closed_at", "created_by_id",
            "created_at", "updated_at", "version", "latitude", "longitude"], now)
        self.t_party = Table(Party, ["id", "dispute_id", "name", "role", "id_number", "phone",
                                     "address"], now)
        self.t_event = Table(DisputeEvent, [
            "id", "dispute_id", "kind", "actor_id", "at", "from_status", "to_status",
            "from_track", "to_track", "from_unit_id", "to_unit_id", "from_officer_id",
            "to_officer_id", "deadline", "note"], now)
        self.t_session = Table(MediationSession, ["id", "dispute_id", "held_at", "mode",
                                                  "outcome", "notes", "recorded_by_id",
                                                  "created_at"], now)
        self.t_session_officer = Table(MediationSession.officers.through,
                                       ["mediationsession_id", "user_id"], now)
        self.t_session_mediator = Table(MediationSession.mediators.through,
                                        ["mediationsession_id", "mediator_id"], now)
        self.t_dispute_mediator = Table(Dispute.mediators.through, ["dispute_id", "mediator_id"],
                                        now)
        self.t_agreement = Table(Agreement, ["id", "dispute_id", "terms", "signed_on",
                                             "performance_due", "performance", "created_at"], now)
        self.t_follow_up = Table(FollowUp, ["id", "dispute_id", "due_on", "done_at",
                                            "officer_id", "method", "finding", "satisfaction",
                                            "notes"], now)
        self.t_referral = Table(Referral, ["id", "dispute_id", "target", "target_name",
                                           "sent_at", "state", "reason", "answer", "answered_at",
                                           "created_by_id"], now)
        self.t_incident = Table(Incident, [
            "id", "number", "received_at", "caller_name", "caller_phone", "address", "unit_id",
            "category", "summary", "handling_officer_id", "dispute_id", "linked_at",
            "is_repeat", "created_at", "latitude", "longitude"], now)
        self.counters: dict[tuple[int, int], int] = {}
        self.tip_disputes: list[tuple] = []  # Yancheng disputes that came from tips
        self._day_weights()

    def place(self, unit_id: int) -> tuple:
        """(latitude, longitude) inside the unit's outline, or no location."""
        box = self.boxes.get(unit_id)
        return geography.point_in(box, self.places) if box else (None, None)

    def _day_weights(self):
        span = self.scale.years * 365
        first = self.now.date() - datetime.timedelta(days=span)
        self.days_list = [first + datetime.timedelta(days=i) for i in range(span)]
        cum, total = [], 0.0
        for day in self.days_list:
            total += MONTH_WEIGHTS[day.month - 1] * WEEKDAY_WEIGHTS[day.weekday()]
            cum.append(total)
        self.day_cum = cum
        self.hour_cum = list(itertools.accumulate(HOUR_WEIGHTS))
        self.scenario_cum = list(itertools.accumulate(SCENARIO_WEIGHTS))

    # ---- one city -----------------------------------------------------------------------
    def city(self, code: str, stations: list[Station], total: int, areas: dict) -> None:
        rng = self.rng
        weights = list(itertools.accumulate(rng.lognormvariate(0, 0.5) for _ in stations))
        picks = rng.choices(range(len(stations)), cum_weights=weights, k=total)
        days = rng.choices(self.days_list, cum_weights=self.day_cum, k=total)
        hours = rng.choices(range(24), cum_weights=self.hour_cum, k=total)
        tz = self.now.tzinfo
        cases = sorted(
            (datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=tz),
             i)
            for day, hour, i in zip(days, hours, picks)
        )
        for received, i in cases:
            if received >= self.now:
                continue
            self.dispute(stations[i], received, areas, code == "YC", stations)

    def reference(self, station: Station, at: datetime.datetime) -> str:
        year = _local_date(at).year
        key = (station.unit.pk, year)
        self.counters[key] = seq = self.counters.get(key, 0) + 1
        return f"{station.unit.code}-{year}-{seq:05d}"

    def dispute(self, station: Station, received, areas, yancheng: bool, stations) -> None:
        rng, sink, now = self.rng, self.sink, self.now
        pk = self.ids(Dispute)
        scenario = SCENARIOS[bisect.bisect(self.scenario_cum, rng.random() * self.scenario_cum[-1])]
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        if source == "call_110" and not scenario.call:
            source = "walk_in"
        officer = rng.choice(station.officers)
        lead = station.lead
        beat = rng.choice(station.beats) if station.beats and rng.random() < 0.9 else None
        area = areas.get(station.unit.parent.code) or "320902"
        parties = self.parties(pk, area, station)
        place = parties[0][6]
        registered = received + datetime.timedelta(minutes=rng.randint(3, 90))
        registered = max(received, min(registered, now - datetime.timedelta(minutes=1)))
        reference = self.reference(station, registered)
        t = Timeline(station.unit.pk, officer)
        t.register(officer, registered)
        if source == "call_110":
            self.call(station, officer, received - datetime.timedelta(minutes=rng.randint(5, 40)),
                      parties[0], scenario, pk, registered, t, repeat=False)
        mediators: list[int] = []
        sessions: list[tuple] = []
        agreement = referral = None
        resolution_note = ""
        self.life(t, station, stations, scenario, received, registered, officer, lead,
                  mediators, sessions, parties)
        failed = any(e[0] == EK.FAILED for e in t.events)
        assessed = any(e[0] == EK.ASSESSED for e in t.events)
        risk = self._risk_value if assessed else ""
        if t.status in ("resolved", "closed") and not failed:
            if rng.random() < 0.85:
                signed = _local_date(t.concluded_at)
                agreement = (scenario.agreement, signed,
                             signed + datetime.timedelta(days=rng.choice([7, 15, 30])))
            else:
                resolution_note = "双方当场达成口头和解，民警见证。"
        if failed:
            referral = scenario.referral
            resolution_note = "调解未果，已移交处理。"
        # Rows.
        unit_now = t.unit
        if unit_now != station.unit.pk:
            station = next(s for s in stations if s.unit.pk == unit_now)
            beat = None
        updated = t.last
        for f in t.follow_ups:
            if f[1] is not None and f[1] > updated:
                updated = f[1]
        sink.add(self.t_dispute, (
            pk, reference, scenario.title, scenario.category, source, received, place,
            station.unit.pk, beat, t.officer, risk,
            t.track, t.status, t.deadline, scenario.summary, resolution_note, t.concluded_at,
            t.closed_at, officer, registered, updated, t.version,
            *self.place(beat or station.unit.pk),
        ))
        for row in parties:
            sink.add(self.t_party, row[:7])
        for m in mediators:
            sink.add(self.t_dispute_mediator, (pk, m))
        for held_at, actor, outcome, notes in sessions:
            sid = self.ids(MediationSession)
            sink.add(self.t_session, (sid, pk, held_at, rng.choice(("on_site", "room", "video")),
                                      outcome, notes, actor, held_at))
            sink.add(self.t_session_officer, (sid, actor))
            for m in mediators:
                sink.add(self.t_session_mediator, (sid, m))
        if agreement:
            performed = "performed" if agreement[2] < now.date() else "pending"
            sink.add(self.t_agreement, (self.ids(Agreement), pk, agreement[0], agreement[1],
                                        agreement[2], performed, t.concluded_at))
        if referral:
            sent = next(e[2] for e in reversed(t.events) if e[0] == EK.FAILED)
            sink.add(self.t_referral, (self.ids(Referral), pk, referral[0], referral[1], sent,
                                       "answered", "调解未能达成一致，移交相关部门依法处理。",
                                       "已受理，依法处理中。", sent + datetime.timedelta(days=3),
                                       t.officer or officer))
        for due, done, by, method, finding, satisfaction in t.follow_ups:
            sink.add(self.t_follow_up, (self.ids(FollowUp), pk, due, done, by, method, finding,
                                        satisfaction, "回访双方，关系平稳。" if done else ""))
        for event in sorted(t.events, key=lambda e: e[2]):
            sink.add(self.t_event, (self.ids(DisputeEvent), pk) + event)
        if yancheng and source == "volunteer_tip":
            self.tip_disputes.append((pk, station, beat, received, place, t.officer or officer))

    def life(self, t: Timeline, station, stations, scenario, received, registered, officer,
             lead, mediators, sessions, parties) -> None:
        """Play the case forward from registration up to today."""
        rng, now, days = self.rng, self.now, self.days
        track = rng.choices(TRACKS, TRACK_WEIGHTS)[0]
        self._risk_value = rng.choices(RISKS, RISK_WEIGHTS)[0]
        low, mode, high = DURATION_DAYS[track]
        outcome_at = received + datetime.timedelta(days=rng.triangular(low, high, mode))
        stuck = rng.random() < STUCK_SHARE
        withdrawn = rng.random() < WITHDRAWN_SHARE
        step = registered
        def later(hours_low, hours_high):
            nonlocal step
            step = step + datetime.timedelta(hours=rng.uniform(hours_low, hours_high))
            return step
        if rng.random() < TRANSFER_SHARE and len(stations) > 1:
            others = [s for s in stations if s.unit.parent_id == station.unit.parent_id
                      and s is not station] or [s for s in stations if s is not station]
            to = rng.choice(others)
            at = later(0.5, 6)
            if at >= now:
                return
            t.transfer(lead, at, to.unit.pk, "当事人居住在其他派出所辖区，移交属地调解。")
            station, officer, lead = to, rng.choice(to.officers), to.lead
            t.officer = None
        assess_at = later(0.2, 8)
        if assess_at >= now:
            return
        t.assess(officer, assess_at, track, days)
        if withdrawn:
            at = later(12, 240)
            if at < now:
                t.withdraw(officer, at, "申请人表示双方已自行和解，撤回调解申请。")
            return
        dispatch_at = later(0.1, 12)
        if dispatch_at >= now:
            return
        if track in ("joint", "professional") and station.mediators:
            fitting = [m for m, kind in station.mediators if kind in scenario.mediator_kinds]
            pool = fitting or [m for m, _ in station.mediators]
            mediators += rng.sample(pool, k=min(len(pool), rng.choice((1, 2))))
        t.dispatch(officer if track == "immediate" else lead, dispatch_at, officer)
        if track == "immediate" and rng.random() < TRACK_CHANGE_SHARE:
            at = later(6, 48)
            if at >= now:
                return
            t.change_track(officer, at, "joint", days, "现场调解未果，双方分歧较大，转联动调解。")
            outcome_at += datetime.timedelta(days=rng.uniform(5, 20))
        outcome_at = max(outcome_at, step + datetime.timedelta(hours=1))
        n_sessions = 0 if track == "immediate" else rng.choice((0, 1, 1, 2))
        for k in range(n_sessions):
            at = step + (outcome_at - step) * (k + 1) / (n_sessions + 1)
            if at >= now:
                break
            step = at
            sessions.append((at, officer, "progress", "双方陈述意见，情绪趋于平稳，约定再次调解。"))
            t.session(officer, at, "双方陈述意见，情绪趋于平稳，约定再次调解。")
        if rng.random() < REPEAT_CALL_SHARE and parties and self._has_call(t):
            at = step + (min(outcome_at, now) - step) * rng.uniform(0.2, 0.8)
            if step < at < now:
                self.call(station, officer, at - datetime.timedelta(minutes=30), parties[0],
                          scenario, None, at, t, repeat=True)
                step = at
        if stuck or outcome_at >= now:
            return
        resolved = rng.random() < RESOLVED_SHARE
        final = outcome_at - datetime.timedelta(minutes=30)
        if final > step:
            sessions.append((final, officer, "agreement" if resolved else "no_agreement",
                             "双方当面协商，达成调解协议。" if resolved else "双方分歧较大，未能达成一致。"))
            t.session(officer, final, sessions[-1][3])
        step = max(step, outcome_at)
        if not resolved:
            t.fail(officer, step, "调解未果，已移交处理。")
            verify_at = later(24, 240)
            if verify_at < now:
                t.verify(lead, verify_at, "已移交相关部门，核查后结案。")
            return
        self.resolved(t, officer, lead, step, station, scenario, parties)

    def resolved(self, t, officer, lead, at, station, scenario, parties, reopened=False):
        rng, now = self.rng, self.now
        t.resolve(officer, at, self.follow_up_days)
        verify_at = at + datetime.timedelta(days=rng.uniform(1, 12))
        events = []
        for f in list(t.follow_ups):
            if f[1] is None:
                done = datetime.datetime.combine(f[0], datetime.time(10), tzinfo=now.tzinfo)
                done += datetime.timedelta(days=rng.uniform(-1, 3))
                # A few recent follow-ups are still to be done: the "due" lists.
                if done < now and not (now - done < datetime.timedelta(days=20)
                                       and rng.random() < 0.15):
                    events.append((max(done, at + datetime.timedelta(hours=1)), f))
        actions = [(verify_at, "verify", None)] + [(d, "follow_up", f) for d, f in events]
        for when, kind, _ in sorted(actions, key=lambda a: a[0]):
            if when >= now:
                break
            if kind == "verify":
                t.verify(lead, when, "经回访核实，协议已履行，予以结案。")
            else:
                satisfaction = rng.choices(("satisfied", "neutral", "dissatisfied", ""),
                                           (92, 5, 2, 1))[0]
                t.follow_up(officer, when, rng.choice(("phone", "visit")),
                            "stable" if rng.random() < 0.96 else "risk", satisfaction,
                            "回访双方，协议履行情况良好，关系平稳。")
        if (not reopened and t.status == "closed" and rng.random() < REOPEN_SHARE
                and self._has_call(t)):
            at = t.last + datetime.timedelta(days=rng.uniform(3, 60))
            if at < now:
                self.call(station, officer, at - datetime.timedelta(minutes=20), parties[0],
                          scenario, None, at, t, repeat=True)
                t.reopen(officer, at + datetime.timedelta(hours=1), self.days,
                         "当事人再次报警称纠纷复发，重新组织调解。")
                again = at + datetime.timedelta(days=rng.uniform(1, 10))
                if again < now:
                    self.resolved(t, officer, lead, again, station, scenario, parties, True)

    def _has_call(self, t: Timeline) -> bool:
        return any(e[0] == EK.INCIDENT_LINKED for e in t.events)

    def parties(self, pk: int, area: str, station: Station) -> list[tuple]:
        rng = self.rng
        town = station.unit.name.removesuffix("派出所")
        rows = []
        for role in ("applicant", "respondent") + (("other",) if rng.random() < 0.1 else ()):
            if rng.random() < 0.5:
                address = f"{town}{rng.choice(ESTATES)}{rng.randint(1, 40)}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
            else:
                address = f"{town}{rng.choice(ROADS)}{rng.randint(1, 400)}号"
            id_number = people.id_number(rng, area) if role == "applicant" or rng.random() < 0.5 else ""
            rows.append((self.ids(Party), pk, people.name(rng), role, id_number,
                         people.phone(rng), address))
        return rows

    def call(self, station, officer, received, caller, scenario, dispute_pk, linked_at,
             t: Timeline | None, *, repeat: bool, summary: str = "") -> None:
        self.call_seq += 1
        number = f"110-{_local_date(received):%Y%m%d}-{self.call_seq:07d}"
        linked = t is not None
        self.sink.add(self.t_incident, (
            self.ids(Incident), number, received, caller[2], caller[5], caller[6],
            station.unit.pk, scenario.call or "dispute",
            summary or ("报警人称纠纷再次发生，请求民警到场。" if repeat else scenario.summary),
            officer, caller[1] if linked else None, linked_at if linked else None,
            repeat, received, *self.place(station.unit.pk),
        ))
        if linked:
            t.link_call(officer, linked_at, number)

    def loose_calls(self, stations: list[Station], n: int) -> None:
        """Calls that never became disputes (thefts, requests for help…)."""
        rng = self.rng
        days = rng.choices(self.days_list, cum_weights=self.day_cum, k=n)
        tz = self.now.tzinfo
        for day in days:
            station = rng.choice(stations)
            at = datetime.datetime.combine(day, datetime.time(rng.randrange(24), rng.randrange(60)),
                                           tzinfo=tz)
            category = rng.choice(("theft", "help", "noise", "fraud", "traffic", "other"))
            self.call_seq += 1
            self.sink.add(self.t_incident, (
                self.ids(Incident), f"110-{day:%Y%m%d}-{self.call_seq:07d}", at,
                people.name(rng), people.phone(rng), f"{station.unit.name.removesuffix('派出所')}"
                f"{rng.choice(ROADS)}{rng.randint(1, 400)}号", station.unit.pk, category,
                LOOSE_SUMMARIES[category], rng.choice(station.officers), None, None, False, at,
                *self.place(station.unit.pk),
            ))

    def counters_rows(self) -> None:
        existing = set(ReferenceCounter.objects.values_list("unit_id", "year"))
        ReferenceCounter.objects.bulk_create(
            [ReferenceCounter(unit_id=u, year=y, last=n) for (u, y), n in self.counters.items()
             if (u, y) not in existing], batch_size=5000,
        )


LOOSE_SUMMARIES = {
    "theft": "电动车停放在楼下被盗。", "help": "老人走失，家属请求帮助寻找。",
    "noise": "小区内深夜有人聚会喧哗，影响休息。", "fraud": "接到冒充客服电话，被骗转账。",
    "traffic": "路口两车轻微刮擦，请求处理。", "other": "群众咨询户籍办理事项。",
}

BIG_TABLES = [
    Dispute, Party, DisputeEvent, MediationSession, MediationSession.officers.through,
    MediationSession.mediators.through, Dispute.mediators.through, Agreement, FollowUp,
    Referral, Incident,
]


def build_volume(*, scale_name: str, seed: int, log=print) -> dict:
    """Create the whole synthetic world in an empty database; return counts."""
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    started = time.monotonic()
    units, areas = build_units(scale, rng)
    made = build_users(scale, units, rng)
    stations: dict[str, Station] = made["stations"]
    build_mediators(units, stations, rng)
    log(f"units, users and mediators: {time.monotonic() - started:.1f} s")
    boxes = geography.outline_boxes(list(units.values()))
    for unit in units.values():
        unit.boundary = geography.rectangle(boxes[unit.pk])
    Unit.objects.bulk_update(list(units.values()), ["boundary"], batch_size=1000)
    log(f"outlines: {time.monotonic() - started:.1f} s")
    sink = CopySink() if connection.vendor == "postgresql" else InsertSink()
    extra_tables = volume_extra.tables()
    tables = [m._meta.db_table for m in BIG_TABLES + extra_tables]
    sink.begin(tables)
    gen = Generator(scale, seed, sink, log)
    gen.boxes = boxes
    by_city: dict[str, list[Station]] = {}
    for station in stations.values():
        by_city.setdefault(station.city, []).append(station)
    for city in scale.cities:
        total = scale.disputes_yancheng if city == "YC" else scale.disputes_other
        gen.city(city, by_city[city], total, areas)
        gen.loose_calls(by_city[city], total // 4)
        sink.flush()
        log(f"{city}: {total} disputes, {time.monotonic() - started:.1f} s")
    volume_extra.build(gen=gen, units=units, stations=by_city["YC"], users=made["users"])
    sink.flush()
    log(f"volunteers and enterprises: {time.monotonic() - started:.1f} s")
    gen.counters_rows()
    sink.end(tables)
    log(f"indexes rebuilt: {time.monotonic() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in tables + [Unit._meta.db_table]:
                cursor.execute(f'ANALYZE "{name}"')
    return {"seconds": round(time.monotonic() - started, 1), "rows": dict(sink.counts),
            "units": len(units), "stations": len(stations)}
