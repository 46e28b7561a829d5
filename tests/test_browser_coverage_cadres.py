"""两新覆盖 and 干部结构 in headless Chromium on the demo district, with every non-localhost request blocked."""
import pytest

from conftest import ARTIFACTS, wait_ready

# every plotly chart has drawn an SVG with at least one mark (bar or line point)
CHARTS_DRAWN = """(n) => { const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= n && plots.every(p => p.querySelector('svg.main-svg')
    && p.querySelectorAll('.bars .point path, .scatterlayer .trace path, .scatterlayer .point').length > 0); }"""


@pytest.mark.parametrize("path, title, charts", [
    ("/coverage", "全区“两新”组织党建覆盖", 4),
    ("/cadres", "全区干部队伍结构", 8),
    ("/coverage?township=411402002&lang=en&kind=社会组织", "Party coverage of new organizations: 白云街道", 4),
    ("/cadres?township=411402002&cadres=all", "白云街道干部队伍结构", 6),  # no unit-type share charts for one township
])
def test_page_renders_offline_with_every_chart_drawn(page, app_url, path, title, charts):
    page.goto(app_url + path, wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator("h1").first.inner_text().strip() == title
    page.wait_for_function(CHARTS_DRAWN, arg=charts, timeout=30000)
    assert page.locator(".js-plotly-plot").count() == charts
    assert page.locator(".kpi-card").count() >= 5
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").split("?")[0] + ("-township" if "township" in path else "")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.blocked == []


def test_clicking_a_township_bar_on_the_coverage_page_opens_that_township(page, app_url):
    page.goto(app_url + "/coverage", wait_until="domcontentloaded")
    wait_ready(page)
    page.wait_for_function(CHARTS_DRAWN, arg=4, timeout=30000)
    chart = page.locator(".js-plotly-plot").first
    top_label = chart.locator(".ytick text").last.text_content()
    chart.locator(".bars .point path").last.click(force=True)
    page.wait_for_function(f"() => document.querySelector('h1') && document.querySelector('h1').innerText.startsWith('{top_label}')",
                           timeout=30000)
    wait_ready(page)
    assert "township=" in page.url
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []
