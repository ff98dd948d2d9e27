"""The sign-in form (streamlit-authenticator's, issue 9) in a real headless Chromium against a
real `streamlit run` with sign-in on: a wrong password is refused in words, the right one opens
the user's to-do page, and signing out returns to the form."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, CHROMIUM_FLAGS, chromium, streamlit_server

from weibao import audit, users
from weibao.settings import settings

pytestmark = pytest.mark.browser
__all__ = ["chromium"]  # the fixture, shared with test_browser.py


@pytest.fixture(scope="module")
def signed_server(published_warehouse: Path, chromium: str, tmp_path_factory) -> Iterator[tuple]:
    people = tmp_path_factory.mktemp("people")
    env = {
        **os.environ,
        "WEIBAO_WAREHOUSE": str(published_warehouse),
        "WEIBAO_PEOPLE": str(people),
        "WEIBAO_SIGN_IN_REQUIRED": "true",
        "WEIBAO_PASSWORD_HASH_ROUNDS": "4",
    }
    old = {k: os.environ.get(k) for k in ("WEIBAO_PASSWORD_HASH_ROUNDS",)}
    os.environ["WEIBAO_PASSWORD_HASH_ROUNDS"] = "4"
    settings.cache_clear()
    users.add(
        "tx_lead",
        "Start-pass1",
        role="leader",
        jurisdiction="330483",
        by="cli:test",
        by_role="statistician",
        folder=people,
        must_change=False,
    )
    for k, v in old.items():
        os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    settings.cache_clear()
    with streamlit_server(env, "streamlit-sign-in.log") as url:
        yield url, people


def test_sign_in_form_in_a_browser(signed_server, chromium: str):
    from playwright.sync_api import sync_playwright

    url, people = signed_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_role("heading", name="未保 weibao 登录", exact=True).wait_for(
                timeout=60_000
            )
            page.get_by_label("用户名").fill("tx_lead")
            page.get_by_label("密码").fill("Wrong-pass1")
            page.get_by_role("button", name="登录").click()
            page.get_by_text("用户名或密码不正确").wait_for(timeout=60_000)
            page.get_by_label("用户名").fill("tx_lead")
            page.get_by_label("密码").fill("Start-pass1")
            page.get_by_role("button", name="登录").click()
            page.get_by_role("heading", name="待办", exact=True).wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "signed-in.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0
            page.get_by_role("button", name="退出登录").click()
            page.get_by_role("heading", name="未保 weibao 登录", exact=True).wait_for(
                timeout=60_000
            )
        finally:
            browser.close()
    actions = [e["action"] for e in audit.read(people)]
    assert actions[-3:] == ["sign_in_failed", "sign_in", "sign_out"]
