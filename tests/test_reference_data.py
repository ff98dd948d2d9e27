"""Checks of the hand-edited reference seeds against the five policy documents.

Every member unit, indicator, sourced target, task and sector must cite one of the five documents
in reference/policy/ and quote it verbatim (compared after removing all whitespace on both sides).
The per-document counts below are what docs/catalog.md reports; each says where it comes from.
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
    # +1 in (四) (文旅局), +1 in (五) (医保局) = 25; plus 县未保小组办公室, named as the
    # lead of 保障措施(六) ("县未保小组办公室要发挥牵头作用") = 26.
    "001_2a8cac3b7a099dad.txt": 26,
    # 002 奈曼旗: 成员单位职责任务分工, 旗委宣传部 … "二十九、旗关工委" — 29 entries
    # (four of them unnumbered).
    "002_173f939a4df922fd.txt": 29,
    # 003 桐乡市: distinct units named as 责任部门/责任单位 in the 27 tasks (市未保办 included,
    # "各成员单位" not a unit) — 21.
    "003_97155ae6b682b3ab.txt": 21,
    # 004 福建省: "…省妇儿工委办共25个部门和单位组成" and 附件3 entries 一 … 二十五.
    "004_7f0d197e7f29b03e.txt": 25,
}

# The seven original (contracted) indicators: codes never change, and every jurisdiction × year
# 2021–2025 has a target (a demo one where no document sets it).
INDICATORS = {
    "child_director_coverage",
    "child_supervisor_coverage",
    "staff_check_hire_rate",
    "staff_check_annual_rate",
    "orphan_centralized_standard",
    "orphan_scattered_standard",
    "foster_family_compliance",
}

# Indicators per source_doc (the document whose clause defines the requirement):
EXPECTED_INDICATORS = {
    # 000 三明市 is a duty division without numbers; it is cited only for foster care.
    "000_511f561cf8540faf.txt": 1,
    # 001 永宁县: 4 original (child directors, record checks at hire and yearly, scattered-orphan
    # standard) + 12: family-education guidance once a year; school guidance and practice each
    # semester (2); after-school service for all; entrusted-care agreements; guardianship letters
    # for scattered orphans; survey 全覆盖; every left-behind child with a legal carer; a
    # psychology teacher in every school; >= 1 social organisation by 2025; 50 m and 200 m rules
    # + 4 the catalog first missed (issue 8): the 2025 case outcome (明显下降), the two
    # zero-tolerance rules (under-16 employment; tobacco/alcohol/lottery sales), holiday patrols.
    "001_2a8cac3b7a099dad.txt": 20,
    # 002 奈曼旗: office members' meeting once a year; 29 medical rehabilitation items (医保局);
    # activity rooms built, accepted and delivered with new housing (住建局, issue 8).
    "002_173f939a4df922fd.txt": 3,
    # 003 桐乡市: 2 original (child supervisors, task 5; orphan standard 2.5 万, task 6) + 9:
    # task 2 stations (11); task 4 model homes (>= 11, 3 at Jiaxing level, 15% of villages);
    # task 7 rehab institutions 100%; task 8 托位 3.1 per 1,000; task 15 stations in 30% of
    # townships and 5%–10% of villages; task 19 智安校园 80%.
    "003_97155ae6b682b3ab.txt": 11,
    # 004 福建省: plenary meeting of the joint conference once a year; no child out of school
    # because of poverty (教育厅, issue 8).
    "004_7f0d197e7f29b03e.txt": 2,
}

# Targets with is_demo = false, per source_doc (one row per indicator × jurisdiction × year):
EXPECTED_REAL_TARGETS = {
    # 000: 4 original indicators × 2021–2025 (child directors and supervisors, both record checks).
    "000_511f561cf8540faf.txt": 20,
    # 001: 4 original × 2022–2025 (16) + 11 standing requirements × 2022–2025 (44)
    # + social organisations 2025 only (1) + issue 8: the case outcome 2025 only (1), child
    # labour, sales to minors and holiday patrols × 2022–2025 (12).
    "001_2a8cac3b7a099dad.txt": 74,
    # 002: 4 original × 2022–2025 (16) + office meeting and 29 rehab items × 2022–2025 (8)
    # + issue 8: sales to minors and housing activity rooms × 2022–2025 (8).
    "002_173f939a4df922fd.txt": 32,
    # 003: 2022 only: 5 original (directors, supervisors, two checks, orphan standard) + 9 new.
    "003_97155ae6b682b3ab.txt": 14,
    # 004: plenary meeting and poverty drop-outs × 2021–2025 (standing since 2019; weibao covers
    # 2021–2025).
    "004_7f0d197e7f29b03e.txt": 10,
}

# Tasks per document:
EXPECTED_TASKS = {
    # 000 is a duty division: its duties are in member_units, it has no tasks.
    "000_511f561cf8540faf.txt": 0,
    # 001: 二、重点任务 (一)1–4, (二)1–6, (三)1–6, (四)1–4, (五)1–6, (六)1–4 = 30,
    # plus 三、保障措施 (一)–(六) = 6.
    "001_2a8cac3b7a099dad.txt": 36,
    # 002 办公室工作规则: 四 duties (一)–(六) ((七) "交办的其他事项" is a catch-all) = 6,
    # 五 meetings (一)–(三) = 3, 六 work systems (一)–(四) = 4.
    "002_173f939a4df922fd.txt": 13,
    # 003: the 27 numbered tasks of the 2022 work points.
    "003_97155ae6b682b3ab.txt": 27,
    # 004 附件1: plenary once a year; annual plan and policy; supervision and reporting;
    # follow-up of decided matters by the office; members carry out decided matters = 5.
    "004_7f0d197e7f29b03e.txt": 5,
}
# Plan year per document (tasks carry it; 004's rules date from 2019).
DOC_YEAR = {
    "000_511f561cf8540faf.txt": 2021,
    "001_2a8cac3b7a099dad.txt": 2022,
    "002_173f939a4df922fd.txt": 2022,
    "003_97155ae6b682b3ab.txt": 2022,
    "004_7f0d197e7f29b03e.txt": 2019,
}
# 001's 保障措施 (二)(四)(五) name no unit (the county government or nobody).
TASKS_WITHOUT_UNITS = {"001-safeguard-2", "001-safeguard-4", "001-safeguard-5"}
DOMAINS = {"family", "school", "society", "online", "government", "judicial"}
DOMAIN_ZH = {
    "family": "家庭",
    "school": "学校",
    "society": "社会",
    "online": "网络",
    "government": "政府",
    "judicial": "司法",
}
VALUE_KINDS = {"rate", "per_thousand", "count", "standard"}


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


@pytest.fixture(scope="module")
def tasks() -> pd.DataFrame:
    return _load("tasks")


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
    assert indicators["indicator_code"].is_unique
    # the original seven keep their codes and their places
    original = indicators[indicators["sort_order"].astype(int) <= 7]
    assert set(original["indicator_code"]) == INDICATORS
    assert not _quote_problems(indicators, doc_text, "indicator_code")
    assert indicators["source_clause"].str.len().between(8, 80).all()
    known = set(agencies["agency_code"])
    for r in indicators.itertuples():
        assert r.protection_domain in DOMAINS, r.indicator_code
        assert r.protection_domain_zh == DOMAIN_ZH[r.protection_domain], r.indicator_code
        units = [u for u in r.responsible_units.split(";") if u]
        assert units and set(units) <= known, r.indicator_code
        assert r.responsible_units_zh, r.indicator_code
        assert "{gap}" in r.gap_template_zh and "{gap}" in r.gap_template_en
        assert r.name_zh and r.name_en and r.definition_zh and r.definition_en, r.indicator_code
    assert sorted(indicators["sort_order"].astype(int)) == list(range(1, len(indicators) + 1))
    children = set(indicators.loc[indicators["counts_children"] == "true", "indicator_code"])
    assert children == {
        "foster_family_compliance",
        "entrusted_care_agreement_rate",
        "orphan_guardianship_letter_rate",
        "left_behind_carer_rate",
        "poverty_dropout_count",
    }
    assert set(indicators["counts_children"]) <= {"true", "false"}


def test_indicator_kinds(indicators):
    assert set(indicators["value_kind"]) <= VALUE_KINDS
    assert set(indicators["base_level"]) <= {
        "village",
        "township",
        "institution",
        "county",
        "province",
    }
    assert set(indicators["direction"]) == {"higher_is_better", "lower_is_better"}
    for r in indicators.itertuples():
        assert r.numerator_zh and r.numerator_en, r.indicator_code
        if r.value_kind == "count":
            # a count is summed up the hierarchy: no denominator
            assert not r.denominator_zh and not r.denominator_en, r.indicator_code
        else:
            assert r.denominator_zh and r.denominator_en, r.indicator_code
        if r.value_kind == "rate":
            assert (r.unit_zh, r.unit_en) == ("%", "%"), r.indicator_code
        if r.value_kind == "standard":
            assert r.base_level == "county" and r.unit_zh == "元/人/年", r.indicator_code
        if r.value_kind == "per_thousand":
            assert "千人" in r.unit_zh and "1,000" in r.unit_en, r.indicator_code
        assert r.submission_type and r.submission_type == r.submission_type.lower()


def test_indicator_counts_per_document(indicators):
    assert indicators["source_doc"].value_counts().to_dict() == EXPECTED_INDICATORS


def test_every_new_indicator_has_a_document_target(indicators, targets):
    real = targets[targets["is_demo"] == "false"]
    # (of the original seven, foster care and the scattered-orphan standard have no number in
    # any document and carry demo targets only)
    for r in indicators[~indicators["indicator_code"].isin(INDICATORS)].itertuples():
        own = real[
            (real["indicator_code"] == r.indicator_code) & (real["source_doc"] == r.source_doc)
        ]
        assert len(own) > 0, r.indicator_code
        assert set(own["org_unit_code"]) == {DOC_JURISDICTION[r.source_doc]}, r.indicator_code


def test_targets_refs_and_keys(targets, indicators):
    assert set(targets["indicator_code"]) <= set(indicators["indicator_code"])
    assert set(targets["org_unit_code"]) <= JURISDICTIONS
    assert not targets.duplicated(["indicator_code", "org_unit_code", "year"]).any()
    assert set(targets["comparator"]) <= {">=", "<=", "==", "between", "decrease_from_baseline"}
    # only a decrease from a baseline names a baseline year
    fall = targets["comparator"] == "decrease_from_baseline"
    assert (targets.loc[fall, "baseline_year"] != "").all()
    assert (targets.loc[~fall, "baseline_year"] == "").all()
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


def test_real_target_counts_per_document(targets):
    real = targets[targets["is_demo"] == "false"]
    assert real["source_doc"].value_counts().to_dict() == EXPECTED_REAL_TARGETS


def test_new_targets_values(targets, indicators):
    kinds = indicators.set_index("indicator_code")["value_kind"].to_dict()
    new = targets[~targets["indicator_code"].isin(INDICATORS)]
    # new indicators carry document targets only; no demo targets were invented for them
    assert (new["is_demo"] == "false").all()
    values = new["target_value"].astype(float)
    # a lower-is-better count may aim at 0 (no child out of school, no violation found)
    lower = new["indicator_code"].map(indicators.set_index("indicator_code")["direction"])
    assert (values[lower == "higher_is_better"] > 0).all()
    assert (values[lower == "lower_is_better"] >= 0).all()
    rates = new["indicator_code"].map(kinds) == "rate"
    assert values[rates].le(100).all()
    one = lambda code: new[new["indicator_code"] == code].iloc[0]  # noqa: E731
    assert float(one("protection_station_count")["target_value"]) == 11
    assert float(one("childcare_places_per_thousand")["target_value"]) == 3.1
    band = one("service_station_village_coverage")
    assert band["comparator"] == "between"
    assert (float(band["target_value"]), float(band["target_value_high"])) == (5, 10)
    social = new[new["indicator_code"] == "social_organisation_count"]
    assert list(social["year"]) == ["2025"] and list(social["target_value"]) == ["1"]


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


def test_task_clauses_are_verbatim(tasks, doc_text):
    assert not _quote_problems(tasks, doc_text, "task_id")
    assert tasks["source_clause"].str.len().between(8, 80).all()
    # each clause picks out one place in its document
    for r in tasks.itertuples():
        assert doc_text[r.source_doc].count(_squash(r.source_clause)) == 1, r.task_id


def test_task_keys_and_fields(tasks):
    assert tasks["task_id"].is_unique
    assert tasks["task_id"].str.fullmatch(r"00[0-4]-[a-z]+-?\d+").all()
    for r in tasks.itertuples():
        assert r.task_id[:3] == r.source_doc[:3], r.task_id
        assert r.jurisdiction_code == DOC_JURISDICTION[r.source_doc], r.task_id
        assert int(r.year) == DOC_YEAR[r.source_doc], r.task_id
        assert 0 < len(r.title_zh) <= 40, r.task_id
        assert 0 < len(r.detail_zh) <= 200, r.task_id
        assert r.protection_domain in DOMAINS | {""}, r.task_id


def test_task_counts_per_document(tasks):
    counts = tasks["source_doc"].value_counts().to_dict()
    assert counts == {d: n for d, n in EXPECTED_TASKS.items() if n}
    tx = tasks[tasks["source_doc"] == "003_97155ae6b682b3ab.txt"]
    assert list(tx["task_id"]) == [f"003-t{n:02d}" for n in range(1, 28)]
    for r in tx.itertuples():  # the clause opens the numbered task
        assert r.source_clause.startswith(f"{int(r.task_id[-2:])}."), r.task_id
    yn = tasks[tasks["source_doc"] == "001_2a8cac3b7a099dad.txt"]
    groups = yn["task_id"].str.rsplit("-", n=1).str[0].value_counts().to_dict()
    assert groups == {
        "001-family": 4,
        "001-school": 6,
        "001-society": 6,
        "001-online": 4,
        "001-government": 6,
        "001-judicial": 4,
        "001-safeguard": 6,
    }
    # 001's task groups sit under the six protections as the document places them
    for r in yn.itertuples():
        group = r.task_id.split("-")[1]
        assert r.protection_domain == ("" if group == "safeguard" else group), r.task_id


def test_task_units_exist(tasks, member_units):
    units = member_units.set_index("member_unit_id")["jurisdiction_code"].to_dict()
    for r in tasks.itertuples():
        ids = [u for u in r.responsible_units.split(";") if u]
        assert len(ids) == len(set(ids)), r.task_id
        if r.task_id in TASKS_WITHOUT_UNITS:
            assert not ids, r.task_id
            continue
        assert ids, r.task_id
        for u in ids:
            assert units.get(u) == r.jurisdiction_code, (r.task_id, u)


def test_task_units_follow_the_document(tasks, member_units):
    by_id = member_units.set_index("member_unit_id")
    # 001: each task carries its group's (责任单位:…) list
    yn = tasks[
        tasks["task_id"].str.startswith("001-") & ~tasks["task_id"].str.contains("safeguard")
    ]
    for _, group in yn.groupby(yn["task_id"].str.rsplit("-", n=1).str[0]):
        assert group["responsible_units"].nunique() == 1
    # 003: each task's units are those in its 责任部门; task 17 is 市未保办 and every member unit
    tx = tasks[tasks["source_doc"] == "003_97155ae6b682b3ab.txt"].set_index("task_id")
    assert set(tx.loc["003-t17", "responsible_units"].split(";")) == set(
        member_units.loc[member_units["jurisdiction_code"] == "330483", "member_unit_id"]
    )
    assert tx.loc["003-t07", "responsible_units"] == "330483.disabled_persons_federation"
    # cross-check with member_units: each 桐乡 unit's duty summary opens with the numbers of its
    # tasks ("第3、8项", "第11、20、22—27项"); they must be exactly the tasks naming it
    named: dict[str, set[int]] = {}
    for tid, r in tx.drop(index="003-t17").iterrows():
        for u in r["responsible_units"].split(";"):
            named.setdefault(u, set()).add(int(tid[-2:]))
    for u, r in by_id[by_id["jurisdiction_code"] == "330483"].iterrows():
        listed: set[int] = set()
        for part in r["duties_zh"].split("项")[0].removeprefix("第").split("、"):
            lo, _, hi = part.partition("—")
            listed |= set(range(int(lo), int(hi or lo) + 1))
        assert listed - {17} == named.get(u, set()), u


def test_task_indicators(tasks, indicators, targets):
    known = set(indicators["indicator_code"])
    linked = tasks[tasks["indicator_code"] != ""]
    assert set(linked["indicator_code"]) <= known
    real = targets[targets["is_demo"] == "false"]
    # a task that carries a number links to an indicator with a target from the same document
    for r in linked.itertuples():
        hit = real[
            (real["indicator_code"] == r.indicator_code)
            & (real["org_unit_code"] == r.jurisdiction_code)
            & (real["source_doc"] == r.source_doc)
        ]
        assert len(hit) > 0, r.task_id


@pytest.mark.parametrize(
    "seed",
    ["policy_documents", "agencies", "member_units", "indicators", "targets", "sectors", "tasks"],
)
def test_duckdb_parses_seed(seed):
    duckdb = pytest.importorskip("duckdb")
    path = str(SEEDS / f"{seed}.csv")
    rel = duckdb.sql(f"select * from read_csv('{path}', header=true)")
    assert rel.columns == list(_load(seed).columns)
    assert len(rel.fetchall()) == len(_load(seed))


# Words that make a clause state its figure (CONVENTIONS.md, "A figure's basis"), plus the
# three readings docs/catalog.md records as stated: 必须 and 全面落实 over a countable
# population, and a frequency written in words (一次).
STATED_WORDS = ("每个", "每名", "全覆盖", "确保", "必须", "全面落实", "一次")
DUTY_WORDS = ("指导", "督促", "发挥", "定期")


def test_every_target_has_a_basis(targets):
    assert set(targets["basis"]) == {"stated", "derived", "demo"}
    assert ((targets["basis"] == "demo") == (targets["is_demo"] == "true")).all()
    derived = targets[targets["basis"] == "derived"]
    assert (derived["derivation_note"] != "").all() and (derived["derivation_note_en"] != "").all()
    assert (targets.loc[targets["basis"] != "derived", "derivation_note"] == "").all()


def test_stated_targets_are_backed_by_their_clause(targets, doc_text):
    """A stated target's clause is verbatim in its document and gives a figure or one of the
    words that make the figure (每个, 全覆盖, 确保, …); a duty verb alone never does."""
    stated = targets[targets["basis"] == "stated"]
    assert len(stated) > 0
    for r in stated.itertuples():
        assert _squash(r.source_clause) in doc_text[r.source_doc], r
        has_figure = any(ch.isdigit() for ch in r.source_clause)
        assert has_figure or any(w in r.source_clause for w in STATED_WORDS), r


def test_duty_readings_are_derived(targets):
    """The readings named in issue 8 — 发挥作用, 定期查询, 指导/督促 without a figure — are
    derived, never stated."""
    real = targets[targets["basis"] != "demo"]
    for r in real.itertuples():
        c = r.source_clause
        figure = any(ch.isdigit() for ch in c) or any(w in c for w in STATED_WORDS)
        if any(w in c for w in DUTY_WORDS) and not figure:
            assert r.basis == "derived", r
    tongxiang = real[
        (real["org_unit_code"] == "330483")
        & real["indicator_code"].isin(["child_director_coverage", "child_supervisor_coverage"])
    ]
    assert set(tongxiang["basis"]) == {"derived"}
    regular = real[real["source_clause"].str.contains("定期查询")]
    assert len(regular) > 0 and set(regular["basis"]) == {"derived"}


def test_issue8_content_targets(targets, indicators):
    """The content the catalog first missed, each with its own clause and basis (hand-checked
    against reference/policy/)."""
    t = targets.set_index(["indicator_code", "org_unit_code", "year"])
    outcome = t.loc[("minor_victim_case_count", "640121", "2025")]
    assert (outcome.comparator, outcome.target_value, outcome.baseline_year) == (
        "decrease_from_baseline",
        "10",
        "2021",
    )
    assert outcome.basis == "derived" and "明显下降" in outcome.source_clause
    assert not (
        (targets.indicator_code == "minor_victim_case_count") & (targets.year != "2025")
    ).any()
    dropout = t.loc[("poverty_dropout_count", "35", "2023")]
    assert (dropout.comparator, dropout.target_value, dropout.basis) == ("<=", "0", "stated")
    for code in ("child_labour_violation_count", "minor_sales_violation_count"):
        rows = targets[targets.indicator_code == code]
        assert set(rows.target_value) == {"0"} and set(rows.basis) == {"derived"}
    assert set(targets[targets.indicator_code == "minor_sales_violation_count"].org_unit_code) == {
        "640121",
        "150525",
    }
    patrol = targets[targets.indicator_code == "holiday_patrol_rounds"]
    assert set(patrol.target_value) == {"2"} and set(patrol.basis) == {"derived"}
    rooms = targets[targets.indicator_code == "housing_activity_room_rate"]
    assert set(rooms.target_value) == {"100"} and set(rooms.basis) == {"derived"}
    kinds = indicators.set_index("indicator_code")
    for code in (
        "minor_victim_case_count",
        "poverty_dropout_count",
        "child_labour_violation_count",
    ):
        assert kinds.loc[code, "direction"] == "lower_is_better"
