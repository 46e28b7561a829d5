"""A tiny hand-built database whose right answers are worked out by hand (see the comments).

Townships: T1 甲镇 (镇), T2 乙街道 (街道), T3 丙乡 (乡, empty: nothing else refers to it).
Most tests look at AS_OF = 2018-06-30. Every row below says why it counts or not at that date.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from lib import db, schema
from lib.idcodes import make_id_number
from lib.rules import quarter_end, ticket_derived

AS_OF = date(2018, 6, 30)


def pid(n: int, birth: date, male: bool = True) -> str:
    """Return a valid 身份证号 for person n."""
    return make_id_number("411402", birth, n, male)


def org(code, category, domain, township, founded, village=None, parent=None, name=None):
    return {"code": code, "name": name or f"{code}组织", "category": category, "domain": domain,
            "township_code": township, "village_code": village, "parent_code": parent,
            "founded_on": founded, "is_weak": False}


def ent(code_suffix, kind, township, employees, members, org_code=None, instructor=None, reason=None, industry="制造业"):
    # credit codes need not be valid for queries; the importer tests check validity
    return {"credit_code": f"91411402MA{code_suffix:0>7}X", "name": f"企业{code_suffix}", "kind": kind,
            "industry": industry, "township_code": township, "employees_n": employees, "members_n": members,
            "org_code": org_code, "instructor": instructor, "not_built_reason": reason}


def ticket(no, township, received, due_days, closed=None, rating=None, category="学生困难证明", channel="窗口"):
    return {"ticket_no": no, "township_code": township, "village_code": None, "station": f"{township}便民服务中心",
            "category": category, "channel": channel, "received_at": received, "due_days": due_days,
            "closed_at": closed, "rating": rating, **ticket_derived(received, due_days)}


ROWS = {
    "township": [
        {"code": "T1", "name": "甲镇", "kind": "镇", "lon": 115.70, "lat": 34.50},
        {"code": "T2", "name": "乙街道", "kind": "街道", "lon": 115.65, "lat": 34.44},
        {"code": "T3", "name": "丙乡", "kind": "乡", "lon": 115.60, "lat": 34.60},
    ],
    "village": [
        {"code": "V11", "name": "张庄村", "township_code": "T1", "kind": "村"},
        {"code": "V12", "name": "和平社区", "township_code": "T1", "kind": "社区"},
        {"code": "V21", "name": "建设社区", "township_code": "T2", "kind": "社区"},
    ],
    # at AS_OF: 7 organizations exist (E2org and M2 are founded later); T1 has 5, T2 has 2
    "party_org": [
        org("O1", "党委", "机关", "T1", date(2000, 1, 1)),
        org("O2", "党委", "机关", "T2", date(2005, 1, 1)),
        org("O11", "党支部", "农村", "T1", date(2001, 1, 1), village="V11", parent="O1"),
        org("E1org", "党支部", "非公企业", "T1", date(2017, 3, 1), parent="O1"),
        org("E2org", "党支部", "非公企业", "T2", date(2018, 9, 1), parent="O2"),   # after AS_OF
        org("J1", "联合党支部", "非公企业", "T2", date(2016, 5, 1), parent="O2"),  # covers E3 and E4
        org("S1org", "党支部", "社会组织", "T1", date(2018, 1, 15), parent="O1"),
        org("M1", "党支部", "流动党员", "T1", date(2015, 1, 1), parent="O1"),       # the one outflow branch at AS_OF
        org("M2", "党支部", "流动党员", "T2", date(2019, 1, 1), parent="O2"),       # after AS_OF
    ],
    # non-public: 7; organization coverage 3/7 (E1, E3, E4); work coverage 5/7 (+E2, E6);
    # social: 2, coverage 1/2 (S1); should build, not built: E2, E5, S2 = 3
    "enterprise": [
        ent("E1", "非公企业", "T1", 120, 5, org_code="E1org"),
        ent("E2", "非公企业", "T2", 60, 4, org_code="E2org", instructor="王指导", reason="正在组建"),
        ent("E3", "非公企业", "T2", 30, 1, org_code="J1"),
        ent("E4", "非公企业", "T2", 15, 2, org_code="J1", industry="建筑业"),
        ent("E5", "非公企业", "T1", 45, 3, reason="党员组织关系未转入", industry="建筑业"),
        ent("E6", "非公企业", "T1", 8, 0, instructor="李指导", industry="批发和零售业"),
        ent("E7", "非公企业", "T2", 500, 0, instructor=""),  # an empty instructor is no instructor
        ent("S1", "社会组织", "T1", 20, 3, org_code="S1org", industry="行业协会"),
        ent("S2", "社会组织", "T2", 12, 6, instructor="赵指导", industry="商会"),
    ],
    # members at AS_OF: 6 (P3 joins later); T1: P1, P2, P4, P7 = 4; T2: P5, P6 = 2
    "member": [
        {"n": 1, "org_code": "O1", "joined_on": date(1990, 7, 1), "birth_date": date(1960, 5, 10), "gender": "男"},
        {"n": 2, "org_code": "O11", "joined_on": date(2000, 1, 1), "birth_date": date(1975, 3, 3), "gender": "女"},
        {"n": 3, "org_code": "O11", "joined_on": date(2018, 7, 1), "birth_date": date(1995, 8, 8), "gender": "男"},
        {"n": 4, "org_code": "E1org", "joined_on": date(2017, 5, 1), "birth_date": date(1988, 1, 1), "gender": "男"},
        {"n": 5, "org_code": "O2", "joined_on": date(2010, 1, 1), "birth_date": date(1980, 2, 2), "gender": "女"},
        {"n": 6, "org_code": "J1", "joined_on": date(2016, 6, 1), "birth_date": date(1990, 6, 6), "gender": "男"},
        {"n": 7, "org_code": "M1", "joined_on": date(2012, 1, 1), "birth_date": date(1985, 9, 9), "gender": "男"},
    ],
    # outflow at AS_OF: 4 (F4 leaves later), all from T1; contact cutoff = 2017-12-30;
    # at risk: F2 (2017-12-29) and F3 (never) = 2; F5 (exactly 2017-12-30) is not at risk
    "outflow": [
        {"n": 11, "township_code": "T1", "dest_province": "北京市", "dest_city": "北京市", "out_on": date(2017, 2, 10),
         "branch_code": "M1", "last_contact_on": date(2018, 5, 1)},
        {"n": 12, "township_code": "T1", "dest_province": "河南省", "dest_city": "郑州市", "out_on": date(2016, 3, 1),
         "branch_code": None, "last_contact_on": date(2017, 12, 29)},
        {"n": 13, "township_code": "T1", "dest_province": "上海市", "dest_city": "上海市", "out_on": date(2018, 2, 20),
         "branch_code": "M1", "last_contact_on": None},
        {"n": 14, "township_code": "T2", "dest_province": "北京市", "dest_city": "北京市", "out_on": date(2018, 8, 1),
         "branch_code": None, "last_contact_on": date(2018, 8, 1)},
        {"n": 15, "township_code": "T1", "dest_province": "北京市", "dest_city": "北京市", "out_on": date(2015, 4, 1),
         "branch_code": None, "last_contact_on": date(2017, 12, 30)},
    ],
    # 2018 tickets up to AS_OF: K1 K2 K3 K4 K6 K7 = 6; on time K1, K6 = 2; on-time base (closed or past due):
    # K1 K2 K4 K6 K7 = 5 (K3 open, not yet due); rate 0.4. Open and overdue at AS_OF: K4 K5 K7 = 3.
    "ticket": [
        ticket("K1", "T1", datetime(2018, 1, 10, 9), 5, closed=datetime(2018, 1, 12, 9), rating=5),
        ticket("K2", "T1", datetime(2018, 2, 1, 10), 3, closed=datetime(2018, 2, 6, 10), rating=3, category="代办事项"),
        ticket("K3", "T1", datetime(2018, 6, 28, 10), 5, channel="网上"),
        ticket("K4", "T2", datetime(2018, 6, 1, 10), 10, channel="电话"),
        ticket("K5", "T2", datetime(2017, 11, 1, 10), 5),
        ticket("K6", "T2", datetime(2018, 3, 1, 10), 5, closed=datetime(2018, 3, 6, 10), rating=4),  # exactly at due: on time
        ticket("K7", "T1", datetime(2018, 6, 20, 10), 3, closed=datetime(2018, 7, 2, 10)),  # closed after AS_OF
        ticket("K8", "T2", datetime(2018, 7, 5, 10), 3),  # after AS_OF
    ],
    # latest period ending by AS_OF: 2018Q2; district 180/200 = 0.9; T1 95/100; T2 85/100
    "survey": [
        {"period": "2018Q1", "township_code": "T1", "respondents_n": 100, "satisfied_n": 90, "basic_satisfied_n": 8, "dissatisfied_n": 2},
        {"period": "2018Q1", "township_code": "T2", "respondents_n": 50, "satisfied_n": 40, "basic_satisfied_n": 5, "dissatisfied_n": 5},
        {"period": "2018Q2", "township_code": "T1", "respondents_n": 100, "satisfied_n": 95, "basic_satisfied_n": 4, "dissatisfied_n": 1},
        {"period": "2018Q2", "township_code": "T2", "respondents_n": 100, "satisfied_n": 85, "basic_satisfied_n": 10, "dissatisfied_n": 5},
        {"period": "2018Q3", "township_code": "T1", "respondents_n": 100, "satisfied_n": 99, "basic_satisfied_n": 1, "dissatisfied_n": 0},
    ],
    "petition": [
        {"month": "2018-05", "township_code": "T1", "petitions_n": 10, "resolved_n": 8},
        {"month": "2018-06", "township_code": "T1", "petitions_n": 4, "resolved_n": 3},
        {"month": "2018-06", "township_code": "T2", "petitions_n": 6, "resolved_n": 6},
    ],
    # section-level (正科/副科): C1..C4 = 4; 40 or younger at AS_OF (born after 1977-06-30): C2, C3 = 2;
    # bachelor's or above: C1, C3 = 2. C5 (科员) and C6 (正处) are not section-level.
    "cadre": [
        {"n": 21, "gender": "男", "birth_date": date(1977, 6, 30), "education": "大学本科", "rank": "正科", "township_code": "T1"},
        {"n": 22, "gender": "女", "birth_date": date(1977, 7, 1), "education": "大专", "rank": "副科", "township_code": "T1"},
        {"n": 23, "gender": "男", "birth_date": date(1985, 1, 1), "education": "研究生", "rank": "正科", "township_code": None},
        {"n": 24, "gender": "女", "birth_date": date(1965, 1, 1), "education": "中专", "rank": "副科", "township_code": "T2"},
        {"n": 25, "gender": "男", "birth_date": date(1990, 1, 1), "education": "大学本科", "rank": "科员", "township_code": "T2"},
        {"n": 26, "gender": "男", "birth_date": date(1970, 1, 1), "education": "研究生", "rank": "正处", "township_code": None},
    ],
}


def _people(table: str) -> list[dict]:
    rows = []
    for r in ROWS[table]:
        r = dict(r)
        n = r.pop("n")
        if table == "outflow":
            r["id_number"] = pid(n, date(1980, 1, 1))
        else:
            r["id_number"] = pid(n, r["birth_date"], r["gender"] == "男")
        r["name"] = f"测试{n}号"
        if table == "member":
            r.update(education="大学本科", member_type="正式", ethnicity="汉族", phone=None)
        if table == "cadre":
            r.update(position="科长", unit="区直单位" if r["township_code"] is None else "乡镇", ethnicity="汉族",
                     appointed_on=None)
        rows.append(r)
    return rows


def build(engine: Engine) -> None:
    """Create the schema on `engine` (dropping what was there) and load the tiny rows."""
    schema.metadata.drop_all(engine)
    db.init_db(engine)
    with engine.begin() as conn:
        conn.execute(schema.township.insert(), ROWS["township"])
        conn.execute(schema.village.insert(), ROWS["village"])
        orgs = ROWS["party_org"]
        conn.execute(schema.party_org.insert(), [o for o in orgs if o["parent_code"] is None])
        conn.execute(schema.party_org.insert(), [o for o in orgs if o["parent_code"] is not None])
        conn.execute(schema.enterprise.insert(), ROWS["enterprise"])
        conn.execute(schema.member.insert(), _people("member"))
        conn.execute(schema.outflow.insert(), _people("outflow"))
        conn.execute(schema.ticket.insert(), ROWS["ticket"])
        conn.execute(schema.survey.insert(), [dict(r, period_end=quarter_end(r["period"])) for r in ROWS["survey"]])
        conn.execute(schema.petition.insert(), ROWS["petition"])
        conn.execute(schema.cadre.insert(), _people("cadre"))
        db.bump_version(conn, [t.name for t in schema.CONTRACT_TABLES], "tests")
