"""Comparing published marts across engines: one spelling per value, whatever the driver."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


def canonical(value: object) -> str:
    """One spelling per value, whichever driver returned it: numbers to 2 decimals."""
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def checksum(rows: list[tuple]) -> str:
    lines = sorted("\x1f".join(canonical(v) for v in row) for row in rows)
    return hashlib.sha256("\x1e".join(lines).encode()).hexdigest()


def difference(a: list[tuple], b: list[tuple]) -> tuple[list, list]:
    """A few rows only in a, and only in b (for the failure message)."""
    ca = {tuple(map(canonical, r)) for r in a}
    cb = {tuple(map(canonical, r)) for r in b}
    return sorted(ca - cb)[:3], sorted(cb - ca)[:3]


def assert_marts_equal(duck_path, other_tables: list[str], other_rows, schema: str, name: str):
    """Every published mart of the DuckDB file equals the other engine's, in row count and in
    the checksum of all values. `other_rows(sql)` runs a query there; returns the mart names."""
    import duckdb
    import pytest

    con = duckdb.connect(str(duck_path), read_only=True)
    try:
        marts = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' order by table_name"
            ).fetchall()
        ]
        assert marts == sorted(other_tables)
        assert "fct_indicator_values" in marts and len(marts) >= 10
        for table in marts:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = "
                    "'main' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            select = f"select {', '.join(columns)} from {{}}.{table}"
            on_duck = con.execute(select.format("main")).fetchall()
            on_other = other_rows(select.format(schema))
            assert len(on_other) == len(on_duck), table
            if checksum(on_other) != checksum(on_duck):
                only_duck, only_other = difference(on_duck, on_other)
                pytest.fail(
                    f"{table} differs ({columns}): DuckDB only {only_duck}, "
                    f"{name} only {only_other}"
                )
        return marts
    finally:
        con.close()
