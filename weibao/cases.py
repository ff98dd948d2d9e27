"""挂牌督办, 限时整改: a 督办单 (case) opened from a supervision item and followed to its close.

    open ──reply──▶ replied ──close (销号)──▶ closed
      │                │
      │                └──return (退回重办)──▶ returned ──reply──▶ replied …
      └── overdue: open or returned, past the due date, no reply since (computed, not stored)

Events are appended to `<people>/cases.jsonl` and never rewritten; a case's state is the fold
of its events. The case keeps a copy of its item (indicator, unit, gap, responsible units) as
it was when opened, so it stays open until it is verified and closed even if the item leaves
the supervision list. Every event is audited. Replies carry no personal data: the same ID,
mobile and name guard as uploads.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from weibao import audit
from weibao.access import Actor, covers, require_jurisdiction, require_role
from weibao.errors import WeibaoError
from weibao.paths import people_dir

LOG = "cases.jsonl"
STATES = ("open", "replied", "returned", "closed", "overdue")
OFFICE = ("statistician", "inspector")  # who opens, verifies, closes and returns
ITEM_FIELDS = (
    "item_id",
    "item_kind",
    "jurisdiction_code",
    "org_unit_code",
    "year",
    "indicator_code",
    "task_id",
    "responsible_units_zh",
    "responsible_member_units",
    "gap",
    "source_doc",
    "source_clause",
)


@dataclass
class Case:
    case_id: str
    item: dict
    due: str  # YYYY-MM-DD, the 限时
    instruction: str
    opened_by: str
    opened_at: str
    state: str = "open"  # stored state: open | replied | returned | closed
    replies: list[dict] = field(default_factory=list)
    verdicts: list[dict] = field(default_factory=list)

    def status(self, today: date | None = None) -> str:
        """The state with overdue computed: waiting for the unit's reply past the due date."""
        today = today or datetime.now(UTC).date()
        if self.state in ("open", "returned") and today > date.fromisoformat(self.due):
            return "overdue"
        return self.state

    def units(self) -> list[tuple[str, str]]:
        """(jurisdiction, agency_code) of each responsible member unit (member_unit_id
        '330483.civil_affairs')."""
        out = []
        for mu in str(self.item.get("responsible_member_units") or "").split(";"):
            if "." in mu:
                j, a = mu.strip().split(".", 1)
                out.append((j, a))
        return out


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _append(event: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".cases.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(folder / LOG, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load(folder: Path | None = None) -> dict[str, Case]:
    """Every case, by id, folded from its events in order."""
    path = (folder or people_dir()) / LOG
    cases: dict[str, Case] = {}
    if not path.exists():
        return cases
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                ev = json.loads(line)
            except ValueError:
                continue  # a torn last line; the audit log keeps the record
            kind, cid = ev.get("event"), ev.get("case_id")
            if kind == "open":
                cases[cid] = Case(
                    cid, ev["item"], ev["due"], ev["instruction"], ev["who"], ev["at"]
                )
            elif cid in cases:
                case = cases[cid]
                if kind == "reply":
                    case.state = "replied"
                    case.replies.append(ev)
                elif kind in ("close", "return"):
                    case.state = "closed" if kind == "close" else "returned"
                    case.verdicts.append(ev)
    return cases


def get(case_id: str, folder: Path | None = None) -> Case:
    cases = load(folder)
    if case_id not in cases:
        raise WeibaoError(f"没有督办单 {case_id}", f"no case {case_id}", "weibao case list")
    return cases[case_id]


def visible(actor: Actor, case: Case) -> bool:
    """Agencies see the cases of their own unit; the others those in their jurisdiction."""
    if actor.role == "agency":
        return (actor.jurisdiction, actor.unit) in case.units()
    return covers(actor.jurisdiction, str(case.item.get("org_unit_code", "")))


def frame(actor: Actor, today: date | None = None, folder: Path | None = None) -> pd.DataFrame:
    """The cases the actor may see, one row each, with the computed status."""
    rows = []
    for case in load(folder).values():
        if not visible(actor, case):
            continue
        last_reply = case.replies[-1] if case.replies else {}
        rows.append(
            {
                "case_id": case.case_id,
                "status": case.status(today),
                "due": case.due,
                "opened_at": case.opened_at,
                "instruction": case.instruction,
                "measures": last_reply.get("measures", ""),
                "expected_date": last_reply.get("expected_date", ""),
                **{k: case.item.get(k) for k in ITEM_FIELDS},
            }
        )
    cols = ["case_id", "status", "due", "opened_at", "instruction", "measures", "expected_date"]
    return pd.DataFrame(rows, columns=[*cols, *ITEM_FIELDS])


def _personal_data(texts: dict[str, str]) -> list[str]:
    """The upload guard on free text: ID-card and mobile numbers (after NFKC, separators and
    +86 removed) and likely personal names."""
    from weibao.intake.checks import ID_CARD, ID_CARD_15, MOBILE, scan_form, valid_id_checksum
    from weibao.intake.names import names_in

    found = []
    for label, text in texts.items():
        if not text:
            continue
        values = pd.Series([str(text)])
        scanned = scan_form(values)
        ids = scanned.str.extract(ID_CARD, expand=False).dropna()
        old = scanned.str.extract(ID_CARD_15, expand=False).dropna()
        if any(valid_id_checksum(v) for v in ids) or len(old):
            found.append(f"{label}:身份证号 / ID-card number")
        if len(scanned.str.extract(MOBILE, expand=False).dropna()):
            found.append(f"{label}:手机号 / mobile number")
        if names_in(values).notna().any():
            found.append(f"{label}:疑似人名 / likely personal name")
    return found


def _guard(texts: dict[str, str]) -> None:
    found = _personal_data(texts)
    if found:
        raise WeibaoError(
            "督办单内容含有个人信息,未保存",
            "the text carries personal data; nothing was saved",
            "只写整改措施和数字,不写姓名、身份证号、手机号",
            found,
        )


def _date(text: str, what: str) -> str:
    try:
        return date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise WeibaoError(
            f"{what}“{text}”不是日期", f"{what} {text!r} is not a date", "写成 2026-12-31"
        ) from None


def open_case(
    actor: Actor,
    item: dict,
    due: str,
    instruction: str,
    folder: Path | None = None,
) -> Case:
    """Open a 督办单 on a supervision item: the responsible units come from the item, with a
    due date for rectification and the leader's instruction."""
    folder = folder or people_dir()
    require_role(actor, *OFFICE, what_zh="交办督办单", what_en="open a case")
    require_jurisdiction(actor, str(item.get("org_unit_code", "")), "交办督办单", "open a case")
    due = _date(due, "整改期限")
    if not str(instruction or "").strip():
        raise WeibaoError("缺少领导批示", "the instruction is missing", "写明督办要求")
    _guard({"领导批示": instruction})
    snapshot = {k: _plain(item.get(k)) for k in ITEM_FIELDS}
    if not snapshot["item_id"]:
        raise WeibaoError("督办事项缺少编号", "the item has no item_id", "从督办清单选择事项")
    at = _now()
    case_id = "DB-" + hashlib.sha256(f"{snapshot['item_id']}|{at}".encode()).hexdigest()[:8]
    event = {
        "event": "open",
        "case_id": case_id,
        "item": snapshot,
        "due": due,
        "instruction": instruction.strip(),
        "who": actor.name,
        "role": actor.role,
        "at": at,
    }
    _append(event, folder)
    _audit("case_opened", actor, case_id, {"item_id": snapshot["item_id"], "due": due}, folder)
    return get(case_id, folder)


def reply(
    actor: Actor,
    case_id: str,
    measures: str,
    expected_date: str,
    note: str = "",
    folder: Path | None = None,
) -> Case:
    """The responsible unit replies with its rectification measures (整改措施), an expected
    completion date and a note. Allowed while the case is open or returned."""
    folder = folder or people_dir()
    case = get(case_id, folder)
    if actor.role == "agency":
        if (actor.jurisdiction, actor.unit) not in case.units():
            raise WeibaoError(
                f"{actor.name} 不是督办单 {case_id} 的责任单位",
                f"{actor.name} is not a responsible unit of {case_id}",
                f"责任单位:{case.item.get('responsible_units_zh') or '—'}",
            )
    else:
        require_role(actor, "agency", "statistician", what_zh="反馈督办单", what_en="reply")
        require_jurisdiction(actor, str(case.item.get("org_unit_code")), "反馈督办单", "reply")
    if case.state not in ("open", "returned"):
        raise WeibaoError(
            f"督办单 {case_id} 当前状态为 {case.state},不能再反馈",
            f"case {case_id} is {case.state}; it takes no reply",
            "只有已交办或退回重办的督办单可以反馈",
        )
    if not str(measures or "").strip():
        raise WeibaoError("缺少整改措施", "the measures are missing", "写明整改措施")
    expected = _date(expected_date, "预计完成日期")
    _guard({"整改措施": measures, "备注": note})
    event = {
        "event": "reply",
        "case_id": case_id,
        "measures": measures.strip(),
        "expected_date": expected,
        "note": (note or "").strip(),
        "who": actor.name,
        "role": actor.role,
        "at": _now(),
    }
    _append(event, folder)
    _audit("case_replied", actor, case_id, {"expected_date": expected}, folder)
    return get(case_id, folder)


def verify(
    actor: Actor, case_id: str, close: bool, reason: str = "", folder: Path | None = None
) -> Case:
    """The office verifies a reply: close it (销号) or return it with a reason (退回重办)."""
    folder = folder or people_dir()
    what = ("督办单销号", "close a case") if close else ("退回督办单", "return a case")
    require_role(actor, *OFFICE, what_zh=what[0], what_en=what[1])
    case = get(case_id, folder)
    require_jurisdiction(actor, str(case.item.get("org_unit_code")), *what)
    if case.state != "replied":
        raise WeibaoError(
            f"督办单 {case_id} 当前状态为 {case.state},须在责任单位反馈后核验",
            f"case {case_id} is {case.state}; it can be verified only after a reply",
            "等责任单位反馈后再销号或退回",
        )
    if not close and not str(reason or "").strip():
        raise WeibaoError("退回重办须写明原因", "returning needs a reason", "写明退回原因")
    _guard({"原因": reason})
    event = {
        "event": "close" if close else "return",
        "case_id": case_id,
        "reason": (reason or "").strip(),
        "who": actor.name,
        "role": actor.role,
        "at": _now(),
    }
    _append(event, folder)
    _audit(
        "case_closed" if close else "case_returned",
        actor,
        case_id,
        {"reason": event["reason"]},
        folder,
    )
    return get(case_id, folder)


def _audit(action: str, actor: Actor, case_id: str, detail: dict, folder: Path) -> None:
    audit.record(
        action,
        who=actor.name,
        role=actor.role,
        object=case_id,
        detail={**actor.audit_detail(), **detail},
        folder=folder,
    )


def _plain(value):
    """Item fields as JSON-able scalars (the warehouse hands back numpy and Decimal types)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)
