"""The NBS 2023 division table and the committees file.

Divisions: `reference/divisions/divisions_2023.parquet` (every province, city, county, township
and village of the 2023 vintage; see weibao.refdata for how placeholders are marked).
Committees: `seeds/reference/committees.csv` (or WEIBAO_COMMITTEES), one row per committee this
installation serves, edited by hand or with `weibao committee add CODE`.

A division is *served* when it lies under a committee (its code starts with the committee's
code: NBS codes nest by prefix) or is an ancestor of one, so every roll-up has its parents.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from weibao.errors import WeibaoError
from weibao.paths import DIVISIONS_FILE, committees_file

COMMITTEE_COLUMNS = ("code", "name", "level", "note")
COMMITTEE_LEVELS = ("province", "city", "county")
LEVEL_ZH = {
    "province": "省级",
    "city": "地级",
    "county": "县级",
    "township": "乡级",
    "village": "村级",
}
KIND_ZH = {"placeholder": "统计用占位区划", "functional_zone": "开发区等功能区"}


def _q(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


@lru_cache(maxsize=1)
def vintage() -> int:
    con = duckdb.connect()
    try:
        return int(
            con.execute(f"select max(vintage) from read_parquet({_q(DIVISIONS_FILE)})").fetchone()[
                0
            ]
        )
    finally:
        con.close()


@lru_cache(maxsize=1)
def _upper() -> pd.DataFrame:
    """Provinces, cities and counties (3.4k rows), indexed by code."""
    con = duckdb.connect()
    try:
        return (
            con.execute(f"select * from read_parquet({_q(DIVISIONS_FILE)}) where level_rank <= 3")
            .df()
            .set_index("code", drop=False)
        )
    finally:
        con.close()


def lookup(code: str) -> dict | None:
    """The division row for a code, or None when the 2023 vintage has no such code."""
    if len(code) <= 6:
        upper = _upper()
        return upper.loc[code].to_dict() if code in upper.index else None
    con = duckdb.connect()
    try:
        df = con.execute(
            f"select * from read_parquet({_q(DIVISIONS_FILE)}) where code = ?", [code]
        ).df()
    finally:
        con.close()
    return None if df.empty else df.iloc[0].to_dict()


def nearest(text: str, k: int = 5) -> list[dict]:
    """Divisions above the township whose code or name is closest to `text`: same-prefix codes
    first, then names by Jaro-Winkler similarity."""
    con = duckdb.connect()
    try:
        upper = _upper()[["code", "name", "level", "parent_code", "is_government"]]
        con.register("upper_divisions", upper.reset_index(drop=True))
        df = con.execute(
            f"""
            with d as (
                select code, name, level, parent_code from upper_divisions where is_government
            ),
            scored as (
                select *,
                    greatest(
                        jaro_winkler_similarity(code, $t) + case when starts_with(code, left($t, 4))
                            then 0.2 else 0 end,
                        jaro_winkler_similarity(name, $t) + case when contains(name, $t)
                            or contains($t, name) then 0.3 else 0 end
                    ) as score
                from d
            )
            select s.code, s.name, s.level, coalesce(p.name, '') as parent_name
            from scored s left join d p on p.code = s.parent_code
            order by score desc, s.code limit {int(k)}
            """,
            {"t": text},
        ).df()
    finally:
        con.close()
    return df.to_dict(orient="records")


def _nearest_text(text: str) -> str:
    return "; ".join(
        f"{m['code']} {m['parent_name']}{m['name']}"
        if m["parent_name"]
        else f"{m['code']} {m['name']}"
        for m in nearest(text)
    )


def read_committees(path: Path | None = None) -> pd.DataFrame:
    """The committees file, checked: known 2023 codes of a government at province, city or
    county level, each once. Raises WeibaoError naming the row and what to fix."""
    path = path or committees_file()
    if not path.exists():
        raise WeibaoError(
            f"找不到委员会文件 {path}",
            f"committees file not found: {path}",
            "运行 weibao committee add CODE 新建,或从 seeds/reference/committees.csv 复制",
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("code", "name") if c not in frame.columns]
    if missing:
        raise WeibaoError(
            f"{path.name}: 缺少列 {', '.join(missing)}",
            f"{path.name}: missing column(s) {', '.join(missing)}",
            f"表头应为 {','.join(COMMITTEE_COLUMNS)}",
        )
    frame["code"] = frame["code"].str.strip()
    seen: dict[str, int] = {}
    for i, code in enumerate(frame["code"], start=2):  # line 1 is the header
        if code in seen:
            raise WeibaoError(
                f"{path.name} 第 {i} 行 code 列: {code} 与第 {seen[code]} 行重复",
                f"{path.name} line {i}, column code: {code} repeats line {seen[code]}",
                "每个委员会只写一行,删除重复的一行",
            )
        seen[code] = i
        check_code(code, where=(path.name, i))
    return frame


def check_code(code: str, where: tuple[str, int] | None = None) -> dict:
    """The division of a committee code, or a clear error: not a code of the 2023 vintage
    (with the nearest matches), or not a government that can have a committee."""
    at_zh = f"{where[0]} 第 {where[1]} 行 code 列: " if where else ""
    at_en = f"{where[0]} line {where[1]}, column code: " if where else ""
    row = lookup(code) if code.isdigit() else None
    if row is None:
        raise WeibaoError(
            f"{at_zh}{code} 不是{vintage()}年统计用区划代码",
            f"{at_en}{code} is not a division code of the {vintage()} NBS vintage",
            f"最接近的有 / nearest matches: {_nearest_text(code) or '-'}",
        )
    if row["level"] not in COMMITTEE_LEVELS:
        raise WeibaoError(
            f"{at_zh}{code} {row['name']} 是{LEVEL_ZH[row['level']]}区划,委员会只设在省、市、县三级",
            f"{at_en}{code} {row['name']} is a {row['level']}; committees exist at province, "
            "city and county level only",
            f"使用其所在县的代码 / use its county: {row['county_code']}",
        )
    if not row["is_government"]:
        parent = lookup(row["parent_code"]) if row["parent_code"] else None
        real = parent["code"] if parent is not None else ""
        if parent is not None and not parent["is_government"]:
            real = parent["parent_code"]
        raise WeibaoError(
            f"{at_zh}{code} {row['name']} 是{KIND_ZH[row['division_kind']]},不是一级政府,不设委员会",
            f"{at_en}{code} {row['name']} is a {row['division_kind'].replace('_', ' ')}, not a "
            "government; it has no committee",
            f"使用上级政府的代码 / use the government above it: {real}",
        )
    return row


@dataclass(frozen=True)
class Added:
    code: str
    name: str
    level: str
    path: Path


def add_committee(code: str, name: str | None = None, note: str = "") -> Added:
    """Append a committee to the committees file (created with its header if missing)."""
    code = code.strip()
    path = committees_file()
    existing = read_committees(path) if path.exists() else pd.DataFrame(columns=COMMITTEE_COLUMNS)
    row = check_code(code)
    if code in set(existing["code"]):
        line = int(existing.index[existing["code"] == code][0]) + 2
        raise WeibaoError(
            f"委员会 {code} 已在 {path.name} 第 {line} 行",
            f"committee {code} is already in {path.name} (line {line})",
            "不需要再添加;要改名请直接编辑该行 / nothing to add; edit that line to rename it",
        )
    name = (name or row["name"]).strip()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        writer.writerow(COMMITTEE_COLUMNS)
    else:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell():
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    buf.write("\n")
    writer.writerow([code, name, row["level"], note])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(buf.getvalue())
    return Added(code, name, row["level"], path)


def committee_codes() -> list[str]:
    return read_committees()["code"].tolist()


SERVED_SQL = """
select d.* from read_parquet({divisions}) as d
where exists (
    select 1 from (select unnest({codes}::varchar[]) as code) as c
    where starts_with(d.code, c.code) or starts_with(c.code, d.code)
)
"""


def served(columns: str = "*", codes: list[str] | None = None) -> pd.DataFrame:
    """Divisions under the committees (or `codes`), with their ancestors."""
    codes = committee_codes() if codes is None else codes
    con = duckdb.connect()
    try:
        return con.execute(
            f"select {columns} from ({SERVED_SQL.format(divisions=_q(DIVISIONS_FILE), codes='$codes')}) "
            "order by code",
            {"codes": codes},
        ).df()
    finally:
        con.close()
