"""UI words, status vocabulary and number formats (docs: /work/shared/DESIGN.md).

Chinese is the default language; English is the toggle. Every status has a word and an icon
as well as a colour, so colour-blind readers and black-and-white prints can tell them apart.
"""

from __future__ import annotations

import datetime as dt
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
    if x is None:
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
    entry = AGENCY_NAMES.get(code)
    return entry[_lang(lang)] if entry else code.replace("_", " ")


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
