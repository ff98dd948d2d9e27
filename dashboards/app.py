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

import auth  # noqa: E402
import data  # noqa: E402
import streamlit as st  # noqa: E402
import ui  # noqa: E402

from weibao.access import covers  # noqa: E402
from weibao.i18n import t  # noqa: E402

# st.dataframe's toolbar download writes cells verbatim, so a note starting with = or @ would run
# in Excel; it is off here as in .streamlit/config.toml (whichever way the app is started) and
# the pages offer their own exports, neutralised by weibao.cells.
st.set_option("client.disableDataExport", True)
st.set_page_config(page_title="未保 weibao", page_icon=":material/shield_person:", layout="wide")
ui.init_state()
lang = ui.lang()
with st.sidebar:
    ui.language_toggle()
actor = auth.gate(lang)  # the signed-in user (or the sign-in form, which stops here)
st.session_state["actor"] = actor

READ = ("leader", "statistician", "inspector")
ALL = (*READ, "agency")
SECTIONS = {  # navigation section → (page file, title key = url path, icon, roles)
    "nav_todo": (("views/todo.py", "todo", ":material/checklist:", ALL),),
    "nav_dashboard": (
        ("views/overview.py", "overview", ":material/dashboard:", READ),
        ("views/domains.py", "domains", ":material/category:", READ),
        ("views/regions.py", "regions", ":material/account_tree:", READ),
        ("views/indicator.py", "indicator", ":material/query_stats:", READ),
    ),
    "nav_follow_up": (
        ("views/supervision.py", "supervision", ":material/assignment_late:", READ),
        ("views/units.py", "units", ":material/groups:", ALL),
        ("views/work_plan.py", "work_plan", ":material/event_note:", READ),
        ("views/brief.py", "brief", ":material/description:", READ),
    ),
    "nav_data": (
        ("views/reporting.py", "reporting", ":material/fact_check:", ALL),
        ("views/submit.py", "submit", ":material/upload_file:", ("statistician", "agency")),
    ),
    "nav_office": (
        ("views/cases.py", "cases", ":material/flag:", ALL),
        ("views/approval.py", "approval", ":material/lock:", ("statistician",)),
        ("views/audit_log.py", "audit_log", ":material/history:", ("statistician",)),
        ("views/users.py", "users", ":material/manage_accounts:", ("statistician",)),
    ),
    "nav_about": (("views/methodology.py", "methodology", ":material/menu_book:", ALL),),
}
start = "overview" if not auth.required() else "todo"
page = st.navigation(
    {
        t(section, lang): [
            st.Page(path, title=t(key, lang), icon=icon, url_path=key, default=(key == start))
            for path, key, icon, roles in pages
            if actor.role in roles
        ]
        for section, pages in SECTIONS.items()
        if any(actor.role in roles for *_, roles in pages)
    }
)

with st.sidebar:
    auth.sidebar(actor, lang)

if not data.available():
    st.error(t("no_warehouse", lang, path=data.warehouse_file()), icon=":material/database:")
    st.stop()


def _own_jurisdiction() -> None:
    """The guard in front of every query: a unit outside the user's jurisdiction (from a URL
    query parameter, a path button, a search or the session) is never queried; the view goes
    back to the user's own jurisdiction, with a refusal in words."""
    if not covers(actor.jurisdiction, ui.org()):
        st.warning(t("access_denied", lang, code=ui.org(), own=actor.jurisdiction))
        st.session_state["org_unit_code"] = actor.jurisdiction


# The page's one error boundary: a half-built or older warehouse, a damaged store or a bug
# shows a short message in words; the details go to the server log, not to the browser.
with ui.error_boundary(page.url_path or "overview"):
    _own_jurisdiction()
    with st.sidebar:
        ui.context_selectors()
    _own_jurisdiction()  # the selectors' callbacks ran before this run; checked again
    if data.sees_small_counts():  # a statistician's unsuppressed view is audited once per area
        seen = st.session_state.setdefault("_unsuppressed_seen", set())
        if (ui.org(), ui.year()) not in seen:
            seen.add((ui.org(), ui.year()))
            auth.audit_view(actor, f"{ui.org()}/{ui.year()}")
    ui.write_url()  # before the page runs: a page may st.stop()
    if data.is_demo(ui.org(), ui.year()):
        for where in (st.sidebar, st):
            where.badge(t("demo_badge", lang), icon=ui.DEMO_ICON, color="orange")
        st.sidebar.caption(t("demo_note", lang))
    page.run()
