"""Downloads open in Excel with Chinese intact."""
from datetime import date
import io

import openpyxl
import pandas as pd

from lib.export import to_csv, to_xlsx


def test_xlsx_has_title_filters_as_of_and_chinese_headers():
    df = pd.DataFrame({"乡镇（街道）": ["白云街道", "双八镇"], "覆盖率": ["59.1%", "40.0%"]})
    data = to_xlsx(df, title="非公企业党组织覆盖情况", filters={"乡镇": "全区"}, as_of=date(2018, 12, 31))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "非公企业党组织覆盖情况"
    assert ws["A2"].value == "乡镇：全区；数据截至：2018-12-31"
    assert [c.value for c in ws[4]] == ["乡镇（街道）", "覆盖率"]
    assert [c.value for c in ws[6]] == ["双八镇", "40.0%"]


def test_csv_starts_with_a_utf8_bom():
    data = to_csv(pd.DataFrame({"名称": ["白云街道"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "名称\n白云街道\n"
