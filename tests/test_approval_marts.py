"""Approval reaches the marts at the next publish, moves up as in DHIS2 (a county approves, the
city accepts), and decides what leaders see: marked 未审核 or hidden, as the statistician's
setting says; statisticians preview everything; the brief is a leader's view unless a
statistician asks for the internal version (内部).

A real store of two counties of 三明市 (demo data, 2023), real approvals in a people folder,
a real `weibao build` (dbt) into a DuckDB file, real AppTest sign-in."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from test_people import refused

from weibao import approval, audit, demo, users
from weibao.access import Actor
from weibao.build import build
from weibao.settings import settings

CITY, APPROVED, PENDING, YEAR = "3504", "350404", "350405", 2023  # 三明市: 三元区, 沙县区
STAT_A = Actor("sy_stat", "statistician", APPROVED)
STAT_CITY = Actor("sm_stat", "statistician", CITY)
PW = "Start-pass1"
APP = "../dashboards/app.py"


@pytest.fixture(scope="module")
def approved_build(tmp_path_factory):
    """(store, people, warehouse): 三元区 2023 approved by its statistician, 沙县区 not."""
    base = tmp_path_factory.mktemp("approval")
    store, people = base / "store", base / "people"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WEIBAO_PEOPLE", str(people))
        demo.generate(store, years=[YEAR], counties=[APPROVED, PENDING])
        approval.approve(STAT_A, APPROVED, str(YEAR), folder=people)
        result = build(base / "wh" / "weibao.duckdb", submissions=store)
    return store, people, Path(result.published)


def rows(warehouse: Path, sql: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_the_marts_mark_the_approved_county_approved_and_the_other_pending(approved_build):
    _store, _people, wh = approved_build
    by_area = dict(
        rows(
            wh,
            "select left(org_unit_code, 6), list(distinct approval_status order by approval_status) "
            "from fct_indicator_values where level in ('county', 'township', 'village') "
            "group by 1",
        )
    )
    assert by_area == {APPROVED: ["approved"], PENDING: ["pending"]}
    progress = dict(
        rows(
            wh,
            "select org_unit_code, list(distinct approval_status order by approval_status) "
            "from fct_indicator_progress where org_unit_code in (?, ?) group by 1",
            [APPROVED, PENDING],
        )
    )
    assert progress == {APPROVED: ["approved"], PENDING: ["pending"]}


def test_a_city_roll_up_over_an_approved_and_a_pending_county_says_mixed(approved_build):
    _store, _people, wh = approved_build
    # expected from which counties have a row for the indicator, not from the approval logic
    counties = rows(
        wh,
        "select indicator_code, list(org_unit_code order by org_unit_code) "
        "from fct_indicator_values where level = 'county' and year = ? group by 1",
        [YEAR],
    )
    expected = {
        code: "mixed"
        if set(units) == {APPROVED, PENDING}
        else ("approved" if units == [APPROVED] else "pending")
        for code, units in counties
    }
    assert "mixed" in expected.values()
    city = dict(
        rows(
            wh,
            "select indicator_code, approval_status from fct_indicator_values "
            "where org_unit_code = ? and year = ?",
            [CITY, YEAR],
        )
    )
    assert city == expected
    province = dict(
        rows(
            wh,
            "select indicator_code, approval_status from fct_indicator_values "
            "where org_unit_code = '35' and year = ?",
            [YEAR],
        )
    )
    assert province == expected  # the province has these two counties only


def test_an_unlock_shows_as_pending_at_the_next_build(approved_build, tmp_path, monkeypatch):
    store, people, _wh = approved_build
    folder = tmp_path / "people"
    folder.mkdir()
    (folder / approval.LOG).write_bytes((people / approval.LOG).read_bytes())
    monkeypatch.setenv("WEIBAO_PEOPLE", str(folder))
    approval.unlock(STAT_A, APPROVED, str(YEAR), reason="民政局更正", folder=folder)
    wh = Path(build(tmp_path / "weibao.duckdb", submissions=store).published)
    assert rows(wh, "select distinct approval_status from fct_indicator_values") == [("pending",)]


# ---- accept, as in DHIS2 ------------------------------------------------------------------


@pytest.fixture
def people(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "people"
    monkeypatch.setenv("WEIBAO_PEOPLE", str(folder))
    return folder


def test_the_city_statistician_accepts_what_the_county_approved(people):
    with refused("尚未审核锁定"):
        approval.accept(STAT_CITY, APPROVED, "2023")  # nothing approved yet
    approval.approve(STAT_A, APPROVED, "2023")
    event = approval.accept(STAT_CITY, APPROVED, "2023")
    assert (event.action, event.by_jurisdiction) == ("accept", CITY)
    assert approval.in_force("child_directors", APPROVED, "2023Q2").action == "accept"
    assert [e["action"] for e in audit.read(people)] == ["approve", "accept"]
    assert audit.verify(people).ok
    # accepted: the county can no longer reopen it; the city can
    with refused("已由上级 3504 的 sm_stat"):
        approval.unlock(STAT_A, APPROVED, "2023", reason="更正")
    approval.unlock(STAT_CITY, APPROVED, "2023", reason="更正")
    assert approval.in_force("child_directors", APPROVED, "2023") is None


@pytest.mark.parametrize(
    "actor, words",
    [
        (STAT_A, "接受由上级辖区的统计员办理"),  # its own county
        (Actor("sx_stat", "statistician", PENDING), "接受由上级辖区的统计员办理"),  # a sibling
        (Actor("sm_lead", "leader", CITY), "无权接受下级审核"),
        (Actor("sm_insp", "inspector", CITY), "无权接受下级审核"),
        (Actor("zj_stat", "statistician", "33"), "接受由上级辖区的统计员办理"),  # another province
    ],
)
def test_anyone_but_a_statistician_above_is_refused_in_words(people, actor, words):
    approval.approve(STAT_A, APPROVED, "2023")
    with refused(words):
        approval.accept(actor, APPROVED, "2023")
    assert [e.action for e in approval.read(people)] == ["approve"]


def weibao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args], capture_output=True, text=True, timeout=120
    )


def test_accept_on_the_cli_and_refused_with_as_a_county_user(people, monkeypatch):
    monkeypatch.setenv("WEIBAO_PASSWORD_HASH_ROUNDS", "4")
    users.add("sy_stat", PW, role="statistician", jurisdiction=APPROVED, by="cli:test",
              by_role="statistician", must_change=False)  # fmt: skip
    approval.approve(STAT_A, APPROVED, "2023", "child_directors")
    no = weibao("accept", "--jurisdiction", APPROVED, "--period", "2023",
                     "--type", "child_directors", "--as", "sy_stat")  # fmt: skip
    assert no.returncode != 0 and "接受由上级辖区的统计员办理" in no.stderr
    assert "Traceback" not in no.stderr
    done = weibao("accept", "--jurisdiction", APPROVED, "--period", "2023",
                  "--type", "child_directors")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{APPROVED}/2023/child_directors" in done.stdout
    assert [e.action for e in approval.read(people)] == ["approve", "accept"]


# ---- what leaders see ----------------------------------------------------------------------


@pytest.fixture
def signed_in(approved_build, tmp_path, monkeypatch):
    """The approval build published, sign-in required, a city leader and statistician."""
    _store, _people, wh = approved_build
    folder = tmp_path / "people"
    monkeypatch.setenv("WEIBAO_PEOPLE", str(folder))
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(wh))
    monkeypatch.setenv("WEIBAO_SIGN_IN_REQUIRED", "true")
    monkeypatch.setenv("WEIBAO_PASSWORD_HASH_ROUNDS", "4")
    settings.cache_clear()
    for name, role in (("sm_lead", "leader"), ("sm_stat", "statistician")):
        users.add(name, PW, role=role, jurisdiction=CITY, by="cli:test", by_role="statistician",
                  must_change=False)  # fmt: skip
    yield wh
    settings.cache_clear()
    st.cache_data.clear()


def page_as(name: str, code: str, page: str, **state) -> AppTest:
    """The dashboard signed in as `name` through the sign-in form, on `page` for unit `code`."""
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["year"] = YEAR
    at.run()
    [box] = [w for w in at.text_input if w.label == "用户名"]
    [pw] = [w for w in at.text_input if w.label == "密码"]
    box.input(name)
    pw.input(PW)
    [go] = [b for b in at.button if b.label == "登录"]
    go.click().run()
    at.session_state["org_unit_code"] = code
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def overview_metrics(name: str, code: str) -> dict[str, str]:
    at = page_as(name, code, "views/overview.py")
    return {m.label: str(m.value) for m in at.metric}


def county_figures(wh: Path, code: str) -> dict[str, str]:
    return dict(
        rows(
            wh,
            "select i.name_zh, v.approval_status from fct_indicator_values v join dim_indicators "
            "i using (indicator_code) where v.org_unit_code = ? and v.year = ? "
            "and v.value is not null",
            [code, YEAR],
        )
    )


@pytest.mark.parametrize("mode", ["hide", "mark"])
def test_the_setting_hides_or_marks_pending_figures_for_a_leader_not_a_statistician(
    signed_in, monkeypatch, mode
):
    monkeypatch.setenv("WEIBAO_UNAPPROVED_FOR_LEADERS", mode)
    settings.cache_clear()
    pending = county_figures(signed_in, PENDING)
    approved = county_figures(signed_in, APPROVED)
    assert pending and set(pending.values()) == {"pending"}
    lead = overview_metrics("sm_lead", PENDING)
    stat = overview_metrics("sm_stat", PENDING)
    for name in pending:
        assert stat[name] not in ("未审核", "—")  # the statistician's preview has the figure
        if mode == "hide":
            assert lead[name] == "未审核"
        else:
            assert lead[name] not in ("未审核", "—")
    # an approved county is shown to the leader either way
    lead_a = overview_metrics("sm_lead", APPROVED)
    assert all(lead_a[name] not in ("未审核", "—") for name in approved)


def test_the_query_layer_hides_not_only_the_page(signed_in, monkeypatch):
    """hide_unapproved is applied in dashboards/data.py's loader: the frame a leader's page
    receives has no figure of a pending row."""
    monkeypatch.setenv("WEIBAO_UNAPPROVED_FOR_LEADERS", "hide")
    settings.cache_clear()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dashboards"))
    import data

    st.session_state["actor"] = Actor("sm_lead", "leader", CITY)
    try:
        frame = data.unit_values(PENDING, YEAR)
        got = frame[frame["has_row"]]
        assert len(got) and got["approval_hidden"].all()
        assert got["value"].isna().all() and got["numerator"].isna().all()
        assert set(got["status"]) == {"no_data"}
        st.session_state["actor"] = Actor("sm_stat", "statistician", CITY)
        full = data.unit_values(PENDING, YEAR)
        assert full[full["has_row"]]["value"].notna().any()
    finally:
        del st.session_state["actor"]


def test_a_bad_setting_is_refused_in_words(monkeypatch):
    monkeypatch.setenv("WEIBAO_UNAPPROVED_FOR_LEADERS", "blur")
    settings.cache_clear()
    try:
        with refused("unapproved_for_leaders"):
            approval.leader_display()
    finally:
        settings.cache_clear()


# ---- the brief -----------------------------------------------------------------------------


def brief_cells(path: Path) -> tuple[list[str], list[str]]:
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    return wb.sheetnames, cells


def test_the_leader_brief_hides_pending_figures_and_the_internal_one_is_marked(
    approved_build, tmp_path, monkeypatch
):
    _store, _people, wh = approved_build
    monkeypatch.setenv("WEIBAO_PEOPLE", str(tmp_path / "people"))
    monkeypatch.setenv("WEIBAO_UNAPPROVED_FOR_LEADERS", "hide")
    pending = county_figures(wh, PENDING)
    values = dict(
        rows(wh, "select indicator_code, value from fct_indicator_values "
             "where org_unit_code = ? and year = ? and value is not null", [PENDING, YEAR])
    )  # fmt: skip
    out = tmp_path / "brief.xlsx"
    common = ["brief", "--jurisdiction", PENDING, "--year", str(YEAR), "--warehouse", str(wh)]
    leader = subprocess.run([sys.executable, "-m", "weibao", *common, "-o", str(out)],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert leader.returncode == 0, leader.stderr
    sheets, cells = brief_cells(out)
    assert not any("内部" in s for s in sheets)
    assert "未审核" in cells
    # no pending figure: the value cells of the indicator sheet hold no number
    wb = load_workbook(out)
    numbers = [c.value for row in wb.worksheets[1].iter_rows(min_col=3, max_col=3) for c in row
               if isinstance(c.value, int | float)]  # fmt: skip
    assert numbers == [] and len(values) == len(pending) > 0
    internal = subprocess.run(
        [sys.executable, "-m", "weibao", *common, "-o", str(out), "--internal"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert internal.returncode == 0, internal.stderr
    written = tmp_path / "brief_内部.xlsx"
    assert internal.stdout.strip() == str(written)
    sheets, cells = brief_cells(written)
    assert sheets and all(s.startswith("内部") for s in sheets)
    wb = load_workbook(written)
    assert all(ws.oddHeader.left.text == "内部" for ws in wb.worksheets)
    assert any("【内部】" in str(v) for v in (wb.properties.title,))
    assert any("未审核" in c for c in cells)  # pending figures shown, marked
    numbers = [c.value for row in wb.worksheets[1].iter_rows(min_col=3, max_col=3) for c in row
               if isinstance(c.value, int | float)]  # fmt: skip
    assert len(numbers) >= 1
    exports = [e for e in audit.read(tmp_path / "people") if e["action"] == "brief_export"]
    assert [e["detail"]["internal"] for e in exports] == [False, True]


def test_the_internal_brief_is_a_statisticians(approved_build, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIBAO_PEOPLE", str(tmp_path / "people"))
    monkeypatch.setenv("WEIBAO_PASSWORD_HASH_ROUNDS", "4")
    users.add("sm_lead", PW, role="leader", jurisdiction=CITY, by="cli:test",
              by_role="statistician", must_change=False)  # fmt: skip
    _store, _people, wh = approved_build
    done = weibao("brief", "--jurisdiction", PENDING, "--year", str(YEAR), "--warehouse",
                  str(wh), "-o", str(tmp_path / "b.xlsx"), "--internal", "--as", "sm_lead")  # fmt: skip
    assert done.returncode != 0 and "无权导出内部版简报" in done.stderr
    assert not list(tmp_path.glob("b*.xlsx"))


def test_hide_leaves_items_on_unapproved_figures_out_of_the_supervision_list_and_counts(
    signed_in, monkeypatch
):
    """In `hide` mode a leader's supervision list, its count (overview) and the grouped counts
    above the county leave out an item that lags on a figure not yet approved: listing it as
    lagging with its figure cleared would still tell what the figure is. `mark` keeps them."""
    wh = signed_in
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dashboards"))
    import data

    base = """from fct_supervision_items s join dim_org_units o using (org_unit_code)
        left join fct_indicator_values v on v.indicator_code = s.indicator_code
            and v.org_unit_code = s.org_unit_code and v.year = s.year
        where s.year = ? and ? in (o.org_unit_code, o.county_code, o.city_code)
            and coalesce(s.level, o.level) <> 'village'"""
    [(juris,)] = rows(wh, f"select distinct s.jurisdiction_code {base}", [YEAR, CITY])
    total, unapproved = rows(
        wh,
        f"select count(*), count(*) filter (where v.approval_status in ('pending', 'mixed')) "
        f"{base}",
        [YEAR, CITY],
    )[0]
    assert 0 < unapproved < total  # both kinds exist, so the test can tell them apart
    st.session_state["actor"] = Actor("sm_lead", "leader", CITY)
    try:
        seen = {}
        for mode in ("mark", "hide"):
            monkeypatch.setenv("WEIBAO_UNAPPROVED_FOR_LEADERS", mode)
            settings.cache_clear()
            items = data.supervision_items(juris, CITY, YEAR)
            count = int(data.supervision_count(juris, CITY, YEAR)["n"].iloc[0])
            groups = data.supervision_groups("35", YEAR)
            seen[mode] = (items, count, int(groups["items"].sum()))
        items, count, grouped = seen["mark"]
        assert (len(items), count, grouped) == (total, total, total)
        items, count, grouped = seen["hide"]
        assert (len(items), count, grouped) == (total - unapproved,) * 3
        assert not items["approval_status"].isin(["pending", "mixed"]).any()
    finally:
        del st.session_state["actor"]
        settings.cache_clear()


def test_the_regions_table_marks_a_pending_county_for_a_leader(signed_in, monkeypatch):
    """mark mode: the Regions page's table of 三明市's counties says 未审核 beside the status of
    the county whose figures are pending, and nothing beside the approved county's."""
    monkeypatch.setenv("WEIBAO_UNAPPROVED_FOR_LEADERS", "mark")
    settings.cache_clear()
    wh = signed_in
    [(code,)] = rows(
        wh,
        "select indicator_code from fct_indicator_values where org_unit_code = ? and year = ? "
        "and approval_status = 'pending' and value is not null order by 1 limit 1",
        [PENDING, YEAR],
    )
    names = dict(rows(wh, "select org_unit_code, org_unit_name from dim_org_units "
                          "where org_unit_code in (?, ?)", [APPROVED, PENDING]))  # fmt: skip
    at = page_as("sm_lead", CITY, "views/regions.py", indicator_code=code)
    table = at.dataframe[0].value.set_index("地区")
    assert table.loc[names[PENDING], "状态"].endswith("未审核")
    assert "未审核" not in table.loc[names[APPROVED], "状态"]


def test_the_leader_brief_lists_the_supervision_items_the_page_lists(signed_in, monkeypatch):
    """The brief's supervision list follows the page's rule: in `hide` mode an item on a figure
    not yet approved is left out of a leader's brief; the internal brief keeps it, marked."""
    from weibao.brief import queries

    wh = signed_in
    [(juris,)] = rows(
        wh,
        "select distinct s.jurisdiction_code from fct_supervision_items s "
        "join dim_org_units o using (org_unit_code) where s.year = ? "
        "and ? in (o.county_code, o.city_code) and coalesce(s.level, o.level) <> 'village'",
        [YEAR, CITY],
    )
    seen = {}
    for mode in ("mark", "hide"):
        monkeypatch.setenv("WEIBAO_UNAPPROVED_FOR_LEADERS", mode)
        settings.cache_clear()
        seen[mode] = queries.supervision(wh, CITY, juris, YEAR)
    internal = queries.supervision(wh, CITY, juris, YEAR, internal=True)
    settings.cache_clear()
    pending = seen["mark"]["approval_status"].isin(["pending", "mixed"])
    assert pending.any() and not pending.all()
    assert len(seen["hide"]) == int((~pending).sum())
    assert not seen["hide"]["approval_status"].isin(["pending", "mixed"]).any()
    assert len(internal) == len(seen["mark"])
