"""UI words, status vocabulary and number formats follow DESIGN.md."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from weibao import i18n
from weibao.i18n import fmt_count, fmt_date, fmt_money, fmt_rate, fmt_target, fmt_value, gap_text, t

RATE = {
    "value_kind": "rate",
    "unit_zh": "%",
    "unit_en": "%",
    "counts_children": False,
    "gap_template_zh": "还有 {gap} 个村(社区)未配备儿童主任",
    "gap_template_en": "{gap} villages still without a child director",
}
STANDARD = {
    "value_kind": "standard",
    "unit_zh": "元/人/年",
    "unit_en": "yuan/person/year",
    "counts_children": False,
    "gap_template_zh": "低于目标 {gap} 元/人/年",
    "gap_template_en": "{gap} yuan/person/year below target",
}
CHILDREN = {**RATE, "counts_children": True, "gap_template_zh": "还有 {gap} 名儿童未落实"}


def test_t_defaults_to_chinese_and_falls_back():
    assert t("overview") == "总览"
    assert t("overview", "en") == "Overview"
    assert t("overview", "fr") == "总览"
    assert t("no_such_key", "en") == "no_such_key"
    assert "weibao build" in t("no_warehouse", "zh", path="/x.duckdb")


def test_every_string_has_both_languages():
    for key, entry in i18n.STRINGS.items():
        assert entry.get("zh") and entry.get("en"), key


def flat(lang: str) -> dict[str, str]:
    return {f"{sec}.{k}": v for sec, table in i18n.catalog(lang).items() for k, v in table.items()}


def test_locale_files_have_the_same_keys():
    """A key in one language only fails here."""
    zh, en = flat("zh"), flat("en")
    assert sorted(set(zh) - set(en)) == [], "keys in locales/zh.yml only"
    assert sorted(set(en) - set(zh)) == [], "keys in locales/en.yml only"


def test_every_status_has_a_word_in_each_language():
    styles = i18n.status_styles()
    for family in i18n.STATUS_FAMILIES:
        for lang in i18n.LANGS:
            assert set(styles[family]) == set(i18n.catalog(lang)[family]), (family, lang)
    assert i18n.catalog("zh")["statuses"]["needs_acceleration"] == "需加快"  # DESIGN.md


def test_a_key_not_in_the_catalog_is_recorded():
    i18n.MISSING_KEYS.discard(("no_such_key", "en"))
    assert t("no_such_key", "en") == "no_such_key"
    assert ("no_such_key", "en") in i18n.MISSING_KEYS
    assert i18n.word("caveats", "no_such_caveat", "zh") is None
    assert ("caveats.no_such_caveat", "zh") in i18n.MISSING_KEYS
    i18n.MISSING_KEYS.clear()


def test_no_word_table_left_in_python():
    """The words live in locales/*.yml; i18n.py holds functions (issue 8)."""
    source = (Path(i18n.__file__)).read_text(encoding="utf-8")
    assert "已达标" not in source and "总览" not in source and "家庭保护" not in source


@pytest.mark.parametrize(
    "code, zh, badge",
    [
        ("achieved", "已达标", "green"),
        ("not_achieved", "未达标", "red"),
        ("on_track", "进度正常", "green"),
        ("needs_acceleration", "需加快", "yellow"),
        ("limited_progress", "进展有限", "orange"),
        ("deteriorating", "倒退", "red"),
        ("no_target", "无目标", "gray"),
        ("no_data", "无数据", "gray"),
    ],
)
def test_status_vocabulary(code, zh, badge):
    s = i18n.status(code)
    assert s.zh == zh and s.badge == badge
    assert s.icon.startswith(":material/") and s.icon.endswith(":")
    assert i18n.status_label(code) == f"{s.icon} {zh}"
    assert i18n.status_badge(code, "en") == f":{badge}-badge[{s.icon} {s.en}]"


def test_statuses_are_distinguishable_without_colour():
    icons = [s.icon for s in i18n.STATUSES.values()]
    words = [s.zh for s in i18n.STATUSES.values()]
    assert len(set(icons)) == len(icons) and len(set(words)) == len(words)
    assert i18n.status("on_track").outline and i18n.status("no_target").outline
    assert i18n.status(None).code == "no_data"


def test_number_formats():
    assert fmt_rate(96.44) == "96.4%"
    assert fmt_rate(Decimal("100.00")) == "100.0%"
    assert fmt_money(25000) == "25,000 元/人/年"
    assert fmt_money(Decimal("1200.50"), "yuan/person/year") == "1,200.50 yuan/person/year"
    assert fmt_count(142.0) == "142"
    assert fmt_count(1234567) == "1,234,567"
    assert fmt_rate(None) == fmt_money(float("nan")) == "—"
    assert fmt_value(Decimal("87.25"), RATE) == "87.3%"  # half up, not banker's rounding
    assert fmt_rate(0) == "0.0%"
    assert fmt_value(25000, STANDARD, "en") == "25,000 yuan/person/year"


def test_dates():
    assert fmt_date(dt.date(2022, 5, 24)) == "2022年5月24日"
    assert fmt_date(dt.date(2022, 5, 24), "en") == "2022-05-24"
    assert fmt_date("2022-05-24", "zh") == "2022年5月24日"


def test_target_with_comparator():
    assert fmt_target({"comparator": ">=", "target_value": 100}, RATE) == "≥ 100.0%"
    assert fmt_target({"comparator": "<=", "target_value": 5}, RATE) == "≤ 5.0%"
    row = {"comparator": "between", "target_value": 18000, "target_value_high": 20000}
    assert fmt_target(row, STANDARD) == "18,000 元/人/年 – 20,000 元/人/年"
    assert fmt_target({"target_value": None}, RATE) == "—"


def test_gap_text_rates_and_standards():
    row = {"gap": Decimal("23.00"), "status": "not_achieved", "level": "county"}
    assert gap_text(RATE, row) == "还有 23 个村(社区)未配备儿童主任"
    assert gap_text(RATE, row, "en") == "23 villages still without a child director"
    county = {"gap": Decimal("1200.00"), "status": "not_achieved", "level": "county"}
    assert gap_text(STANDARD, county) == "低于目标 1,200 元/人/年"
    city = {"gap": Decimal("2.00"), "status": "not_achieved", "level": "city"}
    assert gap_text(STANDARD, city) == "2 个县(市、区)低于目标标准"
    assert gap_text(STANDARD, city, "en") == "2 counties below their target standard"


def test_gap_text_empty_when_met_or_unknown():
    assert gap_text(RATE, {"gap": 0, "status": "achieved"}) == ""
    assert gap_text(RATE, {"gap": None, "status": "no_target"}) == ""
    assert gap_text(RATE, {"status": "no_data"}) == ""


def test_small_counts_of_children_are_suppressed():
    assert i18n.suppress(3, True) == "<5"
    assert i18n.suppress(0, True) == "<5"
    assert i18n.suppress(5, True) == "5"
    assert i18n.suppress(3, False) == "3"
    row = {"gap": 2, "status": "not_achieved", "level": "village"}
    assert gap_text(CHILDREN, row) == "还有 <5 名儿童未落实"
    assert i18n.is_suppressed({"numerator": 3, "denominator": 40}, CHILDREN)
    assert not i18n.is_suppressed({"numerator": 3, "denominator": 40}, RATE)
    assert not i18n.is_suppressed({"numerator": 30, "denominator": 40}, CHILDREN)
