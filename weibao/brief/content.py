"""What the meeting brief says, independent of its format: the figures of one jurisdiction and
year read from the marts, and the rows of each section in words (statuses, gaps, owners).
The xlsx and PDF writers only lay these out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from weibao.brief import queries
from weibao.brief.words import (
    agency_label,
    derivation_text,
    doc_label,
    domain_label,
    indicator_name,
    is_task,
    item_gap,
    item_name,
    item_owners,
    item_status,
    member_names,
    present,
    responsible_label,
    status_word,
    target_text,
    text,
    type_name,
    value_text,
)
from weibao.errors import WeibaoError
from weibao.i18n import (
    LEVEL_NAMES,
    MISSING,
    approval_mark,
    basis_mark,
    fmt_count,
    fmt_date,
    fmt_rate,
    fmt_target,
    gap_text,
    is_suppressed,
    submission_status,
    t,
)

# Order of statuses in counts and charts: met first, then what is behind, then the greys.
STATUS_ORDER = (
    "achieved",
    "on_track",
    "not_achieved",
    "needs_acceleration",
    "limited_progress",
    "deteriorating",
    "no_data",
    "no_target",
)
DOMAIN_ORDER = ("family", "school", "society", "online", "government", "judicial")
REPORTING_STATUSES = ("on_time", "late", "missing", "pending")


@dataclass
class Brief:
    code: str
    name: str
    level: str
    year: int
    lang: str
    is_demo: bool
    indicators: pd.DataFrame  # every catalog indicator, with this unit's value and target
    supervision: pd.DataFrame
    member_units: pd.DataFrame
    reporting: pd.DataFrame
    overdue: pd.DataFrame
    area_name: str  # the county, city or province whose submissions are counted
    titles: dict[str, str] = field(default_factory=dict)
    generated: dt.date = field(default_factory=dt.date.today)
    # a statistician's internal version (内部): every figure, unsuppressed, not-yet-approved
    # ones marked; marked 内部 on every page and sheet and in the file name
    internal: bool = False
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def assessed(self) -> pd.DataFrame:
        """Indicators the brief reports on: computed for this unit, or with a target here."""
        ind = self.indicators
        return ind[ind["has_row"] | ind["target_value"].notna()]

    @property
    def with_target(self) -> pd.DataFrame:
        return self.indicators[self.indicators["target_value"].notna()]

    @property
    def achieved(self) -> int:
        return int((self.with_target["status"] == "achieved").sum())

    def title(self) -> str:
        title = t("brief_title", self.lang, area=self.name, year=self.year)
        return f"【{t('internal_badge', self.lang)}】{title}" if self.internal else title


def check(warehouse: Path, jurisdiction: str, year: int) -> pd.Series:
    """The jurisdiction's row; WeibaoError for a missing warehouse, an unknown unit or a year
    with neither data nor targets."""
    unit = queries.org_unit(warehouse, jurisdiction)
    years = queries.years_with_data(warehouse, jurisdiction)
    if year not in years:
        shown = "、".join(str(y) for y in years) or "无 / none"
        raise WeibaoError(
            f"{unit['org_unit_name']}({jurisdiction})在 {year} 年没有数据或目标",
            f"no data or targets for {unit['org_unit_name']} ({jurisdiction}) in {year}",
            f"有数据的年度: {shown}",
        )
    return unit


def load(
    warehouse: Path, jurisdiction: str, year: int, lang: str = "zh", internal: bool = False
) -> Brief:
    """Read everything the brief shows; WeibaoError for an unknown unit or a year without data.

    By default the brief is what a leader sees: small counts suppressed, and figures not yet
    approved marked or hidden as the setting `unapproved_for_leaders` says. `internal` is a
    statistician's version (the caller checks the role: weibao.brief.require_internal)."""
    unit = check(warehouse, jurisdiction, year)
    chain = queries.chain(warehouse, jurisdiction)
    docs = chain[chain["is_document_jurisdiction"]]
    committee = str(docs["org_unit_code"].iloc[-1]) if len(docs) else None
    areas = chain[chain["level"].isin(["province", "city", "county"])]
    area = areas.iloc[-1] if len(areas) else unit
    return Brief(
        code=jurisdiction,
        name=str(unit["org_unit_name"]),
        level=str(unit["level"]),
        year=year,
        lang=lang,
        is_demo=queries.demo_flags(warehouse, jurisdiction, year),
        indicators=queries.indicators(warehouse, jurisdiction, year, internal),
        supervision=queries.supervision(warehouse, jurisdiction, committee, year, internal),
        member_units=queries.member_units(warehouse, committee),
        reporting=queries.reporting_counts(warehouse, str(area["org_unit_code"]), year),
        overdue=queries.overdue(warehouse, str(area["org_unit_code"]), year),
        area_name=str(area["org_unit_name"]),
        titles=queries.document_titles(warehouse),
        internal=internal,
    )


# ---- sections ------------------------------------------------------------------------------


def status_counts(b: Brief) -> list[tuple[str, int]]:
    """(status, indicators) over the assessed indicators, in STATUS_ORDER, zeros left out."""
    counts = b.assessed["status"].fillna("no_data").value_counts()
    return [(s, int(counts[s])) for s in STATUS_ORDER if counts.get(s, 0)]


def domain_rows(b: Brief) -> list[dict[str, Any]]:
    """Per protection domain: indicators with a target, achieved, not achieved, no data."""
    rows = []
    frame = b.assessed
    for code in DOMAIN_ORDER:
        part = frame[frame["protection_domain"] == code]
        if part.empty:
            continue
        targeted = part[part["target_value"].notna()]
        rows.append(
            {
                "domain": code,
                "label": domain_label(part.iloc[0], b.lang),
                "assessed": len(part),
                "with_target": len(targeted),
                "achieved": int((targeted["status"] == "achieved").sum()),
                "not_achieved": int((part["status"] == "not_achieved").sum()),
                "no_data": int((part["status"] == "no_data").sum()),
                "no_target": int((part["status"] == "no_target").sum()),
                "statuses": part["status"].fillna("no_data").value_counts().to_dict(),
            }
        )
    return rows


def indicator_rows(b: Brief, only_assessed: bool = False) -> list[dict[str, Any]]:
    lg = b.lang
    frame = b.assessed if only_assessed else b.indicators
    out = []
    for _, r in frame.iterrows():
        tracked = bool(r["has_row"]) or present(r["target_value"])
        out.append(
            {
                "code": r["indicator_code"],
                "name": indicator_name(r, lg),
                "domain": domain_label(r, lg),
                "value": r["value"] if present(r["value"]) else None,
                "value_text": value_text(r, lg),
                "suppressed": is_suppressed(r, r),
                "value_kind": r["value_kind"],
                "unit": r["unit_zh"] if lg == "zh" else r["unit_en"],
                "target": fmt_target(r, r, lg),
                "target_text": target_text(r, lg),
                "target_is_demo": present(r["target_value"]) and bool(r["target_is_demo"]),
                "basis_mark": basis_mark(r, lg),
                "derivation": derivation_text(r, lg),
                "status": r["status"] if tracked else None,
                "status_text": status_word(r["status"], lg)
                if tracked
                else t("brief_not_tracked_word", lg),
                "gap": gap_text(r, r, lg) or MISSING,
                "responsible": responsible_label(b, r, lg),
                "doc": doc_label(b, r["clause_doc"]),
                "clause": text(r["clause_text"]),
                "is_demo": bool(r["is_demo"]) or bool(r["target_is_demo"]),
                "approval_mark": approval_mark(r, lg),
            }
        )
    return out


def supervision_rows(b: Brief) -> list[dict[str, Any]]:
    if "supervision_rows" in b.cache:
        return b.cache["supervision_rows"]
    lg = b.lang
    out = b.cache["supervision_rows"] = []
    sep = "、" if lg == "zh" else ", "
    for item in b.supervision.to_dict("records"):
        owners = item_owners(b, item)
        out.append(
            {
                "owner_list": owners,
                "owners": sep.join(owners),
                "item": item_name(item, lg),
                "area": str(item["org_unit_name"]),
                "level": LEVEL_NAMES.get(str(item["level"]), {}).get(lg, str(item["level"])),
                "own_level": item["org_unit_code"] == b.code,
                "status_text": item_status(item, lg),
                "value_text": MISSING if is_task(item) else value_text(item, lg),
                "target": MISSING if is_task(item) else target_text(item, lg),
                "basis_mark": "" if is_task(item) else basis_mark(item, lg),
                "derivation": "" if is_task(item) else derivation_text(item, lg),
                "gap": item_gap(item, lg),
                "since": int(item["lagging_since"]) if present(item["lagging_since"]) else None,
                "doc": doc_label(b, item["source_doc"]),
                "clause": text(item["source_clause"]),
                "is_demo": bool(item["is_demo"]),
            }
        )
    return out


def top_items(b: Brief, n: int = 6) -> list[dict[str, Any]]:
    """The first page's lagging items: this level first, then the longest lagging."""
    rows = supervision_rows(b)
    return sorted(rows, key=lambda r: (not r["own_level"], r["since"] or 9999))[:n]


def lagging_units(b: Brief) -> list[dict[str, Any]]:
    """Member units by number of lagging items (then at this level), most first."""
    units: dict[str, dict[str, Any]] = {}
    for item in b.supervision.to_dict("records"):
        for owner in item_owners(b, item):
            u = units.setdefault(
                owner, {"unit": owner, "items": 0, "own": 0, "names": [], "since": None}
            )
            u["items"] += 1
            u["own"] += int(item["org_unit_code"] == b.code)
            name = item_name(item, b.lang)
            if name not in u["names"]:
                u["names"].append(name)
            since = item["lagging_since"]
            if present(since) and (u["since"] is None or since < u["since"]):
                u["since"] = int(since)
    ordered = sorted(units.values(), key=lambda u: (-u["items"], -u["own"], u["unit"]))
    sep = "、" if b.lang == "zh" else "; "
    for u in ordered:
        u["indicators"] = sep.join(u.pop("names"))
    return ordered


def clear_unit_count(b: Brief, lagging: list[dict[str, Any]]) -> int:
    named = {u["unit"] for u in lagging}
    return sum(1 for n in member_names(b).values() if n not in named)


def reporting_rows(b: Brief) -> list[dict[str, Any]]:
    """Per member unit (agency): owed, on time, late, missing, not yet due, reporting rate."""
    if b.reporting.empty:
        return []
    cols = ["expected_count", "received_count"] + [f"{s}_count" for s in REPORTING_STATUSES]
    grouped = b.reporting.groupby("agency_code", sort=False)[cols].sum()
    out = []
    for code, r in grouped.iterrows():
        rate = 100 * r["received_count"] / r["expected_count"] if r["expected_count"] else None
        out.append(
            {
                "unit": agency_label(b, str(code)),
                "types": ("、" if b.lang == "zh" else ", ").join(
                    type_name(c, b.lang)
                    for c in b.reporting.loc[b.reporting["agency_code"] == code, "submission_type"]
                ),
                "expected": int(r["expected_count"]),
                **{s: int(r[f"{s}_count"]) for s in REPORTING_STATUSES},
                "rate": fmt_rate(rate) if rate is not None else MISSING,
            }
        )
    return sorted(out, key=lambda u: (-u["missing"], -u["late"], u["unit"]))


def overdue_rows(b: Brief) -> list[dict[str, Any]]:
    out = []
    for r in b.overdue.itertuples():
        out.append(
            {
                "county": r.county_name,
                "unit": agency_label(b, r.agency_code),
                "type": type_name(r.submission_type, b.lang),
                "deadline": fmt_date(pd.Timestamp(r.deadline).date(), b.lang),
                "status": r.status,
                "status_text": submission_status(r.status).label(b.lang),
                "days": fmt_count(r.days_late) if present(r.days_late) else MISSING,
            }
        )
    return out


def case_rows(b: Brief) -> list[dict[str, Any]]:
    """督办单 of the area not yet closed (open, overdue, replied, returned), overdue first."""
    if "case_rows" in b.cache:
        return b.cache["case_rows"]
    from weibao import cases
    from weibao.i18n import word

    out = []
    for c in cases.load().values():
        code = str(c.item.get("org_unit_code") or "")
        if c.state == "closed" or not code.startswith(b.code):
            continue
        state = c.status()
        out.append(
            {
                "case_id": c.case_id,
                "status": state,
                "status_text": word("case_statuses", state, b.lang) or state,
                "due": fmt_date(pd.Timestamp(c.due).date(), b.lang),
                "owners": str(c.item.get("responsible_units_zh") or ""),
                "item": str(c.item.get("indicator_code") or c.item.get("task_id") or ""),
                "instruction": c.instruction,
            }
        )
    order = {"overdue": 0, "returned": 1, "open": 2, "replied": 3}
    b.cache["case_rows"] = sorted(out, key=lambda r: (order.get(r["status"], 9), r["due"]))
    return b.cache["case_rows"]
