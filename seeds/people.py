"""Fictional people: names, resident ID numbers with a correct check
character, and mobile numbers. Deterministic for a given random.Random."""

import datetime
import random

from units.validators import id_number_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN_NAMES = [
    "建国", "秀英", "桂兰", "志强", "海燕", "国平", "丽华", "春生", "玉梅", "德明", "小军",
    "晓东", "美玲", "文斌", "红梅", "永刚", "雪梅", "立新", "淑珍", "金宝", "海军", "巧云",
    "卫国", "凤英", "俊杰", "思远", "雨涵", "子豪", "佳怡", "浩然", "新华", "翠兰",
]
MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "152", "158",
                   "159", "177", "180", "181", "182", "183", "187", "188", "189"]


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def id_number(rng: random.Random, area_code: str) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 52))
    first17 = f"{area_code}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_number_check_char(first17)


def phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def address(rng: random.Random, patterns: list[str]) -> str:
    return rng.choice(patterns).format(
        b=rng.randint(1, 30), r=rng.choice([101, 102, 201, 301, 402, 501, 602]),
        n=rng.randint(1, 300),
    )
