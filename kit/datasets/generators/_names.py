"""Vocabularies for synthetic Chinese people: surnames, given names, homophones and addresses.

Surname weights follow the published frequency ranking of Chinese surnames (2020 census
release), adjusted towards Anhui, where 汪, 程, 方, 储 and 胡 are more common than nationally.
Given names differ by sex and by birth cohort (桂英 and 建国 for the old, 梓涵 and 子轩 for
the young): 30 % are taken from a list whose first entries are drawn more often, so common
names repeat (重名) as they do in real registers; the others combine the first character of
one listed name with the second of another, which keeps most names rare. Township names
(乡镇/街道) are real places of Lu'an (六安市); villages (村) and communities (社区) are made up
from common place-name parts.
"""

from __future__ import annotations

from functools import cache

import numpy as np

#: Surname (姓) and relative weight in per mille.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 46), ("杨", 31), ("吴", 24),
    ("周", 19), ("徐", 21), ("赵", 20), ("孙", 15), ("胡", 18), ("朱", 16), ("黄", 12),
    ("马", 13), ("汪", 10), ("程", 9), ("高", 10), ("何", 10), ("郭", 10), ("许", 8),
    ("方", 6), ("宋", 7), ("曹", 7), ("梁", 6), ("罗", 7), ("韩", 6), ("唐", 6), ("冯", 6),
    ("谢", 6), ("郑", 7), ("储", 3), ("丁", 5), ("余", 5), ("叶", 5), ("邓", 4), ("彭", 5),
    ("袁", 5), ("魏", 4), ("蒋", 4), ("蔡", 4), ("潘", 4), ("田", 4), ("董", 4), ("杜", 4),
    ("姚", 4), ("沈", 3), ("任", 4), ("吕", 4), ("苏", 3), ("夏", 4), ("陶", 3), ("钱", 3),
    ("戴", 3), ("葛", 3), ("范", 3), ("汤", 3), ("陆", 3), ("姜", 3), ("金", 3), ("石", 3),
    ("江", 3), ("秦", 2), ("孟", 2), ("侯", 2), ("薛", 2), ("鲍", 2), ("查", 2), ("桂", 1),
    ("詹", 1), ("柏", 1), ("童", 1), ("卢", 3), ("肖", 4), ("于", 3), ("崔", 2), ("邵", 2),
    ("万", 2), ("严", 2), ("孔", 1), ("施", 2), ("欧阳", 0.3), ("司马", 0.1), ("诸葛", 0.1),
)  # fmt: skip

#: Birth-year cohorts for given names: (first year of the cohort, label).
COHORTS: tuple[tuple[int, str], ...] = (
    (0, "pre1950"), (1950, "1950s60s"), (1970, "1970s80s"), (1990, "1990s"), (2005, "2005on"),
)  # fmt: skip

#: Given names (名) by (sex, cohort): two-character names, one-character names, share of
#: one-character names. Earlier entries are more common.
GIVEN: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...], float]] = {
    ("F", "pre1950"): (
        ("桂英", "秀英", "玉兰", "凤英", "桂兰", "秀兰", "兰英", "玉英", "翠英", "桂芳", "素珍",
         "秀珍", "淑珍", "玉珍", "凤兰", "秀芳", "桂珍", "玉梅", "桂香", "秀云", "玉芳", "金兰",
         "月英", "银英", "春英", "桂花", "秀华", "德英", "翠兰", "玉华", "素英", "兰芳"),
        ("英", "兰", "珍", "芳", "梅", "凤"), 0.08),
    ("M", "pre1950"): (
        ("德明", "德福", "德胜", "德华", "国华", "永福", "永祥", "长福", "长林", "宝山", "玉林",
         "金山", "明德", "传宝", "家福", "正清", "文华", "世杰", "立新", "绍华", "守义", "树林",
         "春生", "家宝", "有才", "广才", "洪林", "本善", "学文", "荣华", "贵和", "开明"),
        ("福", "贵", "林", "山", "和", "财"), 0.10),
    ("F", "1950s60s"): (
        ("秀兰", "桂芳", "玉兰", "秀珍", "桂英", "淑华", "秀梅", "丽华", "红英", "凤英", "桂芝",
         "美华", "玉梅", "春梅", "秀云", "红梅", "素华", "秀芳", "兰英", "小红", "金凤", "翠华",
         "爱华", "爱琴", "红霞", "建华", "春兰", "玉琴", "雪梅", "秀霞"),
        ("英", "红", "华", "梅", "霞", "琴", "兰", "芳", "萍"), 0.15),
    ("M", "1950s60s"): (
        ("建国", "建华", "国强", "国庆", "建军", "卫东", "志强", "红兵", "爱国", "胜利", "建平",
         "国平", "卫国", "立国", "振华", "德胜", "跃进", "永红", "海林", "明华", "春林", "家林",
         "金华", "光明", "新民", "宏伟", "长江", "学军", "和平", "传友"),
        ("军", "勇", "强", "平", "华", "明", "林", "斌", "兵", "伟"), 0.18),
    ("F", "1970s80s"): (
        ("丽丽", "秀丽", "丽娟", "红梅", "海燕", "春燕", "晓燕", "小燕", "丽萍", "玉洁", "俊英",
         "文静", "小琴", "晓梅", "婷婷", "丹丹", "慧敏", "雪莲", "小芳", "晓红", "艳红", "莉莉",
         "春霞", "晓丽", "金霞", "海霞", "艳玲", "红艳"),
        ("丽", "芳", "娟", "敏", "静", "燕", "艳", "霞", "娜", "琳", "玲", "洁"), 0.32),
    ("M", "1970s80s"): (
        ("海涛", "志强", "建军", "永刚", "小龙", "海军", "晓东", "文斌", "志刚", "海波", "红军",
         "俊杰", "大伟", "国伟", "春雷", "晓峰", "明亮", "东升", "家俊", "文涛", "长春", "兵兵"),
        ("伟", "磊", "勇", "军", "杰", "强", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "飞",
         "亮", "波"), 0.35),
    ("F", "1990s"): (
        ("婷婷", "雨欣", "佳佳", "晓雪", "梦瑶", "思琪", "雨婷", "欣怡", "佳琪", "梦琪", "文静",
         "雪晴", "晶晶", "莹莹", "紫薇", "诗雨", "梦洁", "心怡", "慧琳", "子涵", "嘉欣", "丹妮"),
        ("婷", "雪", "倩", "琳", "佳", "欣", "悦", "颖", "璐", "露"), 0.20),
    ("M", "1990s"): (
        ("俊杰", "子豪", "浩然", "宇航", "家豪", "志豪", "文博", "天宇", "振宇", "明轩", "晨阳",
         "一鸣", "俊豪", "雨辰", "博文", "晓宇", "嘉伟", "少杰", "永康", "泽宇"),
        ("浩", "杰", "鹏", "磊", "宇", "帅", "凯", "超", "鑫", "皓"), 0.22),
    ("F", "2005on"): (
        ("梓涵", "欣怡", "子涵", "雨涵", "可欣", "诗涵", "一诺", "紫涵", "梦瑶", "语桐", "若汐",
         "佳怡", "思涵", "欣妍", "梓萱", "依诺", "雨桐", "芷若", "安琪", "沐晨"),
        ("悦", "萱", "彤", "妍", "琪"), 0.08),
    ("M", "2005on"): (
        ("子轩", "浩宇", "浩然", "宇轩", "梓轩", "俊熙", "梓豪", "宇航", "子墨", "一鸣", "沐宸",
         "奕辰", "皓轩", "昊然", "锦程", "梓睿", "子睿", "宇泽", "俊宇"),
        ("睿", "宸", "铭", "泽", "博", "晨"), 0.08),
}  # fmt: skip

#: Characters often written with a homophone (同音字) by data-entry clerks.
HOMOPHONES: dict[str, str] = {
    "英": "瑛", "华": "桦", "明": "铭", "晓": "小", "小": "晓", "红": "宏", "芳": "方",
    "军": "君", "伟": "炜", "静": "婧", "玉": "钰", "桂": "贵", "珍": "贞", "兰": "岚",
    "平": "萍", "建": "健", "志": "智", "林": "霖", "秀": "琇", "国": "帼", "丽": "莉",
    "娟": "鹃", "敏": "民", "燕": "艳", "霞": "侠", "琴": "芹", "梅": "玫", "杰": "洁",
    "涛": "滔", "斌": "彬", "鹏": "朋", "宇": "雨", "浩": "皓", "婷": "亭", "欣": "馨",
    "涵": "含", "轩": "萱", "德": "得", "福": "富", "文": "雯", "凤": "风", "云": "芸",
    "强": "蔷", "勇": "永", "刚": "钢", "兵": "彬", "超": "朝", "辉": "晖", "磊": "垒",
    "飞": "菲", "亮": "靓", "波": "博", "萍": "苹", "琳": "林", "玲": "铃", "洁": "杰",
    "娜": "那", "雪": "学", "倩": "茜", "佳": "嘉", "颖": "莹", "怡": "宜", "琪": "淇",
    "山": "珊", "和": "禾", "贵": "桂", "胜": "盛", "荣": "蓉", "宝": "保", "金": "今",
}  # fmt: skip

#: Lu'an county-level units (县区): current code, name, pre-1999 ID code, weight, urban
#: sub-districts or county-seat towns (街道/城关), rural townships (乡镇).
COUNTIES: tuple[tuple[str, str, str, float, tuple[str, ...], tuple[str, ...]], ...] = (
    ("341502", "金安区", "342401", 0.17,
     ("中市街道", "东市街道", "三里桥街道", "清水河街道", "望城街道"),
     ("木厂镇", "马头镇", "东桥镇", "张店镇", "毛坦厂镇", "东河口镇", "孙岗镇", "三十铺镇",
      "椿树镇", "施桥镇", "翁墩乡")),
    ("341503", "裕安区", "342401", 0.17,
     ("鼓楼街道", "西市街道", "小华山街道", "平桥街道"),
     ("苏埠镇", "韩摆渡镇", "新安镇", "顺河镇", "独山镇", "石婆店镇", "城南镇", "丁集镇",
      "固镇镇", "徐集镇", "分路口镇", "江家店镇", "单王乡", "青山乡")),
    ("341504", "叶集区", "342423", 0.05,
     ("史河街道", "平岗街道"),
     ("三元镇", "孙岗乡", "姚李镇", "洪集镇")),
    ("341522", "霍邱县", "342423", 0.25,
     ("城关镇",),
     ("河口镇", "周集镇", "临水镇", "新店镇", "石店镇", "马店镇", "孟集镇", "花园镇", "扈胡镇",
      "长集镇", "乌龙镇", "高塘镇", "龙潭镇", "岔路镇", "冯井镇", "众兴集镇", "夏店镇",
      "曹庙镇", "范桥镇", "潘集镇", "宋店乡", "邵岗乡", "白莲乡", "三流乡")),
    ("341523", "舒城县", "342425", 0.16,
     ("城关镇",),
     ("千人桥镇", "百神庙镇", "杭埠镇", "舒茶镇", "南港镇", "干汊河镇", "张母桥镇", "五显镇",
      "山七镇", "河棚镇", "汤池镇", "晓天镇", "春秋乡", "柏林乡", "棠树乡", "阙店乡", "高峰乡")),
    ("341524", "金寨县", "342426", 0.11,
     ("梅山镇",),
     ("麻埠镇", "青山镇", "燕子河镇", "天堂寨镇", "古碑镇", "南溪镇", "双河镇", "白塔畈镇",
      "斑竹园镇", "汤家汇镇", "吴家店镇", "果子园乡", "花石乡", "油坊店乡", "全军乡")),
    ("341525", "霍山县", "342427", 0.09,
     ("衡山镇",),
     ("佛子岭镇", "下符桥镇", "但家庙镇", "与儿街镇", "黑石渡镇", "诸佛庵镇", "落儿岭镇",
      "磨子潭镇", "大化坪镇", "漫水河镇", "上土市镇", "单龙寺镇", "东西溪乡", "太平畈乡")),
)  # fmt: skip

#: Anhui codes of people born elsewhere in the province: (code, first year in force).
BORN_ELSEWHERE: tuple[tuple[str, int], ...] = (
    ("340121", 0), ("340421", 0), ("340123", 1983), ("341221", 1996), ("341226", 1996),
)  # fmt: skip

_VILLAGE_HEAD = "王李张刘陈杨吴周徐胡朱汪程大小新老东西南北上下前后高黄双马"
_VILLAGE_TAIL = ("圩", "郢", "冲", "畈", "岗", "店", "集", "湾", "庄", "桥", "楼", "塘", "河", "墩")
_COMMUNITY = (
    "东风", "向阳", "和平", "新华", "人民", "解放", "健康", "朝阳", "滨河", "文化", "红星",
    "光明", "幸福", "淠河", "皋城", "梅山", "育才", "阳光", "长安", "锦绣",
)  # fmt: skip
_GROUP_NUMERALS = "一二三四五六七八九十"


def _zipf(n: int, power: float = 0.7, offset: float = 5.0) -> np.ndarray:
    """Probabilities that fall with rank, so the first names of a list are the common ones."""
    weights = 1.0 / (np.arange(n) + offset) ** power
    return weights / weights.sum()


def cohort_of(birth_year: np.ndarray) -> np.ndarray:
    """Index into :data:`COHORTS` for each birth year."""
    starts = np.array([start for start, _ in COHORTS])
    return np.searchsorted(starts, birth_year, side="right") - 1


def draw_names(rng: np.random.Generator, male: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    """Draw a full name (姓名) for each person.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    male : ndarray of bool
        Sex of each person.
    birth_year : ndarray of int
        Birth year of each person (selects the given-name cohort).

    Returns
    -------
    ndarray of str
        Names such as ``'王桂英'`` or ``'李军'``.
    """
    n = len(male)
    surnames = np.array([s for s, _ in SURNAMES])
    weights = np.array([w for _, w in SURNAMES], dtype=float)
    family = surnames[rng.choice(len(surnames), size=n, p=weights / weights.sum())]
    given = np.empty(n, dtype=object)
    cohort = cohort_of(birth_year)
    for c, (_, label) in enumerate(COHORTS):
        for sex, is_male in (("F", False), ("M", True)):
            idx = np.flatnonzero((cohort == c) & (male == is_male))
            doubles, singles, share = GIVEN[(sex, label)]
            heads = np.array([d[0] for d in doubles])
            tails = np.array([d[1] for d in doubles])
            u = rng.random(len(idx))
            pick2 = rng.choice(len(doubles), size=len(idx), p=_zipf(len(doubles)))
            pick1 = rng.choice(len(singles), size=len(idx), p=_zipf(len(singles), power=0.4))
            mix_head, mix_tail = rng.integers(0, len(doubles), size=(2, len(idx)))
            mixed = np.char.add(heads[mix_head], tails[mix_tail])  # e.g. 桂英 + 秀兰 -> 桂兰
            name = np.where(u < 0.3, np.array(doubles)[pick2], mixed)
            given[idx] = np.where(u > 1 - share, np.array(singles)[pick1], name)
    return np.array([f + g for f, g in zip(family, given, strict=True)], dtype=object)


def homophone_of(name: str) -> str:
    """Replace the last replaceable character of a given name by a homophone (同音字).

    Returns the name unchanged when no character of the given name has a listed homophone.
    """
    for pos in range(len(name) - 1, 0, -1):
        if name[pos] in HOMOPHONES:
            return name[:pos] + HOMOPHONES[name[pos]] + name[pos + 1 :]
    return name


@cache
def _villages() -> dict[str, list[str]]:
    """A fixed list of made-up villages for every rural township (the same in every chunk)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([2024, 0, 0])))
    found: dict[str, list[str]] = {}
    for _, county, _, _, _, towns in COUNTIES:
        for town in towns:
            k = int(rng.integers(6, 13))
            heads = rng.choice(len(_VILLAGE_HEAD), size=k)
            tails = rng.choice(len(_VILLAGE_TAIL), size=k)
            names = [_VILLAGE_HEAD[h] + _VILLAGE_TAIL[t] for h, t in zip(heads, tails, strict=True)]
            found[county + town] = list(dict.fromkeys(names))  # drop repeats, keep order
    return found


def draw_addresses(
    rng: np.random.Generator, county_idx: np.ndarray, rural: np.ndarray
) -> np.ndarray:
    """Draw a home address (住址) for each person.

    Rural addresses name county, township, village and villagers' group (村民组), e.g.
    ``'六安市霍邱县周集镇李圩村五组'``; urban ones name county, sub-district, community (社区)
    and flat, e.g. ``'六安市金安区三里桥街道向阳社区12栋302室'``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    county_idx : ndarray of int
        Index into :data:`COUNTIES` of each person's county of residence.
    rural : ndarray of bool
        Whether the person lives in a village.

    Returns
    -------
    ndarray of str
    """
    villages = _villages()
    n = len(county_idx)
    out = np.empty(n, dtype=object)
    u_town, u_place = rng.random(n), rng.random(n)
    group = rng.integers(1, 11, size=n)
    building, floor, flat = (
        rng.integers(1, 31, size=n),
        rng.integers(1, 19, size=n),
        rng.integers(1, 5, size=n),
    )
    for i in range(n):
        _, county, _, _, streets, towns = COUNTIES[county_idx[i]]
        if rural[i]:
            town = towns[int(u_town[i] * len(towns))]
            options = villages[county + town]
            village = options[int(u_place[i] * len(options))]
            out[i] = f"六安市{county}{town}{village}村{_GROUP_NUMERALS[group[i] - 1]}组"
        else:
            street = streets[int(u_town[i] * len(streets))]
            community = _COMMUNITY[int(u_place[i] * len(_COMMUNITY))]
            room = f"{floor[i]}{flat[i]:02d}"
            out[i] = f"六安市{county}{street}{community}社区{building[i]}栋{room}室"
    return out
