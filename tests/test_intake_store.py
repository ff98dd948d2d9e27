"""The submission store under load and under failure, and what a resubmission does to the
warehouse: nothing lost, nothing mixed, nothing half-written, the latest accepted file wins."""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from weibao import store
from weibao.build import build
from weibao.intake import submit
from weibao.paths import DIVISIONS_FILE

COUNTY = "330483"
CD_HEADER = "村(社区)代码,年度,儿童主任人数"
SC_HEADER = "机构编码,所在乡镇(街道)代码,行业,年度,新入职人数,入职查询人数,在岗人数,年度查询人数"
N_CONCURRENT = 12


def _villages() -> list[str]:
    return sorted(
        c
        for (c,) in duckdb.connect()
        .execute(
            f"select code from read_parquet('{DIVISIONS_FILE}') "
            "where county_code = ? and level = 'village'",
            [COUNTY],
        )
        .fetchall()
    )


def _directors_file(counts: list[int], year: int = 2024) -> bytes:
    lines = [CD_HEADER] + [f"{v},{year},{n}" for v, n in zip(_villages(), counts, strict=True)]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def _variant(k: int) -> list[int]:
    """Submission k's counts: distinct for every k (the first village holds k)."""
    n = len(_villages())
    return [k] + [1 + (i + k) % 2 for i in range(1, n)]


def _submit_directors(root: str, k: int, barrier=None, results=None) -> str:
    if barrier is not None:
        barrier.wait(timeout=60)
    receipt = submit(
        _directors_file(_variant(k)),
        f"桐乡市_民政局_儿童主任_{k:02d}.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=Path(root),
    )
    out = f"{k}:{receipt.status}:{receipt.submission_id}"
    if results is not None:
        results.put(out)
    return out


def _check_store(root: Path, ks: list[int]) -> None:
    """Every submission has exactly one clean manifest line and its own files."""
    raw = (root / store.MANIFEST).read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == store.MANIFEST_COLUMNS
    assert len(rows) == 1 + len(ks)
    assert all(len(r) == len(store.MANIFEST_COLUMNS) for r in rows)  # no interleaved lines
    manifest = store.read_manifest(root)
    assert manifest.submission_id.is_unique and (manifest.status == "accepted").all()
    by_sha = {hashlib.sha256(_directors_file(_variant(k))).hexdigest(): k for k in ks}
    assert set(manifest.sha256) == set(by_sha)  # none lost, none twice
    for row in manifest.itertuples():
        k = by_sha[row.sha256]
        original = (root / row.original_path).read_bytes()
        assert original == _directors_file(_variant(k))
        stored = pd.read_csv(root / row.stored_path, dtype=str)
        assert stored.org_unit_code.tolist() == _villages()
        assert stored.child_director_count.astype(int).tolist() == _variant(k)  # not mixed
    # One key: each line supersedes the line appended just before it (arrival order). A
    # line that missed one (a read outside the lock) would point further back, or fork.
    ids = manifest.sort_values("seq", key=lambda s: s.astype(int)).submission_id.tolist()
    assert manifest.supersedes.tolist() == [""] + ids[:-1]
    assert not list(root.rglob(".tmp-*"))


def test_concurrent_submissions_from_threads_all_land(tmp_path):
    ks = list(range(N_CONCURRENT))
    barrier = threading.Barrier(len(ks))
    with ThreadPoolExecutor(len(ks)) as pool:
        results = list(pool.map(lambda k: _submit_directors(str(tmp_path), k, barrier), ks))
    assert all(":rejected:" not in r for r in results), results
    _check_store(tmp_path, ks)


def test_concurrent_submissions_from_processes_all_land(tmp_path):
    # Warm the GX context first: forked workers then skip the 3 s import.
    _submit_directors(str(tmp_path / "warm"), 0)
    ks = list(range(N_CONCURRENT))
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(len(ks)), ctx.Queue()
    procs = [
        ctx.Process(target=_submit_directors, args=(str(tmp_path / "store"), k, barrier, queue))
        for k in ks
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in ks]
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * len(ks)
    assert all(":rejected:" not in r for r in results), results
    _check_store(tmp_path / "store", ks)


# --- atomic writes ----------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".manifest.lock"
    }


@pytest.mark.parametrize("fail_at", ["fsync", "replace_original", "replace_normalised"])
def test_failure_mid_write_leaves_no_file_and_no_manifest_line(tmp_path, monkeypatch, fail_at):
    root = tmp_path / "store"
    t0 = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    first = submit(
        _directors_file(_variant(1)),
        "first.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=root,
        now=t0,
    )
    assert first.status != "rejected"
    before = _snapshot(root)

    real_replace, calls = os.replace, {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if (fail_at, calls["n"]) in (("replace_original", 1), ("replace_normalised", 2)):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    def fsync(fd):
        raise OSError(5, "Input/output error")

    if fail_at == "fsync":
        monkeypatch.setattr(store.os, "fsync", fsync)
    else:
        monkeypatch.setattr(store.os, "replace", replace)
    with pytest.raises(OSError):
        submit(
            _directors_file(_variant(2)),
            "second.csv",
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code=COUNTY,
            period="2024",
            root=root,
            now=t0 + timedelta(minutes=1),
        )
    monkeypatch.undo()

    assert _snapshot(root) == before  # no partial file, no orphan, no manifest line
    assert len(store.read_manifest(root)) == 1
    # and the store still works afterwards
    again = submit(
        _directors_file(_variant(2)),
        "second.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=root,
        now=t0 + timedelta(minutes=2),
    )
    assert again.supersedes == first.submission_id


def test_failure_writing_a_rejection_leaves_nothing_behind(tmp_path, monkeypatch):
    root = tmp_path / "store"
    root.mkdir()
    real_replace, calls = os.replace, {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:  # the receipt, after the original went into quarantine
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", replace)
    with pytest.raises(OSError):
        submit(
            b"",
            "empty.csv",
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code=COUNTY,
            period="2024",
            root=root,
        )
    monkeypatch.undo()
    assert _snapshot(root) == {}


# --- outliers against the unit's last accepted submission -------------------------------------


def test_sharp_change_since_last_submission_is_a_warning_not_a_rejection(tmp_path):
    rows = [
        f"JY-{COUNTY}-{i:04d},330483001,中小学校,2024,10,10,{40 + i},{40 + i}" for i in range(1, 13)
    ]

    def send(lines, minute):
        data = ("\r\n".join([SC_HEADER, *lines]) + "\r\n").encode("gbk")
        return submit(
            data,
            "教育局.csv",
            submission_type="staff_checks",
            agency_code="education",
            jurisdiction_code=COUNTY,
            period="2024",
            root=tmp_path,
            now=datetime(2025, 1, 10, 9, minute, tzinfo=UTC),
        )

    first = send(rows, 0)
    assert first.status == "accepted"
    changed = list(rows)
    changed[4] = f"JY-{COUNTY}-0005,330483001,中小学校,2024,10,10,450,450"  # 45 -> 450
    second = send(changed, 5)
    assert second.status == "accepted_with_warnings"
    outliers = [i for i in second.issues if i.code == "W_OUTLIER"]
    assert {(i.row, i.column, i.value) for i in outliers} == {
        (6, "在岗人数", "450"),
        (6, "年度查询人数", "450"),
    }
    assert second.supersedes == first.submission_id


# --- a resubmission and the warehouse ---------------------------------------------------------


def _coverage(path: Path) -> tuple[int, int, float]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        n, d, v = con.execute(
            "select numerator, denominator, value from fct_indicator_values "
            "where indicator_code = 'child_director_coverage' and org_unit_code = ? "
            "and year = 2024",
            [COUNTY],
        ).fetchone()
    finally:
        con.close()
    return int(n), int(d), float(v)


def test_resubmission_changes_the_indicator_and_a_rejected_one_does_not(
    demo_store, published_warehouse, tmp_path
):
    root = tmp_path / "store"
    shutil.copytree(demo_store, root)
    manifest = store.read_manifest(root)
    key = (
        (manifest.submission_type == "child_directors")
        & (manifest.agency_code == "civil_affairs")
        & (manifest.jurisdiction_code == COUNTY)
        & (manifest.period == "2024")
        & (manifest.status == "accepted")
    )
    earlier = manifest[key].sort_values("received_at").iloc[-1]
    current = pd.read_csv(root / earlier.stored_path, dtype={"org_unit_code": str})
    published = _coverage(published_warehouse)
    covered = int((current.child_director_count >= 1).sum())
    assert published[:2] == (covered, len(_villages()))
    without = current.index[current.child_director_count == 0].tolist()
    assert len(without) >= 2, "the demo county should have villages without a director"
    now = datetime.now(UTC)

    # 1. A rejected file for the same key, received later: nothing changes.
    worse = current.copy()
    worse["child_director_count"] = 0
    worse.loc[3, "org_unit_code"] = worse.loc[2, "org_unit_code"]  # a duplicate key
    bad = worse.rename(
        columns={
            "org_unit_code": "村(社区)代码",
            "year": "年度",
            "child_director_count": "儿童主任人数",
        }
    )
    receipt = submit(
        bad.to_csv(index=False).encode("gbk"),
        "更正.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=root,
        now=now,
    )
    assert receipt.status == "rejected"
    assert [i.code for i in receipt.errors] == ["E_DUPLICATE_KEY"]
    wh = tmp_path / "wh" / "weibao.duckdb"
    build(wh, submissions=root)
    assert _coverage(wh) == published

    # 2. A corrected file covering all but one of the villages that had no director.
    fixed = current.copy()
    fixed.loc[without[:-1], "child_director_count"] = 1
    good = fixed.rename(
        columns={
            "org_unit_code": "村(社区)代码",
            "year": "年度",
            "child_director_count": "儿童主任人数",
        }
    )
    data = good.to_csv(index=False).encode("utf-8-sig")
    receipt = submit(
        data,
        "更正2.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=root,
        now=now + timedelta(minutes=5),
    )
    assert receipt.status == "accepted", receipt.issues
    assert receipt.supersedes == earlier.submission_id
    build(wh, submissions=root)
    expected_n = covered + len(without) - 1
    assert expected_n == len(_villages()) - 1
    n, d, v = _coverage(wh)
    assert (n, d) == (expected_n, len(_villages()))
    assert v == round(100 * expected_n / d, 2) != published[2]

    after = store.read_manifest(root).set_index("submission_id")
    assert after.loc[receipt.submission_id, "supersedes"] == earlier.submission_id
    for sid in (earlier.submission_id, receipt.submission_id):  # both kept
        assert (root / after.loc[sid, "stored_path"]).is_file()
        assert (root / after.loc[sid, "original_path"]).is_file()
    assert (root / after.loc[receipt.submission_id, "original_path"]).read_bytes() == data


def test_supersedes_and_latest_follow_arrival_in_the_store(tmp_path):
    """A slow validation can append a file after one that was received later. "Latest" is
    the order in which files arrived in the store (their manifest line, written under the
    lock), so every line supersedes the line before it for its key: one chain, no fork, and
    the build uses the last one appended (issue 11)."""
    frame = pd.DataFrame({"org_unit_code": _villages(), "year": 2024, "child_director_count": 1})
    t = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)

    def accept(minute: int, data: bytes) -> store.ManifestEntry:
        return store.accept(
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code=COUNTY,
            period="2024",
            original=data,
            original_filename="f.csv",
            normalized=frame,
            root=tmp_path,
            received_at=t + timedelta(minutes=minute),
        )

    a = accept(0, b"a")
    c = accept(20, b"c")  # received at 09:20, validated quickly
    b = accept(10, b"b")  # received at 09:10, appended last
    assert (a.supersedes, c.supersedes, b.supersedes) == ("", a.submission_id, c.submission_id)
    assert (
        store._latest_accepted(tmp_path, "child_directors", "civil_affairs", COUNTY, "2024")
        == b.submission_id
    )


def test_an_expectation_that_raises_on_a_complete_file_rejects_it(tmp_path, monkeypatch):
    """Issue 11: an expectation that cannot be evaluated checked nothing, and intake let the
    file through silently. Here the suite names a column the type does not have (a typo in
    expectations/child_directors.json), on a file with every column."""
    from weibao.intake import gx

    spec = gx.load_suite_spec("child_directors")
    raising = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "child_director_cuont", "min_value": 0, "max_value": 20},
    }
    broken = spec | {
        "name": spec["name"] + "_raising",
        "expectations": [*spec["expectations"], raising],
    }
    monkeypatch.setattr(gx, "load_suite_spec", lambda code: broken)
    gx._suite.cache_clear()
    gx._context.cache_clear()
    try:
        r = submit(
            _directors_file(_variant(1)),
            "民政局.csv",
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code=COUNTY,
            period="2024",
            root=tmp_path,
        )
    finally:
        gx._suite.cache_clear()
        gx._context.cache_clear()
    assert r.status == "rejected"
    [issue] = r.errors
    assert issue.code == "E_CHECK_FAILED" and "child_director_cuont" in issue.message_zh
    assert not (tmp_path / "child_directors").exists()
