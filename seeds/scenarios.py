"""Dispute scenarios of the demo, drawn from the kinds of case the source
articles report. All parties are made up by seeds.people."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    category: str
    title: str
    summary: str
    # Incident category when the case came in by a 110 call, else "".
    call: str
    agreement: str
    # Where a failed mediation is referred: (Referral.Target, name of the body).
    referral: tuple[str, str]
    # Kinds of mediator who fit the case.
    mediator_kinds: tuple[str, ...] = ()


SCENARIOS: list[Scenario] = [
    Scenario("neighbourhood", "楼上装修噪音扰民纠纷",
             "楼上住户连续两周在夜间装修，楼下住户多次上门交涉未果，双方在楼道发生争吵。", "noise",
             "楼上住户承诺装修时间限于每日8:00至12:00、14:00至18:00，并当面向楼下住户致歉。",
             ("community", "社区居民委员会"), ("resident",)),
    Scenario("neighbourhood", "楼道堆物引发邻里纠纷",
             "住户在公共楼道长期堆放杂物并停放电动车，邻居认为存在消防隐患，双方互不相让。", "",
             "三日内清理楼道杂物，电动车停放至小区集中充电棚。",
             ("community", "社区居民委员会"), ("resident", "enforcement")),
    Scenario("family", "夫妻矛盾引发家庭纠纷",
             "夫妻因家庭开支和子女教育问题长期争吵，妻子报警称丈夫摔砸家中物品，情绪激动。", "family",
             "双方同意接受婚姻家庭辅导，丈夫承诺不再摔砸物品，家庭开支由双方共同管理。",
             ("department", "区妇女联合会婚姻家庭纠纷调解委员会"), ("women",)),
    Scenario("family", "赡养老人费用分摊纠纷",
             "三兄妹对母亲的赡养费用和住院陪护分工意见不一，老人到派出所求助。", "",
             "三兄妹每月各承担赡养费800元，母亲住院期间三人轮流陪护。",
             ("court", "区人民法院诉调对接中心"), ("judicial", "women")),
    Scenario("labour", "装修工人讨要欠薪纠纷",
             "六名装修工人称包工头拖欠工资共计4.2万元，聚集在工地门口讨薪，情绪激动。", "dispute",
             "包工头于十日内分两次付清拖欠工资4.2万元，工人撤离工地。",
             ("labour_bureau", "区劳动保障监察大队"), ("professional", "lawyer")),
    Scenario("labour", "餐馆员工工资结算纠纷",
             "服务员离职后，店主以损坏餐具为由扣发半个月工资，双方争执不下。", "",
             "店主补发工资1800元，服务员赔偿损坏餐具200元。",
             ("arbitration", "区劳动人事争议仲裁委员会"), ("professional",)),
    Scenario("property", "物业费与车辆出入纠纷",
             "业主以小区路灯长期损坏、保洁不到位为由拒交物业费，物业公司停用其车辆出入权限。", "dispute",
             "物业公司一个月内修复路灯并恢复车辆出入权限，业主补交物业费。",
             ("street_office", "街道办事处物业管理办公室"), ("enforcement", "resident")),
    Scenario("property", "顶楼漏水维修费用纠纷",
             "顶楼住户家中漏水，物业公司与业主委员会对维修费用由谁承担意见不一。", "",
             "使用专项维修资金维修屋面，住户室内损失由物业公司补偿1500元。",
             ("street_office", "街道办事处物业管理办公室"), ("enforcement",)),
    Scenario("consumer", "健身房预付卡退费纠纷",
             "健身房更换经营者后拒绝履行原会员卡服务，多名会员要求退还预付费用。", "",
             "新经营者继续履行会员卡服务，不愿继续的会员按剩余次数退费。",
             ("department", "区市场监督管理局"), ("market",)),
    Scenario("consumer", "网购家电质量纠纷",
             "消费者购买的冰箱到货后不制冷，商家以包装已拆封为由拒绝退换。", "",
             "商家上门检测后为消费者更换同型号冰箱。",
             ("department", "区市场监督管理局"), ("market",)),
    Scenario("traffic", "电动车与行人碰擦事故纠纷",
             "电动自行车在路口与行人发生碰擦，行人手臂擦伤，双方就医疗费赔偿金额有争议。", "traffic",
             "电动车驾驶人一次性赔偿医疗费、误工费共计2600元。",
             ("court", "区人民法院道路交通事故纠纷诉调对接中心"), ("professional",)),
    Scenario("traffic", "小区内车辆刮擦赔偿纠纷",
             "两车在小区地下车库刮擦，双方均认为对方负全责，车辆堵住车库出口。", "traffic",
             "双方各自承担本车维修费用，当场移车恢复通行。",
             ("department", "保险公司理赔部门"), ("professional",)),
    Scenario("land", "宅基地围墙边界纠纷",
             "两户村民因翻建房屋时围墙边界问题发生争执，一方阻止施工，双方多次推搡。", "fight",
             "以村委会存档的宅基地界址图为准重新放线，围墙后退0.3米。",
             ("street_office", "镇人民政府国土所"), ("judicial",)),
    Scenario("debt", "朋友借款逾期未还纠纷",
             "借款人借款3万元逾期一年未还，出借人多次催讨未果，双方在店门口发生推搡。", "fight",
             "借款人于三个月内分期归还借款3万元。",
             ("court", "区人民法院诉调对接中心"), ("lawyer", "judicial")),
    Scenario("medical", "诊所输液过敏赔偿纠纷",
             "患者在社区诊所输液后出现过敏反应，家属要求诊所赔偿并公开道歉。", "dispute",
             "诊所承担后续治疗费用并一次性补偿3000元，双方不再追究。",
             ("department", "区医疗纠纷人民调解委员会"), ("lawyer",)),
    Scenario("neighbourhood", "宠物狗咬伤儿童纠纷",
             "居民遛狗未牵绳，狗将邻居家孩子咬伤，双方就疫苗费和赔偿金额产生争议。", "dispute",
             "犬主承担疫苗及治疗费用1200元，今后遛狗一律牵绳。",
             ("community", "社区居民委员会"), ("resident", "school")),
    Scenario("neighbourhood", "广场舞音响扰民纠纷",
             "广场舞队音响音量过大，附近居民多次投诉，双方在广场发生口角。", "noise",
             "广场舞活动时间调整为19:00至20:30，音响音量由社区统一限定。",
             ("community", "社区居民委员会"), ("resident",)),
    Scenario("family", "离婚后子女探视纠纷",
             "离婚双方对孩子探视时间安排有分歧，一方到学校接孩子时发生争吵。", "family",
             "每两周周末由父亲探视一次，寒暑假各安排一周共同生活。",
             ("court", "区人民法院家事审判庭"), ("women", "school")),
    Scenario("labour", "快递站点押金退还纠纷",
             "快递员离职后，站点负责人以未满合同期为由拒绝退还3000元押金。", "",
             "站点负责人退还押金3000元，快递员交还工作设备。",
             ("labour_bureau", "区劳动保障监察大队"), ("professional",)),
    Scenario("debt", "装修款结算纠纷",
             "业主认为装修公司用料与合同不符，拒付尾款2万元，装修公司派人上门催讨。", "dispute",
             "第三方检测后，装修公司返工更换不合格材料，业主付清尾款。",
             ("court", "区人民法院诉调对接中心"), ("lawyer", "market")),
]

# Addresses near each station (fictional house numbers on real-sounding roads).
AREAS: dict[str, list[str]] = {
    "TH-DC": ["东城花园{b}栋{r}室", "建军东路{n}号", "青年东路{n}号", "文港花苑{b}栋{r}室"],
    "TH-WX": ["五星花园{b}栋{r}室", "五星路{n}号", "开放大道{n}号"],
    "TH-XY": ["新洋新村{b}栋{r}室", "新洋路{n}号"],
    "YD-LW": ["楼王镇楼王村{n}组", "楼王镇集镇{n}号"],
    "YN-KC": ["科城花园{b}栋{r}室", "新都路{n}号"],
    "YN-XD": ["新都花苑{b}栋{r}室", "世纪大道{n}号"],
    "DT-HDQ": ["何垛桥社区{b}栋{r}室", "望海路{n}号"],
    "FN-YZ": ["羊寨镇羊寨村{n}组", "羊寨镇集镇{n}号"],
}
