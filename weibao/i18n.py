"""UI words, status vocabulary and number formats (docs: /work/shared/DESIGN.md).

The words are data, one file per language: locales/zh.yml (the default) and locales/en.yml,
with how each status is drawn (colour, icon, outline) in locales/status_styles.yml. This
module only reads them and formats: t() looks a key up, and records any key the catalog lacks
in MISSING_KEYS so the page tests can fail on it. `weibao check` reports keys present in one
language only.

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
from pathlib import Path
from typing import Any

import yaml

from weibao import yamlfile
from weibao.errors import WeibaoError
from weibao.paths import LOCALES_DIR
from weibao.suppression import SUPPRESS_BELOW

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
SUPPRESSED = "<5"
MISSING = "—"
# Sections of a locale file besides `strings`: a code → word table each.
SECTIONS = (
    "levels",
    "statuses",
    "status_meanings",
    "submission_statuses",
    "task_statuses",
    "caveats",
    "domains",
    "agencies",
    "methodology",
    "roles",
    "case_statuses",
    "approval_statuses",
    "unapproved_display",
    "audit_actions",
)
STATUS_FAMILIES = ("statuses", "submission_statuses", "task_statuses")

# (key, lang) pairs that t() was asked for and the catalog lacks; tests assert it stays empty.
MISSING_KEYS: set[tuple[str, str]] = set()


def read_locale(path: Path) -> dict[str, dict[str, str]]:
    """One locale file as {section: {key: text}}; a clear error if it is not that shape."""
    where = path.name
    try:
        doc = yamlfile.load_file(path)
    except (OSError, yaml.YAMLError) as exc:
        raise WeibaoError(
            f"界面用语文件无法读取:{where}",
            f"cannot read the UI word file {where}: {exc}",
            "检查 YAML 缩进和引号(以 { 开头的文字要加引号),同一部分里的键不能重复。",
        ) from exc
    if not isinstance(doc, dict):
        raise WeibaoError(f"界面用语文件格式不对:{where}", f"{where} is not a mapping of sections")
    out: dict[str, dict[str, str]] = {}
    for section, table in doc.items():
        if section != "strings" and section not in SECTIONS:
            raise WeibaoError(
                f"界面用语文件 {where} 有未知的部分 {section}",
                f"{where}: unknown section {section!r}",
                f"可用的部分 / known sections: strings, {', '.join(SECTIONS)}",
            )
        if not isinstance(table, dict):
            raise WeibaoError(
                f"界面用语文件 {where} 的 {section} 应为“键: 文字”",
                f"{where}: section {section!r} must map keys to text",
            )
        for key, text in table.items():
            if not isinstance(text, str) or not text.strip():
                raise WeibaoError(
                    f"界面用语文件 {where} 中 {section}.{key} 没有文字",
                    f"{where}: {section}.{key} must be non-empty text",
                    "补上这一项的文字,或删除这一项。",
                )
        out[str(section)] = {str(k): v for k, v in table.items()}
    return out


@functools.cache
def catalog(lang: str) -> dict[str, dict[str, str]]:
    return read_locale(LOCALES_DIR / f"{lang}.yml")


@functools.cache
def status_styles() -> dict[str, Any]:
    path = LOCALES_DIR / "status_styles.yml"
    return yamlfile.load_file(path)


def _words(section: str) -> dict[str, dict[str, str]]:
    """{code: {zh, en}} for one section, in the Chinese file's order."""
    zh, en = catalog("zh").get(section, {}), catalog("en").get(section, {})
    return {k: {"zh": v, "en": en.get(k, v)} for k, v in zh.items()}


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


def _statuses(family: str) -> dict[str, Status]:
    words = _words(family)
    return {
        code: Status(
            code,
            words.get(code, {}).get("zh", code),
            words.get(code, {}).get("en", code),
            str(style["colour"]),
            str(style["badge"]),
            bool(style["outline"]),
            f":material/{style['icon']}:",
        )
        for code, style in status_styles()[family].items()
    }


# Module-level tables, read from the files once (names kept for the pages and the brief).
STRINGS: dict[str, dict[str, str]] = _words("strings")
LEVEL_NAMES = _words("levels")
STATUSES: dict[str, Status] = _statuses("statuses")
SUBMISSION_STATUSES: dict[str, Status] = _statuses("submission_statuses")
TASK_STATUSES: dict[str, Status] = _statuses("task_statuses")
# Least advanced first: a quarter's cell shows the worst status any unit reported.
TASK_STATUS_ORDER: tuple[str, ...] = tuple(status_styles()["task_status_order"])
STATUS_MEANINGS = _words("status_meanings")
CAVEATS = _words("caveats")
DOMAINS = _words("domains")  # the six protections, in the order of the Minors Protection Law
AGENCY_NAMES = _words("agencies")
METHODOLOGY: tuple[tuple[str, dict[str, str]], ...] = tuple(_words("methodology").items())
STANDARD_GAP_ABOVE_COUNTY = STRINGS["standard_gap_above_county"]


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt: Any) -> str:
    """The UI string for key in lang, filled with fmt; falls back to Chinese, then the key.

    A key missing from the language's catalog is recorded in MISSING_KEYS.
    """
    lang = _lang(lang)
    text = catalog(lang).get("strings", {}).get(key)
    if text is None:
        MISSING_KEYS.add((key, lang))
        text = catalog(DEFAULT_LANG).get("strings", {}).get(key, key)
    return text.format(**fmt) if fmt else text


def word(section: str, code: str, lang: str | None = DEFAULT_LANG) -> str | None:
    """A code's word in one of the SECTIONS tables; None (and recorded) if the catalog lacks it."""
    lang = _lang(lang)
    text = catalog(lang).get(section, {}).get(code)
    if text is None:
        MISSING_KEYS.add((f"{section}.{code}", lang))
    return text


def status(code: str | None) -> Status:
    return STATUSES.get(code or "no_data", STATUSES["no_data"])


def status_label(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """Icon and word, e.g. ':material/check_circle: achieved'."""
    s = status(code)
    return f"{s.icon} {s.label(_lang(lang))}"


def status_badge(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """Markdown badge with colour, icon and word."""
    s = status(code)
    return f":{s.badge}-badge[{s.icon} {s.label(_lang(lang))}]"


def level_name(level: str, lang: str | None = DEFAULT_LANG) -> str:
    return word("levels", level, lang) or level


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


def target_basis(value_row: Mapping[str, Any]) -> str | None:
    """The applicable target's basis: stated, derived or demo (None without a target). Rows
    without a basis column fall back on target_is_demo."""
    if _get(value_row, "target_value") is None:
        return None
    basis = _get(value_row, "target_basis")
    if basis is None:
        basis = _get(value_row, "basis")
    if basis is None:
        return "demo" if bool(_get(value_row, "target_is_demo", False)) else "stated"
    return str(basis)


def basis_mark(value_row: Mapping[str, Any], lang: str | None = DEFAULT_LANG) -> str:
    """推定目标 / 示例目标 for a target that is not stated; '' for a stated one or none."""
    basis = target_basis(value_row)
    if basis == "derived":
        return t("derived_target", lang)
    if basis == "demo":
        return t("demo_target", lang)
    return ""


def basis_word(basis: Any, lang: str | None = DEFAULT_LANG) -> str:
    """The basis as a word for a table column: 文件明确, 推定目标, 示例目标; '—' for none."""
    key = {"stated": "stated_target", "derived": "derived_target", "demo": "demo_target"}
    return t(key[basis], lang) if isinstance(basis, str) and basis in key else MISSING


def suppress(n: Any, counts_children: bool) -> str:
    """A count for display; counts of children below 5 show as '<5' (DESIGN.md, privacy)."""
    if _missing(n):
        return MISSING
    if counts_children and _num(n) < SUPPRESS_BELOW:
        return SUPPRESSED
    return fmt_count(n)


def is_suppressed(value_row: Mapping[str, Any], indicator: Mapping[str, Any]) -> bool:
    """True if a rate would reveal a small count of children (numerator or denominator < 5):
    the row says so (weibao.suppression cleared its figures), or its counts do. A row the
    data layer loaded for a signed-in statistician (`small_counts_shown`) is shown as it is."""
    if bool(_get(value_row, "small_counts_shown", False)):
        return False
    if bool(_get(value_row, "suppressed", False)):
        return True
    if not bool(_get(indicator, "counts_children", False)):
        return False
    for key in ("numerator", "denominator"):
        n = _get(value_row, key)
        if n is not None and _num(n) < SUPPRESS_BELOW:
            return True
    return False


def value_text(
    value_row: Mapping[str, Any], indicator: Mapping[str, Any], lang: str | None = DEFAULT_LANG
) -> str:
    """The row's value in the indicator's unit, or '<5' where it would reveal a small count;
    未审核 where figures not yet approved are hidden from this reader (weibao.approval). The
    mark on a shown figure not yet approved is approval_mark, beside it."""
    if bool(_get(value_row, "approval_hidden", False)):
        return t("approval_hidden", lang)
    if is_suppressed(value_row, indicator):
        return SUPPRESSED
    return fmt_value(_get(value_row, "value"), indicator, lang)


def approval_mark(value_row: Mapping[str, Any], lang: str | None = DEFAULT_LANG) -> str:
    """未审核 or 含未审核数据 for a figure not (wholly) approved; '' when approved or unknown."""
    code = _get(value_row, "approval_status")
    if code in ("pending", "mixed"):
        return word("approval_statuses", str(code), lang) or str(code)
    return ""


def status_with_mark(value_row: Mapping[str, Any], lang: str | None = DEFAULT_LANG) -> str:
    """The status word of a table cell, followed by 未审核 / 含未审核数据 when the figure is not
    (wholly) approved: a table shows the same mark as the Overview's cards."""
    word_ = status(_get(value_row, "status")).label(_lang(lang))
    mark = approval_mark(value_row, lang)
    return f"{word_} · {mark}" if mark else word_


def count_text(value_row: Mapping[str, Any], key: str, indicator: Mapping[str, Any]) -> str:
    """The row's numerator or denominator: '<5' if small (or cleared on a suppressed row)."""
    n = _get(value_row, key)
    if n is None and bool(_get(value_row, "suppressed", False)):
        return SUPPRESSED
    return suppress(n, bool(_get(indicator, "counts_children", False)))


def gap_text(
    indicator: Mapping[str, Any], value_row: Mapping[str, Any], lang: str | None = DEFAULT_LANG
) -> str:
    """The gap in words from the indicator's template; '' when there is no gap to tell.

    Standards are set per county; above the county the gap counts counties, so a generic
    template is used there.
    """
    lang = _lang(lang)
    if is_suppressed(value_row, indicator):
        lagging = _get(value_row, "status") == "not_achieved"
        return t("gap_suppressed", lang) if lagging else ""
    gap = _get(value_row, "gap")
    if gap is None or _num(gap) <= 0 or _get(value_row, "status") == "achieved":
        return ""
    level = _get(value_row, "level")
    counts_children = bool(_get(indicator, "counts_children", False))
    if _get(indicator, "value_kind") == "standard":
        if level in ("province", "city"):
            return t("standard_gap_above_county", lang, gap=fmt_count(gap))
        shown = fmt_number(gap)
    else:
        shown = suppress(gap, counts_children)
    template = _get(indicator, f"gap_template_{lang}") or _get(indicator, "gap_template_zh")
    if not template:
        return f"{t('gap', lang)} {shown}"
    return template.format(gap=shown)


# ---- reporting, units, domains, tasks ------------------------------------------------------


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


def submission_status(code: str) -> Status:
    return SUBMISSION_STATUSES[code]


def submission_badge(code: str, lang: str | None = DEFAULT_LANG) -> str:
    """Markdown badge with colour, icon and word, e.g. ':red-badge[:material/block: 已退回]'."""
    s = SUBMISSION_STATUSES[code]
    return f":{s.badge}-badge[{s.icon} {s.label(_lang(lang))}]"


def domain_name(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    if not code or code not in DOMAINS:
        return t("domain_none", lang)
    return word("domains", code, lang) or code


def task_status(code: str | None) -> Status:
    return TASK_STATUSES.get(code or "no_report", TASK_STATUSES["no_report"])


def task_badge(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    s = task_status(code)
    return f":{s.badge}-badge[{s.icon} {s.label(_lang(lang))}]"


def caveat_text(code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    if not code or _missing(code):
        return ""
    words = [word("caveats", c, lang) or c for c in str(code).split(";") if c]
    return "、".join(words) if _lang(lang) == "zh" else ", ".join(words)
