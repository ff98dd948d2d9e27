"""UI words, status vocabulary and number formats (docs: /work/shared/DESIGN.md).

Chinese is the default language; English is the toggle. Every status has a word and an icon
as well as a colour, so colour-blind readers and black-and-white prints can tell them apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
MISSING = "—"

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "未保 weibao", "en": "weibao · minors protection"},
    "overview": {"zh": "总览", "en": "Overview"},
    "regions": {"zh": "地区", "en": "Regions"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "language": {"zh": "语言", "en": "Language"},
    "jurisdiction": {"zh": "辖区", "en": "Jurisdiction"},
    "year": {"zh": "年度", "en": "Year"},
    "demo_badge": {"zh": "示例数据", "en": "demo data"},
    "demo_note": {
        "zh": "本页数值或目标含示例数据,仅供演示,不代表真实情况。",
        "en": "Figures or targets on this page include demo data, for demonstration only.",
    },
    "demo_target": {"zh": "示例目标", "en": "demo target"},
    "no_warehouse": {
        "zh": "尚未找到已发布的数据仓库文件:{path}。请先运行 `weibao build`(或 `weibao demo`)。",
        "en": "No published warehouse found at {path}. "
        "Run `weibao build` (or `weibao demo`) first.",
    },
    "warehouse_error": {
        "zh": "数据仓库文件无法读取或不符合数据约定:{path}。请重新运行 `weibao build`。",
        "en": "The warehouse at {path} cannot be read or does not match the contract. "
        "Run `weibao build` again.",
    },
    "achieved_label": {"zh": "已达标", "en": "Targets met"},
    "achieved_value": {"zh": "{x} / 共 {y} 项", "en": "{x} of {y}"},
    "lagging_label": {"zh": "未达标", "en": "Not met"},
    "no_target_label": {"zh": "无目标", "en": "No target"},
    "target": {"zh": "目标", "en": "Target"},
    "value": {"zh": "数值", "en": "Value"},
    "numerator": {"zh": "分子", "en": "Numerator"},
    "denominator": {"zh": "分母", "en": "Denominator"},
    "status": {"zh": "状态", "en": "Status"},
    "gap": {"zh": "差距", "en": "Gap"},
    "region": {"zh": "地区", "en": "Area"},
    "details": {"zh": "查看指标", "en": "Open indicator"},
    "not_at_level": {
        "zh": "该指标不在本级计算。",
        "en": "This indicator is not computed at this level.",
    },
    "choose_indicator": {"zh": "选择指标", "en": "Indicator"},
    "drill_down": {"zh": "下钻到下级地区", "en": "Drill down to"},
    "drill_placeholder": {"zh": "选择下级地区…", "en": "Choose an area…"},
    "lowest_level": {
        "zh": "已是最低一级(村、社区),没有下级地区。",
        "en": "This is the lowest level (village); there are no areas below it.",
    },
    "no_children": {
        "zh": "下级地区没有该指标的数据。",
        "en": "No data for this indicator in the areas below.",
    },
    "chart_hint": {
        "zh": "点击条形或在下方选择地区可下钻一级。",
        "en": "Click a bar or choose an area below to drill down one level.",
    },
    "definition": {"zh": "定义", "en": "Definition"},
    "unit": {"zh": "单位", "en": "Unit"},
    "responsible_units": {"zh": "责任单位", "en": "Responsible units"},
    "source": {"zh": "依据", "en": "Source"},
    "targets_heading": {"zh": "目标及依据", "en": "Targets and their sources"},
    "this_year_target": {"zh": "{year}年目标", "en": "Target for {year}"},
    "all_targets": {"zh": "各年度目标及依据", "en": "Targets for every year"},
    "no_targets": {
        "zh": "本年度本辖区及上级均未设定该指标的目标。",
        "en": "No target is set for this area or above it for this year.",
    },
    "trend_heading": {"zh": "2021–2025 年趋势", "en": "Trend 2021–2025"},
    "data_heading": {"zh": "数据", "en": "Data"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "sector_heading": {"zh": "分行业查询情况", "en": "Checks by sector"},
    "sector": {"zh": "行业", "en": "Sector"},
    "new_hires": {"zh": "新入职人员", "en": "New hires"},
    "new_hires_checked": {"zh": "已入职查询", "en": "Checked at hire"},
    "staff_in_post": {"zh": "在岗人员", "en": "Staff in post"},
    "staff_checked": {"zh": "已定期查询", "en": "Checked this year"},
    "hire_check_rate": {"zh": "入职查询率", "en": "Hire check rate"},
    "annual_check_rate": {"zh": "定期查询率", "en": "Yearly check rate"},
    "jurisdiction_of_target": {"zh": "目标所属辖区", "en": "Target set by"},
    "applies_from": {"zh": "沿用 {name} 的目标", "en": "Uses the target of {name}"},
    "data_kind": {"zh": "数据性质", "en": "Data kind"},
    "real_data": {"zh": "正式数据", "en": "real data"},
}

STANDARD_GAP_ABOVE_COUNTY = {
    "zh": "{gap} 个县(市、区)低于目标标准",
    "en": "{gap} counties below their target standard",
}

LEVEL_NAMES = {
    "province": {"zh": "省", "en": "province"},
    "city": {"zh": "市", "en": "city"},
    "county": {"zh": "县(市、区)", "en": "county"},
    "township": {"zh": "乡镇(街道)", "en": "township"},
    "village": {"zh": "村(社区)", "en": "village"},
}


@dataclass(frozen=True)
class Status:
    code: str
    zh: str
    en: str
    colour: str  # hex, for charts
    badge: str  # st.badge colour name
    outline: bool  # drawn as an outline rather than filled
    icon: str  # Material Symbol shortcode

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return self.zh if lang == "zh" else self.en


# code, 中文, English, chart colour, badge colour, outline, icon (DESIGN.md, status vocabulary)
_STATUS_TABLE = (
    ("achieved", "已达标", "achieved", "#2e7d32", "green", False, "check_circle"),
    ("not_achieved", "未达标", "not achieved", "#c62828", "red", False, "cancel"),
    ("on_track", "进度正常", "on track", "#2e7d32", "green", True, "trending_up"),
    ("needs_acceleration", "需加快", "needs acceleration", "#f9a825", "yellow", False, "speed"),
    (
        "limited_progress",
        "进展有限",
        "limited progress",
        "#ef6c00",
        "orange",
        False,
        "hourglass_bottom",
    ),
    ("deteriorating", "倒退", "deteriorating", "#8e0000", "red", False, "trending_down"),
    ("no_target", "无目标", "no target", "#9e9e9e", "gray", True, "radio_button_unchecked"),
    ("no_data", "无数据", "no data", "#616161", "gray", False, "help"),
)
STATUSES: dict[str, Status] = {
    row[0]: Status(*row[:6], icon=f":material/{row[6]}:") for row in _STATUS_TABLE
}


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt: Any) -> str:
    """The UI string for key in lang, filled with fmt; falls back to Chinese, then the key."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(_lang(lang)) or entry["zh"]
    return text.format(**fmt) if fmt else text


def status(code: str | None) -> Status:
    return STATUSES.get(code or "no_data", STATUSES["no_data"])


def status_label(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """Icon and word, e.g. ':material/check_circle: 已达标'."""
    s = status(code)
    return f"{s.icon} {s.label(_lang(lang))}"


def status_badge(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """Markdown badge with colour, icon and word."""
    s = status(code)
    return f":{s.badge}-badge[{s.icon} {s.label(_lang(lang))}]"


# ---- numbers ---------------------------------------------------------------------------


def _missing(x: Any) -> bool:
    if x is None or type(x).__name__ == "NAType":  # pandas' NA in nullable integer columns
        return True
    try:
        return isinstance(x, float | Decimal) and math.isnan(x)
    except TypeError:
        return False


def _num(x: Any) -> float:
    return float(x)


def fmt_number(x: Any) -> str:
    """Thousands separators; whole numbers without decimals, others with two."""
    if _missing(x):
        return MISSING
    v = _num(x)
    if v == round(v):
        return f"{round(v):,}"
    return f"{v:,.2f}"


def fmt_rate(x: Any) -> str:
    """One decimal and a percent sign: 96.4%. Rounds half up (四舍五入), as statisticians do."""
    if _missing(x):
        return MISSING
    d = Decimal(str(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{d}%"


def fmt_money(x: Any, unit: str = "元/人/年") -> str:
    """Thousands separators and the unit: 25,000 元/人/年."""
    if _missing(x):
        return MISSING
    return f"{fmt_number(x)} {unit}".strip()


def fmt_count(x: Any) -> str:
    if _missing(x):
        return MISSING
    return f"{round(_num(x)):,}"


def fmt_date(d: dt.date | str | None, lang: str | None = DEFAULT_LANG) -> str:
    """2022年5月24日 in Chinese, 2022-05-24 in English."""
    if d is None:
        return MISSING
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    if _lang(lang) == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def _get(row: Mapping[str, Any] | Any, key: str, default: Any = None) -> Any:
    try:
        v = row[key]
    except (KeyError, IndexError, TypeError):
        return default
    return default if _missing(v) else v


def unit_of(indicator: Mapping[str, Any], lang: str | None = DEFAULT_LANG) -> str:
    return _get(indicator, "unit_zh" if _lang(lang) == "zh" else "unit_en", "") or ""


def fmt_value(x: Any, indicator: Mapping[str, Any], lang: str | None = DEFAULT_LANG) -> str:
    """A value in the indicator's unit: rates as 96.4%, standards as 25,000 元/人/年."""
    if _get(indicator, "value_kind") == "rate":
        return fmt_rate(x)
    return fmt_money(x, unit_of(indicator, lang))


def fmt_target(
    value_row: Mapping[str, Any], indicator: Mapping[str, Any], lang: str | None = DEFAULT_LANG
) -> str:
    """Comparator and target, e.g. '≥ 100.0%' or '18,000–20,000 元/人/年'; '—' if none."""
    tv = _get(value_row, "target_value")
    if tv is None:
        return MISSING
    comp = _get(value_row, "comparator", ">=")
    if comp == "between":
        hi = _get(value_row, "target_value_high")
        return f"{fmt_value(tv, indicator, lang)} – {fmt_value(hi, indicator, lang)}"
    symbol = {">=": "≥", "<=": "≤", "==": "="}.get(comp, comp)
    return f"{symbol} {fmt_value(tv, indicator, lang)}"


def suppress(n: Any, counts_children: bool) -> str:
    """A count for display; counts of children below 5 show as '<5' (DESIGN.md, privacy)."""
    if _missing(n):
        return MISSING
    if counts_children and _num(n) < SUPPRESS_BELOW:
        return SUPPRESSED
    return fmt_count(n)


def is_suppressed(value_row: Mapping[str, Any], indicator: Mapping[str, Any]) -> bool:
    """True if a rate would reveal a small count of children (numerator or denominator < 5)."""
    if not bool(_get(indicator, "counts_children", False)):
        return False
    for key in ("numerator", "denominator"):
        n = _get(value_row, key)
        if n is not None and _num(n) < SUPPRESS_BELOW:
            return True
    return False


def gap_text(
    indicator: Mapping[str, Any], value_row: Mapping[str, Any], lang: str | None = DEFAULT_LANG
) -> str:
    """The gap in words from the indicator's template; '' when there is no gap to tell.

    Standards are set per county; above the county the gap counts counties, so a generic
    template is used there.
    """
    lang = _lang(lang)
    gap = _get(value_row, "gap")
    if gap is None or _num(gap) <= 0 or _get(value_row, "status") == "achieved":
        return ""
    level = _get(value_row, "level")
    counts_children = bool(_get(indicator, "counts_children", False))
    if _get(indicator, "value_kind") == "standard":
        if level in ("province", "city"):
            return STANDARD_GAP_ABOVE_COUNTY[lang].format(gap=fmt_count(gap))
        shown = fmt_number(gap)
    else:
        shown = suppress(gap, counts_children)
    template = _get(indicator, f"gap_template_{lang}") or _get(indicator, "gap_template_zh")
    if not template:
        return f"{t('gap', lang)} {shown}"
    return template.format(gap=shown)


# ---- reporting and submission (报送情况, 数据上报) ----------------------------------------

STRINGS.update(
    {
        "reporting": {"zh": "报送情况", "en": "Reporting"},
        "submit": {"zh": "数据上报", "en": "Submit"},
        "member_unit": {"zh": "成员单位", "en": "Member unit"},
        "submission_type": {"zh": "报送类型", "en": "Submission type"},
        "expected_count": {"zh": "应报", "en": "Expected"},
        "received_count": {"zh": "已报", "en": "Received"},
        "reporting_rate": {"zh": "报送率", "en": "Reporting rate"},
        "on_time_rate": {"zh": "按时报送率", "en": "On-time rate"},
        "county": {"zh": "县(市、区)", "en": "County"},
        "deadline": {"zh": "截止日期", "en": "Deadline"},
        "report_period": {"zh": "报送期间", "en": "Period"},
        "days_late": {"zh": "逾期天数", "en": "Days late"},
        "received_at": {"zh": "接收时间", "en": "Received"},
        "by_unit_heading": {"zh": "各成员单位报送情况", "en": "By member unit and type"},
        "overdue_heading": {"zh": "逾期和未报清单", "en": "Overdue list"},
        "overdue_none": {"zh": "没有逾期或未报送的报送。", "en": "Nothing is late or missing."},
        "overdue_csv": {"zh": "下载清单(CSV)", "en": "Download list (CSV)"},
        "overdue_text": {"zh": "复制文本转发", "en": "Text to copy and forward"},
        "overdue_title": {
            "zh": "{area}{year}年度报送逾期和未报清单(截至{today}):",
            "en": "{area}, {year}: late and missing submissions (as of {today}):",
        },
        "overdue_line_missing": {
            "zh": "{county} {unit}:{type},截止{deadline},未报送,已逾期 {days} 天",
            "en": "{county} {unit}: {type}, due {deadline}, missing, {days} days overdue",
        },
        "overdue_line_late": {
            "zh": "{county} {unit}:{type},截止{deadline},逾期 {days} 天报送",
            "en": "{county} {unit}: {type}, due {deadline}, submitted {days} days late",
        },
        "rate_heading": {"zh": "报送率(已报 ÷ 应报)", "en": "Reporting rate (received ÷ expected)"},
        "reporting_county_note": {
            "zh": "报送以县(市、区)为单位;显示 {name} 的情况。",
            "en": "Submissions are made per county; showing {name}.",
        },
        "no_schedule": {
            "zh": "本辖区本年度没有应报数据。",
            "en": "Nothing is due here for this year.",
        },
        "template_heading": {"zh": "下载模板", "en": "Templates"},
        "template_csv": {"zh": "CSV 模板", "en": "CSV template"},
        "template_xlsx": {"zh": "Excel 模板", "en": "Excel template"},
        "submit_agency": {"zh": "报送单位", "en": "Submitting unit"},
        "submit_jurisdiction": {"zh": "报送辖区(县、市、区)", "en": "Jurisdiction (county)"},
        "submit_period": {"zh": "报送期间(年度)", "en": "Period (year)"},
        "submit_deadline": {"zh": "截止日期:{date}", "en": "Due: {date}"},
        "upload_label": {
            "zh": "上传填好的文件(.csv 或 .xlsx)",
            "en": "Upload the completed file (.csv or .xlsx)",
        },
        "submit_button": {"zh": "提交并校验", "en": "Submit and check"},
        "submit_again": {
            "zh": "该文件已按上述选项提交过;如需重新提交,请重新选择文件。",
            "en": "This file was already submitted with these choices; "
            "choose the file again to resubmit.",
        },
        "receipt_heading": {"zh": "回执", "en": "Receipt"},
        "submission_id": {"zh": "报送编号", "en": "Submission id"},
        "detected_encoding": {"zh": "文件编码", "en": "Encoding"},
        "rows_read": {"zh": "读取行数", "en": "Rows read"},
        "rows_accepted": {"zh": "接收行数", "en": "Rows accepted"},
        "supersedes": {"zh": "替代此前的报送 {id}", "en": "Replaces the earlier submission {id}"},
        "issue_severity": {"zh": "类型", "en": "Kind"},
        "issue_row": {"zh": "行", "en": "Row"},
        "issue_column": {"zh": "列", "en": "Column"},
        "issue_message": {"zh": "问题", "en": "Problem"},
        "issue_hint": {"zh": "处理办法", "en": "How to fix"},
        "issue_code": {"zh": "代码", "en": "Code"},
        "severity_error": {"zh": "错误", "en": "error"},
        "severity_warning": {"zh": "提示", "en": "warning"},
        "issues_none": {"zh": "没有发现问题。", "en": "No problems found."},
        "download_annotated": {
            "zh": "下载本文件(附“问题”列)",
            "en": "Download your rows with a 问题 (problem) column",
        },
        "after_build": {
            "zh": "已接收的数据将在下次运行 `weibao build` 后显示在看板上。",
            "en": "Accepted data appear on the dashboard after the next `weibao build`.",
        },
        "rejected_note": {
            "zh": "文件已退回,没有数据进入数据仓库。请按下表修改后重新上传。",
            "en": "The file was rejected and none of it reaches the warehouse. "
            "Fix the rows below and upload it again.",
        },
        "history_heading": {"zh": "本单位最近的报送", "en": "This unit's recent submissions"},
        "history_none": {"zh": "尚无报送记录。", "en": "No submissions yet."},
        "file_name": {"zh": "文件名", "en": "File"},
        "rows": {"zh": "行数", "en": "Rows"},
        "submit_error": {
            "zh": "提交时出错,文件未能处理:{detail}。请稍后重试,或联系未保办。",
            "en": "The file could not be processed: {detail}. Try again later or contact the office.",
        },
    }
)

AGENCY_NAMES: dict[str, dict[str, str]] = {
    "civil_affairs": {"zh": "民政局", "en": "Civil affairs bureau"},
    "education": {"zh": "教育局", "en": "Education bureau"},
    "health": {"zh": "卫生健康局", "en": "Health commission"},
}


def agency_name(code: str, lang: str | None = DEFAULT_LANG) -> str:
    """民政局 / Civil affairs bureau; other agencies by the name in seeds/reference/agencies.csv."""
    entry = AGENCY_NAMES.get(code) or _seed_agency_names().get(code)
    return entry[_lang(lang)] if entry else code.replace("_", " ")


@functools.cache
def _seed_agency_names() -> dict[str, dict[str, str]]:
    import csv

    from weibao.paths import REFERENCE_DIR

    try:
        with open(REFERENCE_DIR / "agencies.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError:
        return {}
    return {r["agency_code"]: {"zh": r["name_zh"], "en": r["name_en"]} for r in rows}


# Completeness and timeliness of submissions (fct_submission_status.status), and receipts.
_SUBMISSION_STATUS_TABLE = (
    ("on_time", "按时报送", "on time", "#2e7d32", "green", False, "check_circle"),
    ("late", "逾期报送", "late", "#ef6c00", "orange", False, "schedule"),
    ("missing", "未报送", "missing", "#c62828", "red", False, "cancel"),
    ("pending", "未到期", "not yet due", "#9e9e9e", "gray", True, "hourglass_empty"),
    ("accepted", "已接收", "accepted", "#2e7d32", "green", False, "check_circle"),
    (
        "accepted_with_warnings",
        "已接收(有提示)",
        "accepted with warnings",
        "#ef6c00",
        "orange",
        False,
        "warning",
    ),
    ("rejected", "已退回", "rejected", "#c62828", "red", False, "block"),
)
SUBMISSION_STATUSES: dict[str, Status] = {
    row[0]: Status(*row[:6], icon=f":material/{row[6]}:") for row in _SUBMISSION_STATUS_TABLE
}


def submission_status(code: str) -> Status:
    return SUBMISSION_STATUSES[code]


def submission_badge(code: str, lang: str | None = DEFAULT_LANG) -> str:
    """Markdown badge with colour, icon and word, e.g. ':red-badge[:material/block: 已退回]'."""
    s = SUBMISSION_STATUSES[code]
    return f":{s.badge}-badge[{s.icon} {s.label(_lang(lang))}]"


# ---- issue 4: units, supervision list, six protections, work plan, methodology -----------

STRINGS.update(
    {
        "units": {"zh": "责任单位", "en": "Units"},
        "supervision": {"zh": "督办清单", "en": "Supervision list"},
        "domains": {"zh": "六大保护", "en": "Six protections"},
        "work_plan": {"zh": "工作要点", "en": "Work plan"},
        "methodology": {"zh": "方法说明", "en": "Methodology"},
        "nav_dashboard": {"zh": "看板", "en": "Dashboard"},
        "nav_follow_up": {"zh": "督查督办", "en": "Follow-up"},
        "nav_data": {"zh": "数据报送", "en": "Data"},
        "nav_about": {"zh": "说明", "en": "About"},
        "doc_jurisdiction_note": {
            "zh": "成员单位和任务按文件所属辖区列出;显示 {name} 的情况。",
            "en": "Member units and tasks belong to the jurisdiction of their document; "
            "showing {name}.",
        },
        "duties": {"zh": "职责", "en": "Duties"},
        "duties_zh_note": {"zh": "(文件原文)", "en": "(as written in the document, in Chinese)"},
        "led_indicators": {"zh": "牵头指标", "en": "Indicators it leads"},
        "tasks": {"zh": "工作任务", "en": "Tasks"},
        "reporting_record": {"zh": "报送记录", "en": "Reporting record"},
        "lagging_indicators": {"zh": "落后指标", "en": "Lagging indicators"},
        "lagging_tasks": {"zh": "滞后任务", "en": "Lagging tasks"},
        "missing_submissions": {"zh": "未报送", "en": "Missing submissions"},
        "late_submissions": {"zh": "逾期报送", "en": "Late submissions"},
        "behind_count": {"zh": "落后 {n} 项", "en": "{n} behind"},
        "nothing_behind": {"zh": "无落后事项", "en": "nothing behind"},
        "units_sort_note": {
            "zh": "按落后事项由多到少排列:落后指标(本级未达标或进度落后)+ 滞后任务 + 未报送。",
            "en": "Sorted by how much is behind: lagging indicators (target missed or pace "
            "off track here) + lagging tasks + missing submissions.",
        },
        "no_led_indicators": {"zh": "不牵头量化指标。", "en": "Leads no quantified indicator."},
        "no_tasks": {"zh": "本年度没有分解到本单位的任务。", "en": "No tasks assigned this year."},
        "no_submissions_due": {"zh": "本单位本年度无应报数据。", "en": "Nothing due this year."},
        "annual_status": {"zh": "年度状态", "en": "Annual status"},
        "progress_status": {"zh": "进度(至目标年)", "en": "Pace to deadline"},
        "in_year_status": {"zh": "年内进度", "en": "Within the year"},
        "latest_progress": {"zh": "最新进展", "en": "Latest progress"},
        "period": {"zh": "期间", "en": "Period"},
        "note": {"zh": "说明", "en": "Note"},
        "task": {"zh": "任务", "en": "Task"},
        "task_no": {"zh": "编号", "en": "No."},
        "plan_year": {"zh": "文件年度", "en": "Plan year"},
        "linked_indicator": {"zh": "关联指标", "en": "Linked indicator"},
        "no_report": {"zh": "未填报", "en": "not reported"},
        "item": {"zh": "事项", "en": "Item"},
        "item_kind": {"zh": "类别", "en": "Kind"},
        "kind_indicator": {"zh": "指标", "en": "indicator"},
        "kind_task": {"zh": "任务", "en": "task"},
        "level": {"zh": "层级", "en": "Level"},
        "domain": {"zh": "保护领域", "en": "Protection"},
        "lagging_since": {"zh": "滞后起始", "en": "Lagging since"},
        "since_year": {"zh": "{year}年起", "en": "since {year}"},
        "supervision_total": {"zh": "督办事项", "en": "Items"},
        "supervision_indicators": {"zh": "指标事项", "en": "Indicator items"},
        "supervision_tasks": {"zh": "任务事项", "en": "Task items"},
        "supervision_units": {"zh": "涉及责任单位", "en": "Units involved"},
        "supervision_none": {
            "zh": "本辖区本年度没有落后事项。",
            "en": "Nothing is lagging here this year.",
        },
        "supervision_note": {
            "zh": "列出乡镇(街道)及以上各级:年度目标未达标,或至目标年进度需加快、进展有限、倒退的指标,"
            "以及滞后或逾期的任务。",
            "en": "Township level and above: indicators that missed the year's target or whose "
            "pace to the deadline needs acceleration, is limited or deteriorating, and tasks "
            "that lag or are overdue.",
        },
        "filter_all": {"zh": "全部", "en": "All"},
        "export_csv": {"zh": "导出 CSV", "en": "Export CSV"},
        "export_xlsx": {"zh": "导出 Excel", "en": "Export Excel"},
        "pace_gap": {
            "zh": "年度目标已达到,但至目标年进度{word}",
            "en": "Target met, but pace {word}",
        },
        "task_gap": {"zh": "任务{word}", "en": "Task {word}"},
        "all_units": {"zh": "全部单位", "en": "All units"},
        "filter_unit": {"zh": "责任单位", "en": "Responsible unit"},
        "domain_summary": {"zh": "各领域达标情况", "en": "Targets met by protection"},
        "domain_no_indicators": {
            "zh": "本领域暂无量化指标;相关工作见工作要点({n} 项任务)。",
            "en": "No quantified indicator in this protection; see the work plan ({n} tasks).",
        },
        "not_computed_here": {"zh": "本级不计算", "en": "not computed at this level"},
        "quarter": {"zh": "第{q}季度", "en": "Q{q}"},
        "work_plan_none": {
            "zh": "本辖区本年度没有工作要点任务。",
            "en": "No work-plan tasks for this jurisdiction and year.",
        },
        "work_plan_no_progress": {
            "zh": "尚未收到本年度的任务进展报送;各格显示“未填报”。",
            "en": "No task progress has been reported for this year yet; cells show "
            "“not reported”.",
        },
        "work_plan_cell_note": {
            "zh": "各格为该季度各责任单位报送中最落后的状态;选择单位可查看该单位的报送。",
            "en": "Each cell shows the least advanced status any responsible unit reported "
            "for the quarter; choose a unit to see its own reports.",
        },
        "status_counts_annual": {"zh": "年度状态", "en": "Annual status"},
        "status_counts_progress": {"zh": "至目标年进度", "en": "Pace to the deadline"},
        "go_supervision": {"zh": "督办清单({n} 项)", "en": "Supervision list ({n} items)"},
        "go_units": {"zh": "责任单位", "en": "Units"},
        "go_domains": {"zh": "六大保护", "en": "Six protections"},
        "thresholds": {"zh": "阈值", "en": "Thresholds"},
        "threshold_source": {
            "zh": "以上阈值读自 dbt_project.yml 的 vars,与数据模型使用的完全一致。",
            "en": "The thresholds above are read from the vars in dbt_project.yml, the same "
            "values the models use.",
        },
    }
)

# The six protections (六大保护), in the order of the Minors Protection Law.
DOMAINS: dict[str, dict[str, str]] = {
    "family": {"zh": "家庭保护", "en": "Family protection"},
    "school": {"zh": "学校保护", "en": "School protection"},
    "society": {"zh": "社会保护", "en": "Social protection"},
    "online": {"zh": "网络保护", "en": "Online protection"},
    "government": {"zh": "政府保护", "en": "Government protection"},
    "judicial": {"zh": "司法保护", "en": "Judicial protection"},
}


def domain_name(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    entry = DOMAINS.get(code or "")
    if entry is None:
        return "组织保障" if _lang(lang) == "zh" else "Organisation"
    return entry[_lang(lang)]


# Work-plan task progress (fct_task_progress.status) and task items on the supervision list.
_TASK_STATUS_TABLE = (
    ("done", "已完成", "done", "#2e7d32", "green", False, "check_circle"),
    ("in_progress", "推进中", "in progress", "#1565c0", "blue", False, "autorenew"),
    ("not_started", "未开始", "not started", "#9e9e9e", "gray", True, "radio_button_unchecked"),
    ("lagging", "滞后", "lagging", "#c62828", "red", False, "warning"),
    ("overdue", "逾期未完成", "overdue", "#8e0000", "red", False, "event_busy"),
    ("no_report", "未填报", "not reported", "#616161", "gray", False, "help"),
)
TASK_STATUSES: dict[str, Status] = {
    row[0]: Status(*row[:6], icon=f":material/{row[6]}:") for row in _TASK_STATUS_TABLE
}
# Least advanced first: a quarter's cell shows the worst status any unit reported.
TASK_STATUS_ORDER = ("overdue", "lagging", "not_started", "in_progress", "done", "no_report")


def task_status(code: str | None) -> Status:
    return TASK_STATUSES.get(code or "no_report", TASK_STATUSES["no_report"])


def task_badge(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    s = task_status(code)
    return f":{s.badge}-badge[{s.icon} {s.label(_lang(lang))}]"


CAVEATS: dict[str, dict[str, str]] = {
    "no_baseline": {"zh": "无基期", "en": "no baseline"},
    "data_incomplete": {"zh": "数据不完整", "en": "data incomplete"},
    "data_late": {"zh": "数据迟报", "en": "data late"},
}


def caveat_text(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    if not code or _missing(code):
        return ""
    words = [CAVEATS.get(c, {}).get(_lang(lang), c) for c in str(code).split(";") if c]
    return "、".join(words) if _lang(lang) == "zh" else ", ".join(words)


# The Methodology page, section by section; {on_track}, {acceleration} and {tolerance} are
# filled from dbt_project.yml's vars so the words cannot drift from the models.
METHODOLOGY: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "method_annual",
        {
            "zh": """**1. 年度状态(对照当年目标)**

- 每个指标、每个地区、每一年,把数值与当年适用的目标按比较方式(≥、≤、=、介于)比较:满足即“已达标”,不满足即“未达标”。
- **比率**(如儿童主任配备率)由下级的分子、分母逐级**相加**后再相除,从不把百分比取平均;每千人口指标同样先加总再折算。
- **差距**用指标自身的单位说:还差多少个村(社区)、多少名人员、低于目标多少元。
- **保障标准**(元/人/年)由各县(市、区)设定,只在县级比较;县级以上显示最低的县级标准,以及有多少个县达到了各自的目标,全部达到才算“已达标”。
- **目标的适用**:本地区有当年目标就用自己的;没有就沿用最近一级上级的当年目标。
- **数量目标**(如设立 11 个未保站、每年召开 1 次会议)是该地区的总数,不向下级沿用。
- 本地区及上级都没有当年目标时为“无目标”(灰色空心);没有收到数据时为“无数据”(灰色)。""",
            "en": """**1. Annual status (against the year's target)**

- For each indicator, area and year, the value is compared with the target that applies that year, using its comparator (≥, ≤, =, between): met is *achieved*, not met is *not achieved*.
- **Rates** (e.g. child-director coverage) are computed from numerators and denominators **summed** up the hierarchy, never by averaging percentages; per-thousand indicators are summed the same way before dividing.
- The **gap** is told in the indicator's own unit: villages still missing, staff not checked, yuan below target.
- **Standards** (yuan/person/year) are set per county and compared at county level; above the county the lowest county standard is shown, with how many counties meet their own target, and the area is achieved only if all do.
- **Which target applies**: the area's own target for the year, else that of the nearest area above it.
- **Count targets** (e.g. 11 protection stations, one meeting a year) are totals for their own area and are not passed down.
- With no target for the area or above it, the status is *no target* (grey outline); with no data received it is *no data* (grey).""",
        },
    ),
    (
        "method_in_year",
        {
            "zh": """**2. 年内进度(按季度报送的指标)**

- 把年度目标按已结束的季度**折算**:数量目标 × 已过季度数 ÷ 4;比率目标保持不变。
- 累计数值在折算目标的 **±{tolerance}** 以内(或已超过)为“进度正常”,做法与 TolaData 相同;落后超过 {tolerance} 为“需加快”;已达到全年目标为“已达标”。
- **全年预计**按线性外推:累计数 × 4 ÷ 已过季度数。""",
            "en": """**2. Within the year (indicators reported quarterly)**

- The annual target is **prorated** to the quarters that have ended: a count target × quarters ended ÷ 4; a rate target stays as it is.
- A year-to-date value within **±{tolerance}** of the prorated target (or ahead of it) is *on track*, as TolaData does; more than {tolerance} behind is *needs acceleration*; the full-year target already met is *achieved*.
- The **year-end projection** is linear: year-to-date count × 4 ÷ quarters ended.""",
        },
    ),
    (
        "method_deadline",
        {
            "zh": """**3. 至目标年的进度(如 2025 年目标)**

采用 Open SDG(sdg-build)公布的进度测算方法:

- 实际年均增长率 CAGR实际 = (本年数值 ÷ 基期数值)^(1 ÷ 已过年数) − 1,基期为有数据的第一年;
- 所需年均增长率 CAGR所需 = (目标值 ÷ 基期数值)^(1 ÷ 基期到目标年的年数) − 1;
- 比值 = CAGR实际 ÷ CAGR所需:**≥ {on_track}** 为“进度正常”;**≥ {acceleration}** 为“需加快”;**≥ 0** 为“进展有限”;**< 0** 为“倒退”;
- 已经达到目标年目标的为“已达标”;基期已达标、之后又退回未达标的为“倒退”。""",
            "en": """**3. Pace to the deadline year (e.g. a 2025 target)**

Open SDG's published progress measure (sdg-build):

- observed growth CAGR_obs = (this year's value ÷ baseline value)^(1 ÷ years elapsed) − 1, the baseline being the first year with data;
- required growth CAGR_req = (target ÷ baseline value)^(1 ÷ years from baseline to deadline) − 1;
- ratio = CAGR_obs ÷ CAGR_req: **≥ {on_track}** on track; **≥ {acceleration}** needs acceleration; **≥ 0** limited progress; **< 0** deteriorating;
- a value that already meets the deadline target is *achieved*; one whose baseline met it and has since fallen away is *deteriorating*.""",
        },
    ),
    (
        "method_caveats",
        {
            "zh": """**4. 附注、“无数据”与“未达标”**

- **无基期**:只有一年数据或基期为 0 时无法测算增长率,进度显示为“无数据”并注明“无基期”。
- **数据不完整、数据迟报**:状态只按已收到的数据计算;应报未报、逾期报送的情况在“报送情况”和“责任单位”页列出,状态旁注明。
- **“无数据”(灰色)不等于“未达标”(红色)**:没有收到数据不会被当作落后,但未报送本身会列入责任单位的落后事项。""",
            "en": """**4. Caveats, *no data* and *not achieved***

- **No baseline**: with one year of data, or a zero baseline, growth cannot be measured; the pace shows *no data* with the caveat *no baseline*.
- **Data incomplete, data late**: statuses are computed from the data received; missing and late submissions are listed on the Reporting and Units pages and noted next to the status.
- ***No data* (grey) is not *not achieved* (red)**: missing data never counts as lagging, but the missing submission itself counts against its unit.""",
        },
    ),
    (
        "method_privacy",
        {
            "zh": """**5. 小数保护与示例数据**

- 单个地区涉及儿童的人数少于 5 时显示为“<5”,由此算出的比率也不显示,以免识别到具体儿童。
- 标有“示例数据”的数值或目标是为演示生成的,不代表真实情况;每个页面和导出文件都会标明。""",
            "en": """**5. Small counts and demo data**

- Counts of children below 5 for one area are shown as “<5”, and rates built on them are not shown, so no child can be identified.
- Figures or targets marked *demo data* were generated for demonstration and are not real; every page and every exported file says so.""",
        },
    ),
)

STATUS_MEANINGS: dict[str, dict[str, str]] = {
    "achieved": {"zh": "数值达到目标的要求", "en": "the value meets the target's comparator"},
    "not_achieved": {
        "zh": "年度已结束或数据已定,未达到目标",
        "en": "the year is over, or the data is final, and the target is not met",
    },
    "on_track": {"zh": "年内或多年进度足够", "en": "within-year or multi-year pace is sufficient"},
    "needs_acceleration": {
        "zh": "进度为所需的 {acceleration}–{on_track} 倍(年内:落后超过 {tolerance})",
        "en": "pace is {acceleration}–{on_track} of what is needed "
        "(within the year: more than {tolerance} behind)",
    },
    "limited_progress": {
        "zh": "有进展,但不足所需的 {acceleration} 倍",
        "en": "pace is positive but under {acceleration} of what is needed",
    },
    "deteriorating": {"zh": "离目标越来越远", "en": "moving away from the target"},
    "no_target": {"zh": "本地区本年度未设目标", "en": "no target set for this unit and year"},
    "no_data": {"zh": "未收到数据", "en": "nothing submitted"},
}
STRINGS.update(
    {
        "status_table_heading": {"zh": "状态用语", "en": "Status words"},
        "meaning": {"zh": "含义", "en": "Meaning"},
        "threshold_on_track": {"zh": "进度正常:比值 ≥", "en": "On track: ratio ≥"},
        "threshold_acceleration": {"zh": "需加快:比值 ≥", "en": "Needs acceleration: ratio ≥"},
        "threshold_tolerance": {"zh": "年内容差 ±", "en": "Within-year tolerance ±"},
    }
)


# ---- meeting brief (会议简报: weibao brief, xlsx and PDF) -----------------------------------

STRINGS.update(
    {
        "brief": {"zh": "会议简报", "en": "Brief"},
        "brief_title": {
            "zh": "{area}{year}年未成年人保护工作简报",
            "en": "{area} {year}: minors-protection brief",
        },
        "brief_subtitle": {
            "zh": "供未成年人保护委员会全体会议(联席会议)使用 · 生成于 {date}",
            "en": "For the committee's plenary meeting · generated {date}",
        },
        "brief_demo_banner": {
            "zh": "示例数据:本简报的数值或目标含示例数据,仅供演示,不代表真实情况。",
            "en": "示例数据 demo data: figures or targets in this brief include demo data, "
            "for demonstration only.",
        },
        "brief_with_target": {"zh": "有目标的指标", "en": "Indicators with a target"},
        "brief_total_note": {
            "zh": "分母为本年度对本辖区设有目标的指标数,含尚未收到数据的指标。",
            "en": "Out of the indicators with a target here this year, including those "
            "without data yet.",
        },
        "brief_sheet_summary": {"zh": "摘要", "en": "Summary"},
        "brief_sheet_indicators": {"zh": "指标", "en": "Indicators"},
        "brief_sheet_supervision": {"zh": "督办清单", "en": "Supervision list"},
        "brief_sheet_reporting": {"zh": "报送情况", "en": "Reporting"},
        "brief_by_status": {"zh": "按状态", "en": "By status"},
        "brief_by_domain": {"zh": "按保护领域", "en": "By protection domain"},
        "brief_domain": {"zh": "保护领域", "en": "Protection domain"},
        "brief_count": {"zh": "指标数", "en": "Indicators"},
        "brief_chart_title": {
            "zh": "各领域指标状态(项)",
            "en": "Indicator status by domain (number of indicators)",
        },
        "brief_top_lagging": {"zh": "重点滞后事项", "en": "Main lagging items"},
        "brief_lagging_items": {"zh": "滞后事项", "en": "Lagging items"},
        "brief_own_level": {"zh": "其中本级", "en": "At this level"},
        "brief_overdue_count": {"zh": "逾期或未报", "en": "Late or missing"},
        "brief_indicators_heading": {"zh": "一、指标完成情况", "en": "1. Indicators"},
        "brief_units_heading": {
            "zh": "二、滞后成员单位",
            "en": "2. Member units with lagging items",
        },
        "brief_reporting_heading": {
            "zh": "三、报送情况与逾期报送",
            "en": "3. Reporting and overdue submissions",
        },
        "brief_supervision_heading": {"zh": "四、督办清单", "en": "4. Supervision list"},
        "brief_item": {"zh": "事项", "en": "Item"},
        "brief_area": {"zh": "地区", "en": "Area"},
        "brief_level": {"zh": "层级", "en": "Level"},
        "brief_owner": {"zh": "责任单位", "en": "Responsible unit"},
        "brief_since": {"zh": "滞后起始", "en": "Lagging since"},
        "brief_since_year": {"zh": "{year}年起", "en": "since {year}"},
        "brief_doc": {"zh": "依据文件", "en": "Source document"},
        "brief_clause": {"zh": "条款", "en": "Clause"},
        "brief_gap_words": {"zh": "差距", "en": "Gap"},
        "brief_pace_gap": {"zh": "至目标年进度{word}", "en": "pace to the deadline: {word}"},
        "brief_task_gap": {"zh": "工作任务{word}", "en": "work-plan task {word}"},
        "brief_pace_word": {"zh": "进度{word}", "en": "pace {word}"},
        "brief_not_tracked_word": {"zh": "本年度未跟踪", "en": "not tracked this year"},
        "brief_indicators_involved": {"zh": "涉及事项", "en": "Items"},
        "brief_owners_more": {"zh": "{names}等 {n} 个单位", "en": "{names} and {more} more"},
        "brief_earliest": {"zh": "最早滞后", "en": "Earliest"},
        "brief_types": {"zh": "报送类型", "en": "Submission types"},
        "brief_none_lagging": {
            "zh": "本辖区本年度没有滞后事项。",
            "en": "Nothing is lagging here this year.",
        },
        "brief_more_in_xlsx": {
            "zh": "另有 {n} 项未列出,完整清单见 Excel 简报“督办清单”表。",
            "en": "{n} more not shown; the Excel brief's supervision sheet has them all.",
        },
        "brief_more_overdue": {
            "zh": "另有 {n} 项逾期或未报未列出,完整清单见 Excel 简报“报送情况”表。",
            "en": "{n} more late or missing submissions; the Excel brief's reporting sheet "
            "lists them all.",
        },
        "brief_not_tracked": {
            "zh": "另有 {n} 项指标本年度在本辖区既无数据也无目标,见 Excel 简报“指标”表。",
            "en": "{n} more indicators have neither data nor a target here this year; see the "
            "Excel brief's indicator sheet.",
        },
        "brief_clear_units": {
            "zh": "其余 {n} 个成员单位没有滞后事项。",
            "en": "The other {n} member units have nothing lagging.",
        },
        "brief_reporting_area": {
            "zh": "报送以县(市、区)为单位,统计范围:{name}。",
            "en": "Submissions are made per county; counted for {name}.",
        },
        "brief_generated": {"zh": "生成日期", "en": "Generated"},
        "brief_download_xlsx": {"zh": "下载 Excel 简报", "en": "Download the Excel brief"},
        "brief_download_pdf": {"zh": "下载 PDF 简报", "en": "Download the PDF brief"},
        "brief_page_intro": {
            "zh": "为全体会议(联席会议)准备的简报。PDF 第一页一分钟可读完:达标数、各领域状态图、"
            "重点滞后事项及责任单位;其后是指标、滞后成员单位、逾期报送和督办清单。"
            "Excel 版含全部指标、完整督办清单和报送情况。",
            "en": "A brief for the plenary meeting. The PDF's first page reads in a minute: "
            "targets met, status by domain, the main lagging items with their owners; then "
            "indicators, lagging member units, overdue submissions and the supervision list. "
            "The Excel version holds every indicator, the whole supervision list and the "
            "reporting status.",
        },
        "brief_no_chromium": {
            "zh": "本机未安装 Chromium,无法生成 PDF 简报(Excel 简报不受影响)。",
            "en": "Chromium is not installed here, so the PDF brief cannot be made "
            "(the Excel brief still can).",
        },
    }
)
