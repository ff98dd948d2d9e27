"""Where things live. Everything is relative to the project root unless overridden."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
REFERENCE_DIR = SEEDS_DIR / "reference"
POLICY_DIR = ROOT / "reference" / "policy"
LOCALES_DIR = ROOT / "locales"
EXPECTATIONS_DIR = ROOT / "expectations"
# NBS 2023 divisions, all five levels (weibao.refdata writes it; see reference/divisions/).
DIVISIONS_FILE = ROOT / "reference" / "divisions" / "divisions_2023.parquet"
DEFAULT_WAREHOUSE = ROOT / "warehouse" / "weibao.duckdb"


def submissions_dir() -> Path:
    """Root of the submission store (accepted files, manifest, quarantine)."""
    return Path(os.environ.get("WEIBAO_SUBMISSIONS", SEEDS_DIR / "submissions")).resolve()


def warehouse_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The published DuckDB file: --warehouse, then WEIBAO_WAREHOUSE, then the default."""
    raw = override or os.environ.get("WEIBAO_WAREHOUSE") or DEFAULT_WAREHOUSE
    return Path(raw).expanduser().resolve()


def committees_file() -> Path:
    """The committees this installation serves (seeds/reference/committees.csv, or
    WEIBAO_COMMITTEES)."""
    return Path(os.environ.get("WEIBAO_COMMITTEES", REFERENCE_DIR / "committees.csv")).resolve()


def people_dir(store: Path | None = None) -> Path:
    """Users, the audit log, approvals and 督办单: WEIBAO_PEOPLE, else <store>/people/ (the
    given store root, or the default one). Inside the store so that a backup of the store
    keeps them; never committed (seeds/submissions/* is ignored)."""
    raw = os.environ.get("WEIBAO_PEOPLE")
    return Path(raw).resolve() if raw else (store or submissions_dir()) / "people"
