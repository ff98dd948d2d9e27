"""The engines weibao publishes to, behind one small interface.

An engine is a module with:

- `build(submissions, progress, dbt_vars) -> BuildResult`: load step, `dbt build`, audit and
  publish (write-audit-publish). The load step and publish are the only engine-specific parts;
  transformation is the same dbt project on every engine.
- `available() -> bool`: a publication exists to read.
- `publication_id() -> str`: changes with every publication (the dashboard's cache key).
- `query(sql, params) -> DataFrame`: one read of the published marts, in a short-lived
  connection. SQL uses PEP 249 `qmark` placeholders (`?`); an engine whose driver wants another
  style translates them.
- `describe() -> str`: where the publication lives, for messages.

Select one with `--engine` or `WEIBAO_ENGINE` (default duckdb).
"""

from __future__ import annotations

import os
from types import ModuleType

from weibao.errors import WeibaoError

ENGINES = ("duckdb", "postgres", "spark")


class EngineError(RuntimeError):
    """A read of the published marts failed (missing table, lost connection …), whatever the
    engine; the dashboard shows it in words instead of a traceback."""


def engine_name(override: str | None = None) -> str:
    name = (override or os.environ.get("WEIBAO_ENGINE") or "duckdb").strip().lower()
    if name not in ENGINES:
        raise WeibaoError(
            f"未知的数据库引擎 {name}",
            f"unknown engine {name}",
            "可选 / choose one of: " + ", ".join(ENGINES),
        )
    return name


def get(override: str | None = None) -> ModuleType:
    name = engine_name(override)
    if name == "postgres":
        from weibao.engines import postgres

        return postgres
    if name == "spark":
        from weibao.engines import spark

        return spark
    from weibao.engines import duckdb

    return duckdb
