"""Approval and lock, as in DHIS2: a statistician approves a jurisdiction's period (and
optionally one submission type); from then on the intake refuses that key with
E_PERIOD_LOCKED, until someone unlocks it with a reason.

Events are appended to `<people>/approvals.jsonl` and never rewritten:

    {"action": "approve", "jurisdiction": "330483", "period": "2024", "type": "",
     "who": "zhang", "role": "statistician", "at": "2026-12-02T01:00:00Z", "reason": ""}

What is in force for a submission key (type T, jurisdiction J, period P) is the last event
that covers it. An event covers the key when its jurisdiction is J or above it (a city's
approval covers its counties), its type is T or "" (all types), and its period is P or the
year of P (a year also locks its quarters).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from weibao import audit
from weibao.access import Actor, covers, require_jurisdiction, require_role
from weibao.errors import WeibaoError
from weibao.paths import people_dir

LOG = "approvals.jsonl"
_CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Event:
    action: str  # approve | unlock
    jurisdiction: str
    period: str
    type: str  # "" = every type
    who: str
    role: str
    at: str
    reason: str = ""

    def covers(self, submission_type: str, jurisdiction: str, period: str) -> bool:
        return (
            covers(self.jurisdiction, jurisdiction)
            and self.type in ("", submission_type)
            and (self.period == period or (len(self.period) == 4 and period[:4] == self.period))
        )

    def when_zh(self) -> str:
        t = datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(_CST)
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def read(folder: Path | None = None) -> list[Event]:
    path = (folder or people_dir()) / LOG
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                out.append(Event(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a torn last line; the audit log holds the record of every event
    return out


def in_force(
    submission_type: str, jurisdiction: str, period: str, folder: Path | None = None
) -> Event | None:
    """The approval locking this key, or None when it is open (never approved, or unlocked
    since)."""
    last = None
    for event in read(folder):
        if event.covers(submission_type, str(jurisdiction), str(period)):
            last = event
    return last if last is not None and last.action == "approve" else None


def _check_key(jurisdiction: str, period: str, submission_type: str) -> None:
    if not re.fullmatch(r"\d{4}(Q[1-4])?", period):
        raise WeibaoError(
            f"期间 {period} 格式不对",
            f"period {period} is not YYYY or YYYYQn",
            "年度写 2024,季度写 2024Q1",
        )
    if submission_type:
        from weibao.submission_types import SUBMISSION_TYPES

        if submission_type not in SUBMISSION_TYPES:
            raise WeibaoError(
                f"未知的报送类型 {submission_type}",
                f"unknown submission type {submission_type}",
                "可选: " + ", ".join(SUBMISSION_TYPES),
            )
    from weibao.divisions import lookup

    if lookup(str(jurisdiction)) is None:
        raise WeibaoError(
            f"辖区代码 {jurisdiction} 不在2023年统计用区划代码中",
            f"jurisdiction {jurisdiction} is not a 2023 division code",
            "例如 330483",
        )


def _append(event: Event, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".approvals.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(folder / LOG, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(asdict(event), ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def approve(
    actor: Actor,
    jurisdiction: str,
    period: str,
    submission_type: str = "",
    folder: Path | None = None,
) -> Event:
    """Approve and lock. Statisticians only, within their jurisdiction."""
    folder = folder or people_dir()
    require_role(actor, "statistician", what_zh="审核锁定", what_en="approve")
    require_jurisdiction(actor, jurisdiction, "审核锁定", "approve")
    _check_key(str(jurisdiction), str(period), submission_type)
    event = Event(
        "approve", str(jurisdiction), str(period), submission_type, actor.name, actor.role, _now()
    )
    _append(event, folder)
    audit.record(
        "approve",
        who=actor.name,
        role=actor.role,
        object=key_text(event),
        detail=actor.audit_detail(),
        folder=folder,
        at=event.at,
    )
    return event


def unlock(
    actor: Actor,
    jurisdiction: str,
    period: str,
    reason: str,
    submission_type: str = "",
    folder: Path | None = None,
) -> Event:
    """Reopen a locked key; the reason is required and recorded. A lock set above the actor's
    jurisdiction (a city's acceptance) is the city's to undo."""
    folder = folder or people_dir()
    require_role(actor, "statistician", what_zh="退回修改", what_en="unlock")
    require_jurisdiction(actor, jurisdiction, "退回修改", "unlock")
    _check_key(str(jurisdiction), str(period), submission_type)
    if not reason or not reason.strip():
        raise WeibaoError("退回修改须写明原因", "unlock needs a reason", '加上 --reason "退回原因"')
    from weibao.submission_types import SUBMISSION_TYPES

    for t in [submission_type] if submission_type else list(SUBMISSION_TYPES):
        event = in_force(t, str(jurisdiction), str(period), folder)
        if event is not None and not covers(actor.jurisdiction, event.jurisdiction):
            raise WeibaoError(
                f"该期间由上级 {event.jurisdiction} 的 {event.who} 于 {event.when_zh()} 锁定,"
                "本账号不能退回",
                f"locked above ({event.jurisdiction}, by {event.who}); this account cannot unlock",
                f"请 {event.jurisdiction} 的统计员退回修改",
            )
    event = Event(
        "unlock",
        str(jurisdiction),
        str(period),
        submission_type,
        actor.name,
        actor.role,
        _now(),
        reason.strip(),
    )
    _append(event, folder)
    audit.record(
        "unlock",
        who=actor.name,
        role=actor.role,
        object=key_text(event),
        detail={"reason": event.reason, **actor.audit_detail()},
        folder=folder,
        at=event.at,
    )
    return event


def key_text(event: Event) -> str:
    return f"{event.jurisdiction}/{event.period}/{event.type or '*'}"
