"""Session fixtures: one real demo store and one real dbt build, shared by every test.

The demo submissions are generated into a temporary store and built into a temporary
published DuckDB file, exactly as `weibao demo --no-serve` does, so tests never touch the
developer's own seeds/submissions/ or warehouse/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from weibao import demo
from weibao.build import build

# The page tests run the dashboard without sign-in (it then acts as the local statistician, as
# the CLI does); the tests of sign-in and roles (test_people_pages.py, the browser test's
# sign-in) switch it on for themselves.
os.environ.setdefault("WEIBAO_SIGN_IN_REQUIRED", "false")


@pytest.fixture(autouse=True)
def _settings_follow_the_environment():
    """weibao.settings.settings() is cached per process. A test that sets a WEIBAO_* variable
    with monkeypatch and reads the settings would leave its value cached for every later test
    once monkeypatch has put the environment back (a leader's `hide` then hid the brief's
    figures in test_brief.py). Autouse fixtures are set up first, so this teardown runs after
    monkeypatch's."""
    yield
    from weibao.settings import settings

    settings.cache_clear()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("submissions")
    demo.generate(root)
    os.environ["WEIBAO_SUBMISSIONS"] = str(root)
    return root


@pytest.fixture(scope="session")
def published_warehouse(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "weibao.duckdb"
    result = build(path, submissions=demo_store)
    os.environ["WEIBAO_WAREHOUSE"] = str(result.published)
    return result.published


@pytest.fixture
def mart(published_warehouse: Path):
    """Run a query on the published file through a short-lived read-only connection."""

    def query(sql: str, params: list | None = None):
        con = duckdb.connect(str(published_warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).df()
        finally:
            con.close()

    return query


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[bytes, str | None]]:
    """Every file a page hands to a download button: (bytes, file name)."""
    seen: list[tuple[bytes, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, data, mimetype, kind, filename=None):
        seen.append((data, filename))
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def cjk_font_installed() -> bool:
    """A Noto CJK font that Chromium can find through fontconfig (fonts-noto-cjk)."""
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return "Noto Sans CJK" in out.stdout or "Noto Serif CJK" in out.stdout


def require_tool(ok: bool, why: str) -> None:
    """Skip a test whose system tool is missing, but fail it on CI (`CI` set): there a missing
    browser or font must not let the suite pass with the test silently skipped."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {why}", pytrace=False)
    pytest.skip(why)


def county_villages(county: str) -> list[str]:
    """The village codes of a county, from the shipped NBS 2023 division table."""
    from weibao.divisions import served

    units = served("code, level", [county])
    return sorted(units.loc[units.level == "village", "code"])
