"""Approval and lock, as in DHIS2: a statistician approves a jurisdiction's period (and
optionally one submission type); from then on the intake refuses that key with
E_PERIOD_LOCKED, until someone unlocks it with a reason. Approval moves up as in DHIS2: a
county approves its own data, then a statistician of the city or province above accepts it
(`accept`); once accepted, only the level that accepted it (or one above) can unlock it.

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
    action: str  # approve | accept | unlock
    jurisdiction: str
    period: str
    type: str  # "" = every type
    who: str
    role: str
    at: str
    reason: str = ""
    by_jurisdiction: str = ""  # accept: the accepting statistician's jurisdiction

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
    return last if last is not None and last.action in ("approve", "accept") else None


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


def _record(event: Event, actor: Actor, folder: Path, **detail) -> Event:
    """Append the event to the approvals log, then audit it (same action, same time)."""
    _append(event, folder)
    audit.record(
        event.action,
        who=actor.name,
        role=actor.role,
        object=key_text(event),
        detail={**detail, **actor.audit_detail()},
        folder=folder,
        at=event.at,
    )
    return event


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
    return _record(event, actor, folder)


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
        if (
            event is not None
            and event.action == "accept"
            and not covers(actor.jurisdiction, event.by_jurisdiction)
        ):
            raise WeibaoError(
                f"该期间已由上级 {event.by_jurisdiction or '全部辖区'} 的 {event.who} 于 "
                f"{event.when_zh()} 接受,本账号不能退回",
                f"accepted above ({event.by_jurisdiction or 'all'}, by {event.who}); this "
                "account cannot unlock",
                f"请 {event.by_jurisdiction or '上级'} 的统计员退回修改",
            )
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
    return _record(event, actor, folder, reason=event.reason)


def accept(
    actor: Actor,
    jurisdiction: str,
    period: str,
    submission_type: str = "",
    folder: Path | None = None,
) -> Event:
    """A statistician of a jurisdiction above accepts what the jurisdiction approved (DHIS2's
    accept): the key stays locked, and from now on only the accepting level (or one above)
    can unlock it. Refused for anyone else, and for a key not yet approved."""
    folder = folder or people_dir()
    jurisdiction = str(jurisdiction)
    require_role(actor, "statistician", what_zh="接受下级审核", what_en="accept")
    if not covers(actor.jurisdiction, jurisdiction) or actor.jurisdiction == jurisdiction:
        raise WeibaoError(
            f"{actor.name} 无权接受 {jurisdiction} 的审核:接受由上级辖区的统计员办理"
            f"(本账号辖区为 {actor.jurisdiction})",
            f"{actor.name} may not accept {jurisdiction}: acceptance is for a statistician of "
            f"a jurisdiction above it (this account's is {actor.jurisdiction})",
            f"由 {jurisdiction} 的上级(市或省)统计员办理;本辖区的数据用“审核锁定”",
        )
    _check_key(jurisdiction, str(period), submission_type)
    from weibao.submission_types import SUBMISSION_TYPES

    waiting = [
        t
        for t in ([submission_type] if submission_type else list(SUBMISSION_TYPES))
        if in_force(t, jurisdiction, str(period), folder) is None
    ]
    if waiting:
        raise WeibaoError(
            f"{jurisdiction} 的 {period} 尚未审核锁定({'、'.join(waiting[:5])}"
            f"{' 等' if len(waiting) > 5 else ''}),不能接受",
            f"{jurisdiction} {period} is not approved yet ({', '.join(waiting[:5])}"
            f"{' …' if len(waiting) > 5 else ''}); nothing to accept",
            f"请 {jurisdiction} 的统计员先审核锁定,再接受",
        )
    event = Event(
        "accept",
        jurisdiction,
        str(period),
        submission_type,
        actor.name,
        actor.role,
        _now(),
        by_jurisdiction=actor.jurisdiction,
    )
    return _record(event, actor, folder)


def key_text(event: Event) -> str:
    return f"{event.jurisdiction}/{event.period}/{event.type or '*'}"


# ---- what leaders see of figures not yet approved -------------------------------------------

# Figures cleared on a hidden row (those a frame has), and the status words set to no_data.
_HIDDEN_FIGURES = (
    "numerator",
    "denominator",
    "value",
    "gap",
    "baseline_value",
    "cagr_observed",
    "cagr_required",
    "progress_ratio",
    "projected_year_end",
)
_HIDDEN_STATUSES = ("status", "progress_status", "indicator_status", "in_year_status")
NOT_APPROVED = ("pending", "mixed")


def leader_display() -> str:
    """How figures not yet approved reach leaders (everyone but a statistician): `mark` (shown,
    marked 未审核 / 含未审核数据) or `hide` (cleared). The setting is `unapproved_for_leaders` in
    weibao.toml; its choices are the keys of `unapproved_display` in locales/*.yml."""
    from weibao.i18n import catalog
    from weibao.settings import settings

    mode = settings().unapproved_for_leaders
    choices = catalog("zh").get("unapproved_display", {})
    if mode not in choices:
        raise WeibaoError(
            f"设置 unapproved_for_leaders 的值“{mode}”无效",
            f"setting unapproved_for_leaders: '{mode}' is not one of {', '.join(choices)}",
            "在 weibao.toml 中写 " + " 或 ".join(f'"{c}"({w})' for c, w in choices.items()),
        )
    return mode


def approved_item_sql(values: str = "v") -> str:
    """SQL true for a supervision item a leader may see in `hide` mode: a task (no figure) or
    an indicator item whose figure is approved. `values` is the alias of fct_indicator_values
    left-joined on the item's indicator, unit and year. An item that lags on a figure not yet
    approved is left out of the list and of every count, not listed with its figure cleared:
    that it lags is itself the unapproved figure."""
    statuses = ", ".join(f"'{s}'" for s in NOT_APPROVED)
    return f"({values}.approval_status is null or {values}.approval_status not in ({statuses}))"


def hide_unapproved(frame):
    """A copy in which the figures of rows not yet approved (approval_status pending or mixed)
    are cleared and their status words are no_data, with `approval_hidden` True on them. Rows
    without an approval status (a task, an indicator without a row) are left as they are."""
    out = frame.copy()
    if "approval_status" not in out.columns:
        out["approval_hidden"] = False
        return out
    hidden = out["approval_status"].isin(NOT_APPROVED).astype(bool)
    out["approval_hidden"] = hidden
    if hidden.any():
        for col in _HIDDEN_FIGURES:
            if col in out.columns:
                out[col] = out[col].where(~hidden)
        for col in _HIDDEN_STATUSES:
            if col in out.columns:
                out[col] = out[col].where(~hidden, "no_data")
    return out
