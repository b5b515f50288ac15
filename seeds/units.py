"""The Yancheng bureau tree used by the demo: city bureau → sub-bureaus and
county bureaus → stations → beats. Station names are those of the source
articles; beats are numbered as stations number them."""

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
    from policing.models import Unit

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
