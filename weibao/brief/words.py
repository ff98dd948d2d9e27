"""Words for the brief's rows: names, statuses, values, targets, gaps, owners and sources,
in the brief's language, from mart rows (pandas rows or dicts)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from weibao.i18n import (
    MISSING,
    STATUSES,
    agency_name,
    basis_mark,
    fmt_target,
    fmt_value,
    gap_text,
    is_suppressed,
    status,
    t,
    target_basis,
    task_status,
)

if TYPE_CHECKING:
    from weibao.brief.content import Brief

OFF_PACE = ("needs_acceleration", "limited_progress", "deteriorating")


def present(x: Any) -> bool:
    return x is not None and not (isinstance(x, float) and pd.isna(x)) and x is not pd.NA


def text(x: Any) -> str:
    return str(x) if present(x) and str(x) else MISSING


def doc_label(b: Brief, source_doc: Any) -> str:
    """《桐乡市未成年人保护工作委员会2022年工作要点》 from the document's title, else the file name."""
    if not present(source_doc):
        return MISSING
    title = b.titles.get(str(source_doc), "")
    quoted = re.findall(r"《[^》]+》", title)
    if quoted:
        return "".join(quoted)
    return title or str(source_doc)


def indicator_name(row: Any, lang: str) -> str:
    return str(row["name_zh"] if lang == "zh" else row["name_en"])


def domain_label(row: Any, lang: str) -> str:
    if lang == "zh":
        return text(row["protection_domain_zh"])
    return text(row["protection_domain"]).capitalize()


def responsible_label(b: Brief, row: Any, lang: str) -> str:
    """The indicator's responsible units: 民政局、妇联 in Chinese; in English the committee's
    own English names for those agencies."""
    if lang == "zh":
        return text(row["responsible_units_zh"])
    codes = str(row["responsible_units"]).split(";") if present(row["responsible_units"]) else []
    return ", ".join(agency_label(b, c) for c in codes if c) or MISSING


def status_word(code: Any, lang: str) -> str:
    """The word of an indicator status, or of a task status on a task item."""
    if present(code) and code not in STATUSES:
        return task_status(code).label(lang)
    return status(code if present(code) else None).label(lang)


def is_task(item: Any) -> bool:
    return item.get("item_kind") == "task"


def value_text(row: Any, lang: str) -> str:
    """The figure, '<5' where suppressed, and only 未审核 where the setting hides figures not
    yet approved (a shown one's mark is the row's approval_mark, beside it)."""
    if bool(row.get("approval_hidden", False)):
        return t("approval_hidden", lang)
    if is_suppressed(row, row):  # before the missing check: a suppressed value is cleared
        return "<5"
    if not present(row["value"]):
        return MISSING
    return fmt_value(row["value"], row, lang)


def target_text(row: Any, lang: str) -> str:
    """The target, marked 推定目标 or 示例目标 when its clause does not state it."""
    text = fmt_target(row, row, lang)
    mark = basis_mark(row, lang) if text != MISSING else ""
    if mark:
        text += f"({mark})" if lang == "zh" else f" ({mark})"
    return text


def derivation_text(row: Any, lang: str) -> str:
    """What was read for a derived target (a print has no tooltip); '' otherwise."""
    if target_basis(row) != "derived":
        return ""
    for key in ("derivation_note", "target_derivation_note"):
        note = row.get(f"{key}_en" if lang == "en" else key)
        if isinstance(note, str) and note:
            return note
    return ""


def item_gap(item: Any, lang: str) -> str:
    """A supervision item's gap in words; for one lagging only on pace, the pace word; for a
    task, its reported status."""
    if is_task(item):
        return t("brief_task_gap", lang, word=status_word(item["status"], lang))
    words = gap_text(item, item, lang) if present(item.get("indicator_code")) else ""
    if words:
        return words
    if present(item.get("progress_status")) and item["progress_status"] in OFF_PACE:
        return t("brief_pace_gap", lang, word=status_word(item["progress_status"], lang))
    return MISSING


def item_status(item: Any, lang: str) -> str:
    words = [status_word(item["status"], lang)] if present(item["status"]) else []
    pace = item.get("progress_status")
    if present(pace) and pace in OFF_PACE:
        words.append(t("brief_pace_word", lang, word=status_word(pace, lang)))
    return ";".join(words) if lang == "zh" else "; ".join(words)


def member_names(b: Brief) -> dict[str, str]:
    """member_unit_id → 市民政局 in Chinese, "Civil affairs bureau" in English."""
    if "member_names" not in b.cache:
        col = "name_zh" if b.lang == "zh" else "agency_name_en"
        mu = b.member_units
        b.cache["member_names"] = {
            m: (str(n)[:1].upper() + str(n)[1:] if present(n) else str(z))
            for m, n, z in zip(mu["member_unit_id"], mu[col], mu["name_zh"], strict=True)
        }
    return b.cache["member_names"]


def item_owners(b: Brief, item: Any) -> list[str]:
    ids = item.get("responsible_member_units")
    if present(ids) and ids:
        names = member_names(b)
        return [names.get(i, i) for i in str(ids).split(";") if i]
    return [text(item["responsible_units_zh"])]


def item_name(item: Any, lang: str) -> str:
    if not is_task(item) and present(item.get("indicator_code")):
        return indicator_name(item, lang)
    title = item.get("task_title")
    return text(title if present(title) else item.get("task_id"))


def type_name(code: str, lang: str) -> str:
    from weibao.submission_types import SUBMISSION_TYPES

    stype = SUBMISSION_TYPES.get(code)
    return code if stype is None else (stype.name_zh if lang == "zh" else stype.name_en)


def agency_label(b: Brief, code: str) -> str:
    """The committee's own name for the agency (市民政局), else the generic one."""
    mu = b.member_units[b.member_units["agency_code"] == code]
    if len(mu):
        return member_names(b)[str(mu["member_unit_id"].iloc[0])]
    return agency_name(code, b.lang)
