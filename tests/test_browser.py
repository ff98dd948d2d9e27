"""The dashboard renders in a real headless Chromium: Chinese title, a Plotly chart, a screenshot.

Debian's `chromium` (with `fonts-noto-cjk`, so Chinese is not drawn as boxes) is installed by
.ci/run; Playwright drives it through executable_path, offline.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import cjk_font_installed, require_tool

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url}")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    require_tool(
        path is not None and cjk_font_installed(),
        "Chromium or its CJK font is not installed (apt-get install -y chromium fonts-noto-cjk)",
    )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require_tool(False, "playwright is not installed (make install)")
    return path


@contextmanager
def streamlit_server(env: dict, log_name: str) -> Iterator[str]:
    """A real `streamlit run dashboards/app.py` on a free loopback port with `env`; its URL once
    it answers /_stcore/health. Stopped (and its log closed) when the block ends."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboards/app.py",
        "--server.port", str(port), "--server.headless", "true",
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / log_name).open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def server(published_warehouse: Path, chromium: str) -> Iterator[str]:
    env = {**os.environ, "WEIBAO_WAREHOUSE": str(published_warehouse)}
    with streamlit_server(env, "streamlit.log") as url:
        yield url


@pytest.fixture
def page(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            pg = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            yield pg
        finally:
            browser.close()


def test_overview_renders_in_chinese(server: str, page):
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="总览", exact=True).wait_for(timeout=60_000)
    page.get_by_text("示例数据").first.wait_for(timeout=30_000)
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_regions_shows_a_plotly_chart(server: str, page):
    page.goto(f"{server}/regions", wait_until="domcontentloaded")
    page.get_by_role("heading", name="地区", exact=True).wait_for(timeout=60_000)
    page.locator(".stPlotlyChart .js-plotly-plot").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # let Plotly finish drawing before the screenshot
    page.screenshot(path=str(ARTIFACTS / "regions.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".js-plotly-plot .bars path").count() > 0


def test_indicator_page_trend(server: str, page):
    page.goto(f"{server}/indicator", wait_until="domcontentloaded")
    page.get_by_role("heading", name="指标", exact=True).wait_for(timeout=60_000)
    page.locator(".stPlotlyChart .js-plotly-plot").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "indicator.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0


def url_has(page, part: str, timeout: float = 30) -> None:
    """Wait until the address bar holds part (Streamlit writes the query after the run)."""
    deadline = time.monotonic() + timeout
    while part not in page.url:
        assert time.monotonic() < deadline, f"{part} not in {page.url}"
        page.wait_for_timeout(200)


def test_view_survives_a_reload_and_a_page_switch(server: str, page):
    """A deep link opens the same view, a refresh keeps it (an English page stays English),
    and switching page keeps the view in the URL."""
    link = f"{server}/regions?lang=en&org=330483&year=2023&indicator=child_director_coverage"
    page.goto(link, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Regions", exact=True).wait_for(timeout=60_000)
    page.get_by_text("桐乡市 · 2023").first.wait_for(timeout=30_000)
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("heading", name="Regions", exact=True).wait_for(timeout=60_000)
    page.get_by_text("桐乡市 · 2023").first.wait_for(timeout=30_000)
    assert "lang=en" in page.url and "indicator=child_director_coverage" in page.url
    page.get_by_role("link", name="Overview").first.click()
    page.get_by_role("heading", name="Overview", exact=True).wait_for(timeout=60_000)
    url_has(page, "lang=en")
    assert "org=330483" in page.url and "year=2023" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0


def test_search_picker_finds_a_township_by_name(server: str, page):
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="总览", exact=True).wait_for(timeout=60_000)
    search = page.get_by_label("搜索地区(名称或代码)")
    search.fill("乌镇")
    search.press("Enter")
    page.get_by_text("相符的地区").wait_for(timeout=30_000)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    option = page.get_by_role("option", name="乌镇镇").first
    assert "浙江省 › 嘉兴市 › 桐乡市" in option.inner_text()
    option.click()
    page.get_by_text("浙江省 › 嘉兴市 › 桐乡市 › 乌镇镇 · 2022").first.wait_for(timeout=30_000)
    url_has(page, "org=330483100")
    page.screenshot(path=str(ARTIFACTS / "search_picker.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
