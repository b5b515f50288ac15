"""Volunteer alliances and enterprises of Yancheng for ``seed --scale
tiny|city|province`` — bulk rows like seeds.volume (which see for why).

Volunteers: the named alliances of the source articles plus one patrol team
per station; about ``attendances_per_year`` patrol attendances (人次) a year,
with check-in and check-out, tips of every kind (the dispute tips converted
into the disputes seeds.volume made from volunteer tips) and outreach.

Enterprises: ``scale.enterprises`` firms over the stations (4,200 at city
scale, the figure of source article 000) with visits of every kind and
requests.
"""

import datetime

from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from seeds import people
from seeds.bulk import Table
from units.validators import CREDIT_CODE_CHARS, credit_code_check_char
from volunteers.models import (
    Alliance,
    Membership,
    Outreach,
    Patrol,
    PatrolAttendance,
    Tip,
    Volunteer,
)

# (name, unit code, focus, fallback unit code when the tree is small)
NAMED_ALLIANCES = [
    ("东亭有义平安联盟", "TH", "information", "TH"),
    ("万家卫士志愿联盟", "TH-WX", "mediation", "TH-WX"),
    ("益海志愿联盟", "YN", "patrol", "YN"),
    ("都小警反诈宣讲团", "YD", "anti_fraud", "YD"),
    ("水乡平安服务队", "JH", "patrol", "YD-LW"),
    ("“黄海的哥”出租车司机志愿队", "YC", "traffic", "YC"),
]
TIP_TEXTS = {
    "crime_lead": ("发现有人在小区内多次兜售来历不明的电动车电瓶。", "verified"),
    "safety_hazard": ("沿街商铺门前堆放大量纸箱，堵塞消防通道。", "verified"),
    "dispute": ("两户邻居因楼道堆物多次争吵，有动手苗头。", "verified"),
    "livelihood": ("路口信号灯损坏，老人过马路困难。", "verified"),
}
TIP_KINDS = ["livelihood", "safety_hazard", "crime_lead", "dispute"]
TIP_WEIGHTS = [50, 22, 14, 14]
THEMES = ["anti_fraud", "anti_drug", "fire_safety", "traffic", "other"]
THEME_WEIGHTS = [45, 10, 20, 20, 5]


def tables() -> list:
    return [
        Volunteer, Membership, Patrol, PatrolAttendance, Tip, Outreach,
        Outreach.volunteers.through,
        Enterprise, EnterpriseVisit, EnterpriseVisit.officers.through, EnterpriseRequest,
    ]


def build(*, gen, units: dict, stations: list, users: dict) -> None:
    volunteers(gen=gen, units=units, stations=stations, users=users)
    enterprises(gen=gen, stations=stations)


def _at(day: datetime.date, hour: int, tz, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def volunteers(*, gen, units: dict, stations: list, users: dict) -> None:
    rng, sink, now, scale = gen.rng, gen.sink, gen.now, gen.scale
    tz = now.tzinfo
    coordinator = users["coordinator"]
    alliances = []
    for name, code, focus, fallback in NAMED_ALLIANCES:
        unit = units.get(code) or units[fallback]
        alliances.append(Alliance(name=name, unit=unit, focus=focus))
    for station in stations:
        alliances.append(Alliance(
            name=f"{station.unit.name.removesuffix('派出所')}平安志愿队", unit=station.unit,
            focus="patrol",
        ))
    Alliance.objects.bulk_create(alliances)
    if alliances[0].pk is None:
        alliances = list(Alliance.objects.order_by("pk"))
    tinghu = units["TH"]
    Alliance.coordinators.through.objects.bulk_create([
        Alliance.coordinators.through(alliance_id=a.pk, user_id=coordinator)
        for a in alliances if a.unit.path.startswith(tinghu.path)
    ])
    t_volunteer = Table(Volunteer, ["id", "name", "phone", "id_number", "skills", "active",
                                    "unit_id", "created_at"], now)
    t_member = Table(Membership, ["volunteer_id", "alliance_id", "joined_on", "role"], now)
    t_patrol = Table(Patrol, ["id", "alliance_id", "unit_id", "beat_id", "area", "starts_at",
                              "ends_at", "volunteers_needed", "status", "report",
                              "created_by_id", "created_at"], now)
    t_attendance = Table(PatrolAttendance, ["patrol_id", "volunteer_id", "signed_up_at",
                                            "checked_in_at", "checked_out_at", "latitude",
                                            "longitude"], now)
    t_tip = Table(Tip, ["alliance_id", "volunteer_id", "patrol_id", "unit_id", "kind",
                        "description", "place", "received_at", "status", "handled_by_id",
                        "handled_at", "handling_note", "dispute_id", "created_by_id",
                        "created_at", "latitude", "longitude"], now)
    t_outreach = Table(Outreach, ["id", "alliance_id", "date", "theme", "place",
                                  "households_reached", "people_reached", "notes",
                                  "created_by_id", "created_at", "latitude", "longitude"], now)
    t_outreach_v = Table(Outreach.volunteers.through, ["outreach_id", "volunteer_id"], now)

    station_of = {s.unit.pk: s for s in stations}
    n_volunteers = max(40, scale.attendances_per_year * 10 // 65)
    members: dict[int, list[int]] = {a.pk: [] for a in alliances}
    joined = now.date() - datetime.timedelta(days=scale.years * 365 + 200)
    for k in range(n_volunteers):
        alliance = alliances[k % len(alliances)] if k < len(alliances) * 3 else rng.choice(alliances)
        vid = gen.ids(Volunteer)
        # Phone numbers must be unique: a counter spread over the number space.
        phone = f"1{rng.choice('35789')}{(k * 7_919_993 + 1_234_567) % 10**9:09d}"
        sink.add(t_volunteer, (vid, people.name(rng), phone, "", rng.choice(
            ("", "驾驶", "急救", "调解", "摄影", "普通话宣讲")), rng.random() > 0.05,
            alliance.unit.pk, now - datetime.timedelta(days=rng.randint(30, 1500))))
        role = "leader" if len(members[alliance.pk]) == 0 else "member"
        sink.add(t_member, (vid, alliance.pk, joined + datetime.timedelta(days=rng.randint(0, 150)),
                            role))
        members[alliance.pk].append(vid)
    station_alliances = [a for a in alliances if a.unit.pk in station_of]
    leads = {s.unit.pk: s.lead for s in stations}
    busy: set[tuple[int, datetime.date, int]] = set()
    days = scale.years * 365
    patrols = scale.attendances_per_year * scale.years // 4
    first = now.date() - datetime.timedelta(days=days)
    for _ in range(patrols):
        alliance = rng.choice(station_alliances)
        station = station_of[alliance.unit.pk]
        # Mostly past patrols, and a week of planned ones ahead.
        day = first + datetime.timedelta(days=rng.randrange(days + 7))
        slot = rng.choice((9, 14, 19))
        starts = _at(day, slot, tz)
        ends = starts + datetime.timedelta(hours=rng.choice((2, 2, 3)))
        needed = rng.randint(3, 6)
        pool = members[alliance.pk]
        status = "done" if ends < now else "planned"
        if status == "done" and rng.random() < 0.03:
            status = "cancelled"
        fill = needed if rng.random() > 0.12 else rng.randint(1, needed - 1)  # some understaffed
        chosen = [v for v in rng.sample(pool, k=min(len(pool), fill + 2))
                  if (v, day, slot) not in busy][:fill]
        pid = gen.ids(Patrol)
        beat = rng.choice(station.beats) if station.beats else None
        report = "巡逻中未发现异常，提醒商户关好门窗。" if status == "done" else ""
        sink.add(t_patrol, (pid, alliance.pk, station.unit.pk, beat,
                            f"{station.unit.name.removesuffix('派出所')}辖区主要街道", starts, ends,
                            needed, status, report, leads[station.unit.pk],
                            starts - datetime.timedelta(days=3)))
        for v in chosen:
            busy.add((v, day, slot))
            signed = starts - datetime.timedelta(hours=rng.randint(2, 60))
            came = left = None
            where = (None, None)
            if status == "done" and rng.random() < 0.95:
                came = starts + datetime.timedelta(minutes=rng.randint(-15, 20))
                left = ends + datetime.timedelta(minutes=rng.randint(-30, 10))
                where = gen.place(beat or station.unit.pk)  # the phone's position
            sink.add(t_attendance, (pid, v, min(signed, now), came, left, *where))
        if status == "done" and rng.random() < 0.2 and chosen:
            kind = rng.choices(TIP_KINDS[:3], TIP_WEIGHTS[:3])[0]
            _tip(gen, t_tip, alliance.pk, chosen[0], pid, station, kind, ends, now)
    # Tips straight from volunteers (not from a patrol).
    for _ in range(scale.attendances_per_year * scale.years // 20):
        alliance = rng.choice(station_alliances)
        station = station_of[alliance.unit.pk]
        kind = rng.choices(TIP_KINDS, TIP_WEIGHTS)[0]
        at = now - datetime.timedelta(minutes=rng.randint(30, days * 1440))
        _tip(gen, t_tip, alliance.pk, rng.choice(members[alliance.pk]), None, station, kind, at,
             now)
    # The disputes seeds.volume registered from volunteer tips: the converted tips.
    for dispute_pk, station, beat, received, place, officer in gen.tip_disputes:
        alliance = next((a for a in station_alliances if a.unit.pk == station.unit.pk), None)
        if alliance is None:
            continue
        sink.add(t_tip, (alliance.pk, rng.choice(members[alliance.pk]), None,
                         beat or station.unit.pk, "dispute", "邻里因琐事发生争执，志愿者现场劝解后上报。",
                         place, received, "converted", officer,
                         received + datetime.timedelta(minutes=30), "", dispute_pk, coordinator,
                         received, *gen.place(beat or station.unit.pk)))
    for _ in range(scale.attendances_per_year * scale.years // 26):
        alliance = rng.choice(alliances)
        pool = members[alliance.pk]
        oid = gen.ids(Outreach)
        day = now.date() - datetime.timedelta(days=rng.randint(1, days))
        households = rng.randint(20, 300)
        sink.add(t_outreach, (oid, alliance.pk, day, rng.choices(THEMES, THEME_WEIGHTS)[0],
                              f"{alliance.unit.name}辖区社区广场", households,
                              households * rng.randint(2, 3), "发放宣传资料，现场答疑。",
                              coordinator, _at(day, 18, tz), *gen.place(alliance.unit.pk)))
        for v in rng.sample(pool, k=min(len(pool), rng.randint(3, 8))):
            sink.add(t_outreach_v, (oid, v))


def _tip(gen, table, alliance, volunteer, patrol, station, kind, at, now) -> None:
    rng = gen.rng
    text, _ = TIP_TEXTS[kind]
    age = now - at
    if age < datetime.timedelta(days=3) and rng.random() < 0.7:
        status, handled, by = "new", None, None
    else:
        # A dispute tip that is not converted was settled on the spot or unfounded.
        status = "rejected" if rng.random() < (0.3 if kind == "dispute" else 0.12) else "verified"
        handled, by = at + datetime.timedelta(hours=rng.randint(1, 48)), rng.choice(station.officers)
        handled = min(handled, now)
    unit = rng.choice(station.beats) if station.beats and rng.random() < 0.5 else station.unit.pk
    note = {"new": "", "verified": "经核实情况属实，已处理。", "rejected": "经核实，情况不属实。"}[status]
    gen.sink.add(table, (alliance, volunteer, patrol, unit, kind, text,
                         f"{station.unit.name.removesuffix('派出所')}{rng.randint(1, 300)}号附近",
                         at, status, by, handled, note, None, by or station.lead, at,
                         *gen.place(unit)))


INDUSTRIES = ["manufacturing", "chemicals", "automotive", "energy", "logistics",
              "construction", "retail", "technology", "finance", "other"]
INDUSTRY_WEIGHTS = [30, 5, 8, 6, 10, 10, 18, 6, 2, 5]
NAME_WORDS = ["华", "盛", "远", "达", "鑫", "丰", "瑞", "恒", "海", "东", "诚", "信", "嘉", "泰",
              "通", "宏", "亿", "富", "捷", "顺"]
SUFFIX = {"manufacturing": "机械制造", "chemicals": "精细化工", "automotive": "汽车零部件",
          "energy": "新能源科技", "logistics": "供应链物流", "construction": "建设工程",
          "retail": "商贸", "technology": "信息科技", "finance": "融资担保", "other": "实业"}
VISIT_KINDS = ["routine", "security_inspection", "fire_safety", "emergency_drill",
               "security_training"]
REQUEST_CATEGORIES = ["exit_entry", "household", "vehicles", "security", "dispute", "other"]


def enterprises(*, gen, stations: list) -> None:
    """Hook for the enterprise register; a no-op without the Enterprise model."""
    if gen.scale.enterprises == 0:
        return
    rng, sink, now, scale = gen.rng, gen.sink, gen.now, gen.scale
    t_ent = Table(Enterprise, ["id", "name", "credit_code", "unit_id", "address", "industry",
                               "hazardous_chemicals", "logistics", "foreign_staff",
                               "contact_name", "contact_phone", "liaison_officer_id", "active",
                               "created_at", "latitude", "longitude"], now)
    t_visit = Table(EnterpriseVisit, ["id", "enterprise_id", "visited_on", "kind", "notes",
                                      "hazards_found", "hazards_rectified", "created_by_id",
                                      "created_at"], now)
    t_visit_officer = Table(EnterpriseVisit.officers.through, ["enterprisevisit_id", "user_id"],
                            now)
    t_request = Table(EnterpriseRequest, [
        "enterprise_id", "visit_id", "category", "description", "received_on", "due_on",
        "green_channel", "status", "resolution", "resolved_at", "handled_by_id", "created_at"],
        now)
    today = now.date()
    base = len(CREDIT_CODE_CHARS)
    for k in range(scale.enterprises):
        station = rng.choice(stations)
        industry = rng.choices(INDUSTRIES, INDUSTRY_WEIGHTS)[0]
        n = k * 7_368_787 + 1_000_003  # a distinct organisation code per firm
        body = ""
        for _ in range(9):
            n, r = divmod(n, base)
            body += CREDIT_CODE_CHARS[r]
        first17 = f"91320900{body}"
        eid = gen.ids(Enterprise)
        town = station.unit.name.removesuffix("派出所")
        officer = rng.choice(station.officers)
        name = f"盐城{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{SUFFIX[industry]}有限公司"
        sink.add(t_ent, (eid, name, first17 + credit_code_check_char(first17), station.unit.pk,
                         f"{town}工业园{rng.randint(1, 200)}号", industry, industry == "chemicals",
                         industry == "logistics", rng.random() < 0.05, people.name(rng),
                         people.phone(rng), officer, True,
                         now - datetime.timedelta(days=scale.years * 365),
                         *gen.place(station.unit.pk)))
        # Two or three visits a year, one of them a drill or a training.
        for year_back in range(scale.years):
            for _ in range(rng.randint(2, 3)):
                day = today - datetime.timedelta(days=year_back * 365 + rng.randint(1, 364))
                kind = rng.choice(VISIT_KINDS)
                found = rng.choice((0, 0, 0, 1, 2)) if kind != "routine" else 0
                vid = gen.ids(EnterpriseVisit)
                sink.add(t_visit, (vid, eid, day, kind, "走访企业负责人，了解安全生产和用工情况。",
                                   found, found if day < today - datetime.timedelta(days=30) else 0,
                                   officer, _at(day, 15, now.tzinfo)))
                sink.add(t_visit_officer, (vid, officer))
                if rng.random() < 0.25:
                    due = day + datetime.timedelta(days=rng.choice((5, 7, 15)))
                    category = rng.choice(REQUEST_CATEGORIES)
                    if due < today - datetime.timedelta(days=5) or rng.random() < 0.5:
                        status, answered = rng.choices(("resolved", "declined"), (94, 6))[0], \
                            _at(min(due - datetime.timedelta(days=1), today), 16, now.tzinfo)
                        answered = max(answered, _at(day, 17, now.tzinfo))
                    else:
                        status, answered = rng.choice(("open", "in_progress")), None
                    resolution = {"resolved": "已按规定办结。", "declined": "不符合办理条件，已告知。"}
                    sink.add(t_request, (eid, vid, category, "企业提出的办事诉求。", day, due,
                                         category == "exit_entry", status,
                                         resolution.get(status, ""), answered,
                                         officer if answered else None,
                                         _at(day, 15, now.tzinfo)))
