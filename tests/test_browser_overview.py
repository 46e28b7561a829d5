"""The overview in headless Chromium, with every non-localhost request blocked."""
from conftest import ARTIFACTS, wait_ready


def test_overview_renders_offline_and_a_click_on_a_township_bar_opens_it(page, app_url):
    page.goto(app_url + "/", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "全区基层党建态势"
    assert page.locator(".kpi-card").count() >= 15
    bars = page.locator(".js-plotly-plot .bars .point path")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .bars .point path').length >= 16",
                           timeout=30000)  # plotly draws after the script has finished
    assert bars.count() == 16
    page.wait_for_function("() => [...document.querySelectorAll('canvas')].some(c => c.width > 100 && c.height > 100)",
                           timeout=30000)  # the township map (deck.gl) is drawn
    # the top bar is the township with the highest coverage: read its name from the ranking table order
    top_label = page.locator(".js-plotly-plot .ytick text").last.text_content()
    bars.last.click(force=True)
    page.wait_for_function(f"() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('{top_label}')",
                           timeout=30000)
    wait_ready(page)
    assert page.locator("h1").first.inner_text().strip() == f"{top_label}基层党建态势"
    assert "township=" in page.url
    assert page.get_by_test_id("stException").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-township.png"), full_page=True)
    assert page.blocked == []


def test_overview_from_a_shared_link_shows_that_township_and_date(page, app_url):
    page.goto(app_url + "/?township=411402002&as_of=2016-12-31", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.locator("h1").first.inner_text().strip() == "白云街道基层党建态势"
    assert "数据截至 2016-12-31" in page.locator("body").inner_text()
    assert page.get_by_test_id("stException").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-link.png"), full_page=True)
