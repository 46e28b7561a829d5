"""Entry point: `streamlit run app.py`; `make run` starts it through `python -m lib.serve`, which imports the
pages' modules first. Page navigation; each page draws its own filters via ui.page_setup."""
from pathlib import Path

import streamlit as st

from lib.i18n import t

ICON = Path(__file__).parent / "data" / "favicon.png"

st.set_page_config(page_title=t("app_title"), page_icon=str(ICON), layout="wide")
lang = st.session_state.get("lang") or ("en" if st.query_params.get("lang") == "en" else "zh")

PAGES = {
    "nav_group_main": [
        ("pages/overview.py", "page_overview", ":material/dashboard:", "overview"),
        ("pages/coverage.py", "page_coverage", ":material/domain:", "coverage"),
        ("pages/outflow.py", "page_outflow", ":material/travel_explore:", "outflow"),
        ("pages/services.py", "page_services", ":material/support_agent:", "services"),
        ("pages/satisfaction.py", "page_satisfaction", ":material/sentiment_satisfied:", "satisfaction"),
        ("pages/cadres.py", "page_cadres", ":material/groups:", "cadres"),
        ("pages/township.py", "page_township", ":material/location_city:", "township"),
    ],
    "nav_group_tools": [
        ("pages/present.py", "page_present", ":material/slideshow:", "present"),
        ("pages/data.py", "page_data", ":material/upload_file:", "data"),
    ],
}

nav = {
    t(group, lang): [st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=(url == "overview"))
                     for path, key, icon, url in pages if (Path(__file__).parent / path).exists()]
    for group, pages in PAGES.items()
}
nav = {group: pages for group, pages in nav.items() if pages}
st.logo(image=str(Path(__file__).parent / "data" / ("logo-en.svg" if lang == "en" else "logo.svg")), size="large")
current = st.navigation(nav, position="hidden")
# The page list is drawn here (not by Streamlit's automatic list, which shows file names first).
# The presentation page hides the sidebar itself.
for group, pages in nav.items():
    if sum(len(p) for p in nav.values()) <= 1:
        break
    st.sidebar.caption(group)
    for page in pages:
        st.sidebar.page_link(page, label=page.title, icon=page.icon)
current.run()
