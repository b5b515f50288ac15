"""The outside mediation pool (the "八仙堂" of DESIGN.md §3): one or more
mediators of every kind. Names are fictional; organisations are generic."""

from disputes.services import mediator_save

# (name, kind, organisation, unit code, specialities, phone)
MEDIATORS: list[tuple[str, str, str, str, list[str], str]] = [
    ("孙明德", "judicial", "亭湖区司法局东城司法所", "TH", ["neighbourhood", "land", "debt"], "13905110201"),
    ("钱文静", "lawyer", "盐城明理律师事务所", "YC", ["labour", "debt", "traffic"], "13805110302"),
    ("蒋立平", "lawyer", "盐城正衡律师事务所", "YC", ["family", "property", "medical"], "13705110403"),
    ("韩国强", "enforcement", "亭湖区综合行政执法局", "TH", ["property", "neighbourhood"], "13605110504"),
    ("沈晓燕", "market", "亭湖区市场监督管理局", "TH", ["consumer"], "13505110605"),
    ("杨春梅", "school", "盐城市东城实验小学", "TH-DC", ["family", "other"], "13905110706"),
    ("朱红英", "women", "亭湖区妇女联合会", "TH", ["family"], "13805110807"),
    ("许长根", "resident", "东城社区居民代表", "TH-DC", ["neighbourhood", "property"], "13705110908"),
    ("何建军", "resident", "五星社区居民代表", "TH-WX", ["neighbourhood"], "13605111009"),
    ("吕秀兰", "professional", "亭湖区平安服务中心", "TH", ["labour", "traffic", "neighbourhood"], "13505111110"),
    ("施永康", "professional", "盐城市交通事故调解中心", "YC", ["traffic"], "13905111211"),
    ("张卫东", "judicial", "盐都区司法局楼王司法所", "YD", ["land", "neighbourhood"], "13805111312"),
    ("陆海燕", "women", "盐南高新区妇女联合会", "YN", ["family"], "13705111413"),
    ("顾永平", "professional", "东台市平安服务中心", "DT", ["labour", "debt"], "13605111514"),
]


def create_mediators(*, actor, units) -> list:
    """Add the pool through disputes.services.mediator_save."""
    return [
        mediator_save(
            actor=actor, name=name, kind=kind, organisation=organisation,
            unit=units[unit_code], phone=phone, specialities=specialities,
        )
        for name, kind, organisation, unit_code, specialities, phone in MEDIATORS
    ]
