"""The submission store: accepted files kept as they arrived, an append-only manifest.

Layout under the store root (seeds/submissions/ by default, WEIBAO_SUBMISSIONS overrides):

    manifest.csv                                  one line per submission (and withdrawal),
                                                  append-only
    <type>/<period>/<submission_id>.csv           normalised UTF-8 file the build reads
    originals/<type>/<period>/<submission_id>.<ext>   the bytes exactly as received
    quarantine/<submission_id>/                   rejected files with their receipt

Every file is written to a temporary name and renamed into place. A submission's files and
its manifest line are written under one exclusive lock, so concurrent submissions never mix
or vanish, ids stay unique (an id already in the manifest gets a suffix -2, -3 ...), and the
line's position in the manifest is its arrival order: "latest" and `supersedes` both follow it.

A failed append is truncated back; a torn last line (a writer killed mid-line) is repaired
before the next append, and readers skip it and report it (`read_manifest(...).attrs`).
Temporary files carry their writer's pid (`.tmp-<pid>-...`), so leftovers of a dead process
can be told from files being written (see weibao.storekeeping).

Each line records who handed the file in (`submitted_by`: the signed-in user, or the CLI's
`cli:<os user>`). A withdrawal is a line of its own (status `withdrawn`, `withdraws` naming the
accepted submission it takes back); the original stays, and "latest" for its key falls back to
the previous accepted submission that is not withdrawn. Manifests written before these two
columns still read (the columns are empty); the first append to one rewrites its header, once
and atomically, keeping every line's values.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from weibao import submission_types
from weibao.paths import submissions_dir

MANIFEST = "manifest.csv"
LOCK = ".manifest.lock"
LOG = "maintenance.jsonl"  # what repair, purge and clean-up removed or changed, one JSON a line
DISCARDED = "discarded.json"  # in a quarantine folder: the original was not kept, and why
TMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class ManifestEntry:
    submission_id: str
    submission_type: str
    agency_code: str
    jurisdiction_code: str
    period: str
    received_at: str  # ISO 8601, UTC
    original_filename: str
    sha256: str
    rows: int
    status: str  # accepted | rejected | withdrawn
    supersedes: str  # submission_id of the earlier accepted submission for the same key, or ""
    stored_path: str  # normalised file, relative to the store root ("" when rejected)
    original_path: str  # original bytes, relative to the store root
    submitted_by: str  # who handed it in (or withdrew it): user name, or cli:<os user>
    withdraws: str  # a withdrawal: the submission_id taken back; else ""
    is_demo: bool  # last: a line cut short anywhere fails the validity check


MANIFEST_COLUMNS = [f.name for f in fields(ManifestEntry)]
ADDED_COLUMNS = ("submitted_by", "withdraws")  # absent from manifests written before issue 9
STATUSES = ("accepted", "rejected", "withdrawn")
_SHA = re.compile(r"[0-9a-f]{64}")


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=path.suffix
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_all(root: Path, files: list[tuple[Path, bytes]]) -> None:
    """Write each file atomically. If one fails, remove those this call created: a failed
    submission leaves no orphan (a file no manifest line names) and no partial file."""
    created: list[Path] = []
    try:
        for rel, data in files:
            path = root / rel
            existed = path.exists()
            atomic_write(path, data)
            if not existed:
                created.append(path)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        for rel, _data in files:  # a quarantine folder made for this submission only
            with suppress(OSError):
                (root / rel).parent.rmdir()
        raise


@contextmanager
def locked(root: Path):
    """The store's one exclusive lock: manifest appends, repairs and clean-ups take it."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def log_action(root: Path, action: str, **details: object) -> None:
    """Record a maintenance action (append-only JSON lines next to the manifest)."""
    record = {"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "action": action}
    with open(root / LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record | details, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


# ---- reading the manifest ---------------------------------------------------------------


@dataclass(frozen=True)
class ManifestProblem:
    """A manifest line that readers skip: torn (the last line, cut short) or malformed."""

    line: int  # 1-based line number in manifest.csv
    kind: str  # torn | malformed | duplicate
    text: str  # the start of the line, for a person to look at

    def describe(self) -> str:
        what = {
            "torn": ("最后一行不完整(写入中断),已跳过", "the last line is incomplete, skipped"),
            "malformed": ("此行格式不正确,已跳过", "this line is malformed, skipped"),
            "duplicate": (
                "报送编号与前面一行重复(同一文件记录了两次),已跳过",
                "repeats an earlier line's submission id (one file recorded twice), skipped",
            ),
        }[self.kind]
        return f"manifest.csv 第 {self.line} 行 / line {self.line}: {what[0]} / {what[1]}"


def _valid(row: dict[str, str]) -> bool:
    """A complete manifest record. is_demo is the last column, so a line cut short anywhere
    fails one of these (true/false cut short is neither)."""
    return (
        bool(row.get("submission_id"))
        and row.get("status") in STATUSES
        and row.get("is_demo") in ("true", "false")
        and str(row.get("rows", "")).isdigit()
        and bool(_SHA.fullmatch(row.get("sha256", "")))
    )


def _parse_line(line: str, header: list[str]) -> dict[str, str] | None:
    try:
        values = next(csv.reader([line]), [])
    except csv.Error:
        return None
    if len(values) != len(header):
        return None
    row = dict(zip(header, values, strict=True))
    return row if _valid(row) else None


def _records(data: bytes, start_line: int = 1):
    """(line number, raw line, parsed row or None) for every whole line of `data`, which must
    end with a newline. Lines are split on newline: writers quote nothing that holds one."""
    for n, raw in enumerate(data.split(b"\n")[:-1], start=start_line):
        yield n, raw, raw.decode("utf-8", errors="replace").rstrip("\r")


def scan_manifest(root: Path) -> tuple[list[dict[str, str]], list[ManifestProblem]]:
    """Every valid manifest record with its `seq` (its position among the data lines: the
    arrival order), and every line skipped."""
    path = root / MANIFEST
    if not path.exists():
        return [], []
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    whole, tail = data[:end], data[end:]
    rows: list[dict[str, str]] = []
    problems: list[ManifestProblem] = []
    header: list[str] = []
    seen: set[str] = set()
    seq = 0
    for n, _raw, line in _records(whole):
        if n == 1:
            header = next(csv.reader([line]), [])
            continue
        if not line:
            continue
        seq += 1
        row = _parse_line(line, header)
        if row is None:
            problems.append(ManifestProblem(n, "malformed", line[:120]))
        elif row["submission_id"] in seen:
            # Written by versions before ids were made unique: the same id means the same
            # key, second and file, so the files are the same. Keep the first line.
            problems.append(ManifestProblem(n, "duplicate", line[:120]))
        else:
            seen.add(row["submission_id"])
            rows.append(row | {"seq": str(seq)})
    if tail:
        line = tail.decode("utf-8", errors="replace")
        n = whole.count(b"\n") + 1
        row = _parse_line(line, header) if header else None
        if row is None or row["submission_id"] in seen:
            problems.append(ManifestProblem(n, "torn", line[:120]))
        else:  # complete but for its newline: the next append adds it
            rows.append(row | {"seq": str(seq + 1)})
    return rows, problems


def read_manifest(root: Path | None = None) -> pd.DataFrame:
    """The manifest as strings, plus `seq` (arrival order). Lines that cannot be read are
    skipped and listed in `.attrs["problems"]` (ManifestProblem), never raised."""
    root = root or submissions_dir()
    rows, problems = scan_manifest(root)
    frame = pd.DataFrame(rows, columns=[*MANIFEST_COLUMNS, "seq"], dtype=str)
    for col in ADDED_COLUMNS:  # an older manifest without them
        frame[col] = frame[col].fillna("")
    frame.attrs["problems"] = problems
    return frame


def in_force(manifest: pd.DataFrame) -> pd.DataFrame:
    """The accepted lines of a manifest frame that no withdrawal line takes back."""
    taken_back = set(manifest.loc[manifest.status == "withdrawn", "withdraws"])
    return manifest[(manifest.status == "accepted") & ~manifest.submission_id.isin(taken_back)]


@dataclass(frozen=True)
class Identity:
    """What names a submission: when it arrived, what it held, and the id derived from both."""

    submission_id: str
    received_at: str  # ISO 8601, UTC, whole seconds
    sha256: str


def identify(
    submission_type: str,
    jurisdiction: str,
    agency: str,
    period: str,
    received_at: datetime,
    original: bytes,
) -> Identity:
    """The one derivation of a submission id, shared by accept, reject, intake and the demo."""
    received_iso = received_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sha = hashlib.sha256(original).hexdigest()
    digest = hashlib.sha256(
        "|".join([submission_type, jurisdiction, agency, period, received_iso, sha]).encode()
    ).hexdigest()[:10]
    stamp = received_iso.replace("-", "").replace(":", "")[:15]
    return Identity(f"{stamp}-{digest}", received_iso, sha)


def _unique_id(base: str, taken: set[str]) -> str:
    """The derived id, or with -2, -3 ... when the manifest already holds it (the same file
    for the same key within one second: a double click, a resubmitted rejected file)."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _clean_name(name: str) -> str:
    """A file name as recorded in the manifest: one line, no control characters."""
    return re.sub(r"[\x00-\x1f\x7f]", "_", Path(name).name) or "file"


def accept(
    *,
    submission_type: str,
    agency_code: str,
    jurisdiction_code: str,
    period: str,
    original: bytes,
    original_filename: str,
    normalized: pd.DataFrame,
    received_at: datetime | None = None,
    is_demo: bool = False,
    root: Path | None = None,
    submitted_by: str = "",
) -> ManifestEntry:
    """Store an accepted submission: original bytes, normalised CSV, then the manifest line.

    `normalized` must hold the type's canonical columns in registry order.
    """
    root = root or submissions_dir()
    stype = submission_types.SUBMISSION_TYPES[submission_type]
    columns = [c.name for c in stype.columns]
    if list(normalized.columns) != columns:
        raise ValueError(f"normalised columns {list(normalized.columns)} != {columns}")
    ident = identify(
        submission_type,
        jurisdiction_code,
        agency_code,
        period,
        received_at or datetime.now(UTC),
        original,
    )
    ext = Path(original_filename).suffix.lower() or ".csv"
    normalised_bytes = normalised_csv(normalized)
    with locked(root):
        index = _prepare_append(root)
        sid = _unique_id(ident.submission_id, index.ids)
        stored = Path(submission_type) / period / f"{sid}.csv"
        orig = Path("originals") / submission_type / period / f"{sid}{ext}"
        # Files first: a manifest line never points at a file that is not there. Both under
        # the lock, so a file no line names is a leftover of a dead process (storekeeping).
        _write_all(root, [(orig, original), (stored, normalised_bytes)])
        entry = _accepted_entry(
            sid,
            submission_type,
            agency_code,
            jurisdiction_code,
            period,
            ident,
            original_filename,
            len(normalized),
            index.latest,
            stored,
            orig,
            is_demo,
            submitted_by,
        )
        try:
            _append(root, entry)
        except BaseException:
            for rel in (orig, stored):
                (root / rel).unlink(missing_ok=True)
            raise
    return entry


def _accepted_entry(
    sid: str,
    submission_type: str,
    agency_code: str,
    jurisdiction_code: str,
    period: str,
    ident: Identity,
    original_filename: str,
    rows: int,
    latest: Callable[[tuple[str, str, str, str]], str],
    stored: Path,
    orig: Path,
    is_demo: bool,
    submitted_by: str = "",
) -> ManifestEntry:
    """The manifest record of an accepted submission (shared by accept and accept_staged).
    `latest(key)` is the latest accepted id for the key so far ("" if none)."""
    key = (submission_type, agency_code, jurisdiction_code, period)
    return ManifestEntry(
        submission_id=sid,
        submission_type=submission_type,
        agency_code=agency_code,
        jurisdiction_code=jurisdiction_code,
        period=period,
        received_at=ident.received_at,
        original_filename=_clean_name(original_filename),
        sha256=ident.sha256,
        rows=rows,
        status="accepted",
        supersedes=latest(key),
        stored_path=stored.as_posix(),
        original_path=orig.as_posix(),
        submitted_by=submitted_by,
        withdraws="",
        is_demo=is_demo,
    )


def normalised_csv(normalized: pd.DataFrame) -> bytes:
    """The normalised file's bytes, as accept() stores them."""
    buf = io.StringIO()
    normalized.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Staged:
    """An accepted submission whose two files are already written under temporary names
    (`.tmp-<pid of a live process>-...`, so clean-up leaves them while that process runs) in
    the folders they belong in. Made by bulk writers (the demo generator), which render many
    submissions in worker processes; accept_staged() gives them their final names and their
    manifest lines exactly as accept() would have."""

    submission_type: str
    agency_code: str
    jurisdiction_code: str
    period: str
    ident: Identity
    original_filename: str
    rows: int
    staged_original: Path  # absolute
    staged_normalised: Path  # absolute
    is_demo: bool


def staged_name(pid: int, tag: str, suffix: str) -> str:
    """A staged file's name: a temporary file of process `pid` (see weibao.storekeeping)."""
    return f"{TMP_PREFIX}{pid}-staged-{tag}{suffix}"


def accept_staged(root: Path, items: Sequence[Staged]) -> list[ManifestEntry]:
    """Store many accepted submissions whose files are staged: under the store's lock, each
    gets its id (unique, as in accept()), its files are renamed into place, and then all
    their manifest lines are appended in one write, in the order given (the arrival order).
    The records are exactly those accept() would write for the same submissions in the same
    order. If the append fails, the manifest is truncated back and the files renamed by this
    call are removed, as accept() does for one."""
    if not items:
        return []
    stypes = {i.submission_type for i in items}
    unknown = stypes - set(submission_types.SUBMISSION_TYPES)
    if unknown:
        raise ValueError(f"unknown submission types {sorted(unknown)}")
    entries: list[ManifestEntry] = []
    placed: list[Path] = []
    with locked(root):
        index = _prepare_append(root)
        taken = set(index.ids)
        placed_latest: dict[tuple[str, str, str, str], str] = {}

        def latest(key: tuple[str, str, str, str]) -> str:
            return placed_latest.get(key) or index.latest(key)

        try:
            for item in items:
                sid = _unique_id(item.ident.submission_id, taken)
                ext = Path(item.original_filename).suffix.lower() or ".csv"
                stored = Path(item.submission_type) / item.period / f"{sid}.csv"
                orig = Path("originals") / item.submission_type / item.period / f"{sid}{ext}"
                for src, rel in ((item.staged_original, orig), (item.staged_normalised, stored)):
                    if src.parent != (root / rel).parent:
                        raise ValueError(f"{src} is not staged in {(root / rel).parent}")
                    os.replace(src, root / rel)
                    placed.append(root / rel)
                entry = _accepted_entry(
                    sid,
                    item.submission_type,
                    item.agency_code,
                    item.jurisdiction_code,
                    item.period,
                    item.ident,
                    item.original_filename,
                    item.rows,
                    latest,
                    stored,
                    orig,
                    item.is_demo,
                )
                taken.add(sid)
                key = (
                    item.submission_type,
                    item.agency_code,
                    item.jurisdiction_code,
                    item.period,
                )
                placed_latest[key] = sid
                entries.append(entry)
            _append(root, *entries)
        except BaseException:
            for path in placed:
                path.unlink(missing_ok=True)
            raise
    return entries


def reject(
    *,
    submission_type: str,
    agency_code: str,
    jurisdiction_code: str,
    period: str,
    original: bytes,
    original_filename: str,
    receipt_json: str | Callable[[str], str],
    rows: int,
    received_at: datetime,
    keep_original: bool = True,
    root: Path | None = None,
    submitted_by: str = "",
) -> ManifestEntry:
    """Quarantine a rejected file with its receipt. Nothing of it reaches the warehouse.

    `receipt_json` may be a function of the final submission id (which is only known under
    the lock). With `keep_original=False` (a file refused for personal data) the bytes are
    not kept at all: only their hash and size (discarded.json) and the masked receipt."""
    root = root or submissions_dir()
    ident = identify(submission_type, jurisdiction_code, agency_code, period, received_at, original)
    with locked(root):
        index = _prepare_append(root)
        sid = _unique_id(ident.submission_id, index.ids)
        receipt = receipt_json(sid) if callable(receipt_json) else receipt_json
        folder = Path("quarantine") / sid
        files = [(folder / "receipt.json", receipt.encode("utf-8"))]
        if keep_original:
            orig = folder / f"original{Path(original_filename).suffix.lower() or '.csv'}"
            files.insert(0, (orig, original))
        else:
            orig = None
            discarded = {"sha256": ident.sha256, "bytes": len(original), "reason": "personal_data"}
            files.append((folder / DISCARDED, json.dumps(discarded).encode("utf-8")))
        _write_all(root, files)
        entry = ManifestEntry(
            submission_id=sid,
            submission_type=submission_type,
            agency_code=agency_code,
            jurisdiction_code=jurisdiction_code,
            period=period,
            received_at=ident.received_at,
            original_filename=_clean_name(original_filename),
            sha256=ident.sha256,
            rows=rows,
            status="rejected",
            supersedes="",
            stored_path="",
            original_path=orig.as_posix() if orig else "",
            submitted_by=submitted_by,
            withdraws="",
            is_demo=False,
        )
        try:
            _append(root, entry)
        except BaseException:
            for rel, _data in files:
                (root / rel).unlink(missing_ok=True)
            with suppress(OSError):
                (root / folder).rmdir()
            raise
    return entry


def _latest_accepted(
    root: Path, stype: str, agency: str, jurisdiction: str, period: str
) -> str | None:
    """Latest accepted submission for the key (by arrival: manifest order), or None."""
    with locked(root):
        return _index(root).latest((stype, agency, jurisdiction, period)) or None


@dataclass
class _ManifestIndex:
    """What an append needs to know, built from the manifest and extended as it grows: every
    id, and per key the accepted ids in arrival order less those withdrawn (the last is the
    latest).

    The manifest is append-only, so only the bytes past `offset` are new since the last
    read. The cache is dropped when the file is replaced (other inode), shrinks, or the
    bytes just before `offset` changed (rewritten in place).
    """

    dev: int
    ino: int
    offset: int = 0
    tail: bytes = b""  # the bytes just before offset, to detect rewrites
    header: list[str] | None = None
    ids: set[str] = field(default_factory=set)
    chains: dict[tuple[str, str, str, str], list[str]] = field(default_factory=dict)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # accepted, by id

    def latest(self, key: tuple[str, str, str, str]) -> str:
        chain = self.chains.get(key)
        return chain[-1] if chain else ""


_INDEX: dict[str, _ManifestIndex] = {}
_INDEX_LOCK = threading.Lock()


def _index(root: Path) -> _ManifestIndex:
    """The index over the manifest's whole lines. Caller holds the store lock."""
    path = root / MANIFEST
    try:
        st = path.stat()
    except FileNotFoundError:
        return _ManifestIndex(dev=0, ino=0)
    with _INDEX_LOCK, open(path, "rb") as fh:
        idx = _INDEX.get(str(path))
        if idx is None or (idx.dev, idx.ino) != (st.st_dev, st.st_ino) or st.st_size < idx.offset:
            idx = _ManifestIndex(dev=st.st_dev, ino=st.st_ino)
        elif idx.tail:
            fh.seek(idx.offset - len(idx.tail))
            if fh.read(len(idx.tail)) != idx.tail:
                idx = _ManifestIndex(dev=st.st_dev, ino=st.st_ino)
        fh.seek(idx.offset)
        data = fh.read()
        end = data.rfind(b"\n") + 1  # whole lines only
        for _n, _raw, line in _records(data[:end]):
            if idx.header is None:
                idx.header = next(csv.reader([line]), [])
                continue
            row = _parse_line(line, idx.header) if line else None
            if row is None:
                continue
            idx.ids.add(row["submission_id"])
            key = (
                row["submission_type"],
                row["agency_code"],
                row["jurisdiction_code"],
                row["period"],
            )
            if row["status"] == "accepted":
                idx.chains.setdefault(key, []).append(row["submission_id"])
                idx.rows[row["submission_id"]] = row
            elif row["status"] == "withdrawn":
                chain = idx.chains.get(key, [])
                if row.get("withdraws") in chain:
                    chain.remove(row["withdraws"])
                idx.rows.pop(row.get("withdraws", ""), None)
        idx.offset += end
        idx.tail = data[max(0, end - 64) : end]
        _INDEX[str(path)] = idx
        return idx


def repair_tail(root: Path) -> str | None:
    """Make the manifest end with a whole line. Caller holds the lock.

    A last line without its newline is either complete (a hand edit dropped the newline:
    add it) or torn (a writer died or failed mid-line: its submission was never confirmed,
    so cut it off, and log the bytes removed). Returns what was done, or None."""
    path = root / MANIFEST
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "r+b") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":  # the usual case: no need to read a large manifest
            return None
        fh.seek(0)
        data = fh.read()
        end = data.rfind(b"\n") + 1
        header = next(csv.reader([data[: max(end - 1, 0)].split(b"\n")[0].decode()]), [])
        tail = data[end:]
        if end and _parse_line(tail.decode("utf-8", errors="replace"), header) is not None:
            fh.write(b"\n")
            done = "newline_added"
        else:
            fh.truncate(end)
            done = "torn_line_removed"
        fh.flush()
        os.fsync(fh.fileno())
    log_action(
        root,
        done,
        file=MANIFEST,
        line=data[:end].count(b"\n") + 1,
        text=tail.decode("utf-8", errors="replace"),
    )
    return done


def _prepare_append(root: Path) -> _ManifestIndex:
    repair_tail(root)
    _upgrade_header(root)
    return _index(root)


def _upgrade_header(root: Path) -> None:
    """A manifest written before submitted_by and withdraws: rewrite it once with today's
    header, every line keeping its values (the new columns empty). Caller holds the lock;
    the file is replaced atomically (readers see the old or the new one) and it is logged."""
    path = root / MANIFEST
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        first = fh.readline().decode("utf-8", errors="replace").rstrip("\r\n")
    header = next(csv.reader([first]), [])
    if header == MANIFEST_COLUMNS or set(header) - set(MANIFEST_COLUMNS):
        return  # current, or not one this version knows how to upgrade: leave it be
    data = path.read_bytes()
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    kept = 0
    for n, _raw, line in _records(data):
        if n == 1 or not line:
            continue
        values = next(csv.reader([line]), [])
        if len(values) != len(header):  # a malformed line: keep it as it was, for a person
            buf.write(line + "\n")
            continue
        writer.writerow({c: "" for c in ADDED_COLUMNS} | dict(zip(header, values, strict=True)))
        kept += 1
    atomic_write(path, buf.getvalue().encode("utf-8"))
    log_action(root, "manifest_header_upgraded", added=list(ADDED_COLUMNS), lines=kept)


def withdraw(
    submission_id: str,
    *,
    submitted_by: str,
    check: Callable[[dict[str, str]], None] | None = None,
    root: Path | None = None,
    now: datetime | None = None,
) -> ManifestEntry:
    """Append a withdrawal of an accepted submission that is not already withdrawn. The
    submission's files and line stay; "latest" for its key falls back to the previous one.
    `check(row)` runs under the lock on the submission's manifest row and may raise (rights,
    period lock). Raises LookupError when there is no such accepted submission in force."""
    root = root or submissions_dir()
    with locked(root):
        index = _prepare_append(root)
        row = index.rows.get(submission_id)
        if row is None:
            raise LookupError(submission_id)
        if check:
            check(row)
        received = (now or datetime.now(UTC)).astimezone(UTC)
        ident = identify(
            row["submission_type"],
            row["jurisdiction_code"],
            row["agency_code"],
            row["period"],
            received,
            f"withdraw:{submission_id}".encode(),
        )
        entry = ManifestEntry(
            submission_id=_unique_id(ident.submission_id, index.ids),
            submission_type=row["submission_type"],
            agency_code=row["agency_code"],
            jurisdiction_code=row["jurisdiction_code"],
            period=row["period"],
            received_at=ident.received_at,
            original_filename=row["original_filename"],
            sha256=row["sha256"],  # the file taken back
            rows=0,
            status="withdrawn",
            supersedes="",
            stored_path="",
            original_path="",
            submitted_by=submitted_by,
            withdraws=submission_id,
            is_demo=row["is_demo"] == "true",
        )
        _append(root, entry)
    return entry


def _append(root: Path, *entries: ManifestEntry) -> None:
    """Append one line per entry, in one write. Caller holds the lock and has called
    _prepare_append. If the write fails (disk full, file-size limit, I/O error), the file is
    truncated back to where it was, so no torn line is left for the next writer to glue
    onto."""
    path = root / MANIFEST
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    if not path.exists() or path.stat().st_size == 0:
        writer.writeheader()
    for entry in entries:
        row = asdict(entry)
        row["is_demo"] = "true" if entry.is_demo else "false"
        writer.writerow(row)
    data = buf.getvalue().encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.lseek(fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:  # a short write (file-size limit) is followed by one that raises
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            with suppress(OSError):
                os.ftruncate(fd, size)
                os.fsync(fd)
            raise
    finally:
        os.close(fd)
