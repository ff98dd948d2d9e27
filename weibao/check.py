"""`weibao check`: validate every definition file and reference table before anything runs.

Reads, without importing the registry (so a broken file is reported, not raised):
- expectations/<type>.yml (submission types) and expectations/<type>.json (GX suites);
- seeds/reference/*.csv against the tests their YAML (_reference__seeds.yml) declares:
  not_null, unique, unique_combination, accepted_values and relationships to another seed;
- quotes: every source_clause is found verbatim (whitespace removed) in its source_doc under
  reference/policy/;
- indicators: each is fed by exactly one submission type, through a measure or an indicator the
  type lists under computed_in_sql (which must then appear in a model's SQL);
- locales/*.yml: the same keys in every language, a word for every status;
- targets: the rules between columns (check_targets): bounds of `between`, the baseline of
  `decrease_from_baseline` (an earlier year, a lower-is-better indicator), and the basis
  (stated with a clause that gives the figure, derived with a note, demo with is_demo).

Prints one line per problem: file | key | problem (Chinese / English) | fix. Exit 0 when all
is well, 2 when a definition is broken. `weibao build` runs it first and refuses to build on a
broken definition.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from weibao import yamlfile
from weibao.errors import Problem, WeibaoError
from weibao.paths import ROOT

SEEDS_YAML = "_reference__seeds.yml"
_REF = re.compile(r"ref\(\s*['\"](\w+)['\"]\s*\)")
# GX kwargs that name a column of the type.
GX_COLUMN_KWARGS = ("column", "column_A", "column_B")
# Models the seeds' relationships tests point at that read a file rather than a seed: the file
# (relative to the project root) and the column that holds the codes.
FILE_REFS = {"stg_reference__org_units": ("reference/divisions/divisions_2023.parquet", "code")}
GX_COLUMN_LIST_KWARGS = ("column_list", "column_set")


def _squash(text: str) -> str:
    """Normalise whitespace only: quotes are compared with every space and line break removed."""
    return re.sub(r"\s+", "", text)


class Project:
    """The definition files of one project root (the repository, or a copy in a test)."""

    def __init__(self, root: Path):
        self.root = root
        self.expectations = root / "expectations"
        self.reference = root / "seeds" / "reference"
        self.policy = root / "reference" / "policy"
        self.locales = root / "locales"
        self.models = root / "models"
        self._csv: dict[str, tuple[list[str], list[dict[str, str]]]] = {}
        self._codes: dict[str, set[str]] = {}

    def table(self, name: str) -> tuple[list[str], list[dict[str, str]]]:
        """A reference CSV as (header, rows); empty cells are ''."""
        if name not in self._csv:
            path = self.reference / f"{name}.csv"
            if not path.exists():
                self._csv[name] = ([], [])
            else:
                with open(path, encoding="utf-8", newline="") as fh:
                    reader = csv.DictReader(fh)
                    rows = [{k: (v or "") for k, v in r.items() if k is not None} for r in reader]
                    self._csv[name] = (list(reader.fieldnames or []), rows)
        return self._csv[name]

    def file_codes(self, ref: str) -> set[str]:
        """The codes of a FILE_REFS model, read from its file (all NBS divisions for org units:
        dbt's own test then checks that the committees serve it)."""
        if ref not in self._codes:
            import duckdb

            rel, column = FILE_REFS[ref]
            path = (self.root / rel).as_posix().replace("'", "''")
            con = duckdb.connect()
            try:
                rows = con.execute(f"select distinct {column} from read_parquet('{path}')")
                self._codes[ref] = {str(c) for (c,) in rows.fetchall()}
            except duckdb.Error:
                self._codes[ref] = set()
            finally:
                con.close()
        return self._codes[ref]

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def _problem(
    project: Project, path: Path, key: str, zh: str, en: str, fix_zh: str = "", fix_en: str = ""
) -> Problem:
    return Problem(project.rel(path), key, zh, en, fix_zh, fix_en)


# ---- reference tables -------------------------------------------------------------------


def _seed_specs(project: Project) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    path = project.reference / SEEDS_YAML
    try:
        doc = yamlfile.load_file(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one problem line
        return {}, [
            _problem(
                project,
                path,
                "-",
                f"无法读取:{exc}",
                f"cannot read: {exc}",
                "检查缩进和重复的键",
                "check indentation and duplicate keys",
            )
        ]
    return {s["name"]: s for s in (doc or {}).get("seeds", []) if isinstance(s, dict)}, []


def _row_label(key_cols: list[str], row: dict[str, str], line: int) -> str:
    if key_cols:
        return (
            f"第{line}行 row {line} (" + ", ".join(f"{c}={row.get(c, '')}" for c in key_cols) + ")"
        )
    return f"第{line}行 row {line}"


def _tests(spec: dict[str, Any]) -> Iterator[tuple[str | None, str, dict[str, Any]]]:
    """(column or None, test name, arguments) for each test the seed's YAML declares."""
    for test in spec.get("data_tests", []) or []:
        name, args = (test, {}) if isinstance(test, str) else next(iter(test.items()))
        yield None, name, (args or {}).get("arguments", args or {})
    for col in spec.get("columns", []) or []:
        for test in col.get("data_tests", []) or []:
            name, args = (test, {}) if isinstance(test, str) else next(iter(test.items()))
            yield col["name"], name, (args or {}).get("arguments", args or {})


def check_reference_tables(project: Project) -> list[Problem]:
    specs, problems = _seed_specs(project)
    for name, spec in specs.items():
        path = project.reference / f"{name}.csv"
        if not path.exists():
            continue
        header, rows = project.table(name)
        key_cols: list[str] = []
        for column, test, args in _tests(spec):
            if test == "unique_combination":
                key_cols = list(args.get("columns", []))
            elif test == "unique" and column and not key_cols:
                key_cols = [column]
        for column, test, args in _tests(spec):
            if column is not None and column not in header:
                problems.append(
                    _problem(
                        project,
                        path,
                        column,
                        "参照表缺少这一列",
                        "the table lacks this column",
                        f"在表头加上 {column},或修改 {SEEDS_YAML}",
                        f"add {column} to the header or change {SEEDS_YAML}",
                    )
                )
                continue
            problems += _run_test(project, path, name, rows, key_cols, column, test, args)
        problems += _check_quotes(project, path, rows, key_cols)
    return problems


def _run_test(
    project: Project,
    path: Path,
    name: str,
    rows: list[dict[str, str]],
    key_cols: list[str],
    column: str | None,
    test: str,
    args: dict[str, Any],
) -> list[Problem]:
    out: list[Problem] = []

    def say(i: int, row: dict[str, str], key: str, zh: str, en: str, fz: str, fe: str) -> None:
        label = _row_label(key_cols, row, i + 2)
        out.append(_problem(project, path, f"{label} {key}", zh, en, fz, fe))

    if test == "not_null" and column:
        for i, row in enumerate(rows):
            if not row.get(column, "").strip():
                say(i, row, column, "不能为空", "must not be empty", f"填写 {column}", "fill it in")
    elif test in ("unique", "unique_combination"):
        cols = [column] if test == "unique" else list(args.get("columns", []))
        seen: dict[tuple[str, ...], int] = {}
        for i, row in enumerate(rows):
            value = tuple(row.get(c, "") for c in cols)
            if value in seen:
                say(
                    i,
                    row,
                    "+".join(cols),
                    f"重复的键,与第 {seen[value] + 2} 行相同",
                    f"duplicate key, same as row {seen[value] + 2}",
                    "删除或合并重复的行",
                    "remove or merge the duplicate row",
                )
            else:
                seen[value] = i
    elif test == "accepted_values" and column:
        allowed = [str(v) for v in args.get("values", [])]
        for i, row in enumerate(rows):
            value = row.get(column, "")
            if value and value not in allowed:
                say(
                    i,
                    row,
                    f"{column}={value}",
                    f"“{value}”不是允许的取值",
                    f"{value!r} is not an allowed value",
                    "应为 " + "、".join(allowed),
                    "use one of " + ", ".join(allowed),
                )
    elif test == "relationships" and column:
        match = _REF.search(str(args.get("to", "")))
        field = args.get("field")
        if not match or not field:
            return out
        other = match.group(1)
        if other in FILE_REFS:  # a model over a file source, e.g. org units over the divisions
            known = project.file_codes(other)
            other = FILE_REFS[other][0]
        else:
            other_header, other_rows = project.table(other)
            if field not in other_header:
                return out  # the reference is a model, or its own check reports the column
            known = {r.get(field, "") for r in other_rows}
            other = f"{other}.csv"
        for i, row in enumerate(rows):
            value = row.get(column, "")
            if value and value not in known:
                say(
                    i,
                    row,
                    f"{column}={value}",
                    f"“{value}”在 {other} 中不存在",
                    f"{value!r} is not among the codes of {other}",
                    f"改为 {other} 中已有的代码",
                    f"use a code from {other}",
                )
    return out


def _check_quotes(
    project: Project, path: Path, rows: list[dict[str, str]], key_cols: list[str]
) -> list[Problem]:
    """Every source_clause must be found verbatim (whitespace aside) in its source_doc."""
    out: list[Problem] = []
    if not rows or "source_clause" not in rows[0] or "source_doc" not in rows[0]:
        return out
    texts: dict[str, str | None] = {}
    for i, row in enumerate(rows):
        doc, clause = row.get("source_doc", ""), row.get("source_clause", "")
        if not doc or not clause.strip():
            continue
        if doc not in texts:
            f = project.policy / doc
            texts[doc] = _squash(f.read_text(encoding="utf-8")) if f.is_file() else None
        label = _row_label(key_cols, row, i + 2)
        if texts[doc] is None:
            out.append(
                _problem(
                    project,
                    path,
                    f"{label} source_doc={doc}",
                    "找不到引用的政策文件",
                    "the policy document is not in reference/policy/",
                    "改为 reference/policy/ 中已有的文件名",
                    "use a file name from reference/policy/",
                )
            )
        elif _squash(clause) not in texts[doc]:
            out.append(
                _problem(
                    project,
                    path,
                    f"{label} source_clause",
                    f"引文在 {doc} 中找不到原文:“{clause[:40]}”",
                    f"the quote is not found verbatim in {doc}",
                    "从文件中逐字复制条款原文(空格和换行不计)",
                    "copy the clause word for word from the document (whitespace aside)",
                )
            )
    return out


# ---- targets: the rules between columns ------------------------------------------------

BASES = ("stated", "derived", "demo")
# Words that make a quoted clause state its figure (CONVENTIONS.md, "A figure's basis"), plus
# the readings docs/catalog.md records as stated: 必须 and 全面落实 over a countable population,
# and a frequency in words (一次). A clause with none of them and no digit states no figure.
STATED_WORDS = ("每个", "每名", "全覆盖", "确保", "必须", "全面落实", "一次")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check_targets(project: Project) -> list[Problem]:
    """What the seed's column tests cannot say: comparator and bounds, baseline, and basis.

    - `between` needs target_value_high ≥ target_value; the other comparators have none;
    - `decrease_from_baseline` ("明显下降") is a fall in percent (above 0, at most 100) from the
      value in baseline_year, an earlier year, for a lower-is-better indicator; only it names a
      baseline_year;
    - basis `demo` if and only if is_demo is true; `derived` needs derivation_note and
      derivation_note_en, and only it has one; `stated` needs a source_doc and a quoted clause
      that gives a figure (a digit, or 每个 / 全覆盖 / 确保 …), else the figure is a reading.
    """
    path = project.reference / "targets.csv"
    header, rows = project.table("targets")
    if not rows or "comparator" not in header:
        return []
    directions = {
        r["indicator_code"]: r.get("direction", "") for r in project.table("indicators")[1]
    }
    key_cols = ["indicator_code", "org_unit_code", "year"]
    out: list[Problem] = []
    for i, row in enumerate(rows):
        label = _row_label(key_cols, row, i + 2)

        def say(key: str, zh: str, en: str, fz: str, fe: str) -> None:
            out.append(_problem(project, path, f"{label} {key}", zh, en, fz, fe))  # noqa: B023

        comparator = row.get("comparator", "")
        value, high = row.get("target_value", ""), row.get("target_value_high", "")
        baseline = row.get("baseline_year", "")
        if value and _number(value) is None:
            say(
                f"target_value={value}",
                "目标值应为数字",
                "target_value must be a number",
                "只填数字,单位见指标定义",
                "a number only, in the indicator's unit",
            )
        if comparator == "between":
            if not high:
                say(
                    "target_value_high",
                    "between 需要上限 target_value_high",
                    "between needs an upper bound in target_value_high",
                    "填写区间上限",
                    "fill in the upper bound",
                )
            elif _number(high) is None or (
                _number(value) is not None and _number(high) < _number(value)
            ):
                say(
                    f"target_value_high={high}",
                    "上限应为不小于 target_value 的数字",
                    "the upper bound must be a number ≥ target_value",
                    "改正上限,或交换上下限",
                    "correct it, or swap the bounds",
                )
        elif high:
            say(
                f"target_value_high={high}",
                f"只有 between 才有上限,{comparator} 不用",
                f"only between has an upper bound, not {comparator}",
                "清空 target_value_high",
                "empty target_value_high",
            )
        if comparator == "decrease_from_baseline":
            fall = _number(value)
            if fall is not None and not 0 < fall <= 100:
                say(
                    f"target_value={value}",
                    "较基期下降的幅度应为大于 0、不超过 100 的百分数",
                    "a decrease from the baseline is a percentage above 0 and at most 100",
                    "如 10 表示较基期下降至少 10%",
                    "e.g. 10 for a fall of at least 10% from the baseline",
                )
            if not baseline:
                say(
                    "baseline_year",
                    "decrease_from_baseline 需要基期年份 baseline_year",
                    "decrease_from_baseline needs a baseline_year",
                    "填写下降幅度所比较的年份,早于目标年份",
                    "give the year the fall is measured from, before the target year",
                )
            elif (
                not baseline.isdigit()
                or not row.get("year", "").isdigit()
                or (int(baseline) >= int(row["year"]))
            ):
                say(
                    f"baseline_year={baseline}",
                    "基期年份应早于目标年份",
                    "the baseline year must be before the target year",
                    "改为更早的年份",
                    "use an earlier year",
                )
            direction = directions.get(row.get("indicator_code", ""), "")
            if direction and direction != "lower_is_better":
                say(
                    "comparator=decrease_from_baseline",
                    f"指标方向为 {direction},“较基期下降”只用于越低越好的指标",
                    f"the indicator is {direction}; a decrease from baseline is for "
                    "lower_is_better indicators",
                    "改用 >= 等比较方式,或改正指标的 direction",
                    "use >= or another comparator, or fix the indicator's direction",
                )
        elif baseline:
            say(
                f"baseline_year={baseline}",
                "只有 decrease_from_baseline 才有基期年份",
                "only decrease_from_baseline has a baseline_year",
                "清空 baseline_year",
                "empty baseline_year",
            )
        _check_basis(row, say)
    return out


def _check_basis(row: dict[str, str], say: Any) -> None:
    basis, is_demo = row.get("basis", ""), row.get("is_demo", "")
    if basis not in BASES:  # empty or unknown: the seed's own column tests report it
        return
    if (basis == "demo") != (is_demo == "true"):
        say(
            f"basis={basis}",
            f"basis 为 {basis},is_demo 却为 {is_demo or '空'}",
            f"basis is {basis} but is_demo is {is_demo or 'empty'}",
            "示例目标填 basis=demo 且 is_demo=true;其他目标 is_demo=false",
            "a demo target has basis=demo and is_demo=true; any other has is_demo=false",
        )
    notes = [n for n in ("derivation_note", "derivation_note_en") if row.get(n, "").strip()]
    if basis == "derived" and len(notes) < 2:
        missing = [n for n in ("derivation_note", "derivation_note_en") if n not in notes]
        say(
            "+".join(missing),
            "推定目标须说明推定依据(中英文)",
            "a derived target needs a derivation note, in Chinese and English",
            "写明读的是哪句条款、为何得出这个数",
            "say what was read and why it gives this figure",
        )
    elif basis != "derived" and notes:
        say(
            "derivation_note",
            f"basis 为 {basis},不应有推定说明",
            f"basis is {basis}; only a derived target has a derivation note",
            "若数字是推定的,把 basis 改为 derived;否则清空说明",
            "set basis to derived if the figure is a reading, else empty the note",
        )
    if basis == "stated":
        clause = row.get("source_clause", "")
        if not row.get("source_doc") or not clause.strip():
            say(
                "source_clause",
                "文件明确的目标须有出处和原文",
                "a stated target needs its document and quoted clause",
                "填写 source_doc 和逐字引文",
                "fill in source_doc and the verbatim clause",
            )
        elif not any(ch.isdigit() for ch in clause) and not any(w in clause for w in STATED_WORDS):
            say(
                "basis=stated",
                "引文没有给出数字,也没有“每个、全覆盖、确保”等词,目标值是推定的",
                "the quoted clause gives no figure (nor 每个, 全覆盖, 确保 …): the figure is a "
                "reading",
                "把 basis 改为 derived 并写明推定依据,或引用给出数字的条款",
                "set basis to derived with a derivation note, or quote a clause with the figure",
            )


# ---- submission types and GX suites ----------------------------------------------------


def check_types(project: Project) -> list[Problem]:
    from weibao.submission_types import read_types

    types, problems = read_types(project.expectations)
    broken = {Path(p.file).stem for p in problems}  # not read: its indicators are not orphans
    problems = [replace(p, file=project.rel(Path(p.file))) for p in problems]
    agencies = {r["agency_code"] for r in project.table("agencies")[1]}
    _, indicator_rows = project.table("indicators")
    indicators = {r["indicator_code"]: r for r in indicator_rows}
    sql = "\n".join(p.read_text(encoding="utf-8") for p in sorted(project.models.rglob("*.sql")))
    feeders: dict[str, list[str]] = {}
    for code, stype in types.items():
        path = stype.path or project.expectations / f"{code}.yml"
        for agency in stype.submitters:
            if agency not in agencies:
                problems.append(
                    _problem(
                        project,
                        path,
                        f"submitters.{agency}",
                        f"未知的报送单位“{agency}”",
                        f"unknown agency {agency!r}",
                        "使用 seeds/reference/agencies.csv 中的 agency_code",
                        "use an agency_code from seeds/reference/agencies.csv",
                    )
                )
        for m in stype.measures:
            feeders.setdefault(m.indicator_code, []).append(code)
            if m.indicator_code not in indicators:
                problems.append(
                    _problem(
                        project,
                        path,
                        f"measures.{m.indicator_code}",
                        "指标不在 indicators.csv 中",
                        "the indicator is not in indicators.csv",
                        "先在 seeds/reference/indicators.csv 中添加这个指标,或改正代码",
                        "add the indicator to seeds/reference/indicators.csv or fix the code",
                    )
                )
        for ind in stype.computed_in_sql:
            feeders.setdefault(ind, []).append(code)
            if ind not in indicators:
                problems.append(
                    _problem(
                        project,
                        path,
                        f"computed_in_sql.{ind}",
                        "指标不在 indicators.csv 中",
                        "the indicator is not in indicators.csv",
                        "改正指标代码",
                        "fix the indicator code",
                    )
                )
            elif f"'{ind}'" not in sql:
                problems.append(
                    _problem(
                        project,
                        path,
                        f"computed_in_sql.{ind}",
                        "声明由 SQL 计算,但 models/ 中没有计算它的模型",
                        "declared as computed in SQL, but no model under models/ computes it",
                        "改用 measures 声明分子和分母",
                        "declare it as a measure (numerator, denominator) instead",
                    )
                )
        problems += _check_suite(project, stype)
    for path in sorted(project.expectations.glob("*.json")):
        if path.stem not in types and not (project.expectations / f"{path.stem}.yml").exists():
            problems.append(
                _problem(
                    project,
                    path,
                    "-",
                    "GX 规则集没有对应的报送类型定义",
                    "a GX suite without a submission-type definition",
                    f"添加 expectations/{path.stem}.yml,或删除这个规则集",
                    f"add expectations/{path.stem}.yml or remove the suite",
                )
            )
    ind_path = project.reference / "indicators.csv"
    for i, (code, row) in enumerate(indicators.items()):
        fed = feeders.get(code, [])
        label = f"第{i + 2}行 row {i + 2} (indicator_code={code})"
        if not fed and row.get("submission_type") in broken:
            continue
        if not fed:
            problems.append(
                _problem(
                    project,
                    ind_path,
                    label,
                    "没有任何报送类型提供这个指标的数据",
                    "no submission type measures this indicator",
                    "在一个报送类型的 YAML 中加上 measures: - indicator: " + code,
                    f"add a measure for {code} to a submission type's YAML",
                )
            )
        elif len(set(fed)) > 1:
            problems.append(
                _problem(
                    project,
                    ind_path,
                    label,
                    "多个报送类型提供同一指标:" + "、".join(sorted(set(fed))),
                    "several types feed the indicator: " + ", ".join(sorted(set(fed))),
                    "只保留一个报送类型的度量",
                    "keep the measure in one type only",
                )
            )
        elif row.get("submission_type") and row["submission_type"] != fed[0]:
            problems.append(
                _problem(
                    project,
                    ind_path,
                    f"{label} submission_type={row['submission_type']}",
                    f"与实际提供数据的报送类型 {fed[0]} 不一致",
                    f"differs from the type that feeds it, {fed[0]}",
                    f"改为 {fed[0]}",
                    f"set it to {fed[0]}",
                )
            )
    return problems


def _check_suite(project: Project, stype: Any) -> list[Problem]:
    path = project.expectations / f"{stype.code}.json"
    if not path.exists():
        return [
            _problem(
                project,
                path,
                "-",
                "缺少 GX 规则集",
                "the GX suite is missing",
                f"在 yml 旁添加 {stype.code}.json(取值规则)",
                f"add {stype.code}.json (value rules) beside the yml",
            )
        ]
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
        expectations = suite["expectations"]
    except (ValueError, KeyError, TypeError) as exc:
        return [
            _problem(
                project,
                path,
                "-",
                f"规则集无法读取:{exc}",
                f"the suite cannot be read: {exc}",
                "检查 JSON 格式",
                "check the JSON",
            )
        ]
    out: list[Problem] = []
    if suite.get("name") != stype.code:
        out.append(
            _problem(
                project,
                path,
                "name",
                f"规则集名称“{suite.get('name')}”与类型代码不一致",
                "the suite's name differs from the type code",
                f"改为 {stype.code}",
                f"set it to {stype.code}",
            )
        )
    columns = {c.name: c for c in stype.columns}
    for i, exp in enumerate(expectations):
        kwargs = exp.get("kwargs", {}) if isinstance(exp, dict) else {}
        listed = columns.get(kwargs.get("column", "")) if isinstance(kwargs, dict) else None
        if listed and listed.values_from and "value_set" in kwargs:
            header, rows = project.table(listed.values_from)
            codes = {r[header[0]] for r in rows} if header else set()
            unknown = sorted(set(kwargs["value_set"]) - codes)
            if unknown:
                out.append(
                    _problem(
                        project,
                        path,
                        f"expectations[{i}] column={listed.name} value_set",
                        f"可选值 {'、'.join(unknown)} 不在 seeds/reference/{listed.values_from}.csv 中",
                        f"allowed values {', '.join(unknown)} are not codes of "
                        f"seeds/reference/{listed.values_from}.csv",
                        "只用该表第一列中的代码",
                        "use codes from the table's first column only",
                    )
                )
        named = [kwargs[k] for k in GX_COLUMN_KWARGS if k in kwargs]
        named += [c for k in GX_COLUMN_LIST_KWARGS for c in kwargs.get(k, [])]
        for col in named:
            if col not in columns:
                out.append(
                    _problem(
                        project,
                        path,
                        f"expectations[{i}] {exp.get('type', '?')} column={col}",
                        f"规则引用的列“{col}”不在类型 {stype.code} 中",
                        f"the rule names column {col!r}, which type {stype.code} lacks",
                        "改为 yml 中 columns 的列名,或在 yml 中加上这一列",
                        "use a column of the yml, or add the column there",
                    )
                )
    return out


# ---- locales ---------------------------------------------------------------------------


def check_locales(project: Project) -> list[Problem]:
    from weibao.i18n import LANGS, STATUS_FAMILIES, read_locale

    out: list[Problem] = []
    flat: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        path = project.locales / f"{lang}.yml"
        try:
            doc = read_locale(path)
        except WeibaoError as exc:
            out.append(
                _problem(project, path, "-", exc.message_zh, exc.message_en, exc.hint_zh, "")
            )
            continue
        flat[lang] = {f"{s}.{k}": v for s, table in doc.items() for k, v in table.items()}
    for lang, keys in flat.items():
        for other, other_keys in flat.items():
            for key in sorted(set(keys) - set(other_keys)):
                out.append(
                    _problem(
                        project,
                        project.locales / f"{other}.yml",
                        key,
                        f"只有 {lang}.yml 有这个键",
                        f"the key is in {lang}.yml only",
                        f"在 {other}.yml 中加上同名的键和译文",
                        f"add the key and its words to {other}.yml",
                    )
                )
    styles_path = project.locales / "status_styles.yml"
    try:
        styles = yamlfile.load_file(styles_path) or {}
    except Exception as exc:  # noqa: BLE001
        return out + [_problem(project, styles_path, "-", f"无法读取:{exc}", f"cannot read: {exc}")]
    for family in STATUS_FAMILIES:
        for code in styles.get(family, {}) or {}:
            for lang, keys in flat.items():
                if f"{family}.{code}" not in keys:
                    out.append(
                        _problem(
                            project,
                            project.locales / f"{lang}.yml",
                            f"{family}.{code}",
                            "状态有样式但没有文字",
                            "the status has a style but no word",
                            f"在 {family} 下加上 {code} 的文字",
                            f"add a word for {code} under {family}",
                        )
                    )
    return out


# ---- all ---------------------------------------------------------------------------------


def run_checks(root: Path = ROOT) -> list[Problem]:
    project = Project(root)
    problems = check_locales(project) + check_types(project) + check_reference_tables(project)
    problems += check_targets(project)
    counts = Counter(p.line() for p in problems)
    return [p for p in problems if counts.pop(p.line(), 0)]  # each line once, in order


def report(problems: list[Problem]) -> str:
    if not problems:
        return "定义文件和参照表检查通过 / definitions and reference tables OK"
    head = f"发现 {len(problems)} 个定义问题 / {len(problems)} problem(s) in the definitions:"
    return "\n".join([head, *(p.line() for p in problems)])


def require_valid(root: Path = ROOT) -> None:
    """For `weibao build`: refuse to run on a broken definition."""
    problems = run_checks(root)
    if problems:
        raise WeibaoError(
            f"定义文件有 {len(problems)} 个问题,未构建,已发布的数据保持不变",
            f"{len(problems)} problem(s) in the definitions; nothing was built",
            "按每行的提示修改后运行 weibao check,通过后再 weibao build",
            details=[p.line() for p in problems],
        )


def main(root: Path = ROOT) -> int:
    problems = run_checks(root)
    print(report(problems), file=sys.stdout if not problems else sys.stderr)
    return 2 if problems else 0
