"""The audit log: who did what, when, to what; append-only and hash-chained.

Each line of `<people>/audit.jsonl` is one JSON object:

    {"seq": 12, "at": "2026-12-02T01:02:03Z", "who": "zhang", "role": "statistician",
     "action": "approve", "object": "330483/2024/*", "detail": {...},
     "prev": "<hash of line 11>", "hash": "<sha256 of this entry without 'hash'>"}

Editing a line changes its hash, so the next line's `prev` no longer matches; deleting a line
leaves a gap in `seq` and a broken `prev`. Removing lines from the end is caught by
`audit.head`, written after every append with the last seq and hash. `verify()` checks all
three. Entries are never rewritten or purged here, so they are kept well past the 180 days
that 等级保护 asks for; archiving old lines is the operator's job, with the file as it is.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from weibao.errors import WeibaoError
from weibao.paths import people_dir

LOG = "audit.jsonl"
HEAD = "audit.head"
GENESIS = "0" * 64
FIELDS = ("seq", "at", "who", "role", "action", "object", "detail", "prev")

# What is recorded (issue 9); their words are in locales/*.yml, section audit_actions.
ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "account_locked",
    "sign_out",
    "session_expired",
    "password_changed",
    "user_added",
    "user_disabled",
    "user_enabled",
    "user_reset",
    "submission_accepted",
    "submission_rejected",
    "submission_refused",
    "submission_withdrawn",
    "withdrawal_refused",
    "approve",
    "accept",
    "unlock",
    "build",
    "publish",
    "brief_export",
    "view_unsuppressed",
    "case_opened",
    "case_replied",
    "case_closed",
    "case_returned",
)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_hash(entry: dict) -> str:
    """sha256 over the entry's fields (not its own hash), in a fixed canonical JSON form."""
    body = {k: entry.get(k) for k in FIELDS}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".audit.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _last_line(path: Path) -> str | None:
    """The last complete line of the log, read from the end (the log only grows)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        end = fh.tell()
        step, data = 4096, b""
        while end > 0:
            start = max(0, end - step)
            fh.seek(start)
            data = fh.read(end - start) + data
            end = start
            if data.rstrip(b"\n").count(b"\n") >= 1:
                break
    lines = data.rstrip(b"\n").split(b"\n")
    return lines[-1].decode("utf-8") if lines and lines[-1] else None


def record(
    action: str,
    *,
    who: str,
    role: str,
    object: str = "",
    detail: dict | str | None = None,
    folder: Path | None = None,
    at: str | None = None,
) -> dict:
    """Append one entry and return it. Raises if the log's last line is not valid JSON (the
    chain cannot be continued from a damaged end; `weibao audit --verify` says where)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    folder = folder or people_dir()
    path = folder / LOG
    with _locked(folder):
        last = _last_line(path)
        if last is None:
            seq, prev = 1, GENESIS
        else:
            try:
                tail = json.loads(last)
                seq, prev = int(tail["seq"]) + 1, str(tail["hash"])
            except (ValueError, KeyError, TypeError):
                raise WeibaoError(
                    f"审计日志 {path} 的最后一行已损坏,无法继续记录",
                    f"the last line of the audit log {path} is damaged; cannot append",
                    "运行 weibao audit --verify 查看损坏位置,由管理员从备份恢复该文件",
                ) from None
        entry = {
            "seq": seq,
            "at": at or _now(),
            "who": who,
            "role": role,
            "action": action,
            "object": object,
            "detail": detail if detail is not None else "",
            "prev": prev,
        }
        entry["hash"] = entry_hash(entry)
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        size = path.stat().st_size if path.exists() else 0
        head = folder / HEAD
        tmp = head.with_suffix(".tmp")
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.write_text(json.dumps({"seq": seq, "hash": entry["hash"]}), encoding="utf-8")
            os.replace(tmp, head)
        except BaseException:
            # A failed append (full disk, file-size limit) must not leave a torn last line, or
            # a line the head does not confirm: every later entry would be refused.
            with suppress(OSError), open(path, "r+b") as fh:
                fh.truncate(size)
                os.fsync(fh.fileno())
            tmp.unlink(missing_ok=True)
            raise
    return entry


def read(folder: Path | None = None, since: str | None = None) -> list[dict]:
    """Entries in order; with `since` (an ISO date or time), those at or after it. Lines that
    are not JSON are skipped here (verify() reports them)."""
    path = (folder or people_dir()) / LOG
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if since and str(entry.get("at", "")) < since:
                continue
            out.append(entry)
    return out


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    line: int | None = None  # the first line that breaks the chain (1-based)
    problem_zh: str = ""
    problem_en: str = ""

    def text(self) -> str:
        if self.ok:
            return f"审计日志完整:{self.entries} 条记录,哈希链校验通过 / audit chain verified: {self.entries} entries"
        return (
            f"审计日志校验失败 / audit chain broken"
            f"{f' 第 {self.line} 行 / line {self.line}' if self.line else ''}:"
            f"{self.problem_zh} / {self.problem_en}"
        )


def verify(folder: Path | None = None) -> Verification:
    """Walk the chain from the first line: JSON, seq, prev and hash of every line, then the
    head record against the last line."""
    folder = folder or people_dir()
    path = folder / LOG
    prev, n = GENESIS, 0
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                try:
                    entry = json.loads(line)
                except ValueError:
                    return Verification(False, n - 1, n, "不是有效的记录", "not a valid entry")
                if entry.get("seq") != n:
                    return Verification(
                        False,
                        n - 1,
                        n,
                        f"序号应为 {n},实为 {entry.get('seq')}(有记录被删除或插入)",
                        f"seq should be {n}, is {entry.get('seq')} (an entry was removed or inserted)",
                    )
                if entry.get("prev") != prev:
                    return Verification(
                        False,
                        n - 1,
                        n,
                        "与上一条记录的哈希不符(上一条被改动或删除)",
                        "does not match the previous entry's hash (that entry was edited or removed)",
                    )
                if entry.get("hash") != entry_hash(entry):
                    return Verification(
                        False,
                        n - 1,
                        n,
                        "内容被改动(哈希不符)",
                        "content was edited (hash mismatch)",
                    )
                prev = entry["hash"]
    head_path = folder / HEAD
    if head_path.exists():
        try:
            head = json.loads(head_path.read_text(encoding="utf-8"))
        except ValueError:
            head = {}
        if head.get("seq") != n or head.get("hash") != (prev if n else None):
            return Verification(
                False,
                n,
                None,
                f"日志末尾缺少记录:应有 {head.get('seq')} 条,实有 {n} 条",
                f"entries missing at the end: the head says {head.get('seq')}, the log has {n}",
            )
    elif n:
        return Verification(False, n, None, "缺少 audit.head 文件", "audit.head is missing")
    return Verification(True, n)
