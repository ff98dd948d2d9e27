"""Issue 11 #4: no traceback on any page. Every page is opened over a damaged store (a torn
last line, a malformed line, a missing file, an orphan), over a store the pages cannot read at
all, and with no published warehouse; each must show words, never a traceback."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import county_villages
from streamlit.testing.v1 import AppTest

from weibao import store
from weibao.paths import ROOT

APP = "../dashboards/app.py"  # relative to this file
PAGES = sorted(
    p.relative_to(ROOT / "dashboards").as_posix()
    for p in (ROOT / "dashboards" / "views").glob("*.py")
)
DETAIL = re.compile(r"Traceback|File \"|\.py\b|Error:|Exception|site-packages")


def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("error", "warning", "info", "markdown", "caption", "text", "code"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def _open_every_page(expect_error: str | None = None) -> dict[str, list[str]]:
    st.cache_data.clear()
    shown = {}
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        leaked = [s for s in _texts(at) if DETAIL.search(s)]
        assert not leaked, (page, leaked)
        errors = [e.value for e in at.error]
        if expect_error is not None:
            assert any(expect_error in e for e in errors), (page, errors)
        shown[page] = errors
    return shown


def _damaged_store(root: Path) -> Path:
    villages = county_villages("330483")
    frame = pd.DataFrame({"org_unit_code": villages, "year": 2024, "child_director_count": 1})
    entries = [
        store.accept(
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code="330483",
            period="2024",
            original=f"file {i}".encode(),
            original_filename="f.csv",
            normalized=frame,
            root=root,
            received_at=datetime(2025, 1, 1, 9, i, tzinfo=UTC),
        )
        for i in range(3)
    ]
    (root / entries[0].stored_path).unlink()  # a missing file
    (root / "originals" / "child_directors" / "2024" / "orphan.csv").write_bytes(b"x")
    with open(root / store.MANIFEST, "ab") as fh:
        fh.write(b'garbage,"unterminated\n')  # a malformed line
        fh.write(b"20250110T090000Z-0123456789,child_directors,civil_affairs,330483,20")  # torn
    return root


def test_showing_error_details_is_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_every_page_over_a_damaged_store(published_warehouse, tmp_path, monkeypatch):
    root = _damaged_store(tmp_path / "store")
    monkeypatch.setenv("WEIBAO_SUBMISSIONS", str(root))
    assert len(store.read_manifest(root).attrs["problems"]) == 2
    shown = _open_every_page()
    assert not any(shown.values()), shown  # the damage is the store's, not the pages'


def test_every_page_over_a_store_that_cannot_be_read(published_warehouse, tmp_path, monkeypatch):
    """manifest.csv is a folder: reading it raises. The Submit page, which lists the unit's
    last submissions from it, shows the boundary's message; the traceback goes to the log."""
    root = tmp_path / "store"
    (root / store.MANIFEST).mkdir(parents=True)
    monkeypatch.setenv("WEIBAO_SUBMISSIONS", str(root))
    log = ROOT / "target" / "logs" / "dashboard-error.log"
    before = log.stat().st_size if log.exists() else 0
    shown = _open_every_page()
    assert any("本页暂时无法显示" in e for e in shown["views/submit.py"]), shown
    assert "IsADirectoryError" in log.read_text(encoding="utf-8")[before:]


def test_every_page_without_a_warehouse(published_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(tmp_path / "none.duckdb"))
    _open_every_page(expect_error="尚未找到已发布的数据仓库文件")


@pytest.mark.parametrize("damage", ["empty", "garbage"])
def test_every_page_over_a_damaged_warehouse(published_warehouse, tmp_path, monkeypatch, damage):
    path = tmp_path / "weibao.duckdb"
    path.write_bytes(b"" if damage == "empty" else b"not a duckdb file" * 100)
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(path))
    _open_every_page()
