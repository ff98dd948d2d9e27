"""DuckDB, the default engine: one published file, replaced whole by `os.replace`.

Its load step and publish live in weibao/build.py (they predate this interface); this module is
the reading side: short-lived read-only connections, so a reader never holds the lock that a
build needs (CONVENTIONS.md, DuckDB locks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from weibao.engines import EngineError
from weibao.paths import warehouse_path


def build(submissions: Path | None = None, progress=None, dbt_vars: dict | None = None):
    from weibao.build import build as build_duckdb

    return build_duckdb(None, progress=progress, submissions=submissions, dbt_vars=dbt_vars)


def describe() -> str:
    return str(warehouse_path())


def available() -> bool:
    return warehouse_path().is_file()


def publication_id() -> str:
    """The published file's path and modification time: `os.replace` gives a new one."""
    path = warehouse_path()
    try:
        return f"{path}@{path.stat().st_mtime_ns}"
    except FileNotFoundError as exc:
        raise EngineError(f"no published warehouse at {path}") from exc


def query(sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    path = warehouse_path()
    if not path.is_file():
        raise EngineError(f"no published warehouse at {path}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise EngineError(str(exc)) from exc
    try:
        return con.execute(sql, params or []).df()
    except duckdb.Error as exc:
        raise EngineError(str(exc)) from exc
    finally:
        con.close()
