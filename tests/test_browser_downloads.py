"""Table and template downloads in headless Chromium: the files are written when the button is clicked."""
import io

from conftest import wait_ready


def click_download(page, button: str):
    """Click the first button named `button`; return the Download it starts."""
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=button).first.click()
    return info.value


def test_a_table_download_gives_the_table_with_title_and_scope(page, app_url, tmp_path):
    import openpyxl

    page.goto(app_url + "/services", wait_until="domcontentloaded")
    wait_ready(page)
    # the first table of 便民服务 is the township table: 16 townships of the demo district
    download = click_download(page, "下载 Excel")
    assert download.suggested_filename.endswith("_全区_2018-12-31.xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    ws = openpyxl.load_workbook(path).active
    assert "数据截至：2018-12-31" in ws.cell(2, 1).value and "全区" in ws.cell(2, 1).value
    assert ws.max_row == 4 + 16  # title, filters, blank, header, then one row per township

    body = open(click_download(page, "下载 CSV").path(), "rb").read()
    assert body.startswith("\ufeff".encode("utf-8")) and len(body.decode("utf-8-sig").strip().splitlines()) == 17
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []


def test_the_template_download_gives_a_workbook_with_the_contract_headers(page, app_url, tmp_path):
    import openpyxl

    page.goto(app_url + "/data", wait_until="domcontentloaded")
    wait_ready(page)
    download = click_download(page, "下载所选模板")
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert "填写说明" in book.sheetnames
    assert page.blocked == []
