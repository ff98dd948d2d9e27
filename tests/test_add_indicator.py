"""README's worked example, "Add an indicator", done by a test with no Python touched.

In a copy of the project (tests/defs_copy.py) the fixture tests/fixtures/add_indicator/ adds a
submission type (expectations/child_worker_training.yml and .json), a row of
seeds/reference/indicators.csv and a row of seeds/reference/targets.csv. Then, through the CLI
as a statistician would: check, submit the 2022 file, build, submit the 2023 file, rebuild; the
indicator is in fct_indicator_values with its status, and on the Indicator page.

Expected figures, by hand from the fixture files: 2022: 150 of 200 trained = 75.0%, below the
demo target ≥ 90 → not_achieved, gap 30 people (90% of 200 = 180, minus 150). 2023: 205 of
210 = 97.6%; the 2022 target is the only one, so 2023 has no target → no_target.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from defs_copy import FIXTURES, ROOT, overlay, project_copy
from streamlit.testing.v1 import AppTest

FIXTURE = FIXTURES / "add_indicator"
CODE = "child_worker_training_rate"


def cli(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args],
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=1200,
    )


def values(warehouse: Path) -> dict[int, tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """select year, numerator, denominator, value, status, target_value, gap
               from fct_indicator_values
               where indicator_code = ? and org_unit_code = '330483' order by year""",
            [CODE],
        ).fetchall()
    finally:
        con.close()
    return {r[0]: tuple(r[1:]) for r in rows}


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = project_copy(tmp_path_factory.mktemp("project"))
    python_before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*.py")}
    overlay(FIXTURE, root)
    assert {p.relative_to(root): p.read_bytes() for p in root.rglob("*.py")} == python_before
    env = {
        "PYTHONPATH": str(root),  # the copy's package reads the copy's files
        "WEIBAO_SUBMISSIONS": str(root / "seeds" / "submissions"),
        "WEIBAO_WAREHOUSE": str(root / "warehouse" / "weibao.duckdb"),
    }
    return root, env


def test_add_an_indicator_without_python(added):
    root, env = added
    warehouse = Path(env["WEIBAO_WAREHOUSE"])
    checked = cli(root, env, "check")
    assert checked.returncode == 0, checked.stderr

    def submit(year: int) -> None:
        f = FIXTURE / "submissions" / f"child_worker_training_{year}.csv"
        r = cli(
            root, env, "submit", str(f), "--type", "child_worker_training",
            "--unit", "civil_affairs", "--jurisdiction", "330483", "--period", str(year),
        )  # fmt: skip
        assert r.returncode == 0, r.stdout + r.stderr

    submit(2022)
    built = cli(root, env, "build")
    assert built.returncode == 0, built.stderr[-3000:]
    first = values(warehouse)
    assert set(first) == {2022}
    num, den, value, status, target, gap = first[2022]
    assert (num, den, float(value), status, float(target)) == (150, 200, 75.0, "not_achieved", 90)
    assert float(gap) == 30

    submit(2023)
    rebuilt = cli(root, env, "build")
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    second = values(warehouse)
    assert second[2022][3] == "not_achieved"
    num, den, value, status, target, _ = second[2023]
    assert (num, den, round(float(value), 1), status, target) == (205, 210, 97.6, "no_target", None)


def test_indicator_page_shows_it(added, monkeypatch: pytest.MonkeyPatch):
    root, env = added
    if not Path(env["WEIBAO_WAREHOUSE"]).exists():
        pytest.skip("the build above failed")
    for k, v in env.items():
        if k != "PYTHONPATH":
            monkeypatch.setenv(k, v)
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=90)
    at.session_state["indicator_code"] = CODE
    at.session_state["year"] = 2022
    at.run()
    at.switch_page("views/indicator.py").run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == "基层儿童工作队伍业务培训率"
    table = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    rows = {int(r["年度"]): r for _, r in table.iterrows()}
    assert (rows[2022]["数值"], rows[2022]["分子"], rows[2022]["分母"]) == ("75.0%", "150", "200")
    # nobody approved the two submissions: the status is marked 未审核, as on the Overview's cards
    assert (rows[2022]["目标"], rows[2022]["状态"]) == ("≥ 90.0%", "未达标 · 未审核")
    assert rows[2022]["差距"] == "还有 30 名儿童主任、儿童督导员本年度未参加业务培训"
    assert (rows[2023]["数值"], rows[2023]["状态"]) == ("97.6%", "无目标 · 未审核")
