"""Every KPI key on the tiny hand-built database (answers worked out in tests/tiny_db.py)."""
import json
from datetime import date

import pytest

from lib import cli
from lib.queries.kpis import KPI_KEYS, compute_kpis, kpis_by_township
from lib.scope import Scope
from tiny_db import AS_OF

DISTRICT_AT_AS_OF = {
    "as_of": "2018-06-30", "townships_n": 3, "villages_n": 3, "party_orgs_n": 7, "members_n": 6,
    "nonpublic_n": 7, "nonpublic_with_org_n": 3, "nonpublic_org_coverage_rate": 3 / 7,
    "nonpublic_work_coverage_rate": 5 / 7, "social_orgs_n": 2, "social_org_coverage_rate": 0.5,
    "should_build_not_built_n": 3, "outflow_n": 4, "outflow_at_risk_n": 2, "outflow_branches_n": 1,
    "tickets_n": 6, "tickets_on_time_rate": 0.4, "tickets_open_overdue_n": 3,
    "satisfaction_period": "2018Q2", "satisfaction_rate": 0.9, "cadres_n": 4,
    "cadres_40_or_younger_rate": 0.5, "cadres_bachelor_plus_rate": 0.5,
}

T1_AT_AS_OF = {
    "as_of": "2018-06-30", "townships_n": 1, "villages_n": 2, "party_orgs_n": 5, "members_n": 4,
    "nonpublic_n": 3, "nonpublic_with_org_n": 1, "nonpublic_org_coverage_rate": 1 / 3,
    "nonpublic_work_coverage_rate": 2 / 3, "social_orgs_n": 1, "social_org_coverage_rate": 1.0,
    "should_build_not_built_n": 1, "outflow_n": 4, "outflow_at_risk_n": 2, "outflow_branches_n": 1,
    "tickets_n": 4, "tickets_on_time_rate": 1 / 3, "tickets_open_overdue_n": 1,
    "satisfaction_period": "2018Q2", "satisfaction_rate": 0.95, "cadres_n": 2,
    "cadres_40_or_younger_rate": 0.5, "cadres_bachelor_plus_rate": 0.5,
}

T3_EMPTY = {
    "as_of": "2018-06-30", "townships_n": 1, "villages_n": 0, "party_orgs_n": 0, "members_n": 0,
    "nonpublic_n": 0, "nonpublic_with_org_n": 0, "nonpublic_org_coverage_rate": None,
    "nonpublic_work_coverage_rate": None, "social_orgs_n": 0, "social_org_coverage_rate": None,
    "should_build_not_built_n": 0, "outflow_n": 0, "outflow_at_risk_n": 0, "outflow_branches_n": 0,
    "tickets_n": 0, "tickets_on_time_rate": None, "tickets_open_overdue_n": 0,
    "satisfaction_period": None, "satisfaction_rate": None, "cadres_n": 0,
    "cadres_40_or_younger_rate": None, "cadres_bachelor_plus_rate": None,
}


def assert_kpis(actual: dict, expected: dict) -> None:
    assert list(actual) == list(KPI_KEYS)
    for key, value in expected.items():
        if isinstance(value, float):
            assert actual[key] == pytest.approx(value, abs=1e-12), key
        else:
            assert actual[key] == value, key
        if key.endswith("_n"):
            assert type(actual[key]) is int, key


def test_district_kpis_at_as_of_match_hand_worked_answers(tiny_engine):
    assert_kpis(compute_kpis(tiny_engine, scope=Scope.all(), as_of=AS_OF), DISTRICT_AT_AS_OF)


def test_township_scope_counts_only_that_township(tiny_engine):
    assert_kpis(compute_kpis(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF), T1_AT_AS_OF)


def test_empty_township_gives_zero_counts_and_no_rates(tiny_engine):
    assert_kpis(compute_kpis(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF), T3_EMPTY)


def test_a_later_as_of_date_counts_organizations_founded_since(tiny_engine):
    kpis = compute_kpis(tiny_engine, scope=Scope.all(), as_of=date(2018, 12, 31))
    # E2org (2018-09-01) now covers E2; M2 (2019) still does not exist; F4 has left; 2018Q3 is the latest survey
    assert kpis["nonpublic_with_org_n"] == 4
    assert kpis["should_build_not_built_n"] == 2
    assert kpis["party_orgs_n"] == 8
    assert kpis["members_n"] == 7
    assert kpis["outflow_n"] == 5
    assert kpis["satisfaction_period"] == "2018Q3"
    assert kpis["satisfaction_rate"] == pytest.approx(0.99)


def test_default_as_of_is_the_latest_date_in_the_data(tiny_engine):
    # the latest date is M2's founding date, 2019-01-01
    assert compute_kpis(tiny_engine, scope=Scope.all())["as_of"] == "2019-01-01"


def test_by_township_rows_add_up_to_the_district(tiny_engine):
    df = kpis_by_township(tiny_engine, scope=Scope.all(), as_of=AS_OF).set_index("township_code")
    assert list(df.index) == ["T1", "T2", "T3"]
    assert df.loc["T2", "nonpublic_n"] == 4
    assert df.loc["T2", "nonpublic_org_coverage_rate"] == pytest.approx(0.5)
    assert df.loc["T2", "nonpublic_work_coverage_rate"] == pytest.approx(0.75)
    assert df.loc["T2", "tickets_on_time_rate"] == pytest.approx(0.5)
    assert df.loc["T2", "tickets_open_overdue_n"] == 2
    assert df.loc["T2", "satisfaction_rate"] == pytest.approx(0.85)
    assert df.loc["T2", "outflow_n"] == 0
    assert df.loc["T2", "cadres_40_or_younger_rate"] == pytest.approx(0.0)
    assert df["tickets_n"].sum() == 6
    assert df["members_n"].sum() == 6
    assert df.loc["T3", "satisfaction_rate"] is None or df.loc["T3", "satisfaction_rate"] != df.loc["T3", "satisfaction_rate"]


def test_kpis_command_prints_the_same_json(tiny_url, capsys):
    assert cli.main(["kpis", "--db", tiny_url, "--township", "T1", "--as-of", "2018-06-30"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert_kpis(printed, T1_AT_AS_OF)


def test_kpis_command_reports_a_missing_database_clearly(tmp_path, capsys):
    assert cli.main(["kpis", "--db", f"sqlite:///{tmp_path / 'nothing.db'}"]) == 2
    assert "无法读取数据库" in capsys.readouterr().err
