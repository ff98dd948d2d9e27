"""The committees file: committees are data (issue 7).

`weibao committee add CODE` takes the name from the 2023 divisions; a wrong code names its
nearest matches; a code that is not a government or not in the vintage, and a duplicate, are
refused with a clear message, never a traceback. Served divisions follow the file: a city or a
province committee brings its whole subtree. Expected counts come from the division table read
here directly, not from the code under test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest

from weibao import demo, divisions
from weibao.errors import WeibaoError
from weibao.paths import DIVISIONS_FILE, REFERENCE_DIR

SHIPPED = REFERENCE_DIR / "committees.csv"


@pytest.fixture
def committees(tmp_path, monkeypatch):
    path = tmp_path / "committees.csv"
    shutil.copy(SHIPPED, path)
    monkeypatch.setenv("WEIBAO_COMMITTEES", str(path))
    return path


def _count(sql: str, params: list) -> int:
    con = duckdb.connect()
    try:
        return con.execute(
            sql.replace("DIVISIONS", f"read_parquet('{DIVISIONS_FILE}')"), params
        ).fetchone()[0]
    finally:
        con.close()


def _cli(*args: str, env_path) -> subprocess.CompletedProcess:
    import os

    env = os.environ | {"WEIBAO_COMMITTEES": str(env_path)}
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args], capture_output=True, text=True, env=env
    )


def test_shipped_file_starts_with_the_five_document_jurisdictions():
    codes = divisions.read_committees(SHIPPED)["code"].tolist()
    assert codes[:5] == ["330483", "35", "3504", "640121", "150525"]


def test_add_takes_the_name_from_the_divisions(committees):
    added = divisions.add_committee("520102")
    assert (added.name, added.level) == ("南明区", "county")
    lines = committees.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("520102,南明区,county")
    assert len(lines) == 1 + 5 + 1


def test_add_with_a_name(committees):
    divisions.add_committee("520102", name="南明区未成年人保护工作领导小组")
    assert divisions.read_committees()["name"].iloc[-1] == "南明区未成年人保护工作领导小组"


def test_unknown_code_names_the_nearest_matches(committees):
    before = committees.read_bytes()
    result = _cli("committee", "add", "520199", env_path=committees)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "不是2023年统计用区划代码" in result.stderr
    assert "520102" in result.stderr and "贵阳市" in result.stderr
    assert committees.read_bytes() == before


def test_a_name_instead_of_a_code_names_the_code(committees):
    with pytest.raises(WeibaoError) as err:
        divisions.add_committee("南明区")
    assert "520102" in err.value.render()


def test_duplicate_refused(committees):
    divisions.add_committee("520102")
    before = committees.read_bytes()
    with pytest.raises(WeibaoError) as err:
        divisions.add_committee("520102")
    assert "已在" in err.value.render() and "line 7" in err.value.render()
    assert committees.read_bytes() == before


def test_duplicate_row_in_the_file_names_the_line(committees):
    with open(committees, "a", encoding="utf-8") as fh:
        fh.write("35,福建省,province,\n")
    with pytest.raises(WeibaoError) as err:
        divisions.read_committees()
    assert "第 7 行" in err.value.render() and "第 3 行" in err.value.render()


@pytest.mark.parametrize(
    ("code", "use"),
    [("1101", "11"), ("441900", "4419"), ("130171", "1301"), ("520102016", "520102")],
)
def test_no_committee_for_a_placeholder_zone_or_township(committees, code, use):
    with pytest.raises(WeibaoError) as err:
        divisions.add_committee(code)
    assert use in err.value.render()


def test_city_committee_serves_its_whole_subtree(committees):
    divisions.add_committee("5201")  # 贵阳市
    served = divisions.served("code, level")
    villages = served[(served.level == "village") & served.code.str.startswith("5201")]
    expected = _count(
        "select count(*) from DIVISIONS where level = 'village' and city_code = ?", ["5201"]
    )
    assert len(villages) == expected > 1000
    assert {"52", "5201"} <= set(served.code)
    counties = demo.counties_under(["5201"])
    assert "520102" in counties and all(c.startswith("5201") for c in counties)


def test_province_committee_serves_its_whole_subtree(committees):
    divisions.add_committee("52")  # 贵州省
    assert divisions.read_committees()["level"].iloc[-1] == "province"
    served = divisions.served("code, level")
    expected = _count("select count(*) from DIVISIONS where province_code = ?", ["52"])
    assert (served.code.str.startswith("52")).sum() == expected
    # the five of the documents are still served
    assert {"330483", "35", "640121", "150525"} <= set(served.code)


def test_demo_for_a_jurisdiction_not_in_the_file_says_how_to_add_it(committees):
    with pytest.raises(WeibaoError) as err:
        demo.scale_jurisdictions(None, "520102")
    assert "weibao committee add 520102" in err.value.render()


def test_new_county_end_to_end(committees, tmp_path, monkeypatch):
    """Done-when of issue 7: `weibao committee add 520102` then `weibao demo --jurisdiction
    520102 --no-serve` publishes a warehouse where 南明区 has exactly its real townships and
    villages, and indicator values exist at every level from village to province."""
    import os

    env = os.environ | {
        "WEIBAO_COMMITTEES": str(committees),
        "WEIBAO_SUBMISSIONS": str(tmp_path / "store"),
        "WEIBAO_WAREHOUSE": str(tmp_path / "weibao.duckdb"),
    }
    for args in (
        ["committee", "add", "520102"],
        ["demo", "--jurisdiction", "520102", "--no-serve"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "weibao", *args], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr[-3000:]
    con = duckdb.connect(str(tmp_path / "weibao.duckdb"), read_only=True)
    got = con.execute(
        "select level, org_unit_code from dim_org_units where county_code = '520102' "
        "and level in ('township', 'village') order by 2"
    ).fetchall()
    want = (
        duckdb.connect()
        .execute(
            f"select level, code from read_parquet('{DIVISIONS_FILE}') where county_code = '520102' "
            "and level in ('township', 'village') order by 2"
        )
        .fetchall()
    )
    assert got == want and len(want) > 100
    levels = dict(
        con.execute(
            "select level, count(distinct org_unit_code) from fct_indicator_values "
            "where org_unit_code in ('52', '5201') or org_unit_code like '520102%' group by 1"
        ).fetchall()
    )
    villages = sum(1 for lv, _ in want if lv == "village")
    townships = len(want) - villages
    assert levels == {
        "province": 1,
        "city": 1,
        "county": 1,
        "township": townships,
        "village": villages,
    }
    is_committee, order = con.execute(
        "select is_committee, committee_order from dim_org_units where org_unit_code = '520102'"
    ).fetchone()
    assert is_committee and order == 6
    # only 南明区 was generated: no demo data for the five of the documents
    store_juris = {
        j
        for (j,) in duckdb.connect()
        .execute(
            f"select distinct jurisdiction_code from read_csv('{tmp_path / 'store' / 'manifest.csv'}', all_varchar = true)"
        )
        .fetchall()
    }
    assert store_juris == {"520102"}

    # no targets yet: the overview says 无目标 and how to add them
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(tmp_path / "weibao.duckdb"))
    at = AppTest.from_file("../dashboards/app.py", default_timeout=120)
    at.session_state["org_unit_code"] = "520102"
    at.run()
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "无目标" in notes and "seeds/reference/targets.csv" in notes
