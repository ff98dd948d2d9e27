"""Every dashboard page, in Chinese and in English, shows only words that are in the catalog.

t() records each key it was asked for that locales/<lang>.yml lacks (i18n.MISSING_KEYS); a page
that shows such a key fails here (issue 8: UI words are data).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from weibao import i18n

APP = "../dashboards/app.py"  # relative to this file
PAGES = [
    "views/overview.py",
    "views/domains.py",
    "views/regions.py",
    "views/indicator.py",
    "views/supervision.py",
    "views/units.py",
    "views/work_plan.py",
    "views/brief.py",
    "views/reporting.py",
    "views/submit.py",
    "views/methodology.py",
    "views/todo.py",
    "views/cases.py",
    "views/approval.py",
    "views/audit_log.py",
    "views/users.py",
]


def test_pages_list_is_complete():
    views = Path(__file__).resolve().parent.parent / "dashboards" / "views"
    assert sorted(PAGES) == sorted(f"views/{p.name}" for p in views.glob("*.py"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_shows_only_catalogued_words(published_warehouse: Path, lang: str):
    st.cache_data.clear()
    i18n.MISSING_KEYS.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.session_state["lang"] == lang
        assert not i18n.MISSING_KEYS, (page, sorted(i18n.MISSING_KEYS))
