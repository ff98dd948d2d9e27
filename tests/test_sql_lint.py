"""Portable SQL, enforced: sqlfluff with the project's .sqlfluff (`make lint` runs it over models/
before the tests). This checks that the configured rules catch what breaks an engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlfluff",
            "lint",
            str(path),
            "--nocolor",
            "--disable-progress-bar",
            "--config",
            str(ROOT / ".sqlfluff"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_non_portable_sql_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "fct_bad.sql"
    model.write_text(
        'select cast(a as integer) as a, b::integer as b, "c" as c\nfrom {{ ref("x") }}\n',
        encoding="utf-8",
    )
    out = _lint(model)
    assert out.returncode != 0
    assert "CV11" in out.stdout  # `::` is not Spark
    assert "RF06" in out.stdout  # "c" is a string literal on Spark


def test_a_model_written_the_portable_way_passes(tmp_path: Path) -> None:
    model = tmp_path / "fct_good.sql"
    model.write_text(
        "select\n    cast(a as integer) as a,\n    cast(b as {{ dbt.type_string() }}) as t,\n"
        "    {{ var('first_year') }} as first_year\nfrom {{ ref('x') }}\n",
        encoding="utf-8",
    )
    out = _lint(model)
    assert out.returncode == 0, out.stdout + out.stderr
