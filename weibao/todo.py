"""What is coming up for a user on the 待办 page: deadlines from the submission types.

The deadlines come from the definitions (expectations/*.yml: period, deadline_days,
submitters, expected_from), the same ones the build writes to
target/definitions/submission_schedule.csv, so they cover periods the warehouse's reporting
years do not reach yet. What was handed in comes from the store's manifest (withdrawn files do
not count), so a file sent a minute ago is already off the list. "Today" is
WEIBAO_AS_OF_DATE when set (as for the reporting marts), else the date.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from weibao import store
from weibao.access import Actor, covers
from weibao.submission_types import SUBMISSION_TYPES, schedule_rows

LEVEL_BY_LENGTH = {2: "province", 4: "city", 6: "county"}
COLUMNS = ["submission_type", "agency_code", "period", "deadline", "received"]


def today() -> date:
    pinned = os.environ.get("WEIBAO_AS_OF_DATE", "")
    return date.fromisoformat(pinned) if pinned else date.today()


def _periods(period_kind: str, on: date) -> list[str]:
    years = (on.year - 1, on.year)
    if period_kind == "quarter":
        return [f"{y}Q{q}" for y in years for q in (1, 2, 3, 4)]
    return [str(y) for y in years]


def upcoming(
    actor: Actor, on: date | None = None, days: int | None = None, root: Path | None = None
) -> pd.DataFrame:
    """Periods whose deadline falls within `days` from today (default: todo_horizon_days in
    weibao.toml) that the actor's unit (an agency) has not handed in yet; for a statistician every type and agency, with `received` the
    number of jurisdictions of its area that have. Soonest first."""
    if days is None:
        from weibao.settings import settings

        days = settings().todo_horizon_days
    on = on or today()
    m = store.in_force(store.read_manifest(root))
    agency = actor.role == "agency"
    level = LEVEL_BY_LENGTH.get(len(actor.jurisdiction))
    rows = []
    for row in schedule_rows():
        if agency and (row["agency_code"] != actor.unit or row["level_of_jurisdiction"] != level):
            continue
        stype = SUBMISSION_TYPES[row["submission_type"]]
        for period in _periods(row["period_kind"], on):
            deadline = stype.deadline(period)
            if not on <= deadline <= on + timedelta(days=days):
                continue
            got = m[
                (m.submission_type == row["submission_type"])
                & (m.agency_code == row["agency_code"])
                & (m.period == period)
            ]
            mine = [
                j
                for j in set(got.jurisdiction_code)
                if (j == actor.jurisdiction if agency else covers(actor.jurisdiction, j))
            ]
            if agency and mine:
                continue  # handed in already
            rows.append(
                {
                    "submission_type": row["submission_type"],
                    "agency_code": row["agency_code"],
                    "period": period,
                    "deadline": deadline,
                    "received": len(mine),
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["deadline", "submission_type", "agency_code"], ignore_index=True)
