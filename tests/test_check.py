"""`weibao check`: passes on the repository; names the file and key of each broken definition.

Each fixture under tests/fixtures/check/ breaks one thing in a copy of the project's definition
files (see tests/defs_copy.py for how a fixture is applied). The expected file and key are
written here by hand from the fixture, not taken from the checker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from defs_copy import FIXTURES, ROOT, overlay, project_copy

from weibao.check import run_checks

# fixture: (file named, text the key contains, text the problem contains)
BROKEN = {
    "measure_unknown_column": (
        "expectations/child_worker_training.yml",
        "measures.child_worker_training_rate.numerator",
        "workers_traind",
    ),
    "indicator_without_type": (
        "seeds/reference/indicators.csv",
        "indicator_code=unfed_indicator",
        "no submission type measures this indicator",
    ),
    "gx_unknown_column": (
        "expectations/child_worker_training.json",
        "column=trained_workers",
        "which type child_worker_training lacks",
    ),
    "target_unknown_indicator": (
        "seeds/reference/targets.csv",
        "indicator_code=no_such_indicator",
        "indicators.csv",
    ),
    "target_unknown_jurisdiction": (
        "seeds/reference/targets.csv",
        "org_unit_code=999999",
        "divisions_2023.parquet",
    ),
    "target_unknown_comparator": (
        "seeds/reference/targets.csv",
        "comparator=>>",
        "not an allowed value",
    ),
    "quote_not_verbatim": (
        "seeds/reference/targets.csv",
        "source_clause",
        "not found verbatim in 003_97155ae6b682b3ab.txt",
    ),
    "duplicate_target": (
        "seeds/reference/targets.csv",
        "indicator_code+org_unit_code+year",
        "duplicate key, same as row 2",
    ),
    "unknown_agency": (
        "expectations/child_worker_training.yml",
        "submitters.civil_affair",
        "unknown agency",
    ),
    "duplicate_yaml_key": (
        "expectations/child_worker_training.yml",
        "level",
        "appears twice",
    ),
    "computed_in_sql_unknown": (
        "expectations/child_worker_training.yml",
        "computed_in_sql.child_worker_training_rate",
        "no model under models/ computes it",
    ),
    "locale_one_language": (
        "locales/en.yml",
        "methodology.only_in_zh",
        "in zh.yml only",
    ),
    "decrease_without_baseline": (
        "seeds/reference/targets.csv",
        "org_unit_code=640121, year=2024) baseline_year",
        "decrease_from_baseline needs a baseline_year",
    ),
    "decrease_on_higher_is_better": (
        "seeds/reference/targets.csv",
        "year=2030) comparator=decrease_from_baseline",
        "for lower_is_better indicators",
    ),
    "derived_without_note": (
        "seeds/reference/targets.csv",
        "derivation_note+derivation_note_en",
        "a derived target needs a derivation note",
    ),
    "stated_without_figure": (
        "seeds/reference/targets.csv",
        "year=2030) basis=stated",
        "the quoted clause gives no figure",
    ),
    "demo_basis_not_demo": (
        "seeds/reference/targets.csv",
        "year=2030) basis=demo",
        "basis is demo but is_demo is false",
    ),
    "target_unknown_basis": (
        "seeds/reference/targets.csv",
        "basis=guessed",
        "not an allowed value",
    ),
}


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("pristine"))


def broken_copy(pristine: Path, tmp_path: Path, fixture: str) -> Path:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(pristine, root)
    overlay(FIXTURES / "check" / fixture, root)
    return root


def test_check_passes_on_the_repository():
    result = cli("check", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_every_fixture_is_tested():
    assert sorted(p.name for p in (FIXTURES / "check").iterdir()) == sorted(BROKEN)


@pytest.mark.parametrize("fixture", sorted(BROKEN))
def test_check_names_file_and_key(pristine: Path, tmp_path: Path, fixture: str):
    root = broken_copy(pristine, tmp_path, fixture)
    file, key, words = BROKEN[fixture]
    problems = run_checks(root)
    assert problems, "the broken definition passed"
    lines = [p.line() for p in problems]
    hits = [p for p in problems if p.where == file and key in p.key]
    assert hits, "\n".join(lines)
    assert any(words in p.problem_en or words in p.key for p in hits), "\n".join(lines)
    assert all(p.problem_zh and p.fix_zh for p in hits)  # Chinese first, with a fix
    assert all(p.where == file for p in problems), "\n".join(lines)  # nothing else reported


def test_cli_exit_code_and_line_format(pristine: Path, tmp_path: Path):
    root = broken_copy(pristine, tmp_path, "target_unknown_comparator")
    result = cli("check", cwd=root, env={"PYTHONPATH": str(root)})
    assert result.returncode == 2, result.stdout + result.stderr
    line = next(ln for ln in result.stderr.splitlines() if "comparator=>>" in ln)
    file, key, problem, fix = (part.strip() for part in line.split(" | "))
    assert file == "seeds/reference/targets.csv"
    assert "comparator=>>" in key
    assert problem.startswith("“>>”不是允许的取值 / ")
    assert fix.startswith("处理 fix: 应为 >=、<=、==、between")


def test_build_refuses_a_broken_definition(pristine: Path, tmp_path: Path):
    root = broken_copy(pristine, tmp_path, "measure_unknown_column")
    warehouse = tmp_path / "warehouse" / "weibao.duckdb"
    env = {
        "PYTHONPATH": str(root),
        "WEIBAO_WAREHOUSE": str(warehouse),
        "WEIBAO_SUBMISSIONS": str(tmp_path / "submissions"),
    }
    result = cli("build", cwd=root, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "定义文件有 1 个问题,未构建" in result.stderr
    assert "expectations/child_worker_training.yml | measures." in result.stderr
    assert "Traceback" not in result.stderr
    assert not warehouse.exists() and not (root / "target" / "manifest.json").exists()


def test_types_are_read_from_their_files():
    """Facts from the former Python declarations (issue 8 moved them into expectations/*.yml)."""
    from weibao.submission_types import SUBMISSION_TYPES

    assert len(SUBMISSION_TYPES) == 28
    assert list(SUBMISSION_TYPES)[:3] == ["child_directors", "child_supervisors", "staff_checks"]
    staff = SUBMISSION_TYPES["staff_checks"]
    assert (staff.level, staff.period, staff.deadline_days) == ("institution", "year", 15)
    assert staff.submitters == ("education", "health", "civil_affairs")
    assert staff.key_columns == ["institution_code", "year"]
    assert staff.column("sector").values_from == "sectors"
    assert staff.measures == () and staff.indicators == (
        "staff_check_hire_rate",
        "staff_check_annual_rate",
    )
    homes = {m.indicator_code: m for m in SUBMISSION_TYPES["child_homes"].measures}
    assert homes["demo_child_home_village_share"].denominator == "1"  # each row once
    assert homes["demo_child_home_count"].denominator is None  # a count
    assert SUBMISSION_TYPES["committee_meetings"].jurisdiction_rows
    assert "village code" in SUBMISSION_TYPES["child_directors"].column("org_unit_code").aliases


def test_issue8_types_are_read_from_their_files():
    """The six types of 72442b0, once Python declarations, read from expectations/*.yml with the
    same facts (written here from that commit's declarations and schedule rows)."""
    from weibao.submission_types import SUBMISSION_TYPES, schedule_rows

    want = {  # type: (submitter, indicator, numerator, denominator)
        "minor_victim_cases": ("public_security", "minor_victim_case_count", "cases_filed", None),
        "poverty_dropouts": ("education", "poverty_dropout_count", "poverty_dropouts", None),
        "child_labour_inspections": (
            "human_resources",
            "child_labour_violation_count",
            "employers_violating",
            "employers_inspected",
        ),
        "minor_sales_inspections": (
            "market_regulation",
            "minor_sales_violation_count",
            "outlets_violating",
            "outlets_inspected",
        ),
        "holiday_patrols": ("civil_affairs", "holiday_patrol_rounds", "patrol_rounds", None),
        "housing_activity_rooms": (
            "housing_construction",
            "housing_activity_room_rate",
            "projects_compliant",
            "projects_delivered",
        ),
    }
    # listed after medical_rehab_items and before task_progress, as they were declared
    assert list(SUBMISSION_TYPES)[-7:] == [*want, "task_progress"]
    schedule = {(r["submission_type"], r["agency_code"]): r for r in schedule_rows()}
    for code, (agency, indicator, numerator, denominator) in want.items():
        s = SUBMISSION_TYPES[code]
        assert (s.level, s.period, s.deadline_days, s.submitters) == (
            "county",
            "year",
            15,
            (agency,),
        )
        assert [(m.indicator_code, m.numerator, m.denominator) for m in s.measures] == [
            (indicator, numerator, denominator)
        ]
        assert s.key_columns == ["org_unit_code", "year"]
        assert "county code" in s.column("org_unit_code").aliases
        row = schedule[(code, agency)]
        assert (row["level_of_jurisdiction"], row["period_kind"], row["deadline_days"]) == (
            "county",
            "year",
            15,
        )
    assert SUBMISSION_TYPES["minor_sales_inspections"].column("outlets_violating").unit_zh == "起"
    assert (
        SUBMISSION_TYPES["housing_activity_rooms"].name_zh == "新建住宅未成年人活动场所“三同步”情况"
    )


def test_no_type_specific_branch_in_python():
    """The package and the dashboards compare no value with a submission-type code (the demo
    generator and the benchmark's synthetic files, which write each type's figures, aside)."""
    import re

    from weibao.submission_types import SUBMISSION_TYPES

    codes = "|".join(SUBMISSION_TYPES)
    branch = re.compile(rf"""(==|!=|\bin)\s*[(\[{{]?\s*["']({codes})["']""")
    sources = [*(ROOT / "weibao").rglob("*.py"), *(ROOT / "dashboards").rglob("*.py")]
    found = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in sources
        if p.name not in ("demo.py", "bench.py")
        for m in branch.finditer(p.read_text(encoding="utf-8"))
    ]
    assert found == []
