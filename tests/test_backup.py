"""Issue 11, backup and restore: `weibao backup DIR` copies everything that cannot be rebuilt
(the submission store, the definitions, the reference files) with its hashes; `weibao
restore DIR` into an empty store, then `weibao build`, gives a warehouse equal to the one
built from the original store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from weibao import store, storekeeping
from weibao.build import build
from weibao.errors import WeibaoError
from weibao.paths import ROOT


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env=os.environ | env,
    )


def _differences(a: Path, b: Path) -> dict[str, tuple[int, int, int]]:
    """Per table of either warehouse: (rows in a, rows only in a, rows only in b), compared
    as multisets with EXCEPT ALL (row order is not part of equality)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        names = {
            db: {
                f"{s}.{t}"
                for s, t in con.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_catalog = ?",
                    [db],
                ).fetchall()
            }
            for db in ("a", "b")
        }
        out = {}
        for name in sorted(names["a"] | names["b"]):
            if name not in names["a"] or name not in names["b"]:
                out[name] = (-1, -1, -1)
                continue
            rows = con.execute(f"select count(*) from a.{name}").fetchone()[0]
            only_a = con.execute(
                f"select count(*) from (select * from a.{name} except all select * from b.{name})"
            ).fetchone()[0]
            only_b = con.execute(
                f"select count(*) from (select * from b.{name} except all select * from a.{name})"
            ).fetchone()[0]
            out[name] = (rows, only_a, only_b)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def backup_dir(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("backup") / "b"
    proc = _cli("backup", str(dest), env={"WEIBAO_SUBMISSIONS": str(demo_store)})
    assert proc.returncode == 0, proc.stderr
    return dest


def test_backup_holds_the_store_definitions_and_reference_files(backup_dir, demo_store):
    index = json.loads((backup_dir / "backup.json").read_text(encoding="utf-8"))
    files = set(index["files"])
    assert "store/manifest.csv" in files
    for row in store.read_manifest(demo_store).itertuples():
        assert f"store/{row.original_path}" in files
        assert not row.stored_path or f"store/{row.stored_path}" in files
    for rel in ("seeds/reference/targets.csv", "seeds/reference/committees.csv",
                "expectations/child_directors.json", "weibao.toml"):  # fmt: skip
        assert f"project/{rel}" in files
    assert any(f.startswith("project/reference/policy/") for f in files)


def test_restore_into_an_empty_store_rebuilds_an_equal_warehouse(
    backup_dir, published_warehouse, tmp_path
):
    empty = tmp_path / "restored"
    proc = _cli("restore", str(backup_dir), env={"WEIBAO_SUBMISSIONS": str(empty)})
    assert proc.returncode == 0, proc.stderr
    assert storekeeping.verify(empty).ok
    rebuilt = build(tmp_path / "wh" / "weibao.duckdb", submissions=empty).published
    diff = _differences(published_warehouse, rebuilt)
    assert diff["main.fct_indicator_values"][0] > 1000
    assert {name: d for name, d in diff.items() if d[1:] != (0, 0)} == {}


def test_a_damaged_backup_restores_nothing(backup_dir, tmp_path):
    damaged = tmp_path / "damaged"
    import shutil

    shutil.copytree(backup_dir, damaged)
    target = damaged / "project" / "seeds" / "reference" / "targets.csv"
    target.write_bytes(target.read_bytes().replace(b"100", b"10", 1))
    with pytest.raises(WeibaoError) as exc:
        storekeeping.restore(damaged, tmp_path / "store")
    assert "备份已损坏" in exc.value.message_zh
    assert "project/seeds/reference/targets.csv" in exc.value.details
    assert not (tmp_path / "store").exists()


def test_restore_refuses_a_store_that_is_not_empty(backup_dir, demo_store):
    with pytest.raises(WeibaoError) as exc:
        storekeeping.restore(backup_dir, demo_store)
    assert "不是空的" in exc.value.message_zh


def test_restore_does_not_overwrite_changed_definitions_without_force(backup_dir, tmp_path):
    project = tmp_path / "project"
    (project / "seeds" / "reference").mkdir(parents=True)
    changed = project / "seeds" / "reference" / "targets.csv"
    changed.write_text("edited since the backup\n", encoding="utf-8")
    with pytest.raises(WeibaoError) as exc:
        storekeeping.restore(backup_dir, tmp_path / "store", project=project)
    assert "seeds/reference/targets.csv" in exc.value.details
    assert changed.read_text(encoding="utf-8") == "edited since the backup\n"
    storekeeping.restore(backup_dir, tmp_path / "store2", project=project, force=True)
    assert changed.read_bytes() == (ROOT / "seeds" / "reference" / "targets.csv").read_bytes()
