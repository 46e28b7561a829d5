"""Small cells of people are shown as <5; organizations and tickets are shown exactly."""
import pandas as pd

from lib import privacy


def test_people_counts_from_one_to_four_are_masked():
    assert [privacy.people(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    assert privacy.people_text(3) == "不足5" and privacy.people_text(3, "en") == "fewer than 5"
    assert privacy.people_text(12) == "12"


def test_counts_of_organizations_and_tickets_are_never_masked():
    assert privacy.things(1) == "1" and privacy.things(3) == "3"


def test_chart_rows_pool_small_cells_into_other():
    df = pd.DataFrame({"city": ["北京市", "郑州市", "上海市", "杭州市", "西安市"], "n": [30, 7, 3, 2, 1]})
    rows = privacy.chart_rows(df, label_col="city", value_col="n", other_label="其他")
    # 3 + 2 + 1 = 6 people pooled: 6 >= 5 so the pooled row is shown
    assert list(rows["city"]) == ["北京市", "郑州市", "其他"]
    assert list(rows["n"]) == [30, 7, 6]
    assert list(rows["shown"]) == ["30", "7", "6"]


def test_a_pooled_row_that_is_itself_small_is_left_out():
    df = pd.DataFrame({"city": ["北京市", "上海市", "西安市"], "n": [30, 3, 1]})
    rows = privacy.chart_rows(df, label_col="city", value_col="n", other_label="其他")
    assert list(rows["city"]) == ["北京市"]
    assert (rows["n"] >= privacy.THRESHOLD).all()


def test_chart_rows_beyond_the_limit_go_to_other():
    df = pd.DataFrame({"city": list("ABCDE"), "n": [50, 40, 30, 20, 10]})
    rows = privacy.chart_rows(df, label_col="city", value_col="n", other_label="其他", max_rows=3)
    assert list(rows["city"]) == ["A", "B", "其他"] and list(rows["n"]) == [50, 40, 60]


def test_band_rows_blank_small_bands_but_keep_their_order():
    df = pd.DataFrame({"band": ["≤35", "36-40", "41-45"], "n": [12, 3, 0]})
    rows = privacy.band_rows(df, value_col="n")
    assert list(rows["band"]) == ["≤35", "36-40", "41-45"]
    assert rows["n"].tolist()[0] == 12 and pd.isna(rows["n"].tolist()[1]) and rows["n"].tolist()[2] == 0
    assert list(rows["shown"]) == ["12", "<5", "0"]
