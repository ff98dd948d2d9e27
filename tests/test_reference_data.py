"""Checks of the hand-edited reference seeds against the five policy documents.

Every member unit, indicator, sourced target and sector must cite one of the five documents in
reference/policy/ and quote it verbatim (compared after removing all whitespace on both sides).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds" / "reference"
POLICY = ROOT / "reference" / "policy"

DOC_FILES = (
    "000_511f561cf8540faf.txt",
    "001_2a8cac3b7a099dad.txt",
    "002_173f939a4df922fd.txt",
    "003_97155ae6b682b3ab.txt",
    "004_7f0d197e7f29b03e.txt",
)
JURISDICTIONS = {"35", "3504", "640121", "150525", "330483"}
DOC_JURISDICTION = {
    "000_511f561cf8540faf.txt": "3504",
    "001_2a8cac3b7a099dad.txt": "640121",
    "002_173f939a4df922fd.txt": "150525",
    "003_97155ae6b682b3ab.txt": "330483",
    "004_7f0d197e7f29b03e.txt": "35",
}

# Member-unit entries per document, counted as the document counts them:
EXPECTED_MEMBER_UNITS = {
    # 000 三明市: "一、市委宣传部、市委文明办" … "三十四、市工商联" — 34 numbered entries.
    "000_511f561cf8540faf.txt": 34,
    # 001 永宁县: distinct units named in the six "(责任单位:…)" lists closing task
    # groups (一)–(六): 15 in (一), +6 new in (二), +2 in (三) (科协、总工会),
    # +1 in (四) (文旅局), +1 in (五) (医保局).
    "001_2a8cac3b7a099dad.txt": 25,
    # 002 奈曼旗: 成员单位职责任务分工, 旗委宣传部 … "二十九、旗关工委" — 29 entries
    # (four of them unnumbered).
    "002_173f939a4df922fd.txt": 29,
    # 003 桐乡市: distinct units named as 责任部门/责任单位 in the 27 tasks (市未保办 included,
    # "各成员单位" not a unit) — 21.
    "003_97155ae6b682b3ab.txt": 21,
    # 004 福建省: "…省妇儿工委办共25个部门和单位组成" and 附件3 entries 一 … 二十五.
    "004_7f0d197e7f29b03e.txt": 25,
}

INDICATORS = {
    "child_director_coverage",
    "child_supervisor_coverage",
    "staff_check_hire_rate",
    "staff_check_annual_rate",
    "orphan_centralized_standard",
    "orphan_scattered_standard",
    "foster_family_compliance",
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def doc_text() -> dict[str, str]:
    return {name: _squash((POLICY / name).read_text(encoding="utf-8")) for name in DOC_FILES}


def _load(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def agencies() -> pd.DataFrame:
    return _load("agencies")


@pytest.fixture(scope="module")
def member_units() -> pd.DataFrame:
    return _load("member_units")


@pytest.fixture(scope="module")
def indicators() -> pd.DataFrame:
    return _load("indicators")


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return _load("targets")


@pytest.fixture(scope="module")
def sectors() -> pd.DataFrame:
    return _load("sectors")


def _quote_problems(
    df: pd.DataFrame, doc_text: dict[str, str], key: str, require_source: bool = True
) -> list[str]:
    problems = []
    for _, row in df.iterrows():
        doc, clause = row["source_doc"], row["source_clause"]
        label = f"{row[key]}"
        if not doc:
            if require_source:
                problems.append(f"{label}: no source_doc")
            elif clause:
                problems.append(f"{label}: source_clause without source_doc")
            continue
        if doc not in doc_text:
            problems.append(f"{label}: unknown source_doc {doc!r}")
            continue
        if not _squash(clause):
            problems.append(f"{label}: empty source_clause")
        elif _squash(clause) not in doc_text[doc]:
            problems.append(f"{label}: clause not found in {doc}: {clause!r}")
    return problems


def test_policy_files_present(doc_text):
    assert all(len(t) > 1000 for t in doc_text.values())


def test_policy_documents_seed():
    docs = _load("policy_documents")
    assert set(docs["source_doc"]) == set(DOC_FILES)
    assert dict(zip(docs["source_doc"], docs["jurisdiction_code"], strict=True)) == DOC_JURISDICTION
    assert docs["issued_on"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_member_unit_clauses_are_verbatim(member_units, doc_text):
    assert not _quote_problems(member_units, doc_text, "member_unit_id")


def test_member_unit_clause_length(member_units):
    lengths = member_units["source_clause"].str.len()
    too_long = member_units.loc[~lengths.between(8, 60), "member_unit_id"].tolist()
    assert not too_long


def test_member_unit_names_appear_in_document(member_units, doc_text):
    missing = [
        r.member_unit_id
        for r in member_units.itertuples()
        if _squash(r.name_zh) not in doc_text[r.source_doc]
    ]
    assert not missing


def test_member_units_keys_and_refs(member_units, agencies):
    assert member_units["member_unit_id"].is_unique
    assert set(member_units["jurisdiction_code"]) <= JURISDICTIONS
    assert set(member_units["agency_code"]) <= set(agencies["agency_code"])
    for r in member_units.itertuples():
        assert r.member_unit_id.split(".")[0] == r.jurisdiction_code
        assert DOC_JURISDICTION[r.source_doc] == r.jurisdiction_code, r.member_unit_id
        assert 0 < len(r.duties_zh) <= 120, r.member_unit_id


def test_member_unit_counts_per_document(member_units):
    counts = member_units["source_doc"].value_counts().to_dict()
    assert counts == EXPECTED_MEMBER_UNITS


def test_indicators(indicators, agencies, doc_text):
    assert set(indicators["indicator_code"]) == INDICATORS
    assert not _quote_problems(indicators, doc_text, "indicator_code")
    domains = {"family", "school", "society", "online", "government", "judicial"}
    known = set(agencies["agency_code"])
    for r in indicators.itertuples():
        assert r.protection_domain in domains, r.indicator_code
        assert r.protection_domain_zh, r.indicator_code
        units = [u for u in r.responsible_units.split(";") if u]
        assert units and set(units) <= known, r.indicator_code
        assert "{gap}" in r.gap_template_zh and "{gap}" in r.gap_template_en
    assert sorted(indicators["sort_order"].astype(int)) == list(range(1, 8))
    assert indicators.set_index("indicator_code")["counts_children"].eq("true").to_dict() == {
        c: c == "foster_family_compliance" for c in INDICATORS
    }


def test_targets_refs_and_keys(targets):
    assert set(targets["indicator_code"]) <= INDICATORS
    assert set(targets["org_unit_code"]) <= JURISDICTIONS
    assert not targets.duplicated(["indicator_code", "org_unit_code", "year"]).any()
    assert set(targets["comparator"]) <= {">=", "<=", "==", "between"}
    assert set(targets["is_demo"]) <= {"true", "false"}
    assert targets["year"].astype(int).between(2021, 2025).all()
    pd.to_numeric(targets["target_value"], errors="raise")
    # between needs an upper bound; the others must not have one
    between = targets["comparator"] == "between"
    assert (targets.loc[between, "target_value_high"] != "").all()
    assert (targets.loc[~between, "target_value_high"] == "").all()


def test_targets_cover_every_cell(targets):
    cells = set(
        zip(
            targets["indicator_code"],
            targets["org_unit_code"],
            targets["year"].astype(int),
            strict=True,
        )
    )
    expected = {(i, o, y) for i in INDICATORS for o in JURISDICTIONS for y in range(2021, 2026)}
    assert expected <= cells


def test_target_clauses_are_verbatim(targets, doc_text):
    assert not _quote_problems(targets, doc_text, "indicator_code", require_source=False)
    sourced = targets[targets["source_doc"] != ""]
    assert sourced["source_clause"].str.len().between(8, 80).all()


def test_real_targets_have_sources(targets):
    real = targets[targets["is_demo"] == "false"]
    assert len(real) > 0
    assert (real["source_doc"] != "").all() and (real["source_clause"] != "").all()
    for r in real.itertuples():
        doc_years = {"000": 2021, "001": 2022, "002": 2022, "003": 2022, "004": 2019}
        doc_year = doc_years[r.source_doc[:3]]
        assert int(r.year) >= doc_year, r
        assert DOC_JURISDICTION[r.source_doc] == r.org_unit_code, r
    # 003 is 桐乡's 2022 work points: its real targets are for 2022 only
    tx = real[real["source_doc"] == "003_97155ae6b682b3ab.txt"]
    assert set(tx["year"]) == {"2022"}


def test_demo_targets_say_so(targets):
    demo = targets[targets["is_demo"] == "true"]
    assert demo["note"].str.contains("示例目标").all()
    foster = targets[targets["indicator_code"] == "foster_family_compliance"]
    assert (foster["is_demo"] == "true").all()
    assert foster["note"].str.contains("家庭寄养管理办法").all()


def test_tongxiang_2022_orphan_standard(targets):
    row = targets[
        (targets["indicator_code"] == "orphan_centralized_standard")
        & (targets["org_unit_code"] == "330483")
        & (targets["year"] == "2022")
    ]
    assert len(row) == 1
    row = row.iloc[0]
    assert float(row["target_value"]) == 25000
    assert row["is_demo"] == "false"
    assert row["comparator"] == ">="
    assert row["source_doc"] == "003_97155ae6b682b3ab.txt"
    assert "2.5 万元" in row["source_clause"]


def test_sectors(sectors, agencies, doc_text):
    from weibao.submission_types import SECTORS

    assert list(sectors["sector_code"]) == list(SECTORS)
    assert set(sectors["agency_code"]) <= set(agencies["agency_code"])
    for r in sectors.itertuples():
        assert r.agency_code == SECTORS[r.sector_code][2]
    assert not _quote_problems(sectors, doc_text, "sector_code")


@pytest.mark.parametrize(
    "seed", ["policy_documents", "agencies", "member_units", "indicators", "targets", "sectors"]
)
def test_duckdb_parses_seed(seed):
    duckdb = pytest.importorskip("duckdb")
    path = str(SEEDS / f"{seed}.csv")
    rel = duckdb.sql(f"select * from read_csv('{path}', header=true)")
    assert rel.columns == list(_load(seed).columns)
    assert len(rel.fetchall()) == len(_load(seed))
