"""The submission store: accepted files kept as they arrived, an append-only manifest.

Layout under the store root (seeds/submissions/ by default, WEIBAO_SUBMISSIONS overrides):

    manifest.csv                                  one line per submission, append-only
    <type>/<period>/<submission_id>.csv           normalised UTF-8 file the build reads
    originals/<type>/<period>/<submission_id>.<ext>   the bytes exactly as received
    quarantine/<submission_id>/                   rejected files with their receipt

Every file is written to a temporary name and renamed into place, and the manifest line
is appended under an exclusive lock, so concurrent submissions never mix or vanish.
"""

from __future__ import annotations

import bisect
import csv
import fcntl
import hashlib
import io
import os
import tempfile
import threading
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from weibao import submission_types
from weibao.paths import submissions_dir

MANIFEST = "manifest.csv"


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
    status: str  # accepted | rejected
    supersedes: str  # submission_id of the earlier accepted submission for the same key, or ""
    stored_path: str  # normalised file, relative to the store root ("" when rejected)
    original_path: str  # original bytes, relative to the store root
    is_demo: bool


MANIFEST_COLUMNS = [f.name for f in fields(ManifestEntry)]


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
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
def _locked(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".manifest.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_manifest(root: Path | None = None) -> pd.DataFrame:
    root = root or submissions_dir()
    path = root / MANIFEST
    if not path.exists():
        return pd.DataFrame(columns=MANIFEST_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


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
    sid, received_iso, sha = ident.submission_id, ident.received_at, ident.sha256
    ext = Path(original_filename).suffix.lower() or ".csv"
    stored = Path(submission_type) / period / f"{sid}.csv"
    orig = Path("originals") / submission_type / period / f"{sid}{ext}"

    buf = io.StringIO()
    normalized.to_csv(buf, index=False, lineterminator="\n")
    # Files first: a manifest line never points at a file that is not there.
    _write_all(root, [(orig, original), (stored, buf.getvalue().encode("utf-8"))])
    with _locked(root):
        previous = _latest_accepted(
            root,
            submission_type,
            agency_code,
            jurisdiction_code,
            period,
            before=(received_iso, sid),
        )
        entry = ManifestEntry(
            submission_id=sid,
            submission_type=submission_type,
            agency_code=agency_code,
            jurisdiction_code=jurisdiction_code,
            period=period,
            received_at=received_iso,
            original_filename=Path(original_filename).name,
            sha256=sha,
            rows=len(normalized),
            status="accepted",
            supersedes=previous or "",
            stored_path=stored.as_posix(),
            original_path=orig.as_posix(),
            is_demo=is_demo,
        )
        _append(root, entry)
    return entry


def reject(
    *,
    submission_type: str,
    agency_code: str,
    jurisdiction_code: str,
    period: str,
    original: bytes,
    original_filename: str,
    receipt_json: str,
    rows: int,
    received_at: datetime,
    root: Path | None = None,
) -> ManifestEntry:
    """Quarantine a rejected file with its receipt. Nothing of it reaches the warehouse."""
    root = root or submissions_dir()
    ident = identify(submission_type, jurisdiction_code, agency_code, period, received_at, original)
    sid, received_iso, sha = ident.submission_id, ident.received_at, ident.sha256
    folder = Path("quarantine") / sid
    orig = folder / f"original{Path(original_filename).suffix.lower() or '.csv'}"
    _write_all(root, [(orig, original), (folder / "receipt.json", receipt_json.encode("utf-8"))])
    entry = ManifestEntry(
        submission_id=sid,
        submission_type=submission_type,
        agency_code=agency_code,
        jurisdiction_code=jurisdiction_code,
        period=period,
        received_at=received_iso,
        original_filename=Path(original_filename).name,
        sha256=sha,
        rows=rows,
        status="rejected",
        supersedes="",
        stored_path="",
        original_path=orig.as_posix(),
        is_demo=False,
    )
    with _locked(root):
        _append(root, entry)
    return entry


def _latest_accepted(
    root: Path,
    stype: str,
    agency: str,
    jurisdiction: str,
    period: str,
    before: tuple[str, str] | None = None,
) -> str | None:
    """Latest accepted submission for the key, or None. Caller holds the lock.

    "Latest" orders by (received_at, submission_id), as the build's staging does, not by
    manifest line: a slow validation can append a file after one received later. With
    `before` (the new entry's received_at and id), the latest one ordered before it."""
    hits = _accepted_index(root).get((stype, agency, jurisdiction, period), [])
    if before is not None:
        hits = hits[: bisect.bisect_left(hits, before)]
    return hits[-1][1] if hits else None


@dataclass
class _ManifestIndex:
    """Accepted submissions by key, built from the manifest and extended as it grows.

    The manifest is append-only, so only the bytes past `offset` are new since the last
    read. The cache is dropped when the file is replaced (other inode), shrinks, or the
    bytes just before `offset` changed (rewritten in place).
    """

    dev: int
    ino: int
    offset: int = 0
    tail: bytes = b""  # the bytes just before offset, to detect rewrites
    header: list[str] | None = None
    # accepted (received_at, submission_id) per key, sorted
    accepted: dict[tuple[str, str, str, str], list[tuple[str, str]]] = field(default_factory=dict)


_INDEX: dict[str, _ManifestIndex] = {}
_INDEX_LOCK = threading.Lock()


def _accepted_index(root: Path) -> dict[tuple[str, str, str, str], list[tuple[str, str]]]:
    path = root / MANIFEST
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
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
        if end:
            reader = csv.reader(io.StringIO(data[:end].decode("utf-8"), newline=""))
            if idx.header is None:
                idx.header = next(reader, None)
            cols = {name: i for i, name in enumerate(idx.header or [])}
            need = (
                "submission_type",
                "agency_code",
                "jurisdiction_code",
                "period",
                "received_at",
                "submission_id",
                "status",
            )
            if all(n in cols for n in need):
                ty, ag, ju, pe, ra, si, sa = (cols[n] for n in need)
                for row in reader:
                    if len(row) != len(cols) or row[sa] != "accepted":
                        continue
                    key = (row[ty], row[ag], row[ju], row[pe])
                    bisect.insort(idx.accepted.setdefault(key, []), (row[ra], row[si]))
            idx.offset += end
            idx.tail = data[max(0, end - 64) : end]
        _INDEX[str(path)] = idx
        return idx.accepted


def _append(root: Path, entry: ManifestEntry) -> None:
    """Append one line. Caller holds the lock."""
    path = root / MANIFEST
    new = not path.exists() or path.stat().st_size == 0
    row = asdict(entry)
    row["is_demo"] = "true" if entry.is_demo else "false"
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerow(row)
        fh.flush()
        os.fsync(fh.fileno())
