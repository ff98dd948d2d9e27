"""Issue 9 in the dashboard, through AppTest with real sign-in: streamlit-authenticator's form
checks the bcrypt hash of a real users.yml; weibao's lockout, first-sign-in change, idle
expiry, navigation by role and the jurisdiction guard around it. (The library's cookie
component does not run under AppTest; it is not used: every session signs in.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_suppression import COUNTY as SMALL_COUNTY
from test_suppression import NAME as SMALL_NAME
from test_suppression import YEAR as SMALL_YEAR
from test_suppression import small_warehouse

from weibao import approval, audit, users
from weibao.settings import settings

__all__ = ["small_warehouse"]  # the fixture, shared with test_suppression.py

APP = "../dashboards/app.py"
PW = "Start-pass1"


@pytest.fixture
def people(published_warehouse: Path, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "people"
    monkeypatch.setenv("WEIBAO_PEOPLE", str(folder))
    monkeypatch.setenv("WEIBAO_SIGN_IN_REQUIRED", "true")
    monkeypatch.setenv("WEIBAO_PASSWORD_HASH_ROUNDS", "4")
    settings.cache_clear()
    st.cache_data.clear()
    for name, role, juris, unit in [
        ("tx_stat", "statistician", "330483", ""),
        ("tx_lead", "leader", "330483", ""),
        ("tx_mz", "agency", "330483", "civil_affairs"),
        ("tx_insp", "inspector", "330483", ""),
    ]:
        users.add(
            name,
            PW,
            role=role,
            jurisdiction=juris,
            unit=unit,
            by="cli:test",
            by_role="statistician",
            must_change=False,
        )
    yield folder
    settings.cache_clear()


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    [box] = [w for w in at.text_input if w.label == "用户名"]
    [pw] = [w for w in at.text_input if w.label == "密码"]
    box.input(name)
    pw.input(password)
    [go] = [b for b in at.button if b.label == "登录"]
    go.click().run()
    assert not at.exception, at.exception
    return at


def said(at: AppTest) -> str:
    return "\n".join(
        str(e.value) for e in [*at.error, *at.warning, *at.info, *at.success, *at.title]
    )


def test_nothing_is_shown_before_sign_in(people):
    at = app()
    assert [t.value for t in at.title] == ["未保 weibao 登录"]
    assert not at.metric and not at.dataframe


def test_leader_signs_in_sees_only_reading_pages(people):
    at = sign_in(app(), "tx_lead", PW)
    assert [t.value for t in at.title] == ["待办"]
    assert audit.read(people)[-1]["action"] == "sign_in"
    at.switch_page("views/overview.py").run()
    assert [t.value for t in at.title] == ["总览"]
    for hidden in ("views/approval.py", "views/users.py", "views/submit.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(hidden)  # not in a leader's navigation at all


def test_leader_of_tongxiang_cannot_read_fujian_even_by_query_or_state(people):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["org"] = "35"  # a deep link to 福建省
    at.run()
    at = sign_in(at, "tx_lead", PW)
    assert "无权查看 35" in said(at)
    assert at.session_state["org_unit_code"] == "330483"
    at.switch_page("views/overview.py").run()
    at.session_state["org_unit_code"] = "35"  # as a path button or a search would set it
    at.run()
    assert "无权查看 35" in said(at)
    shown = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "桐乡市" in shown and "福建" not in shown
    # the path above 桐乡市 (浙江省 › 嘉兴市) cannot be clicked
    assert at.button(key="path_33").disabled and at.button(key="path_3304").disabled


def test_five_wrong_passwords_lock_the_form_even_for_the_right_one(people):
    at = app()
    for _ in range(4):
        at = sign_in(at, "tx_lead", "Wrong-pass1")
        assert "用户名或密码不正确" in said(at)
    at = sign_in(at, "tx_lead", "Wrong-pass1")
    assert "已锁定 15 分钟" in said(at)
    at = sign_in(at, "tx_lead", PW)
    assert "已锁定" in said(at) and [t.value for t in at.title] == ["未保 weibao 登录"]
    assert [e["action"] for e in audit.read(people)][-2:] == ["account_locked", "sign_in_failed"]


def test_first_sign_in_must_change_the_password(people):
    users.reset("tx_lead", "Reset-pass1", by="cli:test", by_role="statistician")
    at = sign_in(app(), "tx_lead", "Reset-pass1")
    assert [t.value for t in at.title] == ["修改密码"]
    at.text_input(key="pw_old").input("Reset-pass1")
    at.text_input(key="pw_new").input("short")
    at.text_input(key="pw_again").input("short")
    [go] = [b for b in at.button if b.label == "修改密码"]
    go.click().run()
    assert "不符合要求" in said(at)
    at.text_input(key="pw_old").input("Reset-pass1")
    at.text_input(key="pw_new").input("Fresh-pass22")
    at.text_input(key="pw_again").input("Fresh-pass22")
    [go] = [b for b in at.button if b.label == "修改密码"]
    go.click().run()
    assert [t.value for t in at.title] == ["待办"], said(at)
    assert not users.get("tx_lead").must_change_password


def test_idle_session_signs_in_again(people):
    at = sign_in(app(), "tx_lead", PW)
    session = at.session_state["weibao_user"]
    session["last_seen"] = datetime.now(UTC) - timedelta(minutes=31)
    at.session_state["weibao_user"] = session
    at.run()
    assert "会话已超时" in said(at)
    assert [t.value for t in at.title] == ["未保 weibao 登录"]
    assert audit.read(people)[-1]["action"] == "session_expired"


def test_agency_page_offers_only_its_own_unit_and_jurisdiction(people):
    at = sign_in(app(), "tx_mz", PW)
    at.switch_page("views/submit.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="submit_agency").value == "civil_affairs"
    assert at.selectbox(key="submit_county").value == "330483"
    assert len(at.selectbox(key="submit_county").options) == 1


def test_statistician_approves_on_the_page_and_sees_the_audit_log(people):
    at = sign_in(app(), "tx_stat", PW)
    at.switch_page("views/approval.py").run()
    at.text_input(key="ap_juris").input("330483")
    at.text_input(key="ap_period").input("2023")
    at.button(key="ap_go").click().run()
    assert not at.exception, at.exception
    event = approval.in_force("child_directors", "330483", "2023", people)
    assert event is not None and event.who == "tx_stat"
    at.switch_page("views/audit_log.py").run()
    assert "哈希链校验通过" in said(at)


def test_small_counts_leader_suppressed_statistician_unsuppressed_and_audited(
    people, small_warehouse, monkeypatch
):
    """宁化县 2022 寄养家庭合规率 is 0 of 2 (test_suppression's copy of the warehouse): the
    leader's card says <5; the statistician's says 0.0%, and that view is audited."""
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(small_warehouse))
    for name, role in (("fj_lead", "leader"), ("fj_stat", "statistician")):
        users.add(
            name, PW, role=role, jurisdiction="35", by="cli:test", by_role="statistician",
            must_change=False,
        )  # fmt: skip
    shown = {}
    for name in ("fj_lead", "fj_stat"):
        st.cache_data.clear()
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["year"] = SMALL_YEAR
        at.run()
        at = sign_in(at, name, PW)
        at.session_state["org_unit_code"] = SMALL_COUNTY
        at.switch_page("views/overview.py").run()
        assert not at.exception, at.exception
        shown[name] = [m.value for m in at.metric if m.label == SMALL_NAME]
    assert shown == {"fj_lead": ["<5"], "fj_stat": ["0.0%"]}
    views = [e for e in audit.read(people) if e["action"] == "view_unsuppressed"]
    assert {e["who"] for e in views} == {"fj_stat"}  # never the leader
    # once per area and year: 福建省 after sign-in, then 宁化县
    assert [e["object"] for e in views] == [f"35/{SMALL_YEAR}", f"{SMALL_COUNTY}/{SMALL_YEAR}"]


def test_a_leaders_search_finds_units_of_their_own_jurisdiction_first(
    people, published_warehouse: Path
):
    """The picker's search is scoped in SQL, before its limit: units elsewhere that rank higher
    (奈曼旗's codes 150525… sort before 330483…) never crowd out the leader's own. On the old
    code the limit took the first 31 matches in the whole warehouse and the guard then dropped
    them all."""
    import duckdb

    con = duckdb.connect(str(published_warehouse), read_only=True)
    try:
        own, elsewhere_first = con.execute(
            """select count(*) filter (where org_unit_code like '330483%'),
                count(*) filter (where org_unit_code < '330483')
            from dim_org_units where position('村' in org_unit_name) > 0"""
        ).fetchone()
    finally:
        con.close()
    assert own > 0 and elsewhere_first > 31  # the case the scope is for
    at = sign_in(app(), "tx_lead", PW)
    at.switch_page("views/overview.py").run()
    at.text_input(key="_w_unit_search").input("村").run()
    assert not at.exception, at.exception
    options = at.selectbox(key="_w_unit_hits").options
    assert len(options) == min(own, 30)
    assert all("(330483" in o for o in options)
