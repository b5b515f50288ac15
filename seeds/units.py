"""The Yancheng bureau tree used by the demo: city bureau → sub-bureaus and
county bureaus → stations → beats. Station names are those of the source
articles; beats are numbered as stations number them."""

from units.models import Unit

# (name, code, children). A station's beats are listed as (name, code).
CITY = ("盐城市公安局", "YC")

SUB_BUREAUS: list[tuple[str, str, list[tuple[str, str, list[tuple[str, str]]]]]] = [
    ("亭湖分局", "TH", [
        ("东城派出所", "TH-DC", [("东城一警区", "TH-DC-01"), ("东城二警区", "TH-DC-02"),
                               ("东城三警区", "TH-DC-03")]),
        ("五星派出所", "TH-WX", [("五星一警区", "TH-WX-01"), ("五星二警区", "TH-WX-02")]),
        ("新洋派出所", "TH-XY", [("新洋一警区", "TH-XY-01"), ("新洋二警区", "TH-XY-02")]),
    ]),
    ("盐都分局", "YD", [
        ("楼王派出所", "YD-LW", [("楼王一警区", "YD-LW-01"), ("楼王二警区", "YD-LW-02")]),
    ]),
    ("盐南高新区分局", "YN", [
        ("科城派出所", "YN-KC", [("科城一警区", "YN-KC-01"), ("科城二警区", "YN-KC-02"),
                               ("科城三警区", "YN-KC-03")]),
        ("新都派出所", "YN-XD", [("新都一警区", "YN-XD-01"), ("新都二警区", "YN-XD-02")]),
    ]),
    ("东台市公安局", "DT", [
        ("何垛桥派出所", "DT-HDQ", [("何垛桥一警区", "DT-HDQ-01"), ("何垛桥二警区", "DT-HDQ-02")]),
    ]),
    ("阜宁县公安局", "FN", [
        ("羊寨派出所", "FN-YZ", [("羊寨一警区", "FN-YZ-01"), ("羊寨二警区", "FN-YZ-02")]),
    ]),
]

# Area code of each sub-bureau (first six digits of resident ID numbers, GB/T 2260).
AREA_CODES = {"TH": "320902", "YD": "320903", "YN": "320902", "DT": "320981", "FN": "320923"}


def create_units():
    """Create the tree; return ``{code: Unit}``. Unit.save keeps the paths."""
    units = {}
    city = Unit.objects.create(name=CITY[0], code=CITY[1], kind=Unit.Kind.CITY_BUREAU)
    units[city.code] = city
    for name, code, stations in SUB_BUREAUS:
        sub = Unit.objects.create(name=name, code=code, kind=Unit.Kind.SUB_BUREAU, parent=city)
        units[code] = sub
        for station_name, station_code, beats in stations:
            station = Unit.objects.create(
                name=station_name, code=station_code, kind=Unit.Kind.STATION, parent=sub
            )
            units[station_code] = station
            for beat_name, beat_code in beats:
                units[beat_code] = Unit.objects.create(
                    name=beat_name, code=beat_code, kind=Unit.Kind.BEAT, parent=station
                )
    return units


# ---- Wenzhou (Lucheng): the "八仙堂" stations of source article 003 -----------------
WENZHOU_CITY = ("温州市公安局", "WZ")
WENZHOU_SUB_BUREAUS: list[tuple[str, str, list[tuple[str, str, list[tuple[str, str]]]]]] = [
    ("鹿城区分局", "LC", [
        ("南浦派出所", "LC-NP", [("南浦一警区", "LC-NP-01"), ("南浦二警区", "LC-NP-02")]),
        ("七都派出所", "LC-QD", [("七都一警区", "LC-QD-01")]),
        ("五马派出所", "LC-WM", [("五马一警区", "LC-WM-01"), ("五马二警区", "LC-WM-02")]),
        ("南郊派出所", "LC-NJ", [("南郊一警区", "LC-NJ-01"), ("南郊二警区", "LC-NJ-02")]),
    ]),
]
AREA_CODES["LC"] = "330302"


def create_wenzhou(units: dict) -> None:
    """The Wenzhou Lucheng tree, a second city bureau beside Yancheng."""
    city = Unit.objects.create(
        name=WENZHOU_CITY[0], code=WENZHOU_CITY[1], kind=Unit.Kind.CITY_BUREAU
    )
    units[city.code] = city
    for name, code, stations in WENZHOU_SUB_BUREAUS:
        sub = Unit.objects.create(name=name, code=code, kind=Unit.Kind.SUB_BUREAU, parent=city)
        units[code] = sub
        for station_name, station_code, beats in stations:
            station = Unit.objects.create(
                name=station_name, code=station_code, kind=Unit.Kind.STATION, parent=sub
            )
            units[station_code] = station
            for beat_name, beat_code in beats:
                units[beat_code] = Unit.objects.create(
                    name=beat_name, code=beat_code, kind=Unit.Kind.BEAT, parent=station
                )


# ---- Yancheng at full size, for ``seed --scale city|province`` -----------------------
# Every sub-bureau and county bureau of the city with the towns and streets
# its stations are named after (real place names; no people). With the
# stations of the demo tree above this makes about 130 stations; beats are
# added per station until the city has the 883 of source article 002.
YANCHENG_FULL: list[tuple[str, str, str, list[str]]] = [
    # (sub-bureau name, code, area code, further stations)
    ("亭湖分局", "TH", "320902", ["文峰", "先锋", "毓龙", "大洋", "新兴", "南洋", "黄尖", "盐东",
                                "便仓", "永丰", "青墩", "袁河", "城东"]),
    ("盐都分局", "YD", "320903", ["潘黄", "盐龙", "大冈", "大纵湖", "郭猛", "尚庄", "秦南", "龙冈",
                                "学富", "义丰", "张庄", "北龙港", "楼王集镇"]),
    ("盐南高新区分局", "YN", "320902", ["伍佑", "新河", "黄海", "新城"]),
    ("东台市公安局", "DT", "320981", ["东台镇", "溱东", "时堰", "五烈", "梁垛", "安丰", "南沈灶",
                                   "富安", "唐洋", "新街", "许河", "三仓", "头灶", "弶港", "东台经济开发区"]),
    ("阜宁县公安局", "FN", "320923", ["阜城", "沟墩", "陈良", "吴滩", "郭墅", "益林", "东沟",
                                   "古河", "芦蒲", "板湖", "三灶", "硕集", "新沟", "阜宁经济开发区"]),
    ("滨海县公安局", "BH", "320922", ["东坎", "五汛", "蔡桥", "正红", "通榆", "界牌", "八巨",
                                   "八滩", "滨淮", "天场", "陈涛", "滨海港", "滨海经济开发区"]),
    ("大丰分局", "DF", "320904", ["大中", "草堰", "白驹", "刘庄", "西团", "小海", "新丰", "大桥",
                                "草庙", "万盈", "南阳", "三龙", "大丰港"]),
    ("射阳县公安局", "SY", "320924", ["合德", "临海", "千秋", "四明", "海河", "海通", "兴桥",
                                   "新坍", "长荡", "盘湾", "特庸", "洋马", "黄沙港", "射阳港"]),
    ("建湖县公安局", "JH", "320925", ["近湖", "钟庄", "上冈", "冈东", "庆丰", "建阳", "宝塔",
                                   "高作", "沿河", "颜单", "恒济", "芦沟"]),
    ("响水县公安局", "XS", "320921", ["响水", "陈家港", "小尖", "黄圩", "大有", "双港", "南河",
                                   "运河"]),
    ("经济技术开发区分局", "KF", "320902", ["步凤", "新园", "东区"]),
]
YANCHENG_BEATS = 883
CHINESE_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                    "十一", "十二", "十三", "十四", "十五", "十六"]
for _name, _code, _area, _towns in YANCHENG_FULL:
    AREA_CODES.setdefault(_code, _area)
