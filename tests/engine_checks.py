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
