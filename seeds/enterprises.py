"""Demo enterprises of 一警365·亲清在一企: a register per station with valid
credit codes, visits of every kind and requests in every state — among them
the green-channel residence permits of foreign staff from the source article.

Written through the services; answered requests then get a believable answer
date (only dates are rewritten, never a status).
"""

import datetime
import random

from django.utils import timezone

from enterprises import services as ps
from enterprises.models import EnterpriseRequest, EnterpriseVisit
from seeds import people
from units.validators import CREDIT_CODE_CHARS, credit_code_check_char

K = EnterpriseVisit.Kind
C = EnterpriseRequest.Category

# (station, name, industry, address, flags)
ENTERPRISES = [
    ("TH-DC", "盐城东诚汽车零部件有限公司", "automotive", "亭湖区东城大道88号", {"foreign_staff": True}),
    ("TH-DC", "盐城华远精细化工有限公司", "chemicals", "亭湖区环保产业园华远路6号",
     {"hazardous_chemicals": True}),
    ("TH-DC", "盐城顺达供应链物流有限公司", "logistics", "亭湖区东进路218号", {"logistics": True}),
    ("TH-DC", "盐城东亭新能源科技有限公司", "energy", "亭湖区青年东路66号", {}),
    ("TH-DC", "东城惠民商贸有限公司", "retail", "亭湖区东城小区商业街12号", {}),
    ("TH-WX", "盐城五星纺织有限公司", "manufacturing", "亭湖区五星街道工业集中区3号", {}),
    ("TH-WX", "盐城速递通快递服务有限公司", "logistics", "亭湖区五星路159号", {"logistics": True}),
    ("YD-LW", "楼王建设工程有限公司", "construction", "盐都区楼王镇建设路18号", {}),
]

# (enterprise index, days ago, kind, hazards found, rectified)
VISITS = [
    (0, 40, K.ROUTINE, 0, 0), (0, 12, K.SECURITY_TRAINING, 0, 0),
    (1, 55, K.SECURITY_INSPECTION, 3, 2), (1, 20, K.EMERGENCY_DRILL, 1, 1),
    (2, 30, K.FIRE_SAFETY, 2, 2), (3, 100, K.ROUTINE, 0, 0),
    (5, 8, K.ROUTINE, 0, 0), (5, 25, K.EMERGENCY_DRILL, 0, 0), (6, 3, K.FIRE_SAFETY, 1, 0),
    (7, 15, K.SECURITY_TRAINING, 0, 0),
]

# (visit index, category, description, due in days, green channel, fate, answer)
REQUESTS = [
    (1, C.EXIT_ENTRY, "公司一批外籍技术人员的居留许可即将到期，请求加急办理延期。", 5, True,
     "resolved", "开辟绿色通道，上门受理材料，5个工作日内全部办结。"),
    (0, C.VEHICLES, "新购通勤班车需办理登记上牌，咨询办理流程。", 10, False, "open", ""),
    (3, C.SECURITY, "员工多次接到冒充客服的诈骗电话，请求开展反诈宣传。", 7, False,
     "in_progress", ""),
    (4, C.HOUSEHOLD, "新招录员工集体户口迁入事宜。", 15, False, "declined",
     "不符合集体户口设立条件，已告知可通过人才服务中心办理。"),
    (4, C.DISPUTE, "与相邻物流园因车辆进出通道问题多次发生争执，请求民警协调。", 7, False,
     "open", ""),
    (6, C.OTHER, "厂区周边夜间照明不足，请求加强巡逻。", 3, False, "resolved",
     "已纳入警区夜间巡逻路线，并协调街道增设路灯。"),
    (8, C.SECURITY, "快递分拣中心需要安装视频监控，咨询技防要求。", 4, False, "open", ""),
]


def credit_code(rng: random.Random, area: str = "320902") -> str:
    """A fictional unified social credit code with a correct check character."""
    body = "".join(rng.choice(CREDIT_CODE_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    first17 = f"91{area}{body}"
    return first17 + credit_code_check_char(first17)


def create_enterprises(*, users: dict, units: dict, rng: random.Random,
                       place=lambda unit: {}) -> list:
    """The demo's enterprise register; ``place(unit)`` locates each inside its
    station (latitude and longitude keywords)."""
    today = timezone.localdate()
    staff = {"TH-DC": "officer", "TH-WX": "officer2", "YD-LW": "yd-lw.officer"}
    enterprises = []
    for station, name, industry, address, flags in ENTERPRISES:
        officer = users[staff[station]]
        enterprises.append(ps.enterprise_save(
            actor=officer, name=name, credit_code=credit_code(rng), unit=units[station],
            address=address, industry=industry, contact_name=people.name(rng),
            contact_phone=people.phone(rng), liaison_officer=officer, **flags,
            **place(units[station]),
        ))
    for position, (index, days, kind, found, rectified) in enumerate(VISITS):
        enterprise = enterprises[index]
        actor = users[staff[ENTERPRISES[index][0]]]
        visited_on = today - datetime.timedelta(days=days)
        raised = [r for r in REQUESTS if r[0] == position]
        visit = ps.visit_log(
            actor=actor, enterprise=enterprise, visited_on=visited_on, kind=kind,
            hazards_found=found, hazards_rectified=rectified,
            notes="走访企业负责人，了解安全生产和用工情况，宣传防范电信诈骗知识。",
            requests=[
                ps.RequestData(
                    category=category, description=description, received_on=visited_on,
                    due_on=visited_on + datetime.timedelta(days=due_in), green_channel=green,
                )
                for _, category, description, due_in, green, _, _ in raised
            ],
        )
        for request, row in zip(visit.requests.order_by("id"), raised):
            _answer(request, actor, fate=row[5], answer=row[6], today=today)
    return enterprises


def _answer(request, actor, *, fate: str, answer: str, today: datetime.date) -> None:
    if fate == "in_progress":
        ps.request_start(actor=actor, request=request)
    elif fate in ("resolved", "declined"):
        if fate == "resolved":
            ps.request_resolve(actor=actor, request=request, resolution=answer)
        else:
            ps.request_decline(actor=actor, request=request, reason=answer)
        # Answered the day before it fell due (or today), not at seeding time.
        day = min(request.due_on - datetime.timedelta(days=1), today)
        answered = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
        EnterpriseRequest.objects.filter(pk=request.pk).update(resolved_at=answered)
