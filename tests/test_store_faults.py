"""Issue 11, "the store must never stop the build": duplicate ids, torn manifest lines and
failed appends, each reproduced as it happened (identical files within one second, a real
file-size limit in a child process, a write cut short), then the next submission, the
listing and the load step must carry on."""

from __future__ import annotations

import csv
import errno
import io
import multiprocessing
import os
import resource
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import county_villages

from weibao import store
from weibao.intake import submit
from weibao.load import load_submissions
from weibao.paths import ROOT

COUNTY = "330483"
CD_HEADER = "村(社区)代码,年度,儿童主任人数"
NOW = datetime(2025, 1, 10, 9, 0, 0, tzinfo=UTC)


VILLAGES = county_villages(COUNTY)


def directors(k: int) -> bytes:
    """A valid child_directors file; k makes it distinct (the first village holds k)."""
    lines = [CD_HEADER] + [f"{v},2024,{k if i == 0 else 1}" for i, v in enumerate(VILLAGES)]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def send(root: Path, data: bytes, now: datetime | None = None, name: str = "民政局.csv"):
    return submit(
        data,
        name,
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=root,
        now=now,
    )


def manifest_rows(root: Path) -> list[list[str]]:
    """The manifest parsed independently of weibao: every line must be one whole record."""
    raw = (root / store.MANIFEST).read_bytes()
    assert raw.endswith(b"\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert all(len(r) == len(rows[0]) for r in rows), "a line glued onto another"
    return rows[1:]


def load_ids(root: Path, tmp_path: Path) -> list[str]:
    """The load step, as the build runs it; returns raw.submission_manifest's ids."""
    con = duckdb.connect(str(tmp_path / "load.duckdb"))
    try:
        load_submissions(con, root)
        sql = "select submission_id from raw.submission_manifest"
        return [r[0] for r in con.execute(sql).fetchall()]
    finally:
        con.close()


# ---- 1. duplicate ids ---------------------------------------------------------------------


def test_the_same_file_twice_in_one_second_gets_two_ids(tmp_path):
    """Issue 11 #1: the id was derived from key, second and hash, so these two collided and
    every later build failed on stg_submissions__manifest's unique test."""
    data = directors(3)
    a = send(tmp_path, data, NOW)
    b = send(tmp_path, data, NOW)
    assert a.status == b.status == "accepted"
    assert a.submission_id != b.submission_id
    assert b.supersedes == a.submission_id  # a chain in arrival order, not a fork
    ids = load_ids(tmp_path, tmp_path)
    assert sorted(ids) == sorted([a.submission_id, b.submission_id])
    m = store.read_manifest(tmp_path)
    assert m.submission_id.is_unique and len(m) == 2
    for row in m.itertuples():  # each line has its own files
        assert (tmp_path / row.original_path).read_bytes() == data


def test_a_rejected_file_resubmitted_in_the_same_second_gets_a_new_id(tmp_path):
    bad = directors(3).replace(b",2024,3", b",2024,abc")
    a, b = send(tmp_path, bad, NOW), send(tmp_path, bad, NOW)
    assert a.status == b.status == "rejected"
    assert a.submission_id != b.submission_id
    for r in (a, b):  # the receipt kept in quarantine names its own id
        kept = (tmp_path / "quarantine" / r.submission_id / "receipt.json").read_text("utf-8")
        assert f'"submission_id": "{r.submission_id}"' in kept
    assert store.read_manifest(tmp_path).submission_id.is_unique


def test_latest_is_the_last_to_arrive_even_within_one_second(tmp_path):
    """Ordering by (second, id) made "latest" depend on the hash: send three files in one
    second in an order that their ids do not sort in."""
    sent = [send(tmp_path, directors(k), NOW) for k in (7, 2, 9, 4)]
    m = store.read_manifest(tmp_path)
    assert m.supersedes.tolist() == ["", *(r.submission_id for r in sent[:-1])]
    assert store._latest_accepted(tmp_path, "child_directors", "civil_affairs", COUNTY, "2024") == (
        sent[-1].submission_id
    )
    assert sorted(r.submission_id for r in sent) != [r.submission_id for r in sent]


def test_the_build_takes_the_last_to_arrive_within_one_second(tmp_path):
    """The same through the columnar store and dbt: the manifest's arrival `seq` is carried
    into columnar/submission_manifest.parquet, and stg_submissions__manifest marks the last
    line appended as the one the build uses. Before, it ordered by (received_at, id), so
    within one second the id's hash decided; the guard below makes sure it would have
    decided wrongly here."""
    from weibao import columnar
    from weibao.build import run_dbt

    root = tmp_path / "store"
    frame = pd.DataFrame({"org_unit_code": VILLAGES, "year": 2024, "child_director_count": 1})
    sent = [
        store.accept(
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code=COUNTY,
            period="2024",
            original=directors(k),
            original_filename="same-second.csv",
            normalized=frame,
            root=root,
            received_at=NOW,
        ).submission_id
        for k in (7, 2, 9, 4)
    ]
    assert max(sent) != sent[-1]  # ordering by id would pick another submission

    columnar.sync(root)
    con = duckdb.connect()
    seqs = con.execute(
        "select submission_id, seq from read_parquet(?) order by seq",
        [str(root / columnar.COLUMNAR / columnar.MANIFEST_PARQUET)],
    ).fetchall()
    con.close()
    assert seqs == [(sid, n) for n, sid in enumerate(sent, start=1)]

    db = tmp_path / "stg.duckdb"
    res = run_dbt(["run", "--select", "stg_submissions__manifest"], db, submissions=root)
    assert res.success, res.exception
    con = duckdb.connect(str(db), read_only=True)
    latest = con.execute(
        "select submission_id from staging.stg_submissions__manifest where is_latest"
    ).fetchall()
    con.close()
    assert latest == [(sent[-1],)]


def _send_in_child(root: str, k: int, barrier, queue) -> None:
    barrier.wait(timeout=120)
    r = send(Path(root), directors(k), NOW)
    queue.put((k, r.status, r.submission_id))


def test_twenty_concurrent_submissions_with_identical_pairs(tmp_path):
    """Issue 11, load and faults: 20 processes at once, in one second, 6 pairs of identical
    files: every one recorded, no id twice, one supersedes chain."""
    send(tmp_path / "warm", directors(0))  # GX context built before the fork
    ks = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(len(ks)), ctx.Queue()
    root = tmp_path / "store"
    procs = [ctx.Process(target=_send_in_child, args=(str(root), k, barrier, queue)) for k in ks]
    for p in procs:
        p.start()
    results = [queue.get(timeout=300) for _ in ks]
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * len(ks)
    assert all(status != "rejected" for _k, status, _sid in results), results
    rows = manifest_rows(root)
    assert len(rows) == len(ks)
    m = store.read_manifest(root)
    assert m.submission_id.is_unique
    assert sorted(m.submission_id) == sorted(sid for _k, _s, sid in results)
    assert sorted(load_ids(root, tmp_path)) == sorted(m.submission_id)
    assert m.supersedes.tolist() == ["", *m.submission_id.tolist()[:-1]]
    for row in m.itertuples():
        assert store.hashlib.sha256((root / row.original_path).read_bytes()).hexdigest() == (
            row.sha256
        )


# ---- 2. torn manifest lines ---------------------------------------------------------------


def _prefill(root: Path, n: int) -> list[str]:
    """n accepted submissions written straight through the store (fast: no validation)."""
    frame = pd.DataFrame({"org_unit_code": VILLAGES, "year": 2024, "child_director_count": 1})
    return [
        store.accept(
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code=COUNTY,
            period="2024",
            original=directors(100 + i),
            original_filename="pre.csv",
            normalized=frame,
            root=root,
            received_at=datetime(2025, 1, 1, 8, i, tzinfo=UTC),
        ).submission_id
        for i in range(n)
    ]


def _cli_in_child(argv: list[str], fsize_limit: int | None, env: dict[str, str], queue) -> None:
    import contextlib

    from weibao import cli

    os.environ.update(env)
    if fsize_limit is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, resource.RLIM_INFINITY))
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(argv)
    queue.put((code, out.getvalue(), err.getvalue()))


def _submit_cli(root: Path, file: Path, fsize_limit: int | None) -> subprocess.CompletedProcess:
    """`weibao submit` under a real RLIMIT_FSIZE, in a forked child of this (warm) process."""
    send(root.parent / "warm", directors(0))  # GX context built before the fork
    argv = ["submit", str(file), "--type", "child_directors", "--unit", "civil_affairs",
            "--jurisdiction", COUNTY, "--period", "2024"]  # fmt: skip
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(
        target=_cli_in_child,
        args=(argv, fsize_limit, {"WEIBAO_SUBMISSIONS": str(root)}, queue),
    )
    child.start()
    code, out, err = queue.get(timeout=300)
    child.join(timeout=60)
    return subprocess.CompletedProcess(argv, code, out, err)


def test_file_size_limit_during_the_manifest_append_leaves_no_torn_line(tmp_path):
    """Issue 11 #2, reproduced with a real RLIMIT_FSIZE: the limit lets the original and the
    normalised file through (about 4.6 KB each) and stops the manifest line 40 bytes in.
    Before: the 40 bytes stayed, the next line was glued on, and from then on submit,
    `weibao submissions` and build all failed."""
    root = tmp_path / "store"
    before = _prefill(root, 40)
    size = (root / store.MANIFEST).stat().st_size
    assert size > 8000  # larger than the data files, so only the manifest hits the limit
    file = tmp_path / "民政局.csv"
    file.write_bytes(directors(5))

    proc = _submit_cli(root, file, fsize_limit=size + 40)
    assert proc.returncode == 1
    assert "磁盘空间不足" in proc.stderr and "Traceback" not in proc.stderr
    assert (root / store.MANIFEST).stat().st_size == size  # truncated back
    assert [r[0] for r in manifest_rows(root)] == before
    assert not list(root.rglob(".tmp-*"))

    after = send(root, directors(6))  # the next submission is a whole line of its own
    assert after.status == "accepted"
    assert [r[0] for r in manifest_rows(root)] == [*before, after.submission_id]
    assert after.supersedes == before[-1]
    assert sorted(load_ids(root, tmp_path)) == sorted([*before, after.submission_id])
    listing = subprocess.run(
        [sys.executable, "-m", "weibao", "submissions", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env=os.environ | {"WEIBAO_SUBMISSIONS": str(root)},
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert after.submission_id in listing.stdout


def test_file_size_limit_on_the_original_writes_nothing(tmp_path):
    root = tmp_path / "store"
    before = _prefill(root, 2)
    file = tmp_path / "民政局.csv"
    file.write_bytes(directors(5))
    snapshot = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    proc = _submit_cli(root, file, fsize_limit=1000)
    assert proc.returncode == 1 and "磁盘空间不足" in proc.stderr, proc.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file()) == snapshot
    assert [r[0] for r in manifest_rows(root)] == before


class _CutWrite:
    """`os` as the store sees it, whose write stops after `keep` bytes of the next manifest
    line and then fails as a full disk does."""

    def __init__(self, keep: int):
        self.keep, self.done = keep, False

    def __getattr__(self, name: str):
        return getattr(os, name)

    def write(self, fd: int, data) -> int:
        if self.done:
            return os.write(fd, data)
        if self.keep:
            n = os.write(fd, bytes(data[: self.keep]))
            self.keep -= n
            return n
        self.done = True
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("keep", [0, 1, 60, -1])  # -1: all but the newline
def test_a_write_cut_short_at_any_point_is_truncated_back(tmp_path, monkeypatch, keep):
    root = tmp_path / "store"
    before = _prefill(root, 3)
    size = (root / store.MANIFEST).stat().st_size
    line_len = len(store.MANIFEST_COLUMNS) * 10  # any line is longer than this
    cut = _CutWrite(keep if keep >= 0 else 0)
    if keep < 0:  # let everything through but the final newline
        real = cut.write

        def write(fd, data):
            if not cut.done and len(data) > line_len:
                n = os.write(fd, bytes(data[:-1]))
                cut.done = True
                assert n == len(data) - 1
                raise OSError(errno.EIO, "Input/output error")
            return real(fd, data)

        cut.write = write  # type: ignore[method-assign]
    monkeypatch.setattr(store, "os", cut)
    with pytest.raises(OSError):
        send(root, directors(5))
    monkeypatch.undo()
    assert (root / store.MANIFEST).stat().st_size == size
    assert [r[0] for r in manifest_rows(root)] == before
    m = store.read_manifest(root)
    assert set(m.stored_path) == {
        p.relative_to(root).as_posix() for p in (root / "child_directors").rglob("*.csv")
    }  # the failed submission's files were removed with its line


def test_a_torn_last_line_is_skipped_reported_and_repaired_by_the_next_append(tmp_path):
    """A writer killed mid-line (no process left to truncate): readers skip the torn line
    and say so; the next append cuts it off and starts on a line of its own."""
    root = tmp_path / "store"
    before = _prefill(root, 2)
    whole = (root / store.MANIFEST).read_bytes()
    torn = b"20250110T090000Z-0123456789,child_directors,civil_affairs,330483,2024,2025-01"
    (root / store.MANIFEST).write_bytes(whole + torn)

    m = store.read_manifest(root)
    assert m.submission_id.tolist() == before
    [problem] = m.attrs["problems"]
    assert problem.kind == "torn" and problem.line == 4
    assert "第 4 行" in problem.describe()
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    loaded = load_submissions(con, root)
    con.close()
    assert loaded.submissions == 2 and any("第 4 行" in p for p in loaded.problems)

    after = send(root, directors(6))
    assert after.status == "accepted"
    assert (root / store.MANIFEST).read_bytes().startswith(whole)
    assert [r[0] for r in manifest_rows(root)] == [*before, after.submission_id]
    assert store.read_manifest(root).attrs["problems"] == []
    log = (root / store.LOG).read_text(encoding="utf-8")
    assert "torn_line_removed" in log and "0123456789" in log  # what was cut off is recorded


def test_a_complete_last_line_without_its_newline_is_kept(tmp_path):
    root = tmp_path / "store"
    before = _prefill(root, 2)
    whole = (root / store.MANIFEST).read_bytes()
    (root / store.MANIFEST).write_bytes(whole[:-1])  # an editor dropped the final newline
    assert store.read_manifest(root).submission_id.tolist() == before
    after = send(root, directors(6))
    assert [r[0] for r in manifest_rows(root)] == [*before, after.submission_id]


def test_lines_written_twice_by_older_versions_do_not_stop_the_load(tmp_path):
    """A manifest written before ids were unique holds the same id on two lines; the load
    keeps the first and reports the second, instead of failing the build's unique test."""
    root = tmp_path / "store"
    before = _prefill(root, 2)
    lines = (root / store.MANIFEST).read_bytes().splitlines(keepends=True)
    (root / store.MANIFEST).write_bytes(b"".join([*lines, lines[-1]]))
    assert sorted(load_ids(root, tmp_path)) == sorted(before)
    assert [p.kind for p in store.read_manifest(root).attrs["problems"]] == ["duplicate"]


# ---- a full disk during the audit append, the build and the publish -----------------------


def _record_in_child(folder: str, fsize_limit: int, queue) -> None:
    from weibao import audit

    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, resource.RLIM_INFINITY))
    try:
        audit.record(
            "sign_in", who="zhang", role="statistician", object="zhang", folder=Path(folder)
        )
        queue.put("appended")
    except OSError as exc:
        queue.put(f"OSError {exc.errno}")


@pytest.mark.parametrize("where", ["line", "head"])
def test_a_full_disk_during_an_audit_append_leaves_the_chain_whole(tmp_path, monkeypatch, where):
    """Every submit, sign-in and build appends to the audit log. A real RLIMIT_FSIZE stops the
    line 40 bytes in; or the line is written and the head record after it fails. Before: the
    torn line stayed, and every later entry (so every sign-in and submit) was refused as "the
    last line is damaged"; or the head lagged behind the log and `weibao audit --verify`
    reported entries missing at the end."""
    from weibao import audit

    people = tmp_path / "people"
    for i in range(60):
        audit.record("sign_in", who=f"user{i}", role="statistician", object="x", folder=people)
    size = (people / audit.LOG).stat().st_size
    head = (people / audit.HEAD).read_bytes()
    if where == "line":
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=_record_in_child, args=(str(people), size + 40, queue))
        child.start()
        assert queue.get(timeout=120) == f"OSError {errno.EFBIG}"
        child.join(timeout=60)
    else:

        def full(src, dst):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(audit.os, "replace", full)
        with pytest.raises(OSError):
            audit.record("sign_in", who="zhang", role="statistician", object="z", folder=people)
        monkeypatch.undo()
    assert (people / audit.LOG).stat().st_size == size  # truncated back
    assert (people / audit.HEAD).read_bytes() == head
    assert not list(people.glob("*.tmp"))
    assert audit.verify(people).ok
    audit.record("sign_in", who="next", role="statistician", object="next", folder=people)
    assert audit.verify(people) == audit.Verification(True, 61)


def test_a_full_disk_at_the_audit_line_of_a_submit_says_the_file_is_in(tmp_path):
    """The audit line is the last thing a submit writes, after the manifest line. Stopped by
    a real RLIMIT_FSIZE (the log grown past the manifest, the limit just above its size), the
    file is in the store, so the message says so with its id instead of "not done"; the audit
    log is left whole, not torn (which refused every later sign-in and submit)."""
    from weibao import audit

    root = tmp_path / "store"
    before = _prefill(root, 3)
    people = root / "people"
    for _ in range(60):  # about 16 KB, larger than the manifest and the data files
        audit.record("sign_in", who="u", role="statistician", object="u", folder=people)
    log = (people / audit.LOG).read_bytes()
    assert len(log) > (root / store.MANIFEST).stat().st_size + 5000  # the data files are smaller
    file = tmp_path / "民政局.csv"
    file.write_bytes(directors(5))

    proc = _submit_cli(root, file, fsize_limit=len(log) + 40)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    ids = [r[0] for r in manifest_rows(root)]
    assert ids[:-1] == before and len(ids) == 4  # accepted: its line is there
    assert "磁盘空间不足" in proc.stderr and f"已接收(报送编号 {ids[-1]})" in proc.stderr
    assert (people / audit.LOG).read_bytes() == log
    assert audit.verify(people).ok


def _build_under_limit(published: Path, root: Path, limit: int) -> subprocess.CompletedProcess:
    def pre() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    return subprocess.run(
        [sys.executable, "-m", "weibao", "build", "--warehouse", str(published)],
        capture_output=True, text=True, cwd=ROOT, timeout=900, preexec_fn=pre,
        env=os.environ | {"WEIBAO_SUBMISSIONS": str(root)},
    )  # fmt: skip


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("stage", ["load", "dbt"])
def test_a_full_disk_during_the_build_publishes_nothing_and_leaves_nothing(
    stage, demo_store, published_warehouse, tmp_path
):
    """`weibao build` under a real RLIMIT_FSIZE: in the load step (the columnar manifest is
    rewritten by every sync and is larger than the limit) and in dbt (the candidate database
    grows past half the size of the published one). The last good publication stays
    byte-identical and opens; no candidate, .wal or temporary part is left; the message says
    the disk is full, in words, without a traceback."""
    published = tmp_path / "wh" / "weibao.duckdb"
    published.parent.mkdir()
    published.write_bytes(published_warehouse.read_bytes())
    good = _digest(published)
    col = demo_store / "columnar"
    if stage == "load":
        limit = (col / "submission_manifest.parquet").stat().st_size // 2
    else:
        limit = published.stat().st_size // 2
        assert limit > (col / "submission_manifest.parquet").stat().st_size
    before = {p.relative_to(demo_store) for p in col.rglob("*")}

    proc = _build_under_limit(published, demo_store, limit)
    assert proc.returncode == 1
    assert "磁盘空间不足" in proc.stderr and "out of disk space" in proc.stderr, proc.stderr[-2000:]
    assert "已发布的数据保持不变" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _digest(published) == good
    assert sorted(p.name for p in published.parent.iterdir()) == ["weibao.duckdb"]
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select count(*) from fct_indicator_values").fetchone()[0] > 0
    con.close()
    after = {p.relative_to(demo_store) for p in col.rglob("*")}
    assert not [p for p in after if p.name.endswith(".tmp")]
    assert after <= before | {p for p in after if p.name.endswith(".parquet")}
