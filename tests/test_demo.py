"""The demo district reproduces the published figures of the seeds, from its rows."""
from datetime import date

import pytest
from sqlalchemy import func, select

from lib import db, demo, schema
from lib.idcodes import credit_code_problem, id_number_problem
from lib.queries.kpis import compute_kpis
from lib.scope import Scope


@pytest.fixture(scope="module")
def engine(demo_url):
    return db.make_engine(demo_url)


def test_demo_default_as_of_is_the_end_of_2018_with_218_of_369_enterprises_covered(engine):
    k = compute_kpis(engine, scope=Scope.all())
    assert k["as_of"] == "2018-12-31"
    assert (k["nonpublic_n"], k["nonpublic_with_org_n"]) == (369, 218)
    assert (k["outflow_n"], k["outflow_branches_n"]) == (1027, 5)
    assert k["townships_n"] == 16
    assert round(k["cadres_40_or_younger_rate"], 3) == 0.175
    assert round(k["cadres_bachelor_plus_rate"], 3) == 0.557
    assert k["cadres_n"] == 1015


def test_demo_received_21239_tickets_in_2016(engine):
    k = compute_kpis(engine, scope=Scope.all(), as_of=date(2016, 12, 31))
    assert k["tickets_n"] == 21239


def test_demo_2016_tickets_split_into_18933_certificates_and_2306_other_matters(engine):
    t = schema.ticket
    year = (t.c.received_at >= "2016-01-01") & (t.c.received_at < "2017-01-01")
    with engine.connect() as conn:
        cert = conn.execute(select(func.count()).where(year, t.c.category.in_(demo.CERTIFICATE_CATEGORIES))).scalar()
        other = conn.execute(select(func.count()).where(year, t.c.category.in_(demo.OTHER_CATEGORIES))).scalar()
    assert (cert, other) == (18933, 2306)


def test_demo_satisfaction_in_2018q3_is_98_1_percent(engine):
    k = compute_kpis(engine, scope=Scope.all(), as_of=date(2018, 9, 30))
    assert k["satisfaction_period"] == "2018Q3"
    assert k["satisfaction_rate"] == pytest.approx(0.981)


def test_demo_has_192_villages_52_communities_and_the_named_townships(engine):
    with engine.connect() as conn:
        kinds = dict(conn.execute(select(schema.village.c.kind, func.count()).group_by(schema.village.c.kind)).all())
        names = set(conn.execute(select(schema.township.c.name)).scalars())
    assert kinds == {"村": 192, "社区": 52}
    assert {"白云街道", "孙福集乡", "前进街道", "双八镇"} <= names


def test_demo_identifiers_have_valid_check_digits(engine):
    with engine.connect() as conn:
        ids = list(conn.execute(select(schema.member.c.id_number))) + list(conn.execute(select(schema.cadre.c.id_number)))
        codes = list(conn.execute(select(schema.enterprise.c.credit_code)))
    assert len(ids) > 10000
    assert [i for (i,) in ids if id_number_problem(i)] == []
    assert [c for (c,) in codes if credit_code_problem(c)] == []


def test_demo_tickets_dip_at_the_spring_festival(engine):
    t = schema.ticket
    with engine.connect() as conn:
        by_month = dict(conn.execute(select(t.c.received_month, func.count()).group_by(t.c.received_month)).all())
    # 2017's festival fell on 28 January, 2018's on 16 February
    assert by_month["2018-02"] < 0.8 * by_month["2018-03"]
    assert by_month["2017-01"] < 0.8 * by_month["2017-03"]


def test_demo_is_marked_as_demo_data(engine):
    assert db.is_demo(engine)


def test_demo_is_deterministic_for_a_seed(tmp_path):
    rows = []
    for name in ("a", "b"):
        engine = db.make_engine(f"sqlite:///{tmp_path / name}.db")
        demo.build(engine)
        with engine.connect() as conn:
            rows.append(conn.execute(select(schema.cadre).order_by(schema.cadre.c.id_number).limit(50)).all())
    assert rows[0] == rows[1]
