"""Small counts of children, and everything derived from them, never leave the data layer.

DESIGN.md (privacy): a count of children below 5, in any area, is shown as "<5" to anyone below
statistician level (today: everyone), and so is every value derived from it. Formatting alone
is not enough: the frames a page hands to Streamlit travel to the browser whole, and charts,
CSV files and the brief read the same frames. So every frame of indicator values passes through
`suppress_frame` where it is read (dashboards/data.py, weibao/brief/queries.py): on a row that
would reveal a small count, the counts below 5 and the derived figures become missing and
`suppressed` is True; the formatters (weibao.i18n) then write "<5" and hide the gap.

What stays: the status word (已达标 / 未达标) and the target, which leaders need in order to act
and which do not give the count; counts of 5 or more on a suppressed row (3 of 120 shows "<5"
and 120, never the rate or the gap, from which 3 would follow).
"""

from __future__ import annotations

import pandas as pd

SUPPRESS_BELOW = 5
COUNTS = ("numerator", "denominator")
# Figures computed from the counts; the ones a frame has are cleared on a suppressed row.
DERIVED = ("value", "gap", "projected_year_end", "progress_ratio")


def _as_flags(values: pd.Series) -> pd.Series:
    return values.astype("boolean").fillna(False).astype(bool)


def suppressed_rows(frame: pd.DataFrame, counts_children: bool | None = None) -> pd.Series:
    """True where the row is of an indicator that counts children (its `counts_children`
    column, else the argument) and its numerator or denominator is below 5."""
    if "counts_children" in frame.columns:
        kids = _as_flags(frame["counts_children"])
    else:
        kids = pd.Series(bool(counts_children), index=frame.index)
    small = pd.Series(False, index=frame.index)
    for col in COUNTS:
        if col in frame.columns:
            small |= _as_flags(pd.to_numeric(frame[col], errors="coerce") < SUPPRESS_BELOW)
    already = _as_flags(frame["suppressed"]) if "suppressed" in frame.columns else False
    return (kids & small) | already  # idempotent: a cleared row stays suppressed


def suppress_frame(frame: pd.DataFrame, counts_children: bool | None = None) -> pd.DataFrame:
    """A copy with a `suppressed` column in which no small count of children, nor any figure
    derived from one, remains. Frames without counts come back with `suppressed` all False."""
    out = frame.copy()
    hidden = suppressed_rows(out, counts_children)
    out["suppressed"] = hidden
    if not hidden.any():
        return out
    for col in COUNTS:
        if col in out.columns:
            small = hidden & _as_flags(pd.to_numeric(out[col], errors="coerce") < SUPPRESS_BELOW)
            out[col] = out[col].where(~small)
    for col in DERIVED:
        if col in out.columns:
            out[col] = out[col].where(~hidden)
    return out
