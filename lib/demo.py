"""Deterministic demo district modeled on the published figures of 梁园区 (see ../shared/seeds).

`build(engine, scale="district", seed=2018)` writes every table of the data contract. With the
default seed and scale these figures come out of the rows (tests/test_demo.py checks each):
369 non-public enterprises, 218 with a party organization; 1,027 outflow members in 5 outflow
branches; 21,239 service tickets received in 2016 (18,933 certificate matters + 2,306 other
matters); satisfaction 98.1% in 2018Q3; 1,015 section-level cadres, 17.5% aged 40 or younger and
55.7% bachelor's or above at 2018-12-31. Larger scales repeat the district with other names.

Rows are generated district by district and inserted in batches, so memory stays flat at any scale.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator

import numpy as np
from sqlalchemy import Engine

from lib import db, schema, summaries
from lib.idcodes import CREDIT_ALPHABET, credit_check_char, make_id_number
from lib.places import DESTINATIONS, DISTRICT_AREA_CODE, DISTRICT_NAME, TOWNSHIPS
from lib.rules import quarter_end, ticket_derived

SCALES = {"district": 1, "city": 10, "province": 156}
# The other districts of a city or province are denser than 梁园区 (DESIGN.md scale targets: a city has
# ~300k members and ~3M tickets in ~10 districts): (members, tickets) multipliers for districts k > 0.
DENSITY = {"district": (1.0, 1.0), "city": (2.5, 3.25), "province": (1.6, 3.25)}
START, END = date(2016, 1, 1), date(2018, 12, 31)
DEMO_AS_OF = END

# Certificate matters (证明、证件类) and other matters (其他实事), as the seeds count them.
CERTIFICATE_CATEGORIES = ("学生困难证明", "老年优待证", "低保证", "居住证明", "残疾人证")
OTHER_CATEGORIES = ("代办事项", "政策咨询", "纠纷调解", "就业服务", "社保医保")
CATEGORY_DUE_DAYS = {"学生困难证明": 3, "老年优待证": 5, "低保证": 15, "居住证明": 3, "残疾人证": 20,
                     "代办事项": 7, "政策咨询": 2, "纠纷调解": 15, "就业服务": 10, "社保医保": 10}
CERT_WEIGHTS = (0.34, 0.21, 0.14, 0.23, 0.08)
OTHER_WEIGHTS = (0.35, 0.25, 0.12, 0.15, 0.13)
# tickets received per year: (certificate matters, other matters); 2016 is the published figure
TICKETS_PER_YEAR = {2016: (18_933, 2_306), 2017: (28_417, 4_862), 2018: (37_146, 7_531)}
SPRING_FESTIVAL = {2016: date(2016, 2, 8), 2017: date(2017, 1, 28), 2018: date(2018, 2, 16)}

NONPUBLIC_N, NONPUBLIC_WITH_ORG_N, JOINT_BRANCHES_N, JOINT_COVERED_N = 369, 218, 10, 30
SHOULD_BUILD_N, NONPUBLIC_INSTRUCTED_UNCOVERED_N = 12, 118
SOCIAL_N, SOCIAL_WITH_ORG_N, SOCIAL_INSTRUCTED_UNCOVERED_N = 46, 24, 14
OUTFLOW_N = 1_027
SECTION_CADRES_N, SECTION_YOUNG_N, SECTION_BACHELOR_N = 1_015, 178, 565
SURVEY_2018Q3 = (4_000, 3_924)  # respondents, satisfied: 98.1%

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海燕飞鹏辉斌宇浩凯晨欣佳琳雪梅峰亮俊鑫丹蕾倩颖婷慧洁晶宁博文瑞泽轩怡萍彬"
VILLAGE_STEMS = "张李王刘陈杨赵黄周吴徐孙胡朱高林何郭马罗宋郑谢韩唐冯于董程曹袁邓许沈彭吕苏卢蒋蔡贾丁魏薛叶"
VILLAGE_SUFFIXES = ("庄", "楼", "寨", "集", "营", "屯", "店", "庙", "湾", "桥", "堂", "口")
COMMUNITY_WORDS = ("和平", "建设", "解放", "文化", "胜利", "光明", "幸福", "团结", "新华", "长青", "民主", "振兴",
                   "平安", "东风", "阳光", "春晖", "花园", "凯旋", "滨河", "金港", "锦绣", "如意", "广场", "南湖")
INDUSTRIES = ("制造业", "批发和零售业", "建筑业", "交通运输业", "住宿和餐饮业", "信息技术服务业", "农副产品加工", "商务服务业")
SOCIAL_KINDS = ("行业协会", "商会", "民办学校", "民办养老机构", "社会服务机构")
FIRM_WORDS = ("鑫源", "恒达", "华美", "宏图", "金穗", "天成", "永盛", "汇通", "瑞丰", "东方", "中原", "豫商", "梁苑", "古城",
              "佳禾", "兴旺", "富民", "锦程", "盛世", "康达", "新源", "利民", "德润", "中信", "博远", "同创")
NOT_BUILT_REASONS = ("党员组织关系未转入", "企业处于筹建期，正在组建", "党员流动性大", "出资人认识不到位，正在做工作")
EDUCATION_MEMBER_WEIGHTS = {"研究生": 0.03, "大学本科": 0.22, "大专": 0.25, "中专": 0.15, "高中": 0.18, "初中及以下": 0.17}
DISTRICT_UNITS = ("区委办公室", "区政府办公室", "区委组织部", "区委宣传部", "区纪委监委", "区发展改革委", "区财政局",
                  "区民政局", "区人社局", "区教体局", "区卫健委", "区住建局", "区农业农村局", "区市场监管局", "区司法局",
                  "区应急管理局", "区城管局", "区统计局", "区审计局", "区信访局")
OTHER_DISTRICTS = ("睢阳区", "虞城县", "夏邑县", "永城市", "柘城县", "宁陵县", "睢县", "民权县", "惠济区", "中原区",
                   "金水区", "二七区", "管城区", "上街区", "巩义市", "荥阳市", "新密市", "新郑市", "登封市", "中牟县")


@dataclass
class District:
    """One generated district: index k (0 is the demo district itself), names and codes."""

    k: int
    name: str
    area: str
    townships: list[tuple[str, str, str, float, float]]


def district(k: int) -> District:
    """Return district k of a scaled build; k=0 is 梁园区 exactly as in lib.places."""
    if k == 0:
        return District(0, DISTRICT_NAME, DISTRICT_AREA_CODE, list(TOWNSHIPS))
    base = OTHER_DISTRICTS[(k - 1) % len(OTHER_DISTRICTS)]
    name = base if k <= len(OTHER_DISTRICTS) else f"{base}{(k - 1) // len(OTHER_DISTRICTS) + 1}"
    area = str(411402 + k * 100)
    dlon, dlat = (k % 13) * 0.9 - 5.4, (k // 13) * 0.6 - 3.0  # spread districts apart on the map
    towns = [(f"{area}{code[6:]}", f"{name}{tname}", kind, round(lon + dlon, 4), round(lat + dlat, 4))
             for code, tname, kind, lon, lat in TOWNSHIPS]
    return District(k, name, area, towns)


class Names:
    """Synthetic but plausible Chinese names, 身份证号 and phone numbers, unique per run."""

    def __init__(self, rng: random.Random, area: str):
        self.rng, self.area, self.seq = rng, area, 0
        self.used: set[str] = set()

    def person(self) -> str:
        n = 1 if self.rng.random() < 0.35 else 2
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(n))

    def id_number(self, birth: date, male: bool) -> str:
        while True:
            self.seq += 1
            value = make_id_number(self.area, birth, self.seq + self.rng.randrange(0, 400), male)
            if value not in self.used:
                self.used.add(value)
                return value

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"


def _date_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split `total` into integer parts proportional to weights (largest remainder, exact sum)."""
    wsum = sum(weights)
    raw = [total * w / wsum for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i], rng.random()), reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _credit_code(rng: random.Random, prefix: str, area: str) -> str:
    body = prefix + area + "".join(rng.choice(CREDIT_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + credit_check_char(body)


def generate(k: int, seed: int, density: tuple[float, float] = (1.0, 1.0)) -> Iterator[tuple[schema.Table, list[dict]]]:
    """Yield (table, rows) batches for district k, in foreign-key order.

    `density` multiplies members and tickets of districts k > 0 (district 0 is always 梁园区 as published).
    """
    member_density, ticket_density = density if k else (1.0, 1.0)
    d = district(k)
    rng = random.Random(seed * 1_000 + k)
    nprng = np.random.default_rng(seed * 1_000 + k)
    names = Names(rng, d.area)
    streets = [t for t in d.townships if t[2] == "街道"]
    rural = [t for t in d.townships if t[2] != "街道"]

    yield schema.township, [{"code": c, "name": n, "kind": kd, "lon": lon, "lat": lat} for c, n, kd, lon, lat in d.townships]

    # villages: 52 communities and 18 villages in the streets, 174 villages in the townships (192 + 52)
    villages: list[dict] = []
    street_communities, street_villages = [8, 8, 7, 7, 8, 7, 7], [2, 3, 2, 3, 2, 3, 3]
    rural_villages = [20, 19, 20, 19, 19, 20, 19, 19, 19]
    for t, n_comm, n_vil in [(t, c, v) for t, c, v in zip(streets, street_communities, street_villages)] + \
            [(t, 0, v) for t, v in zip(rural, rural_villages)]:
        words = rng.sample(COMMUNITY_WORDS, n_comm)
        stems = rng.sample([s + x for s in VILLAGE_STEMS for x in VILLAGE_SUFFIXES], n_vil)
        for i, w in enumerate(words):
            villages.append({"code": f"{t[0]}{i + 1:03d}", "name": f"{w}社区", "township_code": t[0], "kind": "社区"})
        for i, s in enumerate(stems):
            villages.append({"code": f"{t[0]}{n_comm + i + 1:03d}", "name": f"{s}村", "township_code": t[0], "kind": "村"})
    yield schema.village, villages

    # party organizations
    orgs: list[dict] = []
    town_org = {}
    for code, tname, kind, _, _ in d.townships:
        org = {"code": f"{code}D000", "name": f"中共{tname}{'工作' if kind == '街道' else ''}委员会", "category": "党委",
               "domain": "机关", "township_code": code, "village_code": None, "parent_code": None,
               "founded_on": _date_between(rng, date(1984, 1, 1), date(1998, 12, 31)), "is_weak": False}
        town_org[code] = org["code"]
        orgs.append(org)
    weak = set(rng.sample(range(len(villages)), 6))  # a few villages still being rectified (软弱涣散)
    village_orgs: dict[str, list[str]] = {}
    for i, v in enumerate(villages):
        big = rng.random() < 0.12
        org = {"code": f"{v['code']}D", "name": f"中共{v['name']}{'总支' if big else '支部'}委员会",
               "category": "党总支" if big else "党支部", "domain": "社区" if v["kind"] == "社区" else "农村",
               "township_code": v["township_code"], "village_code": v["code"], "parent_code": town_org[v["township_code"]],
               "founded_on": _date_between(rng, date(1956, 1, 1), date(2012, 12, 31)), "is_weak": i in weak}
        orgs.append(org)
        village_orgs.setdefault(v["township_code"], []).append(org["code"])
    institution_orgs = []
    for i, unit in enumerate(DISTRICT_UNITS * 2 + ("区人民医院", "区中医院", "区第一高级中学", "区实验小学", "区供水公司", "区城投公司")):
        t = streets[i % len(streets)]
        domain = "机关" if i < len(DISTRICT_UNITS) else "事业单位" if i < 2 * len(DISTRICT_UNITS) + 4 else "国有企业"
        label = unit if i < len(DISTRICT_UNITS) else unit.replace("区", "区属") if i < 2 * len(DISTRICT_UNITS) else unit
        org = {"code": f"{d.area}J{i + 1:03d}", "name": f"中共{d.name}{label}{'支部' if i < 40 else ''}委员会",
               "category": "党支部" if i < 40 else "党委", "domain": domain, "township_code": t[0], "village_code": None,
               "parent_code": None, "founded_on": _date_between(rng, date(1980, 1, 1), date(2010, 12, 31)), "is_weak": False}
        orgs.append(org)
        institution_orgs.append(org["code"])

    # "两新" organizations. Non-public: 218 covered = 188 own organizations + 30 in 10 joint branches.
    own_n = NONPUBLIC_WITH_ORG_N - JOINT_COVERED_N
    enterprises: list[dict] = []
    town_weights = [3.0 if t[2] == "街道" else 1.6 if t[2] == "镇" else 1.0 for t in d.townships]
    ent_towns = [d.townships[i] for i in _assign(rng, NONPUBLIC_N, town_weights)]
    used_names: set[str] = set()
    for i in range(NONPUBLIC_N):
        t = ent_towns[i]
        covered_own, covered_joint = i < own_n, own_n <= i < NONPUBLIC_WITH_ORG_N
        should_build = NONPUBLIC_WITH_ORG_N <= i < NONPUBLIC_WITH_ORG_N + SHOULD_BUILD_N
        instructed = NONPUBLIC_WITH_ORG_N + SHOULD_BUILD_N <= i < NONPUBLIC_WITH_ORG_N + NONPUBLIC_INSTRUCTED_UNCOVERED_N
        if covered_own:
            employees = int(min(3000, max(20, nprng.lognormal(4.9, 0.9))))
            members_n = max(3, min(employees // 6, int(nprng.lognormal(2.0, 0.7))))
        elif covered_joint:
            employees, members_n = int(max(8, nprng.lognormal(3.3, 0.5))), rng.randrange(0, 3)
        elif should_build:
            employees = int(max(30, nprng.lognormal(4.3, 0.6)))
            members_n = rng.randrange(3, 9)
        else:
            employees, members_n = int(max(5, nprng.lognormal(3.4, 0.7))), rng.choice((0, 0, 0, 1, 1, 2))
        industry = rng.choice(INDUSTRIES)
        enterprises.append({
            "credit_code": _credit_code(rng, "91", d.area), "name": _firm_name(rng, used_names, t[1], industry),
            "kind": "非公企业", "industry": industry, "township_code": t[0], "employees_n": employees,
            "members_n": members_n, "org_code": None,
            "instructor": None if not (instructed or should_build and rng.random() < 0.5) else names.person(),
            "not_built_reason": rng.choice(NOT_BUILT_REASONS) if should_build else None,
        })
    # coverage grows over the years: organization founding dates spread 2008..2018
    founded_years = _split(rng, own_n, [6, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3])  # 2008..2018
    founded_pool = [y for y, n in zip(range(2008, 2019), founded_years) for _ in range(n)]
    rng.shuffle(founded_pool)
    for i, e in enumerate(enterprises[:own_n]):
        org = {"code": f"{e['township_code']}F{i + 1:03d}", "name": f"中共{e['name']}支部委员会",
               "category": "党委" if e["members_n"] >= 100 else "党总支" if e["members_n"] >= 50 else "党支部",
               "domain": "非公企业", "township_code": e["township_code"], "village_code": None,
               "parent_code": town_org[e["township_code"]],
               "founded_on": _date_between(rng, date(founded_pool[i], 1, 1), date(founded_pool[i], 12, 31)), "is_weak": False}
        orgs.append(org)
        e["org_code"] = org["code"]
    joint = enterprises[own_n:NONPUBLIC_WITH_ORG_N]
    for j in range(JOINT_BRANCHES_N):
        group = joint[j * 3:(j + 1) * 3]
        t = group[0]["township_code"]
        org = {"code": f"{d.area}L{j + 1:03d}", "name": f"中共{d.name}非公企业第{j + 1}联合支部委员会",
               "category": "联合党支部", "domain": "非公企业", "township_code": t, "village_code": None,
               "parent_code": town_org[t], "founded_on": _date_between(rng, date(2015, 3, 1), date(2018, 10, 31)),
               "is_weak": False}
        orgs.append(org)
        for e in group:
            e["org_code"] = org["code"]
            e["township_code"] = t  # a joint branch serves neighbouring firms of one township
    social_towns = [d.townships[i] for i in _assign(rng, SOCIAL_N, town_weights)]
    for i in range(SOCIAL_N):
        t = social_towns[i]
        kind = rng.choice(SOCIAL_KINDS)
        covered = i < SOCIAL_WITH_ORG_N
        members_n = rng.randrange(3, 15) if covered else rng.choice((0, 1, 2, 3))
        e = {"credit_code": _credit_code(rng, "52", d.area),
             "name": _social_name(rng, used_names, d.name, t[1], kind), "kind": "社会组织", "industry": kind,
             "township_code": t[0], "employees_n": int(max(4, nprng.lognormal(3.0, 0.6))), "members_n": members_n,
             "org_code": None,
             "instructor": names.person() if not covered and i < SOCIAL_WITH_ORG_N + SOCIAL_INSTRUCTED_UNCOVERED_N else None,
             "not_built_reason": rng.choice(NOT_BUILT_REASONS[:3]) if not covered and members_n >= 3 else None}
        if covered:
            org = {"code": f"{t[0]}S{i + 1:03d}", "name": f"中共{e['name']}支部委员会", "category": "党支部",
                   "domain": "社会组织", "township_code": t[0], "village_code": None, "parent_code": town_org[t[0]],
                   "founded_on": _date_between(rng, date(2012, 1, 1), date(2018, 11, 30)), "is_weak": False}
            orgs.append(org)
            e["org_code"] = org["code"]
        enterprises.append(e)

    # five outflow branches in the cities where most members work
    branch_towns = ("双八镇", "孙福集乡", "谢集镇", "观堂镇", "李庄乡")
    town_by_name = {t[1].removeprefix(d.name if k else ""): t[0] for t in d.townships}
    branches = {}
    for j, (prov, city, *_rest) in enumerate([x for x in DESTINATIONS if x[4]]):
        t = town_by_name[branch_towns[j]]
        org = {"code": f"{d.area}M{j + 1:03d}", "name": f"中共{d.name}驻{city.removesuffix('市')}流动党员支部委员会",
               "category": "党支部", "domain": "流动党员", "township_code": t, "village_code": None,
               "parent_code": town_org[t], "founded_on": _date_between(rng, date(2011, 3, 1), date(2015, 6, 30)),
               "is_weak": False}
        orgs.append(org)
        branches[city] = org["code"]
    yield schema.party_org, [o for o in orgs if o["parent_code"] is None]
    yield schema.party_org, [o for o in orgs if o["parent_code"] is not None]
    yield schema.enterprise, enterprises

    # party members (~13k): members of every organization, formal members of firms as declared
    members: list[dict] = []

    def add_members(org_code: str, n: int, *, rural: bool = False, young: bool = False, scaled: bool = True) -> None:
        for _ in range(round(n * member_density) if scaled else n):
            male = rng.random() < (0.72 if rural else 0.6)
            birth = _date_between(rng, date(1975 if young else 1938, 1, 1), date(1996, 12, 31))
            joined = _date_between(rng, max(date(birth.year + 18, birth.month, min(birth.day, 28)), date(1960, 1, 1)), END)
            edu = _weighted(rng, EDUCATION_MEMBER_WEIGHTS, shift=0 if not rural else -1)
            members.append({
                "id_number": names.id_number(birth, male), "name": names.person(), "gender": "男" if male else "女",
                "birth_date": birth, "education": edu, "joined_on": joined,
                "member_type": "预备" if joined > date(2017, 12, 31) and rng.random() < 0.7 else "正式",
                "org_code": org_code, "ethnicity": "回族" if rng.random() < 0.03 else "汉族", "phone": names.phone()})

    for code, tname, *_ in d.townships:
        add_members(town_org[code], rng.randrange(12, 25))
        for org_code in village_orgs.get(code, []):
            add_members(org_code, rng.randrange(26, 46), rural=True)
    for org_code in institution_orgs:
        add_members(org_code, rng.randrange(30, 70))
    for e in enterprises:
        if e["org_code"] and e["members_n"]:
            add_members(e["org_code"], e["members_n"], young=True, scaled=False)  # as declared
    village_members = [m for m in members if m["org_code"].endswith("D") and not m["org_code"].endswith("D000")]
    for start in range(0, len(members), 5000):
        yield schema.member, members[start:start + 5000]

    # outflow members: 1,027 village members working elsewhere, leaving after the Spring Festival
    dest_weights = [0.25, 0.20, 0.18, 0.10, 0.08, 0.06, 0.04, 0.03, 0.02, 0.02, 0.01, 0.01]
    dest_counts = _split(rng, OUTFLOW_N, dest_weights)
    rural_codes = {t[0] for t in rural}
    candidates = [m for m in village_members if m["birth_date"] > date(1958, 1, 1)]
    candidates.sort(key=lambda m: (m["org_code"][:9] not in rural_codes, rng.random()))
    pool = candidates[: int(OUTFLOW_N * 1.2)]
    rng.shuffle(pool)
    chosen = pool[:OUTFLOW_N]
    outflow_rows = []
    i = 0
    for (prov, city, *_rest), n in zip(DESTINATIONS, dest_counts):
        for m in chosen[i:i + n]:
            year = rng.choice((2012, 2013, 2014, 2015, 2016, 2016, 2017, 2017, 2018, 2018))
            month = rng.choices(range(1, 13), weights=(5, 14, 18, 8, 5, 4, 4, 5, 6, 4, 3, 2))[0]
            out_on = _date_between(rng, date(year, month, 1), date(year, month, 28))
            out_on = max(out_on, m["joined_on"])  # a member leaves after joining
            roll = rng.random()
            if roll < 0.035:
                last = None
            elif roll < 0.09 and out_on < date(2018, 6, 1):
                last = _date_between(rng, max(out_on, date(2017, 1, 1)), date(2018, 6, 29))
            else:
                last = _date_between(rng, max(out_on, date(2018, 7, 1)), END)
            outflow_rows.append({
                "id_number": m["id_number"], "name": m["name"], "township_code": m["org_code"][:9],
                "dest_province": prov, "dest_city": city, "out_on": out_on,
                "branch_code": branches.get(city) if rng.random() < 0.85 else None, "last_contact_on": last})
        i += n
    yield schema.outflow, outflow_rows

    yield from _tickets(d, rng, nprng, villages, ticket_density)
    yield schema.survey, _surveys(d, rng)
    yield schema.petition, _petitions(d, rng, nprng)
    yield schema.cadre, _cadres(d, rng, names, streets + rural)


def _assign(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    counts = _split(rng, n, weights)
    out = [i for i, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(out)
    return out


def _weighted(rng: random.Random, weights: dict[str, float], shift: int = 0) -> str:
    keys = list(weights)
    w = list(weights.values())
    if shift < 0:  # rural members: fewer degrees
        w = [w[0] * 0.3, w[1] * 0.4, w[2] * 0.7, w[3], w[4] * 1.3, w[5] * 1.8]
    return rng.choices(keys, weights=w)[0]


def _firm_name(rng: random.Random, used: set[str], town: str, industry: str) -> str:
    suffix = {"制造业": "制造", "批发和零售业": "商贸", "建筑业": "建筑工程", "交通运输业": "物流", "住宿和餐饮业": "餐饮管理",
              "信息技术服务业": "信息技术", "农副产品加工": "食品", "商务服务业": "企业管理咨询"}[industry]
    while True:
        name = f"商丘市{rng.choice(FIRM_WORDS)}{rng.choice(FIRM_WORDS)}{suffix}有限公司"
        if name not in used:
            used.add(name)
            return name


def _social_name(rng: random.Random, used: set[str], district_name: str, town: str, kind: str) -> str:
    while True:
        word = rng.choice(FIRM_WORDS)
        name = {"行业协会": f"{district_name}{word}行业协会", "商会": f"{district_name}{word}商会",
                "民办学校": f"{district_name}{word}学校", "民办养老机构": f"{town}{word}养老院",
                "社会服务机构": f"{district_name}{word}社会工作服务中心"}[kind]
        if name not in used:
            used.add(name)
            return name


def _day_weights(year: int) -> tuple[list[date], np.ndarray]:
    days = [date(year, 1, 1) + timedelta(days=i) for i in range((date(year, 12, 31) - date(year, 1, 1)).days + 1)]
    festival = SPRING_FESTIVAL[year]
    w = []
    for i, day in enumerate(days):
        base = (1.0, 1.0, 1.0, 1.0, 0.95, 0.35, 0.2)[day.weekday()]
        gap = (day - festival).days
        if -2 <= gap <= 6:  # 春节 holiday: service centres mostly closed
            base *= 0.08
        elif -10 <= gap < -2 or 6 < gap <= 12:
            base *= 0.6
        if day.month == 10 and day.day <= 7:  # 国庆 holiday
            base *= 0.15
        w.append(base * (1 + 0.25 * i / len(days)))  # volume grows through the year
    arr = np.array(w)
    return days, arr / arr.sum()


def _tickets(d: District, rng: random.Random, nprng: np.random.Generator, villages: list[dict], density: float = 1.0):
    town_cum = list(np.cumsum([2.2 if t[2] == "街道" else 1.0 for t in d.townships]))
    villages_by_town: dict[str, list[dict]] = {}
    for v in villages:
        villages_by_town.setdefault(v["township_code"], []).append(v)
    seq = 0
    batch: list[dict] = []
    for year, (cert_n, other_n) in TICKETS_PER_YEAR.items():
        cert_n, other_n = round(cert_n * density), round(other_n * density)
        days, weights = _day_weights(year)
        online_share = {2016: 0.10, 2017: 0.22, 2018: 0.34}[year]
        for cats, cat_weights, total in ((CERTIFICATE_CATEGORIES, CERT_WEIGHTS, cert_n), (OTHER_CATEGORIES, OTHER_WEIGHTS, other_n)):
            for cat, n_cat in zip(cats, _split(rng, total, list(cat_weights))):
                per_day = nprng.multinomial(n_cat, weights)
                for day, n in zip(days, per_day):
                    for _ in range(int(n)):
                        seq += 1
                        t = rng.choices(d.townships, cum_weights=town_cum)[0]
                        at_village = rng.random() < 0.4
                        v = rng.choice(villages_by_town[t[0]])
                        station = f"{v['name']}便民服务站" if at_village else f"{t[1]}便民服务中心"
                        roll = rng.random()
                        channel = "网上" if roll < online_share else "电话" if roll < online_share + 0.08 else \
                            "上门" if roll < online_share + 0.13 else "窗口"
                        received = datetime(day.year, day.month, day.day, rng.randrange(8, 17), rng.randrange(60), rng.randrange(60))
                        due_days = CATEGORY_DUE_DAYS[cat]
                        on_time_p = {2016: 0.90, 2017: 0.93, 2018: 0.955}[year]
                        if rng.random() < 0.002:
                            closed = None  # stuck: never closed
                        elif rng.random() < on_time_p:
                            closed = received + timedelta(hours=rng.uniform(0.3, due_days * 24 * 0.9 + 1))
                        else:
                            closed = received + timedelta(days=due_days, hours=rng.uniform(2, 24 * max(3, due_days)))
                        if closed is not None and closed > datetime(END.year, 12, 31, 23, 59, 59):
                            closed = None  # still open when the data was extracted
                        rating = None
                        if closed is not None and rng.random() < 0.55:
                            rating = rng.choices((5, 4, 3, 2, 1), weights=(70, 22, 5, 2, 1))[0]
                        batch.append({
                            "ticket_no": f"{d.area}{day:%Y%m%d}{seq:07d}", "township_code": t[0],
                            "village_code": v["code"] if at_village else None, "station": station, "category": cat,
                            "channel": channel, "received_at": received, "due_days": due_days,
                            "closed_at": closed.replace(microsecond=0) if closed else None, "rating": rating,
                            **ticket_derived(received, due_days)})
                        if len(batch) >= 5000:
                            yield schema.ticket, batch
                            batch = []
    if batch:
        yield schema.ticket, batch


def _surveys(d: District, rng: random.Random) -> list[dict]:
    rows = []
    periods = [f"{y}Q{q}" for y in (2016, 2017, 2018) for q in (1, 2, 3, 4)]
    offsets = {t[0]: rng.uniform(-0.025, 0.012) for t in d.townships}
    for i, period in enumerate(periods):
        respondents = [rng.randrange(200, 301) for _ in d.townships]
        if period == "2018Q3":
            respondents = _split(rng, SURVEY_2018Q3[0], [1.0] * len(d.townships))
        base = 0.925 + 0.055 * i / (len(periods) - 1)
        satisfied = [min(r, round(r * min(0.995, base + offsets[t[0]] + rng.uniform(-0.006, 0.006))))
                     for r, t in zip(respondents, d.townships)]
        if period == "2018Q3":  # the published 98.1%: adjust townships one person at a time
            diff = SURVEY_2018Q3[1] - sum(satisfied)
            j = 0
            while diff:
                step = 1 if diff > 0 else -1
                if 0 < satisfied[j % len(satisfied)] + step <= respondents[j % len(satisfied)] - 1:
                    satisfied[j % len(satisfied)] += step
                    diff -= step
                j += 1
        for t, r, s in zip(d.townships, respondents, satisfied):
            rest = r - s
            basic = rest - (rng.randrange(0, rest // 3 + 1) if rest else 0)
            rows.append({"period": period, "township_code": t[0], "respondents_n": r, "satisfied_n": s,
                         "basic_satisfied_n": basic, "dissatisfied_n": rest - basic, "period_end": quarter_end(period)})
    return rows


def _petitions(d: District, rng: random.Random, nprng: np.random.Generator) -> list[dict]:
    rows = []
    for y in (2016, 2017, 2018):
        for m in range(1, 13):
            for t in d.townships:
                lam = (9 if t[2] == "街道" else 6) * (1 - 0.12 * (y - 2016))
                n = int(nprng.poisson(lam))
                share = min(0.95, 0.74 + 0.04 * (y - 2016) + rng.uniform(-0.06, 0.06))
                rows.append({"month": f"{y}-{m:02d}", "township_code": t[0], "petitions_n": n,
                             "resolved_n": min(n, round(n * share))})
    return rows


def _cadres(d: District, rng: random.Random, names: Names, towns: list[tuple]) -> list[dict]:
    rows = []
    young = set(rng.sample(range(SECTION_CADRES_N), SECTION_YOUNG_N))
    # bachelor's or above is more common among the young: 130 of the 178 young, 435 of the 837 others
    young_sorted = sorted(young)
    others = [i for i in range(SECTION_CADRES_N) if i not in young]
    bachelor = set(rng.sample(young_sorted, 130)) | set(rng.sample(others, SECTION_BACHELOR_N - 130))
    postgrad = set(rng.sample(sorted(bachelor), 58))
    for i in range(SECTION_CADRES_N + 40 + 260):
        if i < SECTION_CADRES_N:
            rank = "正科" if i % 8 < 3 else "副科"
            is_young, has_degree = i in young, i in bachelor
        elif i < SECTION_CADRES_N + 40:
            rank, is_young, has_degree = ("正处" if i % 5 == 0 else "副处"), False, rng.random() < 0.8
        else:
            rank, is_young, has_degree = "科员", rng.random() < 0.6, rng.random() < 0.6
        male = rng.random() < 0.74
        max_age = 59 if male else 54
        age = rng.randrange(27, 41) if is_young else rng.randrange(41, max_age + 1)
        # born in year 2018-age: at 2018-12-31 the age is exactly `age` whatever the day
        birth = _date_between(rng, date(2018 - age, 1, 1), date(2018 - age, 12, 31))
        education = ("研究生" if i in postgrad else "大学本科") if has_degree else rng.choice(("大专", "大专", "中专"))
        at_town = rng.random() < 0.55 and rank != "正处"
        if at_town:
            t = rng.choice(towns)
            unit, township_code = t[1], t[0]
            title = {"正处": "党委书记", "副处": "党委书记", "正科": rng.choice(("党委副书记", "人大主席", "纪委书记", "组织委员")),
                     "副科": rng.choice(("副镇长" if t[2] == "镇" else "副乡长" if t[2] == "乡" else "办事处副主任", "武装部长", "宣传委员")),
                     "科员": "科员"}[rank]
        else:
            unit, township_code = rng.choice(DISTRICT_UNITS), None
            title = {"正处": "主任", "副处": "副主任", "正科": rng.choice(("局长", "主任", "部长")),
                     "副科": rng.choice(("副局长", "副主任", "副部长")), "科员": "科员"}[rank]
        rows.append({"id_number": names.id_number(birth, male), "name": names.person(), "gender": "男" if male else "女",
                     "birth_date": birth, "education": education, "rank": rank, "position": title, "unit": unit,
                     "township_code": township_code, "ethnicity": "回族" if rng.random() < 0.03 else "汉族",
                     "appointed_on": _date_between(rng, date(2011, 1, 1), date(2018, 12, 1)).replace(day=1)})
    return rows


def build(engine: Engine, *, scale: str = "district", seed: int = 2018, progress=None) -> dict[str, int]:
    """Rebuild the database with demo data at `scale`; return rows written per table.

    One transaction. Rows go in with db.bulk_insert (SQLite executemany, PostgreSQL COPY); the secondary
    indexes of the contract tables are created after the rows (one sorted build each instead of millions of
    random index updates), then the summaries are computed.
    """
    schema.metadata.drop_all(engine)
    db.init_db(engine)
    counts: dict[str, int] = {}
    indexes = [ix for t in schema.CONTRACT_TABLES for ix in t.indexes]
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":  # the build is one transaction of a new file: a larger page cache
            conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB (this connection only)
        for index in indexes:
            index.drop(conn)
        for k in range(SCALES[scale]):
            for table, rows in generate(k, seed, DENSITY[scale]):
                db.bulk_insert(conn, table, rows)
                counts[table.name] = counts.get(table.name, 0) + len(rows)
            if progress:
                progress(k + 1, SCALES[scale])
        for index in indexes:
            index.create(conn)
        summaries.refresh(conn, [t.name for t in schema.CONTRACT_TABLES], None)
        db.bump_version(conn, [t.name for t in schema.CONTRACT_TABLES], "demo")
        db.set_meta(conn, "is_demo", "1")
        db.set_meta(conn, "demo_scale", scale)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")  # table statistics for the planner (PostgreSQL: below)
            conn.exec_driver_sql("PRAGMA cache_size=-2000")  # back to SQLite's default for the pooled connection
    if engine.dialect.name == "postgresql":  # fresh statistics, so the planner knows the tables are big
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return counts
