"""Keeping the submission store healthy: clean-up, verify, repair, purge, backup, restore.

    weibao store verify     every line's files exist with their hash; orphans, torn lines
    weibao store repair     fixes what is safe to fix, and says what it did
    weibao store purge      the retention rule for rejected files (weibao.toml)
    weibao backup DIR       the store, its people/ folder (users, audit log, approvals, 督办单),
                            the definitions and the reference files, with hashes; private modes
    weibao restore DIR      into an empty store; refuses a backup whose hashes do not match

What a process leaves behind when it is killed (a `.tmp-<pid>-*` file, an original whose
manifest line was never written, a `.build-*-<pid>.duckdb` candidate) is removed by the next
run once its pid is no longer alive. Everything removed is recorded in maintenance.jsonl.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from weibao import store
from weibao.errors import WeibaoError
from weibao.paths import ROOT, committees_file, people_dir
from weibao.submission_types import SUBMISSION_TYPES

# Project files that define what is collected and how it is judged (backed up and restored
# with the store; the ones that do not exist in this version are skipped). reference/ holds the
# policy texts and the division table the build reads.
DEFINITIONS = (
    "weibao.toml",
    "seeds/reference",
    "expectations",
    "reference",
    "locales",
    "definitions",
)
# The people folder's locks, in the order their writers nest them (users, approvals and cases
# are written first, then the audit entry): a backup takes all four, so it sees no half step.
PEOPLE_LOCKS = (".users.lock", ".approvals.lock", ".cases.lock", ".audit.lock")
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
LEGACY_TMP_AGE = timedelta(hours=1)  # a .tmp- file without a pid in its name
_TMP_PID = re.compile(r"^\.tmp-(\d+)-")
_BUILD_PID = re.compile(r"^\.build-.*-(\d+)\.duckdb(\.wal)?$")


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


# ---- leftovers --------------------------------------------------------------------------


def clean_warehouse_leftovers(folder: Path) -> list[str]:
    """Remove build candidates (`.build-*-<pid>.duckdb` and their .wal) of dead processes."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.iterdir()):
        m = _BUILD_PID.match(path.name)
        if m and not pid_alive(int(m.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _stale_tmp(path: Path, now: float) -> bool:
    m = _TMP_PID.match(path.name)
    if m:
        return not pid_alive(int(m.group(1)))
    return now - path.stat().st_mtime > LEGACY_TMP_AGE.total_seconds()


def _store_files(root: Path) -> list[Path]:
    """The files submissions are written to: originals/, quarantine/, <type>/."""
    tops = ["originals", "quarantine", *SUBMISSION_TYPES]
    return sorted(p for top in tops if (root / top).is_dir() for p in (root / top).rglob("*"))


@dataclass
class Leftovers:
    tmp: list[Path] = field(default_factory=list)  # .tmp- files of dead writers
    orphans: list[Path] = field(default_factory=list)  # files no manifest line names
    unlisted: list[Path] = field(default_factory=list)  # named only by a line readers skip


def find_leftovers(root: Path) -> Leftovers:
    """Call with the store lock held: files are written under it, so a file that no
    manifest line names is then a leftover of a process that died before its line."""
    rows, _problems = store.scan_manifest(root)
    named = {r[c] for r in rows for c in ("stored_path", "original_path") if r[c]}
    folders = {f"quarantine/{r['submission_id']}" for r in rows if r["status"] == "rejected"}
    raw = (root / store.MANIFEST).read_bytes() if (root / store.MANIFEST).exists() else b""
    out, now = Leftovers(), datetime.now().timestamp()
    for path in _store_files(root):
        if not path.is_file():
            continue
        rel = _rel(root, path)
        if path.name.startswith(store.TMP_PREFIX):
            if _stale_tmp(path, now):
                out.tmp.append(path)
            continue
        parts = rel.split("/")
        if rel in named or (parts[0] == "quarantine" and "/".join(parts[:2]) in folders):
            continue
        sid = parts[1] if parts[0] == "quarantine" else path.stem
        # Named by a line that readers skip (a malformed line): keep it for a person to see.
        (out.unlisted if sid.encode() in raw else out.orphans).append(path)
    return out


def clean_store_leftovers(root: Path) -> list[str]:
    """Remove dead writers' temporary files and orphans; log each removal. Returns them."""
    if not (root / store.MANIFEST).exists() and not (root / "originals").exists():
        return []
    removed = []
    with store.locked(root):
        found = find_leftovers(root)
        for path in found.tmp + found.orphans:
            size = path.stat().st_size
            digest = _sha(path)
            path.unlink(missing_ok=True)
            kind = "tmp_removed" if path in found.tmp else "orphan_removed"
            store.log_action(root, kind, path=_rel(root, path), bytes=size, sha256=digest)
            removed.append(_rel(root, path))
            for parent in path.parents:  # empty folders left by the removal
                if parent == root or any(parent.iterdir()):
                    break
                parent.rmdir()
    return removed


# ---- verify and repair ------------------------------------------------------------------


@dataclass
class Finding:
    kind: str  # torn_line | malformed_line | duplicate_id | missing_file | hash_mismatch |
    #            orphan | tmp | unlisted
    where: str
    detail: str = ""
    fixable: bool = False

    def line(self) -> str:
        zh, en = _FINDING_WORDS[self.kind]
        fix = "(可修复 / repairable)" if self.fixable else "(需人工处理 / needs a person)"
        detail = f" — {self.detail}" if self.detail else ""
        return f"  {zh} / {en}: {self.where}{detail} {fix}"


_FINDING_WORDS = {
    "torn_line": ("清单最后一行不完整", "torn last manifest line"),
    "malformed_line": ("清单行格式不正确", "malformed manifest line"),
    "duplicate_id": ("报送编号重复", "duplicate submission id"),
    "missing_file": ("清单登记的文件不存在", "file named in the manifest is missing"),
    "hash_mismatch": ("文件内容与登记的哈希不符", "file does not match its recorded hash"),
    "orphan": ("清单未登记的文件(中断的上报留下)", "file no manifest line names"),
    "tmp": ("中断写入留下的临时文件", "temporary file of a dead process"),
    "unlisted": ("只被一行无法读取的清单行提到的文件", "file named only by an unreadable line"),
}


@dataclass
class VerifyReport:
    lines: int
    files_checked: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def render(self) -> str:
        head = (
            f"清单 {self.lines} 行,核对文件 {self.files_checked} 个 / "
            f"{self.lines} manifest lines, {self.files_checked} files checked"
        )
        if self.ok:
            return head + "\n  无问题 / no problems found"
        return "\n".join([head, *(f.line() for f in self.findings)])


def verify(root: Path) -> VerifyReport:
    """Every manifest line's files exist with their recorded hash; orphans and torn lines."""
    rows, problems = store.scan_manifest(root)
    report = VerifyReport(lines=len(rows) + len(problems), files_checked=0)
    for p in problems:
        kind = {"torn": "torn_line", "malformed": "malformed_line"}.get(p.kind, "duplicate_id")
        report.findings.append(
            Finding(kind, f"manifest.csv:{p.line}", p.text[:80], fixable=p.kind == "torn")
        )
    for row in rows:
        sid = row["submission_id"]
        if row["status"] == "withdrawn":
            continue  # a line of its own, no files: the withdrawn submission keeps its files
        if row["status"] == "accepted":
            report.files_checked += 2
            stored = root / row["stored_path"]
            if not stored.is_file():
                report.findings.append(Finding("missing_file", row["stored_path"], sid))
            _check_original(root, row, report)
        else:
            report.files_checked += 1
            folder = root / "quarantine" / sid
            if not (folder / "receipt.json").is_file():
                report.findings.append(Finding("missing_file", f"quarantine/{sid}/receipt.json"))
            discarded = _discarded(folder)
            if discarded is None:
                _check_original(root, row, report)
            elif discarded.get("sha256") != row["sha256"]:
                report.findings.append(
                    Finding("hash_mismatch", f"quarantine/{sid}/{store.DISCARDED}", sid)
                )
    with store.locked(root):
        found = find_leftovers(root)
    report.findings += [Finding("tmp", _rel(root, p), fixable=True) for p in found.tmp]
    report.findings += [Finding("orphan", _rel(root, p), fixable=True) for p in found.orphans]
    report.findings += [Finding("unlisted", _rel(root, p)) for p in found.unlisted]
    return report


def _check_original(root: Path, row: dict[str, str], report: VerifyReport) -> None:
    path = root / row["original_path"] if row["original_path"] else None
    if path is None or not path.is_file():
        report.findings.append(
            Finding("missing_file", row["original_path"] or "(original)", row["submission_id"])
        )
    elif _sha(path) != row["sha256"]:
        report.findings.append(Finding("hash_mismatch", row["original_path"], row["sha256"][:12]))


def _discarded(folder: Path) -> dict | None:
    path = folder / store.DISCARDED
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}


def repair(root: Path) -> tuple[list[str], VerifyReport]:
    """Fix what is safe: a torn last line, dead writers' temporary files, orphans. Returns
    what was done and a fresh verify report of what still needs a person."""
    done = []
    with store.locked(root):
        what = store.repair_tail(root)
    if what == "torn_line_removed":
        done.append("删除了不完整的清单最后一行 / removed the torn last manifest line")
    elif what == "newline_added":
        done.append("补上了清单末尾的换行 / added the missing final newline")
    for rel in clean_store_leftovers(root):
        done.append(f"删除 / removed {rel}")
    return done, verify(root)


# ---- retention --------------------------------------------------------------------------


def purge(root: Path, days: int, now: datetime | None = None) -> list[str]:
    """Apply the retention rule: remove the original of every rejected file received more
    than `days` days ago, and at once any that was refused for personal data (stores written
    before such files stopped being kept). The receipt and the manifest line stay; a
    discarded.json records the file's hash and size. Each removal is logged."""
    now = now or datetime.now(UTC)
    cutoff = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    removed = []
    with store.locked(root):
        rows, _problems = store.scan_manifest(root)
        for row in rows:
            if row["status"] != "rejected" or not row["original_path"]:
                continue
            path = root / row["original_path"]
            if not path.is_file():
                continue
            personal = _refused_for_personal_data(path.parent / "receipt.json")
            if not personal and row["received_at"] >= cutoff:
                continue
            reason = "personal_data" if personal else f"retention_{days}_days"
            size = path.stat().st_size
            note = {"sha256": row["sha256"], "bytes": size, "reason": reason}
            store.atomic_write(
                path.parent / store.DISCARDED,
                json.dumps(note | {"removed_at": now.strftime("%Y-%m-%dT%H:%M:%SZ")}).encode(),
            )
            path.unlink()
            store.log_action(root, "purged", path=row["original_path"], **note)
            removed.append(f"{row['original_path']} ({reason})")
    return removed


def _refused_for_personal_data(receipt: Path) -> bool:
    try:
        issues = json.loads(receipt.read_text(encoding="utf-8")).get("issues", [])
    except (OSError, ValueError):
        return False
    return any(i.get("code") == "E_PERSONAL_DATA" for i in issues)


# ---- backup and restore -----------------------------------------------------------------

BACKUP_INDEX = "backup.json"


@contextmanager
def _people_locked(folder: Path):
    """Hold every lock of the people folder (users, approvals, cases, audit) at once."""
    with ExitStack() as stack:
        if folder.is_dir():
            for name in PEOPLE_LOCKS:
                lock = stack.enter_context(open(folder / name, "a"))
                fcntl.flock(lock, fcntl.LOCK_EX)
                stack.callback(fcntl.flock, lock, fcntl.LOCK_UN)
        yield


def _people_files(folder: Path) -> list[Path]:
    """users.yml, audit.jsonl and audit.head, approvals.jsonl, cases.jsonl and whatever else
    lives there, less locks and temporary files."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(store.TMP_PREFIX) and not p.name.endswith(".lock")
    )


def _external_files(project: Path) -> dict[str, Path]:
    """Files the build reads from outside the project (WEIBAO_COMMITTEES, WEIBAO_SETTINGS),
    by the name they are kept under in a backup."""
    out = {}
    settings_file = os.environ.get("WEIBAO_SETTINGS")
    for kind, path in (
        ("committees", committees_file()),
        ("settings", Path(settings_file).resolve() if settings_file else None),
    ):
        if path is not None and path.is_file() and not path.is_relative_to(project.resolve()):
            out[f"external/{kind}/{path.name}"] = path
    return out


def _not_empty(folder: Path) -> bool:
    """Any file but a lock (a lock file is created by merely looking at a store)."""
    return folder.is_dir() and any(
        p.is_file() and not p.name.endswith(".lock") for p in folder.rglob("*")
    )


def backup(dest: Path, root: Path, project: Path = ROOT, people: Path | None = None) -> dict:
    """Copy the store (under its lock, so the copy is one consistent moment), its people
    folder (under the people locks: the credentials, the hash-chained audit log, approvals and
    督办单), the definitions and the files the build reads from outside the project into
    `dest`, which must be empty, with backup.json listing every file's hash. The credentials
    file holds password hashes: the backup's folders are 0700 and its files 0600. Returns the
    index."""
    dest = dest.resolve()
    people = (people or people_dir(root)).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise WeibaoError(
            f"备份目录 {dest} 不是空的",
            f"backup directory {dest} is not empty",
            "指定一个新的或空的目录",
        )
    dest.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(dest, PRIVATE_DIR)
    files: dict[str, str] = {}

    def copy(src: Path, rel: str) -> None:
        target = dest / rel
        for parent in reversed(target.relative_to(dest).parents[:-1]):
            (dest / parent).mkdir(mode=PRIVATE_DIR, exist_ok=True)
        shutil.copy2(src, target)  # inside 0700 folders, so the source's mode exposes nothing
        os.chmod(target, PRIVATE_FILE)
        files[rel] = _sha(target)

    with store.locked(root):
        store.repair_tail(root)
        keep = [root / store.MANIFEST, root / store.LOG, *_store_files(root)]
        for path in keep:
            if path.is_file() and not path.name.startswith(store.TMP_PREFIX):
                copy(path, f"store/{_rel(root, path)}")
        with _people_locked(people):
            for path in _people_files(people):
                copy(path, f"people/{_rel(people, path)}")
    for name in DEFINITIONS:
        src = project / name
        paths = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
        for path in paths if src.exists() else []:
            copy(path, f"project/{_rel(project, path)}")
    external = _external_files(project)
    for rel, path in external.items():
        copy(path, rel)
    index = {
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "store": str(root),
        "people": str(people),
        "external": {rel: str(path) for rel, path in external.items()},
        "files": files,
    }
    fd = os.open(dest / BACKUP_INDEX, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(index, ensure_ascii=False, indent=1))
    return index


def restore(
    src: Path,
    root: Path,
    project: Path = ROOT,
    force: bool = False,
    people: Path | None = None,
) -> list[str]:
    """Restore a backup into an empty store (and its people folder) and the project. Every
    file's hash is checked first; nothing is written if one does not match. A store or people
    folder that already holds files is refused, with or without `force`: restoring over it
    would mix two histories (two manifests, two audit chains). Definitions and external files
    that differ from the ones in place are replaced only with `force`. Returns what was
    written."""
    src = src.resolve()
    people = (people or people_dir(root)).resolve()
    try:
        index = json.loads((src / BACKUP_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeibaoError(
            f"{src} 不是 weibao 备份(缺少或无法读取 {BACKUP_INDEX})",
            f"{src} is not a weibao backup ({BACKUP_INDEX} missing or unreadable)",
            "指定 weibao backup 写出的目录",
        ) from exc
    files: dict[str, str] = index["files"]
    bad = [
        rel
        for rel, digest in files.items()
        if not (src / rel).is_file() or _sha(src / rel) != digest
    ]
    if bad:
        raise WeibaoError(
            f"备份已损坏:{len(bad)} 个文件缺失或哈希不符,未恢复任何文件",
            f"the backup is damaged: {len(bad)} file(s) missing or changed; nothing restored",
            "使用另一份备份",
            bad[:10],
        )
    full = [str(f) for f in (root, people) if _not_empty(f)]
    if full:
        raise WeibaoError(
            f"目标不是空的:{'、'.join(full)} 中已有文件,未恢复(--force 也不会覆盖报送库和用户)",
            f"the target is not empty: {', '.join(full)} already holds files; nothing restored "
            "(--force does not overwrite a store or its people)",
            "恢复到一个空目录(设置 WEIBAO_SUBMISSIONS,必要时 WEIBAO_PEOPLE),"
            "用 weibao store verify 和 weibao audit --verify 核对后再替换原目录",
        )
    external = index.get("external", {})

    def target_of(rel: str) -> Path:
        top, _, rest = rel.partition("/")
        if top == "store":
            return root / rest
        if top == "people":
            return people / rest
        if top == "external":
            return Path(external[rel])
        return project / rest

    differ = [
        rel
        for rel in files
        if rel.startswith(("project/", "external/"))
        and target_of(rel).is_file()
        and _sha(target_of(rel)) != files[rel]
    ]
    if differ and not force:
        raise WeibaoError(
            f"备份中的 {len(differ)} 个定义或参照文件与当前项目不同,未恢复",
            f"{len(differ)} definition/reference file(s) differ from the project; nothing restored",
            "核对差异;确认用备份覆盖时加 --force",
            [d.removeprefix("project/") for d in differ[:10]],
        )
    written = []
    root.mkdir(parents=True, exist_ok=True)
    people.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(people, PRIVATE_DIR)
    for rel, digest in sorted(files.items()):
        target = target_of(rel)
        if rel.startswith(("project/", "external/")):
            if target.is_file() and _sha(target) == digest:
                continue
        elif rel.startswith("people/"):
            for parent in reversed(target.relative_to(people).parents[:-1]):
                (people / parent).mkdir(mode=PRIVATE_DIR, exist_ok=True)
        store.atomic_write(target, (src / rel).read_bytes())  # 0600, as mkstemp makes it
        if rel.startswith(("project/", "external/")):
            os.chmod(target, 0o644)  # definitions are not secret; as a checkout has them
        written.append(rel)
    store.log_action(root, "restored", source=str(src), files=len(written))
    return written
