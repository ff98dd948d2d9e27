"""Typed settings from `weibao.toml` at the project root, read once.

    from weibao.settings import settings
    settings().max_upload_mb

Each key may be overridden by an environment variable `WEIBAO_<KEY>` (upper case, no section),
and `WEIBAO_SETTINGS` may name another file. A key that the file sets but `Settings` does not
know, or a value of the wrong type, stops with a clear message instead of being ignored.
To add a setting: add a field with its default here and the key, with a comment, to weibao.toml.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from weibao.errors import WeibaoError
from weibao.paths import ROOT

DEFAULT_FILE = ROOT / "weibao.toml"


@dataclass(frozen=True)
class Settings:
    # [intake] upload limits (see weibao.toml for what each means)
    max_upload_mb: int = 100
    max_rows_institution: int = 1_000_000
    max_rows_other: int = 0  # 0: the number of units of the type's level in the jurisdiction
    max_columns: int = 100
    max_xlsx_uncompressed_mb: int = 1000
    max_cell_chars: int = 10_000
    # [postgres] the published schema and how long a retired publication is kept
    pg_schema: str = "weibao"
    pg_grace_seconds: int = 900
    pg_publish_wait_seconds: float = 120.0
    # [spark] the published database, where Spark runs, and how long a replaced build is kept
    spark_schema: str = "weibao"
    spark_master: str = "local[2]"
    spark_driver_memory: str = "2g"
    spark_grace_seconds: int = 900
    # [people] sign-in and sessions (issue 9)
    lockout_failures: int = 5
    lockout_minutes: int = 15
    session_idle_minutes: int = 30
    todo_horizon_days: int = 45
    password_hash_rounds: int = 12
    sign_in_required: bool = True
    # figures of periods not yet approved, for leaders: "mark" or "hide" (weibao.approval)
    unapproved_for_leaders: str = "mark"
    # [store] days a rejected file's original is kept in quarantine
    rejected_retention_days: int = 90
    # [build] DuckDB's memory limit for the load step and the dbt build (profiles.yml reads it
    # as WEIBAO_DUCKDB_MEMORY_LIMIT, which `weibao build` sets from here)
    duckdb_memory_limit: str = "3GB"
    # [dashboard] memory of the DuckDB instance that reads the published file (weibao.engines.duckdb)
    reader_memory_limit: str = "2GB"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024  # MB as Streamlit counts them

    @property
    def max_xlsx_uncompressed_bytes(self) -> int:
        return self.max_xlsx_uncompressed_mb * 1024 * 1024


def _coerce(name: str, raw: object, kind: type, source: str) -> object:
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if kind is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError(raw)
            return int(str(raw).replace("_", "").strip()) if isinstance(raw, str) else int(raw)
        return kind(raw)
    except (TypeError, ValueError):
        raise WeibaoError(
            f"设置 {name} 的值“{raw}”不是{ {int: '整数', bool: '真/假', float: '数字'}.get(kind, kind.__name__) }({source})",
            f"setting {name}: '{raw}' is not a valid {kind.__name__} ({source})",
            "改正 weibao.toml 或对应的环境变量后重试",
        ) from None


def load(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the file and the environment (no caching; `settings()` caches)."""
    environ = os.environ if environ is None else environ
    path = Path(path or environ.get("WEIBAO_SETTINGS") or DEFAULT_FILE)
    data: dict[str, object] = {}
    if path.exists():
        try:
            parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise WeibaoError(
                f"设置文件 {path} 格式有误:{exc}",
                f"settings file {path} is not valid TOML: {exc}",
                "改正该文件的语法(TOML)后重试",
            ) from None
        for section, table in parsed.items():
            items = table.items() if isinstance(table, dict) else [(section, table)]
            for key, value in items:
                if key in data:
                    raise WeibaoError(
                        f"设置文件 {path} 中 {key} 出现了不止一次",
                        f"settings file {path}: key {key} appears more than once",
                        "每个键只写一次(环境变量 WEIBAO_<KEY> 不区分节)",
                    )
                data[key] = value
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise WeibaoError(
            f"设置文件 {path} 中有未知的键:{'、'.join(unknown)}",
            f"settings file {path} has unknown keys: {', '.join(unknown)}",
            "检查拼写;可用的键见 weibao/settings.py",
        )
    values: dict[str, object] = {}
    for name, f in known.items():
        kind = type(f.default)
        env_name = "WEIBAO_" + name.upper()
        if env_name in environ:
            values[name] = _coerce(name, environ[env_name], kind, f"环境变量 {env_name}")
        elif name in data:
            values[name] = _coerce(name, data[name], kind, str(path))
    return Settings(**values)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read once. Tests call `settings.cache_clear()`."""
    return load()
