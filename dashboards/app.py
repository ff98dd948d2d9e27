"""未保 weibao dashboard: the only file that calls st.navigation.

Run with `streamlit run dashboards/app.py`. Pages live in views/ (not pages/, which would put
Streamlit in its legacy multipage mode on deep links).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # pages import data/ui/charts as top-level modules
    sys.path.insert(0, str(HERE))

import data  # noqa: E402
import duckdb  # noqa: E402
import streamlit as st  # noqa: E402
import ui  # noqa: E402

from weibao.i18n import t  # noqa: E402

# st.dataframe's toolbar download writes cells verbatim, so a note starting with = or @ would run
# in Excel; it is off here as in .streamlit/config.toml (whichever way the app is started) and
# the pages offer their own exports, neutralised by weibao.cells.
st.set_option("client.disableDataExport", True)
st.set_page_config(page_title="未保 weibao", page_icon=":material/shield_person:", layout="wide")
ui.init_state()
lang = ui.lang()

SECTIONS = {  # navigation section → (page file, title key = url path, icon)
    "nav_dashboard": (
        ("views/overview.py", "overview", ":material/dashboard:"),
        ("views/domains.py", "domains", ":material/category:"),
        ("views/regions.py", "regions", ":material/account_tree:"),
        ("views/indicator.py", "indicator", ":material/query_stats:"),
    ),
    "nav_follow_up": (
        ("views/supervision.py", "supervision", ":material/assignment_late:"),
        ("views/units.py", "units", ":material/groups:"),
        ("views/work_plan.py", "work_plan", ":material/event_note:"),
        ("views/brief.py", "brief", ":material/description:"),
    ),
    "nav_data": (
        ("views/reporting.py", "reporting", ":material/fact_check:"),
        ("views/submit.py", "submit", ":material/upload_file:"),
    ),
    "nav_about": (("views/methodology.py", "methodology", ":material/menu_book:"),),
}
page = st.navigation(
    {
        t(section, lang): [
            st.Page(path, title=t(key, lang), icon=icon, url_path=key, default=(key == "overview"))
            for path, key, icon in pages
        ]
        for section, pages in SECTIONS.items()
    }
)

with st.sidebar:
    ui.language_toggle()

if not data.available():
    st.error(t("no_warehouse", lang, path=data.warehouse_file()), icon=":material/database:")
    st.stop()

try:
    with st.sidebar:
        ui.context_selectors()
    ui.write_url()  # before the page runs: a page may st.stop()
    if data.is_demo(ui.org(), ui.year()):
        for where in (st.sidebar, st):
            where.badge(t("demo_badge", lang), icon=ui.DEMO_ICON, color="orange")
        st.sidebar.caption(t("demo_note", lang))
    page.run()
except (duckdb.Error, data.WarehouseMissing) as exc:
    # A half-built or older warehouse: say so in words, not a traceback.
    st.error(t("warehouse_error", lang, path=data.warehouse_file()), icon=":material/database:")
    st.caption(f"{type(exc).__name__}: {exc}")
