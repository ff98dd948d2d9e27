"""Submission types, read from their definition files: expectations/<type>.yml.

Each kind of file an agency hands in is declared once, as data, in expectations/<type>.yml
(columns and headers, level, period, deadline, who submits, the measures that feed indicators),
beside its Great Expectations suite expectations/<type>.json (the value rules). The field list
is in expectations/README.md. This module only reads and validates those files; it holds no
type-specific code. The demo generator, the load step, the templates and validation read the
objects it builds (SUBMISSION_TYPES).

Files are validated when read: a broken one raises a WeibaoError naming the file, the key, the
problem and the fix. `weibao check` reports the same problems, and more that need other files
(indicators, agencies, GX suites), without raising.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from weibao import yamlfile
from weibao.errors import Problem, WeibaoError
from weibao.paths import EXPECTATIONS_DIR, REFERENCE_DIR

LEVELS = ("village", "township", "county", "institution")
PERIODS = ("year", "quarter")
SQL_TYPES = ("varchar", "integer", "bigint", "double")
NUMBER_TYPES = ("integer", "bigint", "double")
# `expected_from.per`: a level of org unit (each one's agency submits for it) or `task` (expected
# from each task's responsible units, seeds/reference/tasks.csv).
EXPECTED_PER = ("county", "task")
# Reference lists a column may take its values from (`values_from`): seeds/reference/<name>.csv,
# keyed by its first column, with name_zh, name_en and the agency_code that reports it.
VALUE_LISTS = ("sectors",)

TYPE_KEYS = {
    "code": True,
    "name_zh": True,
    "name_en": True,
    "level": True,
    "period": True,
    "deadline_days": True,
    "submitters": True,
    "expected_from": True,
    "columns": True,
    "measures": False,
    "computed_in_sql": False,
    "jurisdiction_rows": False,
    "sort_order": False,
}
COLUMN_KEYS = {
    "name": True,
    "header_zh": True,
    "header_en": True,
    "type": True,
    "description_zh": True,
    "description_en": True,
    "key": False,
    "unit_zh": False,
    "aliases": False,
    "values_from": False,
}
MEASURE_KEYS = {"indicator": True, "numerator": True, "denominator": False}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Column:
    name: str  # canonical name, used in the normalised file and the warehouse
    header_zh: str  # header as it appears in the agency template
    sql_type: str  # DuckDB type used when the normalised file is read
    description_zh: str
    description_en: str
    unit_zh: str = ""
    is_key: bool = False
    aliases: tuple[str, ...] = ()  # other headers accepted for this column (incl. header_en)
    header_en: str = ""
    values_from: str | None = None  # a reference list (VALUE_LISTS) the values must come from

    @property
    def is_number(self) -> bool:
        return self.sql_type in NUMBER_TYPES


@dataclass(frozen=True)
class Measure:
    """How a submission type feeds one indicator: which column is the numerator and which the
    denominator ("1" counts each row once; None for a `count` indicator). The load step unpivots
    every measure into raw.indicator_measures, so a new indicator needs no SQL."""

    indicator_code: str
    numerator: str
    denominator: str | None = None


@dataclass(frozen=True)
class SubmissionType:
    code: str
    name_zh: str
    name_en: str
    level: str  # village | township | institution | county
    period: str  # year | quarter (quarterly figures are cumulative for the year so far)
    submitters: tuple[str, ...]  # agency codes allowed to submit (see seeds/reference/agencies.csv)
    indicators: tuple[str, ...]  # computed_in_sql, then the measures' indicators
    deadline_days: int  # days after the period ends
    columns: tuple[Column, ...] = field(default_factory=tuple)
    measures: tuple[Measure, ...] = ()
    # A county-level type whose rows may also be for the submitting jurisdiction itself when
    # that is above the county (a provincial joint conference reporting its own meetings).
    jurisdiction_rows: bool = False
    # Indicators a dedicated SQL model computes from this type (village coverage counts the
    # villages missing from the file, etc.) rather than a measure.
    computed_in_sql: tuple[str, ...] = ()
    expected_per: str = "county"  # who is expected to submit: each county, or per task
    expected_note: str = ""
    path: Path | None = None  # the definition file
    sort_order: int = 1000  # where the type is listed (templates, the Submit page)

    @property
    def key_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.is_key]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def org_unit_level(self) -> str:
        """Level of the division code in `org_unit_code` (institutions are located by township)."""
        return "township" if self.level == "institution" else self.level

    def period_bounds(self, period: str) -> tuple[date, date]:
        """`2024` for a year, `2024Q2` for a quarter (figures are cumulative for the year)."""
        year = int(period[:4])
        if self.period == "quarter":
            quarter = int(period[5:])
            start = date(year, 3 * quarter - 2, 1)
            end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
            return start, end
        return date(year, 1, 1), date(year, 12, 31)

    def deadline(self, period: str) -> date:
        return self.period_bounds(period)[1] + timedelta(days=self.deadline_days)


# ---- reading and validating ------------------------------------------------------------


def _p(path: Path, key: str, zh: str, en: str, fix_zh: str, fix_en: str) -> Problem:
    return Problem(path, key, zh, en, fix_zh, fix_en)


def _check_keys(
    path: Path, where: str, doc: dict, known: dict[str, bool], problems: list[Problem]
) -> None:
    for key, required in known.items():
        if required and (key not in doc or doc[key] is None or doc[key] == ""):
            problems.append(
                _p(
                    path,
                    f"{where}{key}",
                    "缺少必填项",
                    "required key is missing",
                    f"补上 {key}(字段说明见 expectations/README.md)",
                    f"add {key} (fields: expectations/README.md)",
                )
            )
    for key in doc:
        if key not in known:
            problems.append(
                _p(
                    path,
                    f"{where}{key}",
                    "未知的字段(可能拼写错误)",
                    "unknown key (a typo?)",
                    "可用字段: " + ", ".join(known),
                    "known keys: " + ", ".join(known),
                )
            )


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _one_of(
    path: Path, key: str, value: Any, allowed: Iterable[str], problems: list[Problem]
) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        problems.append(
            _p(
                path,
                key,
                f"取值“{value}”无效",
                f"value {value!r} is not allowed",
                "应为 " + "、".join(allowed),
                "use one of " + ", ".join(allowed),
            )
        )


def _read_column(path: Path, i: int, doc: Any, problems: list[Problem]) -> Column | None:
    where = f"columns[{i}]"
    if not isinstance(doc, dict):
        problems.append(
            _p(
                path,
                where,
                "列定义应为映射",
                "a column must be a mapping",
                "见 README",
                "see README",
            )
        )
        return None
    name = doc.get("name")
    where = f"columns.{name}" if isinstance(name, str) and name else where
    n = len(problems)
    _check_keys(path, f"{where}.", doc, COLUMN_KEYS, problems)
    if isinstance(name, str) and not _NAME.match(name):
        problems.append(
            _p(
                path,
                f"{where}.name",
                "列名只能用小写字母、数字和下划线,且以字母开头",
                "a column name is lower-case letters, digits and underscores",
                "改成如 child_director_count 的形式",
                "rename it like child_director_count",
            )
        )
    if "type" in doc:
        _one_of(path, f"{where}.type", doc["type"], SQL_TYPES, problems)
    if "values_from" in doc:
        _one_of(path, f"{where}.values_from", doc["values_from"], VALUE_LISTS, problems)
    if "aliases" in doc and not _str_list(doc["aliases"]):
        problems.append(
            _p(
                path,
                f"{where}.aliases",
                "别名应为文字列表",
                "aliases must be a list of text",
                "写成 [别名一, 别名二]",
                "write [alias one, alias two]",
            )
        )
    if "key" in doc and not isinstance(doc["key"], bool):
        problems.append(
            _p(path, f"{where}.key", "应为 true 或 false", "must be true or false", "", "")
        )
    for k in ("header_zh", "header_en", "description_zh", "description_en", "unit_zh"):
        if k in doc and not isinstance(doc[k], str):
            problems.append(
                _p(path, f"{where}.{k}", "应为文字", "must be text", "加引号", "quote it")
            )
    if len(problems) > n:
        return None
    header_en = doc["header_en"]
    aliases = tuple(dict.fromkeys([header_en, *doc.get("aliases", [])]))
    return Column(
        name=name,
        header_zh=doc["header_zh"],
        sql_type=doc["type"],
        description_zh=doc["description_zh"],
        description_en=doc["description_en"],
        unit_zh=doc.get("unit_zh", ""),
        is_key=bool(doc.get("key", False)),
        aliases=tuple(a for a in aliases if a != name),
        header_en=header_en,
        values_from=doc.get("values_from"),
    )


def _read_measure(
    path: Path, i: int, doc: Any, columns: dict[str, Column], problems: list[Problem]
) -> Measure | None:
    where = f"measures[{i}]"
    if not isinstance(doc, dict):
        problems.append(
            _p(
                path,
                where,
                "度量应为映射",
                "a measure must be a mapping",
                "写成 {indicator: ..., numerator: ..., denominator: ...}",
                "write {indicator: ..., numerator: ..., denominator: ...}",
            )
        )
        return None
    indicator = doc.get("indicator")
    where = f"measures.{indicator}" if isinstance(indicator, str) and indicator else where
    n = len(problems)
    _check_keys(path, f"{where}.", doc, MEASURE_KEYS, problems)
    numbers = [c.name for c in columns.values() if c.is_number and not c.is_key]
    denominator = doc.get("denominator")
    if denominator == 1 or denominator == "1":
        denominator = "1"
    for role, col in (("numerator", doc.get("numerator")), ("denominator", denominator)):
        if col is None or col == "1" and role == "denominator":
            continue
        if col not in columns:
            problems.append(
                _p(
                    path,
                    f"{where}.{role}",
                    f"度量引用的列“{col}”不存在",
                    f"the measure names column {col!r}, which the type does not have",
                    "改为本类型 columns 中的列名: " + ", ".join(columns),
                    "use one of the type's columns: " + ", ".join(columns),
                )
            )
        elif not columns[col].is_number:
            problems.append(
                _p(
                    path,
                    f"{where}.{role}",
                    f"度量引用的列“{col}”不是数字列",
                    f"column {col!r} is not a number column",
                    "分子、分母只能用数字列: " + ", ".join(numbers),
                    "numerators and denominators must be number columns: " + ", ".join(numbers),
                )
            )
    if len(problems) > n:
        return None
    return Measure(indicator, doc["numerator"], denominator)


def read_type(path: Path, problems: list[Problem]) -> SubmissionType | None:
    """One definition file; appends what is wrong to problems and returns None if broken."""
    n = len(problems)
    try:
        doc = yamlfile.load_file(path)
    except yamlfile.DuplicateKeyError as exc:
        problems.append(
            _p(
                path,
                exc.key,
                f"键“{exc.key}”写了两次(第 {exc.line} 行)",
                f"key {exc.key!r} appears twice (line {exc.line})",
                "删除其中一个,只保留正确的值",
                "remove one of them, keeping the right value",
            )
        )
        return None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(
            _p(
                path,
                "-",
                f"文件无法读取为 YAML:{exc}",
                f"not readable as YAML: {exc}",
                "检查缩进、冒号和引号",
                "check indentation, colons and quotes",
            )
        )
        return None
    if not isinstance(doc, dict):
        problems.append(
            _p(
                path,
                "-",
                "文件内容应为“字段: 值”的映射",
                "the file must be a mapping of keys",
                "参照 expectations/child_directors.yml",
                "follow expectations/child_directors.yml",
            )
        )
        return None
    _check_keys(path, "", doc, TYPE_KEYS, problems)
    code = doc.get("code")
    if code is not None and code != path.stem:
        problems.append(
            _p(
                path,
                "code",
                f"code“{code}”与文件名不一致",
                f"code {code!r} differs from the file name",
                f"文件名应为 {code}.yml,或把 code 改为 {path.stem}",
                f"name the file {code}.yml or set code: {path.stem}",
            )
        )
    if "level" in doc:
        _one_of(path, "level", doc["level"], LEVELS, problems)
    if "period" in doc:
        _one_of(path, "period", doc["period"], PERIODS, problems)
    days = doc.get("deadline_days")
    if "deadline_days" in doc and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        problems.append(
            _p(
                path,
                "deadline_days",
                "截止天数应为不小于 0 的整数",
                "deadline_days must be a whole number ≥ 0",
                "如 15(统计期结束后 15 天内)",
                "e.g. 15 (days after the period ends)",
            )
        )
    for key in ("submitters", "computed_in_sql"):
        if key in doc and not _str_list(doc[key]):
            problems.append(
                _p(
                    path,
                    key,
                    "应为代码列表",
                    "must be a list of codes",
                    "写成 [civil_affairs, education]",
                    "write [civil_affairs, education]",
                )
            )
    order = doc.get("sort_order", 1000)
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append(_p(path, "sort_order", "应为整数", "must be a whole number", "", ""))
    if "jurisdiction_rows" in doc and not isinstance(doc["jurisdiction_rows"], bool):
        problems.append(
            _p(path, "jurisdiction_rows", "应为 true 或 false", "must be true or false", "", "")
        )
    expected = doc.get("expected_from")
    if "expected_from" in doc:
        if not isinstance(expected, dict) or "per" not in expected:
            problems.append(
                _p(
                    path,
                    "expected_from",
                    "应写明由谁报送(per)",
                    "must say who is expected to submit (per)",
                    "写成 {per: county, note: ...}",
                    "write {per: county, note: ...}",
                )
            )
            expected = None
        else:
            _one_of(path, "expected_from.per", expected["per"], EXPECTED_PER, problems)
    columns: dict[str, Column] = {}
    raw_columns = doc.get("columns")
    if raw_columns is not None and not isinstance(raw_columns, list):
        problems.append(
            _p(
                path,
                "columns",
                "列应为列表",
                "columns must be a list",
                "每列以“- name: ...”开头",
                "start each column with '- name: ...'",
            )
        )
        raw_columns = []
    headers: dict[str, str] = {}
    for i, raw in enumerate(raw_columns or []):
        col = _read_column(path, i, raw, problems)
        if col is None:
            continue
        if col.name in columns:
            problems.append(
                _p(
                    path,
                    f"columns.{col.name}",
                    "列名重复",
                    "duplicate column name",
                    "每列的 name 必须唯一",
                    "give each column its own name",
                )
            )
        columns[col.name] = col
        for h in (col.header_zh, col.name, *col.aliases):
            other = headers.setdefault(h.strip().lower(), col.name)
            if other != col.name:
                problems.append(
                    _p(
                        path,
                        f"columns.{col.name}",
                        f"表头或别名“{h}”同时属于列 {other}",
                        f"header or alias {h!r} also belongs to column {other}",
                        "每个表头和别名只能对应一列",
                        "a header or alias may name one column only",
                    )
                )
    if raw_columns and len(columns) == len(raw_columns):
        needed = ["year"] + (["quarter"] if doc.get("period") == "quarter" else [])
        if doc.get("measures"):
            needed.insert(0, "org_unit_code")
        for name in needed:
            if name not in columns:
                problems.append(
                    _p(
                        path,
                        "columns",
                        f"缺少列 {name}",
                        f"column {name} is missing",
                        f"加上 {name} 列(各类型共用的列名,见 expectations/README.md)",
                        f"add the {name} column (shared names: expectations/README.md)",
                    )
                )
        if not any(c.is_key for c in columns.values()):
            problems.append(
                _p(
                    path,
                    "columns",
                    "没有主键列",
                    "no key column",
                    "给唯一确定一行的列加上 key: true",
                    "mark the columns that identify a row with key: true",
                )
            )
    measures: list[Measure] = []
    raw_measures = doc.get("measures") or []
    if not isinstance(raw_measures, list):
        problems.append(
            _p(
                path,
                "measures",
                "度量应为列表",
                "measures must be a list",
                "见 README",
                "see README",
            )
        )
        raw_measures = []
    for i, raw in enumerate(raw_measures):
        m = _read_measure(path, i, raw, columns, problems)
        if m is not None:
            if any(x.indicator_code == m.indicator_code for x in measures):
                problems.append(
                    _p(
                        path,
                        f"measures.{m.indicator_code}",
                        "同一指标有两个度量",
                        "two measures for one indicator",
                        "删除重复的一项",
                        "remove the duplicate",
                    )
                )
            measures.append(m)
    in_sql = tuple(doc.get("computed_in_sql") or ())
    if len(problems) > n:
        return None
    measured = tuple(m.indicator_code for m in measures)
    return SubmissionType(
        code=doc["code"],
        name_zh=doc["name_zh"],
        name_en=doc["name_en"],
        level=doc["level"],
        period=doc["period"],
        submitters=tuple(doc["submitters"]),
        indicators=tuple(dict.fromkeys(in_sql + measured)),
        deadline_days=doc["deadline_days"],
        columns=tuple(columns.values()),
        measures=tuple(measures),
        jurisdiction_rows=bool(doc.get("jurisdiction_rows", False)),
        computed_in_sql=in_sql,
        expected_per=expected["per"],
        expected_note=str(expected.get("note", "")),
        path=path,
        sort_order=order,
    )


def read_types(
    directory: Path = EXPECTATIONS_DIR,
) -> tuple[dict[str, SubmissionType], list[Problem]]:
    """Every expectations/*.yml, in file-name order, and the problems found (never raises)."""
    problems: list[Problem] = []
    types: dict[str, SubmissionType] = {}
    for path in sorted(directory.glob("*.yml")):
        stype = read_type(path, problems)
        if stype is not None:
            types[stype.code] = stype
    ordered = sorted(types.values(), key=lambda s: (s.sort_order, s.code))
    return {s.code: s for s in ordered}, problems


def read_value_list(name: str, reference_dir: Path = REFERENCE_DIR) -> dict[str, tuple[str, ...]]:
    """A reference list (seeds/reference/<name>.csv): code → (name_zh, name_en, agency_code)."""
    with open(reference_dir / f"{name}.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        head = next(reader)
        at = {h: i for i, h in enumerate(head)}
        return {
            row[0]: (row[at["name_zh"]], row[at["name_en"]], row[at["agency_code"]])
            for row in reader
            if row
        }


@functools.cache
def _registry() -> dict[str, SubmissionType]:
    types, problems = read_types()
    if problems:
        raise WeibaoError(
            "报送类型定义有误,无法读取",
            "a submission-type definition is broken",
            "按下列提示修改,然后运行 weibao check 确认",
            details=[p.line() for p in problems],
        )
    return types


def schedule_rows(types: dict[str, SubmissionType] | None = None) -> list[dict[str, Any]]:
    """Who must submit what and by when (raw.submission_schedule): one row per type × agency
    for the types expected from every jurisdiction of a level (expected_from.per)."""
    types = _registry() if types is None else types
    return [
        {
            "submission_type": s.code,
            "agency_code": agency,
            "level_of_jurisdiction": s.expected_per,
            "period_kind": s.period,
            "deadline_days": s.deadline_days,
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "source_note": f"expectations/{s.code}.yml: {s.expected_note}",
        }
        for s in types.values()
        if s.expected_per != "task"
        for agency in s.submitters
    ]


@functools.cache
def value_list(name: str) -> dict[str, tuple[str, ...]]:
    """A column's `values_from` list: code → (name_zh, name_en, agency that reports it)."""
    return read_value_list(name)


def __getattr__(name: str) -> Any:
    # Read lazily, so that `weibao check` can report a broken file instead of failing on import.
    if name == "SUBMISSION_TYPES":
        return _registry()
    if name == "SECTORS":  # code → (name_zh, name_en, regulating agency)
        return value_list("sectors")
    raise AttributeError(name)
