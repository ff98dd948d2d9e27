"""Issue 11, tests that cannot pass by accident: the publish gate, path by path.

The dbt project is copied into a temporary folder and broken there in three independent
ways at once (a unit test whose expectation is wrong, a contract the model no longer meets,
a model that cannot build); the published file must stay byte-identical and the message must
name all three. A build whose audit finds no indicator rows publishes nothing; a build whose
only findings are warnings publishes and lists them. Each build runs on one county's demo
data for one year, to keep the three builds short."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from weibao import build as build_module
from weibao import demo
from weibao.errors import WeibaoError
from weibao.paths import ROOT

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds/reference")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        src, dst = ROOT / name, copy / name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dst)
    (copy / "reference").symlink_to(ROOT / "reference")  # divisions and policy texts, read only
    # the schedule `weibao build` writes from expectations/*.yml, where the copy's dbt reads it
    (copy / "target").mkdir()
    (ROOT / "target" / "definitions").mkdir(parents=True, exist_ok=True)
    (copy / "target" / "definitions").symlink_to(ROOT / "target" / "definitions")
    return copy


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small_store")
    demo.generate(root, years=[2022], counties=["330483"])
    return root


@pytest.fixture
def in_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(build_module, "ROOT", project)
    return project


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_failing_unit_test_contract_and_model_leave_the_publication_identical(
    in_project: Path, small_store: Path, tmp_path: Path
):
    published = tmp_path / "weibao.duckdb"
    build_module.build(published, submissions=small_store)  # the last good publication
    before = _sha(published)

    marts = in_project / "models" / "marts"
    _edit(marts / "indicators" / "_indicators__models.yml", "rate_ind,330483,not_achieved,23",
          "rate_ind,330483,not_achieved,24")  # fmt: skip
    _edit(marts / "indicators" / "fct_staff_checks_by_sector.sql",
          "        rolled_up.is_demo\n    from rolled_up",
          "        cast(rolled_up.is_demo as varchar(5)) as is_demo\n    from rolled_up")  # fmt: skip
    broken = marts / "core" / "zz_gate_broken.sql"
    broken.write_text("select no_such_column from {{ ref('dim_org_units') }}\n", encoding="utf-8")
    try:
        with pytest.raises(WeibaoError) as failed:
            build_module.build(published, submissions=small_store)
    finally:
        shutil.copy(ROOT / "models/marts/indicators/_indicators__models.yml",
                    marts / "indicators" / "_indicators__models.yml")  # fmt: skip
        shutil.copy(ROOT / "models/marts/indicators/fct_staff_checks_by_sector.sql",
                    marts / "indicators" / "fct_staff_checks_by_sector.sql")  # fmt: skip
        broken.unlink()
    text = failed.value.render()
    assert "已发布的数据保持不变" in text
    assert "单元测试未通过 / unit test failed: test_status_and_gap_for_rates_and_standards" in text
    assert "fct_staff_checks_by_sector 构建失败" in text  # the contract
    assert "zz_gate_broken 构建失败" in text
    assert _sha(published) == before
    assert [p.name for p in tmp_path.iterdir()] == ["weibao.duckdb"]  # no candidate left


def test_a_build_with_no_indicator_rows_publishes_nothing(in_project: Path, tmp_path: Path):
    empty = tmp_path / "empty_store"
    empty.mkdir()
    published = tmp_path / "wh" / "weibao.duckdb"
    with pytest.raises(WeibaoError) as failed:
        build_module.build(published, submissions=empty)
    assert "没有任何指标数据,未发布" in failed.value.render()
    assert list(published.parent.iterdir()) == []


def test_a_build_with_only_warnings_publishes_and_lists_them(
    in_project: Path, small_store: Path, tmp_path: Path
):
    check = in_project / "tests" / "dbt" / "gate_only_warns.sql"
    check.parent.mkdir(parents=True, exist_ok=True)
    check.write_text(
        "-- a check that finds one row but only warns\n"
        "{{ config(severity='warn') }}\nselect 1 as found\n",
        encoding="utf-8",
    )
    published = tmp_path / "weibao.duckdb"
    try:
        result = build_module.build(published, submissions=small_store)
    finally:
        check.unlink()
    assert result.published == published and published.is_file()
    assert any("gate_only_warns" in w for w in result.warnings), result.warnings
