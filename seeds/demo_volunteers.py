"""Volunteer alliances of the demo, written through volunteers.services.

The alliances are the real ones of source article 004 (东亭有义, 万家卫士, 益海,
都小警反诈宣讲团, 水乡平安服务队, the "黄海的哥" taxi drivers); their members
are fictional. Patrols of last week are run now (sign-up, check-in,
check-out, completion — the services only accept the present) and then moved
back to their day: only times are rewritten, never a status.
"""

import datetime
import random

from django.utils import timezone

from disputes import services as ds
from seeds import people
from volunteers import services as vs
from volunteers.models import Patrol, PatrolAttendance, Tip

# (name, unit code, focus, coordinated by the demo coordinator)
ALLIANCES = [
    ("东亭有义平安联盟", "TH-DC", "information", True),
    ("万家卫士志愿联盟", "TH-WX", "mediation", True),
    ("益海志愿联盟", "YN-KC", "patrol", False),
    ("都小警反诈宣讲团", "YD", "anti_fraud", False),
    ("水乡平安服务队", "FN-YZ", "patrol", False),
    ("“黄海的哥”出租车司机志愿队", "TH", "traffic", True),
]
SKILLS = ["", "急救", "驾驶", "调解", "普通话宣讲", "摄影"]

# (alliance index, days from today, start hour, hours, needed, sign-ups, fate)
# fate: done (checked in and out, completed), planned, under_way, cancelled.
PATROLS = [
    (0, -8, 19, 2, 4, 4, "done"), (0, -6, 9, 3, 3, 3, "done"), (1, -7, 19, 2, 4, 3, "done"),
    (5, -5, 7, 2, 3, 3, "done"), (2, -9, 19, 2, 3, 2, "done"), (0, -2, 19, 2, 4, 4, "done"),
    (1, -1, 14, 3, 3, 3, "done"), (0, 0, None, 3, 4, 3, "under_way"),
    (0, 1, 19, 2, 4, 2, "planned"), (0, 3, 9, 3, 5, 1, "planned"),  # short of volunteers
    (1, 2, 19, 2, 3, 3, "planned"), (5, 4, 7, 2, 4, 0, "planned"),
    (4, 5, 19, 2, 3, 1, "planned"), (1, 6, 14, 2, 3, 0, "cancelled"),
]
# (alliance index, kind, description, place, status, days ago)
TIPS = [
    (0, "livelihood", "东城花园北门路灯损坏多日，夜间行人经过不便。", "东城花园北门", "verified", 6),
    (0, "safety_hazard", "建军东路沿街商铺门前堆放纸箱，堵塞消防通道。", "建军东路128号", "new", 0.3),
    (0, "crime_lead", "有陌生人多次在小区内挨户推销“保健品”，疑似诈骗。", "文港花苑", "verified", 4),
    (0, "dispute", "东城花园两户邻居因楼道堆物多次争吵，有动手苗头。", "东城花园8栋", "new", 1),
    (0, "dispute", "青年东路一家餐馆与顾客因账单争执，已现场劝解。", "青年东路66号", "rejected", 3),
    (1, "livelihood", "五星路公交站台顶棚破损，雨天无法避雨。", "五星路公交站", "new", 0.5),
    (1, "crime_lead", "夜间有人在五星花园地下车库撬电动车锁。", "五星花园地下车库", "verified", 2),
    (1, "safety_hazard", "开放大道一处井盖缺失。", "开放大道西段", "rejected", 5),
    (5, "livelihood", "出租车司机反映迎宾大道红绿灯配时过短，行人来不及通过。", "迎宾大道路口", "new", 0.2),
    (5, "crime_lead", "乘客在车上谈论“刷单返利”，疑似被骗，司机已劝阻并记录。", "盐城火车站", "verified", 8),
]
OUTREACH = [
    (3, 10, "anti_fraud", "盐都区楼王镇集市", 180, 420),
    (3, 24, "anti_fraud", "盐都区楼王村文化广场", 95, 230),
    (0, 5, "fire_safety", "东城花园社区广场", 120, 260),
    (1, 12, "anti_fraud", "五星社区活动中心", 80, 150),
    (5, 3, "traffic", "盐城汽车客运站", 60, 200),
    (4, 15, "anti_drug", "羊寨镇中学", 40, 600),
]


def _nowhere(unit) -> dict:
    return {}


def build_volunteers(*, users: dict, units: dict, rng: random.Random, place=_nowhere) -> dict:
    """The alliances, volunteers, patrols, tips and outreach of the demo.
    ``place(unit)`` gives a location inside the unit's outline (latitude and
    longitude keywords) for tips, outreach and check-ins."""
    coordinator, admin = users["coordinator"], users["admin"]
    alliances = []
    for name, code, focus, ours in ALLIANCES:
        actor = coordinator if ours else admin
        alliances.append(vs.alliance_save(
            actor=actor, name=name, unit=units[code], focus=focus,
            coordinators=[coordinator] if ours else [],
        ))
    members = {a.pk: [] for a in alliances}
    today = timezone.localdate()
    for k in range(40):
        alliance = alliances[k % len(alliances)]
        actor = coordinator if ALLIANCES[k % len(alliances)][3] else admin
        volunteer = vs.volunteer_save(
            actor=actor, name=people.name(rng), phone=people.phone(rng), unit=alliance.unit,
            id_number=people.id_number(rng, "320902") if rng.random() < 0.3 else "",
            skills=rng.choice(SKILLS),
        )
        role = "leader" if not members[alliance.pk] else "member"
        vs.membership_save(actor=actor, volunteer=volunteer, alliance=alliance, role=role,
                           joined_on=today - datetime.timedelta(days=rng.randint(30, 900)))
        members[alliance.pk].append(volunteer)
    patrols = [_patrol(row, alliances, members, users, units, rng, place) for row in PATROLS]
    tips = _tips(alliances, members, users, units, patrols, place)
    for index, days, theme, spot, households, reached in OUTREACH:
        alliance = alliances[index]
        vs.outreach_record(
            actor=coordinator if ALLIANCES[index][3] else admin, alliance=alliance,
            date=today - datetime.timedelta(days=days), theme=theme, place=spot,
            volunteers=members[alliance.pk][:4], households_reached=households,
            people_reached=reached, notes="发放宣传资料，现场解答群众咨询。",
            **place(alliance.unit),
        )
    return {"alliances": alliances, "patrols": patrols, "tips": tips}


def _patrol(row, alliances, members, users, units, rng, place) -> Patrol:
    index, days, hour, hours, needed, sign_ups, fate = row
    alliance = alliances[index]
    actor = users["coordinator"] if ALLIANCES[index][3] else users["admin"]
    station = alliance.unit if alliance.unit.kind == "station" else units["TH-DC"]
    beats = [u for u in units.values() if u.parent_id == station.pk]
    now = timezone.now()
    local = timezone.localtime(now)
    if fate in ("done", "under_way"):
        # Run it now, from ten minutes ago; a done patrol is then moved back.
        starts = now - datetime.timedelta(minutes=10)
    else:
        day = local.date() + datetime.timedelta(days=days)
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    ends = starts + datetime.timedelta(hours=hours)
    patrol = vs.patrol_schedule(
        actor=actor, alliance=alliance, unit=station, beat=rng.choice(beats) if beats else None,
        area=f"{station.name.removesuffix('派出所')}辖区主要街道及小区", starts_at=starts,
        ends_at=ends, volunteers_needed=needed,
    )
    people_ = members[alliance.pk][:sign_ups]
    for volunteer in people_:
        vs.patrol_sign_up(actor=actor, patrol=patrol, volunteer=volunteer)
    if fate == "cancelled":
        return vs.patrol_cancel(actor=actor, patrol=patrol, note="暴雨预警，巡防取消。")
    if fate in ("done", "under_way"):
        for volunteer in people_:
            vs.attendance_check_in(actor=actor, patrol=patrol, volunteer=volunteer,
                                   **place(patrol.beat or station))
    if fate == "done":
        for volunteer in people_[:-1]:
            vs.attendance_check_out(actor=actor, patrol=patrol, volunteer=volunteer)
        vs.patrol_complete(actor=actor, patrol=patrol,
                           report="巡逻中提醒商户关好门窗，发现一处路灯损坏已上报。")
        _move_back(patrol, days, hour, hours)
    patrol.refresh_from_db()
    return patrol


def _move_back(patrol: Patrol, days: int, hour: int, hours: int) -> None:
    """Give a patrol run just now its real day: every time moves by the same
    amount, and check-outs get the patrol's length."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    shift = patrol.starts_at - starts
    Patrol.objects.filter(pk=patrol.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours)
    )
    for attendance in PatrolAttendance.objects.filter(patrol=patrol):
        attendance.signed_up_at -= shift + datetime.timedelta(days=1)
        attendance.checked_in_at = starts + datetime.timedelta(minutes=5)
        attendance.checked_out_at = starts + datetime.timedelta(hours=hours, minutes=-5)
        attendance.save(update_fields=["signed_up_at", "checked_in_at", "checked_out_at"])


def _tips(alliances, members, users, units, patrols, place) -> list[Tip]:
    now = timezone.now()
    officer = users["officer"]
    tips = []
    for index, kind, description, spot, status, days in TIPS:
        alliance = alliances[index]
        unit = units["TH-WX"] if index == 1 else units["TH-DC"]
        actor = users["coordinator"]
        tip = vs.tip_submit(
            actor=actor, alliance=alliance, unit=unit, kind=kind, description=description,
            place=spot, received_at=now - datetime.timedelta(days=days),
            volunteer=members[alliance.pk][0], **place(unit),
        )
        handler = officer if unit.code == "TH-DC" else users["officer2"]
        if status == "verified":
            tip = vs.tip_verify(actor=handler, tip=tip, note="民警现场核实，情况属实，已处理。")
        elif status == "rejected":
            tip = vs.tip_reject(actor=handler, tip=tip, note="经核实已自行化解，无需立案。")
        tips.append(tip)
    # A patrol's dispute tip, converted into a case in one step.
    done = next(p for p in patrols if p.status == Patrol.Status.DONE)
    tip = vs.tip_submit(
        actor=users["coordinator"], alliance=alliances[0], unit=units["TH-DC-01"], kind="dispute",
        description="巡逻时发现两名摊贩因摊位位置争吵，推搡中一人受轻伤。", place="东城农贸市场东门",
        received_at=done.ends_at - datetime.timedelta(minutes=20), patrol=done,
        volunteer=members[alliances[0].pk][0], **place(units["TH-DC-01"]),
    )
    vs.tip_convert(
        actor=officer, tip=tip, title="农贸市场摊位争执纠纷", category="other",
        summary="两名摊贩因摊位位置发生争吵并推搡，一人轻微擦伤，志愿者巡逻时发现并上报。",
        parties=[
            ds.PartyData(name="葛春生", role="applicant", id_number="", phone="13912345601",
                         address="东城农贸市场A12摊位"),
            ds.PartyData(name="包秀英", role="respondent", id_number="", phone="13812345602",
                         address="东城农贸市场A13摊位"),
        ],
    )
    tip.refresh_from_db()
    tips.append(tip)
    return tips
