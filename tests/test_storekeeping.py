"""Issue 11: leftovers of killed runs are cleaned by the next run, `weibao store verify` /
`repair` / `purge`, and a file refused for personal data is not kept."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from conftest import county_villages

from weibao import store, storekeeping
from weibao.build import build
from weibao.intake import submit
from weibao.paths import ROOT

COUNTY = "330483"
T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def _frame() -> pd.DataFrame:
    villages = county_villages(COUNTY)
    return pd.DataFrame({"org_unit_code": villages, "year": 2024, "child_director_count": 1})


def _accept(root: Path, i: int) -> store.ManifestEntry:
    return store.accept(
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        original=f"original {i}".encode(),
        original_filename="f.csv",
        normalized=_frame(),
        root=root,
        received_at=T0 + timedelta(minutes=i),
    )


def _reject(root: Path, i: int, days_ago: int, personal: bool = False) -> store.ManifestEntry:
    receipt = {
        "status": "rejected",
        "issues": [{"code": "E_PERSONAL_DATA" if personal else "E_NOT_A_NUMBER"}],
    }
    return store.reject(
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        original=f"rejected {i}".encode(),
        original_filename="bad.csv",
        receipt_json=json.dumps(receipt),
        rows=1,
        received_at=datetime.now(UTC) - timedelta(days=days_ago),
        root=root,
    )


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _cli(*args: str, root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=os.environ | {"WEIBAO_SUBMISSIONS": str(root)} | (env or {}),
    )


# ---- leftovers ----------------------------------------------------------------------------


def _die_before_the_manifest_line(root: str) -> None:
    store._append = lambda *_a: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]
    _accept(Path(root), 9)


def test_a_submit_killed_before_its_line_leaves_files_the_next_run_removes(tmp_path):
    """Issue 11 #3: a submit killed between writing its files and its manifest line left an
    orphan original (and normalised file) behind for ever."""
    root = tmp_path / "store"
    kept = _accept(root, 0)
    child = multiprocessing.get_context("fork").Process(
        target=_die_before_the_manifest_line, args=(str(root),)
    )
    child.start()
    child.join(timeout=120)
    assert child.exitcode == -signal.SIGKILL
    orphans = storekeeping.find_leftovers(root).orphans
    assert len(orphans) == 2  # the original and the normalised file
    removed = storekeeping.clean_store_leftovers(root)
    assert sorted(removed) == sorted(p.relative_to(root).as_posix() for p in orphans)
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert files == {store.MANIFEST, store.LOCK, store.LOG, kept.stored_path, kept.original_path}
    log = [json.loads(x) for x in (root / store.LOG).read_text(encoding="utf-8").splitlines()]
    assert {x["path"] for x in log} == set(removed) and all(x["sha256"] for x in log)


def test_temporary_files_are_removed_only_when_their_writer_is_dead(tmp_path):
    root = tmp_path / "store"
    _accept(root, 0)
    folder = root / "child_directors" / "2024"
    dead = folder / f".tmp-{dead_pid()}-abc.csv"
    live = folder / f".tmp-{os.getpid()}-def.csv"
    legacy_old, legacy_new = folder / ".tmp-old.csv", folder / ".tmp-new.csv"
    for p in (dead, live, legacy_old, legacy_new):
        p.write_bytes(b"half a file")
    two_hours_ago = datetime.now().timestamp() - 7200
    os.utime(legacy_old, (two_hours_ago, two_hours_ago))
    storekeeping.clean_store_leftovers(root)
    assert sorted(p.name for p in folder.glob(".tmp-*")) == sorted([live.name, legacy_new.name])


def test_a_file_named_only_by_an_unreadable_line_is_kept(tmp_path):
    """Never lose an accepted file: if a line naming it cannot be read, a person decides."""
    root = tmp_path / "store"
    entry = _accept(root, 0)
    lines = (root / store.MANIFEST).read_bytes().splitlines(keepends=True)
    (root / store.MANIFEST).write_bytes(lines[0] + lines[1].replace(b",false", b",fals"))
    found = storekeeping.find_leftovers(root)
    assert found.orphans == []
    assert sorted(p.relative_to(root).as_posix() for p in found.unlisted) == sorted(
        [entry.stored_path, entry.original_path]
    )
    storekeeping.clean_store_leftovers(root)
    assert (root / entry.stored_path).exists()


def test_the_next_build_removes_candidates_of_killed_builds(tmp_path):
    """Issue 11 #3: 11 killed builds left 240 MB of .build-*.duckdb and .wal files. The build
    removes those whose pid is dead, and keeps a live one's (here: this process's)."""
    wh = tmp_path / "wh"
    wh.mkdir()
    pid = dead_pid()
    dead = [
        wh / f".build-20260101T000000-{pid}.duckdb",
        wh / f".build-20260101T000000-{pid}.duckdb.wal",
    ]
    live = wh / f".build-20260101T000001-{os.getpid()}.duckdb"
    for p in [*dead, live]:
        p.write_bytes(b"\0" * 1024)
    broken = tmp_path / "store"
    (broken / store.MANIFEST).mkdir(parents=True)  # the build stops right after cleaning up
    with pytest.raises(IsADirectoryError):
        build(wh / "weibao.duckdb", submissions=broken)
    assert sorted(p.name for p in wh.iterdir()) == [live.name]


# ---- verify and repair --------------------------------------------------------------------


def test_verify_lists_every_kind_of_damage_and_repair_fixes_the_safe_ones(tmp_path):
    root = tmp_path / "store"
    a, b, c = (_accept(root, i) for i in range(3))
    rejected = _reject(root, 3, days_ago=1)
    ok = _cli("store", "verify", root=root)
    assert ok.returncode == 0 and "无问题" in ok.stdout, ok.stdout + ok.stderr

    (root / a.stored_path).unlink()  # missing
    (root / b.original_path).write_bytes(b"changed")  # hash mismatch
    orphan = root / "originals" / "child_directors" / "2024" / "20250101T000000-ffffffffff.csv"
    orphan.write_bytes(b"orphan")
    with open(root / store.MANIFEST, "ab") as fh:
        fh.write(b"20250110T090000Z-0123456789,child_directors,civil")  # torn

    report = _cli("store", "verify", root=root)
    assert report.returncode == 3, report.stderr
    out = report.stdout
    assert "清单最后一行不完整" in out and "manifest.csv:6" in out
    assert f"清单登记的文件不存在 / file named in the manifest is missing: {a.stored_path}" in out
    assert (
        f"文件内容与登记的哈希不符 / file does not match its recorded hash: {b.original_path}"
        in out
    )
    assert "originals/child_directors/2024/20250101T000000-ffffffffff.csv" in out
    assert c.stored_path not in out and rejected.submission_id not in out

    fixed = _cli("store", "repair", root=root)
    assert fixed.returncode == 3  # two problems need a person
    assert "删除了不完整的清单最后一行" in fixed.stdout
    assert (
        "删除 / removed originals/child_directors/2024/20250101T000000-ffffffffff.csv"
        in fixed.stdout
    )
    after = storekeeping.verify(root)
    assert sorted(f.kind for f in after.findings) == ["hash_mismatch", "missing_file"]
    assert not orphan.exists()
    assert (root / store.MANIFEST).read_bytes().endswith(b"\n")


# ---- privacy: refused files are not kept, rejected ones only for the retention period -----


def test_a_file_refused_for_personal_data_is_not_kept(tmp_path):
    """Issue 11, privacy 1: the full ID number sat in quarantine/<id>/original.csv."""
    data = (ROOT / "tests" / "corpus" / "files" / "cd_personal_id.csv").read_bytes()
    ident = data.decode("utf-8").splitlines()[5].split(",")[-1]
    assert len(ident) == 18  # the ID number in 备注, row 6
    r = submit(
        data,
        "民政局.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=tmp_path,
    )
    assert r.status == "rejected" and any(i.code == "E_PERSONAL_DATA" for i in r.issues)
    everything = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert ident.encode() not in everything
    row = store.read_manifest(tmp_path).iloc[-1]
    assert row.original_path == ""
    assert storekeeping.verify(tmp_path).ok  # the discarded file is accounted for


def test_purge_applies_the_retention_rule_and_records_it(tmp_path):
    root = tmp_path / "store"
    old = _reject(root, 1, days_ago=40)
    recent = _reject(root, 2, days_ago=5)
    legacy = _reject(root, 3, days_ago=1, personal=True)  # kept by a version before issue 11
    accepted = _accept(root, 4)

    done = _cli("store", "purge", root=root, env={"WEIBAO_REJECTED_RETENTION_DAYS": "30"})
    assert done.returncode == 0, done.stderr
    assert "保留期 30 天" in done.stdout and "2 个" in done.stdout
    assert not (root / old.original_path).exists()
    assert not (root / legacy.original_path).exists()
    assert (root / recent.original_path).exists() and (root / accepted.original_path).exists()
    for entry, reason in ((old, "retention_30_days"), (legacy, "personal_data")):
        folder = root / "quarantine" / entry.submission_id
        note = json.loads((folder / store.DISCARDED).read_text(encoding="utf-8"))
        assert note["sha256"] == entry.sha256 and note["reason"] == reason
        assert (folder / "receipt.json").exists()  # the receipt stays
    log = [json.loads(x) for x in (root / store.LOG).read_text(encoding="utf-8").splitlines()]
    assert sorted(x["path"] for x in log if x["action"] == "purged") == sorted(
        [old.original_path, legacy.original_path]
    )
    assert storekeeping.verify(root).ok
    again = _cli("store", "purge", root=root)  # default 90 days: nothing more to do
    assert "0 个" in again.stdout
