"""汇报模式 in headless Chromium at 1920×1080, with every non-localhost request blocked."""
from conftest import ARTIFACTS, wait_ready


def counter(page) -> str:
    return page.locator(".slide-counter").inner_text()


def test_slides_fill_the_screen_and_next_advances_the_counter(page, app_url):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(app_url + "/present?show=1", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert not page.get_by_test_id("stToolbar").is_visible()
    assert counter(page).startswith("第 1 / 8 页")
    assert "梁园区基层党建工作情况汇报" in page.locator(".slide-cover").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i in range(2, 9):
        page.get_by_role("button", name="下一页").click()
        page.wait_for_function(f"() => document.querySelector('.slide-counter')?.innerText.startsWith('第 {i} / 8 页')",
                               timeout=30000)
        wait_ready(page)
        if i == 3:  # 两新组织覆盖: a plotly chart with the 16 townships, drawn offline
            page.wait_for_selector(".js-plotly-plot .bars .point path", timeout=30000)
            assert page.locator(".js-plotly-plot .bars .point path").count() == 16
            assert "讲解要点" in page.locator(".slide-points").inner_text()
        # the whole slide, buttons included, fits a 1920×1080 projector without scrolling
        box = page.get_by_role("button", name="下一页").bounding_box()
        assert box and box["y"] + box["height"] <= 1080, (i, box)
        page.screenshot(path=str(ARTIFACTS / f"present-{i}.png"))
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []


def test_auto_advance_moves_on_by_itself(page, app_url):
    page.goto(app_url + "/present", wait_until="domcontentloaded")
    wait_ready(page)
    box = page.get_by_label("自动翻页间隔（秒，0为不自动）")
    box.fill("2")
    box.press("Enter")
    wait_ready(page)
    page.get_by_role("button", name="开始放映").click()
    page.wait_for_selector(".slide-counter", timeout=30000)
    assert counter(page).startswith("第 1 / 8 页")
    page.wait_for_function("() => document.querySelector('.slide-counter')?.innerText.startsWith('第 2 / 8 页')",
                           timeout=15000)
    assert page.blocked == []


def test_download_button_gives_the_same_deck(page, app_url, tmp_path):
    from pptx import Presentation

    page.goto(app_url + "/present?slides=title,coverage,closing", wait_until="domcontentloaded")
    wait_ready(page)
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="下载汇报材料（PPTX）").click()
    download = info.value
    assert download.suggested_filename.endswith(".pptx")
    path = tmp_path / "deck.pptx"
    download.save_as(path)
    prs = Presentation(str(path))
    assert len(prs.slides) == 3
    assert sum(1 for s in prs.slides[1].shapes if s.has_chart) == 1
    assert page.blocked == []
