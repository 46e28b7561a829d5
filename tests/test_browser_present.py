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
        assert_fits(page, i)
        page.screenshot(path=str(ARTIFACTS / f"present-{i}.png"))
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []


FIT = """() => {
  const h = window.innerHeight, w = window.innerWidth, q = s => document.querySelector(s);
  const se = document.scrollingElement, main = q('[data-testid="stMain"]'), block = q('[data-testid="stMainBlockContainer"]');
  const stage = q('.st-key-slide_stage'), nav = q('.st-key-slide_nav'), next = q('.st-key-present_next button');
  const chart = q('.st-key-slide_chart'), box = el => el.getBoundingClientRect();
  return {h, w, page: [se.scrollHeight, se.clientHeight, se.scrollWidth, se.clientWidth],
          main: [main.scrollHeight, main.clientHeight, main.scrollWidth, main.clientWidth],
          block: [block.scrollHeight, block.clientHeight],
          stage: [stage.scrollHeight, stage.clientHeight, box(stage).top, box(stage).bottom],
          nav: [box(nav).top, box(nav).bottom], next: [box(next).top, box(next).bottom],
          chart: chart ? box(chart).height : null};
}"""


def assert_fits(page, where) -> dict:
    """The slide and its navigation bar fit the window: nothing scrolls, nothing is cut off, the bar is at the bottom."""
    m = page.evaluate(FIT)
    h = m["h"]
    for part in ("page", "main"):
        scroll_h, client_h, scroll_w, client_w = m[part]
        assert scroll_h <= client_h and scroll_w <= client_w, (where, part, m)
    assert m["block"][0] <= m["block"][1] <= h, (where, m)
    assert m["stage"][0] <= m["stage"][1], (where, "the slide is cut off", m)  # overflow hidden: must not be needed
    nav_top, nav_bottom = m["nav"]
    assert m["stage"][3] <= nav_top + 1, (where, "slide runs into the navigation bar", m)
    assert h - 0.06 * h <= nav_bottom <= h, (where, "navigation bar not at the bottom", m)
    assert m["next"][1] <= h, (where, m)
    return m


def test_every_slide_fits_1920x1080_and_1366x768_without_scrolling(page, app_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1920, 1080), (1366, 768)):
        for lang in ("zh", "en"):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{app_url}/present?show=1&lang={lang}", wait_until="domcontentloaded")
            wait_ready(page)
            nxt = "下一页" if lang == "zh" else "Next"
            for i in range(1, 9):
                if i > 1:
                    page.get_by_role("button", name=nxt).click()
                    prefix = f"第 {i} / 8 页" if lang == "zh" else f"Slide {i} of 8"
                    page.wait_for_function(f"() => document.querySelector('.slide-counter')?.innerText.startsWith('{prefix}')",
                                           timeout=30000)
                    wait_ready(page)
                if page.locator(".st-key-slide_chart").count():
                    page.wait_for_selector(".st-key-slide_chart .js-plotly-plot .main-svg", timeout=30000)
                m = assert_fits(page, (width, height, lang, i))
                if m["chart"] is not None:  # the chart grows into the free space instead of leaving it empty
                    assert m["chart"] >= 0.38 * height, (width, height, lang, i, m)
                if width == 1366:
                    page.screenshot(path=str(ARTIFACTS / f"present-{lang}-1366-{i}.png"))
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
    assert "自动翻页 · 每 2 秒" in counter(page)
    # the presenter can hold a slide: paused, it stays put well past the interval
    page.get_by_role("button", name="暂停").click()
    page.wait_for_function("() => document.querySelector('.slide-counter')?.innerText.includes('已暂停')", timeout=15000)
    held = counter(page).split("\n")[0]
    page.wait_for_timeout(5000)
    assert counter(page).split("\n")[0] == held
    page.get_by_role("button", name="继续").click()
    page.wait_for_function("() => document.querySelector('.slide-counter')?.innerText.includes('自动翻页 · 每 2 秒')",
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
