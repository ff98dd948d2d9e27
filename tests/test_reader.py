"""The dashboard's DuckDB reader (weibao/engines/duckdb.py): one held instance per publication.

Real DuckDB files published the way `weibao build` publishes them (`os.replace` onto the
served path), read through the engine in this process, as the dashboard does."""

from __future__ import annotations

import os
import threading

import duckdb
import pytest

from weibao.engines import EngineError
from weibao.engines import duckdb as engine


def publish(path, value: int, tmp) -> None:
    """Write a one-row warehouse into a new file and replace the published one with it."""
    fresh = tmp / f"build-{value}.duckdb"
    con = duckdb.connect(str(fresh))
    con.execute("create table fct_demo as select ? as value", [value])
    con.close()
    os.replace(fresh, path)


@pytest.fixture
def served(tmp_path, monkeypatch):
    path = tmp_path / "weibao.duckdb"
    monkeypatch.setenv("WEIBAO_WAREHOUSE", str(path))
    engine.release()
    yield path
    engine.release()


def value() -> int:
    return int(engine.query("select value from fct_demo")["value"].iloc[0])


def test_a_new_publication_is_read_at_the_next_query(served, tmp_path):
    publish(served, 1, tmp_path)
    assert value() == 1
    first = engine.publication_id()
    publish(served, 2, tmp_path)  # the held instance still has the old file open
    assert engine.publication_id() != first
    assert value() == 2  # not the replaced file (duckdb.connect(path) would have cached it)
    publish(served, 3, tmp_path)
    assert value() == 3


def test_queries_of_one_publication_share_one_instance(served, tmp_path):
    publish(served, 7, tmp_path)
    assert value() == 7
    held = engine._reader
    for _ in range(5):
        assert value() == 7
    assert engine._reader is held  # the file is attached once, not once per query


def test_concurrent_sessions_read_while_a_build_publishes(served, tmp_path):
    """Streamlit runs each session in a thread: queries from many threads while publications
    replace the file never fail and never see anything but a published value."""
    publish(served, 0, tmp_path)
    seen, errors, stop = set(), [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                seen.add(value())
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for v in range(1, 6):
        publish(served, v, tmp_path)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert seen <= set(range(6)) and 5 in seen | {value()}
    assert value() == 5


def test_no_publication_is_said_in_words(served):
    with pytest.raises(EngineError, match="no published warehouse"):
        engine.query("select 1")
