"""Navigation in headless Chromium: a page URL opened first on a fresh server, and moving between pages."""
from conftest import ARTIFACTS, running_app, wait_ready


def test_a_page_url_opened_first_on_a_fresh_server_shows_the_app_navigation(page, demo_url, tmp_path):
    # Streamlit runs pages/<name>.py on its own until some session has called st.navigation;
    # ui.page_setup then hands over to app.py so the first visitor also sees the logo and page names.
    with running_app(demo_url, tmp_path) as base:
        page.goto(base + "/coverage?township=411402002", wait_until="domcontentloaded")
        wait_ready(page)
        # once in a clean-clone run the script state read "done" before the handed-over run had drawn the sidebar
        # links: wait for them to appear (they must, with the names below), not only for the script state
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stSidebar\"] [data-testid=\"stPageLink\"]').length > 0",
                               timeout=20000)
        nav = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink")
        names = [n.strip().splitlines()[-1] for n in nav.all_inner_texts()]  # icon ligature text first
        assert names[:2] == ["总览", "两新覆盖"]
        assert "数据管理" in names
        assert not {"app", "overview", "coverage"} & set(names)
        assert page.get_by_test_id("stSidebar").locator("img").count() >= 1  # the logo
        assert page.locator("h1").first.inner_text().startswith("白云街道")
        assert page.get_by_test_id("stException").count() == 0

        # the township chosen on one page stays chosen on the next
        page.get_by_test_id("stSidebar").get_by_text("总览", exact=True).click()
        page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText === '白云街道基层党建态势'",
                               timeout=30000)
        wait_ready(page)
        assert "township=411402002" in page.url
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "navigation.png"))
    assert page.blocked == []
