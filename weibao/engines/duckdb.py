"""DuckDB, the default engine: one published file, replaced whole by `os.replace`.

Its load step and publish live in weibao/build.py (they predate this interface); this module is
the reading side.

Reading: one in-memory DuckDB instance per publication, in which the published file is
ATTACHed read-only; each query runs in a cursor of it. Opening the file costs about 70 ms
(its catalog: 30-odd tables and their statistics), which a connection per query paid on every
query of every page; a cursor of the held instance costs under 1 ms and finds the blocks that
earlier queries read still in its buffer pool. A build never waits for it: a build writes a new
file and `os.replace`s it onto the published path (CONVENTIONS.md, DuckDB locks), and the held
instance keeps reading the old inode until the next query sees a new publication id (the
file's inode and mtime) and attaches the new file. The instance is not opened by path with
`duckdb.connect(path)`: that goes through the Python client's cache of instances by path, which
would hand out the replaced file.
"""

from __future__ import annotations

import threading
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
    """The published file's path, inode and modification time: `os.replace` gives new ones."""
    path = warehouse_path()
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise EngineError(f"no published warehouse at {path}") from exc
    return f"{path}@{st.st_mtime_ns}:{st.st_ino}"


_READER_LOCK = threading.Lock()
_reader: tuple[str, duckdb.DuckDBPyConnection] | None = None  # (publication id, instance)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the held instance of the current publication (attached on first use, and
    again when the publication changes; the replaced instance closes when its last cursor
    does)."""
    global _reader
    path = warehouse_path()
    pub = publication_id()
    with _READER_LOCK:
        if _reader is None or _reader[0] != pub:
            from weibao.settings import settings

            con = duckdb.connect()
            try:
                con.execute(f"set memory_limit = {_q(settings().reader_memory_limit)}")
                con.execute(f"attach {_q(str(path))} as published (read_only)")
            except BaseException:
                con.close()
                raise
            _reader = (pub, con)
        cur = _reader[1].cursor()
    try:
        cur.execute("use published")
    except BaseException:
        cur.close()
        raise
    return cur


def release() -> None:
    """Let go of the held instance (tests that delete a published file; a process about to
    exit needs nothing)."""
    global _reader
    with _READER_LOCK:
        held, _reader = _reader, None
    if held is not None:
        held[1].close()


def query(sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    path = warehouse_path()
    if not path.is_file():
        raise EngineError(f"no published warehouse at {path}")
    try:
        cur = _cursor()
    except duckdb.Error as exc:
        raise EngineError(str(exc)) from exc
    try:
        return cur.execute(sql, params or []).df()
    except duckdb.Error as exc:
        raise EngineError(str(exc)) from exc
    finally:
        cur.close()
