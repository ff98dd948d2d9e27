"""Write, audit, publish: a failing build leaves the published file byte-identical."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from weibao import store
from weibao.paths import ROOT
from weibao.submission_types import SUBMISSION_TYPES


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args],
        capture_output=True,
        text=True,
        env=os.environ | env,
        cwd=ROOT,
        timeout=600,
    )


@pytest.fixture
def bad_store(demo_store: Path, tmp_path: Path) -> Path:
    """A copy of the demo store plus one file the warehouse tests must refuse:
    more staff checked than staff in post."""
    root = tmp_path / "store"
    shutil.copytree(demo_store, root)
    cols = [c.name for c in SUBMISSION_TYPES["staff_checks"].columns]
    bad = pd.DataFrame([["BAD-0001", "330483001", "school", 2024, 3, 3, 10, 12]], columns=cols)
    store.accept(
        submission_type="staff_checks",
        agency_code="education",
        jurisdiction_code="330483",
        period="2024",
        original=b"x",
        original_filename="bad.csv",
        normalized=bad,
        root=root,
    )
    return root


def test_failed_build_leaves_publication_untouched(published_warehouse, bad_store, tmp_path):
    published = tmp_path / "published.duckdb"
    shutil.copy(published_warehouse, published)
    before = _sha(published)

    proc = _run("build", "--warehouse", str(published), env={"WEIBAO_SUBMISSIONS": str(bad_store)})

    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "构建失败" in proc.stderr and "已发布的数据保持不变" in proc.stderr
    assert "staff_checked" in proc.stderr and "部分数大于总数" in proc.stderr
    assert _sha(published) == before
    assert not list(tmp_path.glob(".build-*"))  # the candidate file was cleaned up


def test_successful_cli_build_prints_published_path(demo_store, tmp_path):
    target = tmp_path / "wh" / "weibao.duckdb"
    proc = _run("build", "--warehouse", str(target), env={"WEIBAO_SUBMISSIONS": str(demo_store)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == str(target)
    assert target.exists()


def test_warehouse_env_var_is_honoured(demo_store, tmp_path):
    target = tmp_path / "env" / "w.duckdb"
    proc = _run(
        "build", env={"WEIBAO_SUBMISSIONS": str(demo_store), "WEIBAO_WAREHOUSE": str(target)}
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(target)


@pytest.mark.parametrize("command", [[], ["build"], ["demo"], ["serve"]])
def test_every_command_has_help(command):
    proc = _run(*command, "--help", env={})
    assert proc.returncode == 0
    assert "usage: weibao" in proc.stdout


def test_serve_without_a_warehouse_is_one_clear_message(tmp_path):
    proc = _run("serve", "--warehouse", str(tmp_path / "none.duckdb"), env={})
    assert proc.returncode == 1
    assert "找不到已发布的数据文件" in proc.stderr and "Traceback" not in proc.stderr
