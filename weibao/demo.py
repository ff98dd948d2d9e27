"""Deterministic demo submissions for every county of the org-unit seed.

`generate()` writes, into the submission store, the files the agencies of each county would
hand in for each year: child directors per village, child supervisors per township,
staff record checks per institution (one file each from education, health and civil
affairs) and the county's orphan-support standards and foster families; and one file per
generic submission type (protection stations, model child homes, childcare places, ... ,
committee meetings quarterly), see GENERIC_TYPES below. Each document jurisdiction's member
units report their work-plan tasks' progress quarterly (task_progress, from tasks.csv), and
福建省's joint-conference office its meetings. Everything is marked `is_demo=True`.

The data are invented but shaped for the dashboard's story: coverage and check rates rise
from 2021 to 2025, townships differ, a few townships lag clearly behind, 桐乡市 2022 sits
near its real targets with a visible gap, one submission is missing and one is corrected by
a resubmission.

Determinism: every random draw comes from a numpy Generator seeded with
(seed, county, year, stream), and received_at values are computed, never taken from the
clock. The same seed gives byte-identical stores, and a county's data do not depend on
which other counties or years are generated in the same run. Re-running into a store that
already holds the submissions writes nothing (the submission ids are already there).
"""

from __future__ import annotations

import bisect
import csv
import io
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from weibao import store
from weibao.divisions import add_committee, check_code, committee_codes, read_committees
from weibao.errors import WeibaoError
from weibao.paths import DIVISIONS_FILE, REFERENCE_DIR, SEEDS_DIR, submissions_dir
from weibao.store import accept, identify, read_manifest
from weibao.submission_types import SECTORS, SUBMISSION_TYPES

DEFAULT_SEED = 20220524
DEFAULT_YEARS = range(2021, 2026)
FIRST_YEAR = 2021  # trend origin: rates rise from here


# Per-jurisdiction and regional calibrations of the demo (data, not code): see the file.
CALIBRATION_FILE = SEEDS_DIR / "demo" / "calibration.yml"


@lru_cache(maxsize=1)
def calibration() -> dict:
    with open(CALIBRATION_FILE, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["missing_submissions"] = [tuple(map(str, k)) for k in data.get("missing_submissions", [])]
    data["resubmissions"] = [tuple(map(str, k)) for k in data.get("resubmissions", [])]
    return data


def _cal(code: str) -> dict:
    """The calibration of one jurisdiction (empty when it has none)."""
    return calibration()["jurisdictions"].get(str(code)) or {}


def _province_cal(province: str) -> dict:
    provinces = calibration()["provinces"]
    return provinces.get(province) or provinces["default"]


RESUBMISSION_DELAY = timedelta(days=6, hours=2, minutes=17)

# Share of townships that lag clearly behind the rest (桐乡市 always has exactly one).
LAGGING_SHARE = 0.035

AGENCY_ZH = {"civil_affairs": "民政局", "education": "教育局", "health": "卫生健康局"}
AGENCY_PREFIX = {"education": "JY", "health": "WJ", "civil_affairs": "MZ"}
TYPE_SHORT_ZH = {
    "child_directors": "儿童主任",
    "child_supervisors": "儿童督导员",
    "staff_checks": "从业人员查询",
    "orphan_foster": "孤儿养育与家庭寄养",
}
AGENCY_SECTORS = {
    agency: tuple(s for s, (_, _, a) in SECTORS.items() if a == agency)
    for agency in ("education", "health", "civil_affairs")
}
SECTOR_LIST = list(SECTORS)

# Per sector: median staff in post, log-normal sigma, minimum, yearly hiring share,
# check-rate offset (private training and childcare lag behind schools).
_SECTOR_PROFILE = {
    "school": (60, 0.55, 8, 0.08, 0.010),
    "kindergarten": (18, 0.45, 4, 0.15, 0.000),
    "off_campus_training": (8, 0.55, 2, 0.25, -0.045),
    "childcare": (10, 0.45, 3, 0.20, -0.035),
    "hospital": (45, 0.60, 10, 0.08, -0.015),
    "child_welfare": (25, 0.30, 8, 0.08, 0.020),
    "minors_protection": (12, 0.30, 4, 0.08, 0.020),
}

# Stream ids for the per-(county[, year]) random generators.
_S_STRUCTURE, _S_DIRECTORS, _S_SUPERVISORS, _S_STAFF, _S_ORPHAN, _S_RECEIPT = range(1, 7)


# --------------------------------------------------------------------------- reference data


@dataclass(frozen=True)
class _County:
    code: str
    name: str
    province: str
    city: str
    townships: np.ndarray  # 9-digit codes, sorted
    villages: np.ndarray  # 12-digit codes, sorted
    village_town: np.ndarray  # index into townships
    village_is_community: np.ndarray  # bool


def _query(sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    try:
        return con.execute(sql.replace("DIVISIONS", _DIVISIONS), params or []).fetchall()
    finally:
        con.close()


_DIVISIONS = f"read_parquet('{DIVISIONS_FILE.as_posix()}')"


_COUNTY_CACHE: dict[str, _County] = {}


def _load_counties(codes: Iterable[str]) -> None:
    """Read the counties not yet cached, with their townships and villages, in one pass over
    the division table (a national run reads all 2,978 at once instead of 6,000 queries)."""
    missing = sorted(set(codes) - _COUNTY_CACHE.keys())
    if not missing:
        return
    heads = _query(
        "select code, name, province_code, city_code from DIVISIONS "
        "where code in (select unnest(?::varchar[]))",
        [missing],
    )
    rows = _query(
        "select county_code, code, level, township_code, contains(name, '社区') from DIVISIONS "
        "where county_code in (select unnest(?::varchar[])) and level_rank >= 4 order by code",
        [missing],
    )
    by_county: dict[str, list[tuple]] = {code: [] for code in missing}
    for r in rows:
        by_county[r[0]].append(r[1:])
    for code, name, province, city in heads:
        _COUNTY_CACHE[code] = _county_from_rows(code, name, province, city, by_county[code])


def _county_from_rows(code: str, name: str, province: str, city: str, rows: list) -> _County:
    t = np.array([r[0] for r in rows if r[1] == "township"], dtype=str)
    v = [r for r in rows if r[1] == "village"]
    return _County(
        code=code,
        name=name,
        province=province,
        city=city,
        townships=t,
        villages=np.array([r[0] for r in v], dtype=str),
        village_town=np.searchsorted(t, np.array([r[2] for r in v], dtype=str)),
        village_is_community=np.array([bool(r[3]) for r in v], dtype=bool),
    )


def _county(code: str) -> _County:
    """One county with its townships and villages, read from the division table. A county's
    arrays depend on its own divisions only, so its demo data do not depend on which other
    counties are generated."""
    if code not in _COUNTY_CACHE:
        _load_counties([code])
    return _COUNTY_CACHE[code]


class _Counties(Mapping):
    """Every county of the 2023 divisions that has townships, loaded one at a time."""

    @cached_property
    def _codes(self) -> list[str]:
        return [
            c
            for (c,) in _query(
                "select distinct county_code from DIVISIONS where level = 'township' order by 1"
            )
        ]

    def __getitem__(self, code: str) -> _County:
        if code not in self:
            raise KeyError(code)
        return _county(code)

    def __contains__(self, code: object) -> bool:
        i = bisect.bisect_left(self._codes, code)
        return i < len(self._codes) and self._codes[i] == code

    def __iter__(self):
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


@lru_cache(maxsize=1)
def _counties() -> _Counties:
    return _Counties()


def _rng(seed: int, county: str, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, int(county), *stream])


_erf = np.vectorize(math.erf, otypes=[float])


def _phi(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF."""
    return 0.5 * (1.0 + _erf(np.asarray(z, dtype=float) / math.sqrt(2.0)))


# --------------------------------------------------------------------------- county structure


@dataclass(frozen=True)
class _Structure:
    """What stays put across years: effects, laggards, institutions, standards."""

    county_eff: float
    town_eff: np.ndarray
    lag_pen: np.ndarray  # > 0 for lagging townships
    village_z: np.ndarray  # persistent latent for "has a director"
    village_two: np.ndarray  # big village: two directors when staffed
    town_z: np.ndarray
    town_two: np.ndarray
    # institutions
    inst_code: np.ndarray
    inst_agency: np.ndarray
    inst_sector: np.ndarray  # index into SECTOR_LIST
    inst_town: np.ndarray
    inst_size: np.ndarray
    inst_eff: np.ndarray
    inst_from: np.ndarray
    inst_to: np.ndarray
    # orphan / foster
    orphan_monthly_2021: float
    orphan_growth: np.ndarray  # per year from 2021, index 0 = 2022
    scattered_ratio: float
    foster_base: float


@lru_cache(maxsize=256)
def _structure(county: str, seed: int) -> _Structure:
    c = _counties()[county]
    rng = _rng(seed, county, _S_STRUCTURE)
    nt, nv = len(c.townships), len(c.villages)

    cal = _cal(county)
    county_eff = (
        float(cal["county_effect"]) if "county_effect" in cal else float(rng.normal(0.0, 0.025))
    )
    town_eff = rng.normal(0.0, 0.025, nt)
    n_vill = np.bincount(c.village_town, minlength=nt)
    is_street = np.array([t[6] == "0" for t in c.townships], dtype=bool)  # 街道: 001-099
    lagging = rng.random(nt) < LAGGING_SHARE
    if cal.get("exactly_one_lagging_township"):
        # exactly one laggard, a town (not a 街道) with enough villages for the gap to show
        candidates = np.flatnonzero((n_vill >= 15) & ~is_street)
        lagging = np.zeros(nt, dtype=bool)
        lagging[candidates[rng.integers(len(candidates))]] = True
    lag_pen = np.where(lagging, rng.uniform(0.20, 0.30, nt), 0.0)

    village_z = rng.standard_normal(nv)
    village_two = rng.random(nv) < np.where(c.village_is_community, 0.14, 0.04)
    town_z = rng.standard_normal(nt)
    town_two = rng.random(nt) < 0.15

    # institutions per township
    counts = {
        "school": 1 + rng.poisson(n_vill / 3.5),
        "kindergarten": 1 + rng.poisson(n_vill / 3.0),
        "off_campus_training": rng.poisson(np.where(is_street, 3.5, 1.2)),
        "childcare": rng.poisson(np.where(is_street, 2.5, 0.8)),
        "hospital": (rng.random(nt) < 0.45).astype(int),  # township health centre / clinic
        "child_welfare": np.zeros(nt, dtype=int),
        "minors_protection": np.zeros(nt, dtype=int),
    }
    county_hospitals = 2 + int(rng.random() < 0.5)  # in the county seat (first township)
    counts["hospital"][0] += county_hospitals
    counts["child_welfare"][0] = 1
    counts["minors_protection"][0] = 1
    town_parts, sector_parts, big = [], [], []
    for si, s in enumerate(SECTOR_LIST):
        town_parts.append(np.repeat(np.arange(nt), counts[s]))
        sector_parts.append(np.full(int(counts[s].sum()), si))
        flag = np.zeros(int(counts[s].sum()), dtype=bool)
        if s == "hospital":
            flag[:county_hospitals] = True  # rows are ordered by township: seat first
        big.append(flag)
    inst_town = np.concatenate(town_parts)
    inst_sector = np.concatenate(sector_parts)
    big = np.concatenate(big)
    # stable order: agency, township, sector
    agency_of = np.array([SECTORS[s][2] for s in SECTOR_LIST])
    inst_agency = agency_of[inst_sector]
    order = np.lexsort((inst_sector, inst_town, inst_agency))
    inst_town, inst_sector, inst_agency, big = (
        inst_town[order],
        inst_sector[order],
        inst_agency[order],
        big[order],
    )
    n = len(inst_town)
    inst_code = np.empty(n, dtype=object)
    for agency, prefix in AGENCY_PREFIX.items():
        idx = np.flatnonzero(inst_agency == agency)
        inst_code[idx] = [f"{prefix}-{county}-{k:04d}" for k in range(1, len(idx) + 1)]

    median = np.array([_SECTOR_PROFILE[s][0] for s in SECTOR_LIST], dtype=float)[inst_sector]
    sigma = np.array([_SECTOR_PROFILE[s][1] for s in SECTOR_LIST])[inst_sector]
    median = np.where(big, 450.0, median)
    inst_size = np.exp(np.log(median) + sigma * rng.standard_normal(n))
    inst_eff = rng.normal(0.0, 0.03, n)
    # openings and closures: "double reduction" closed many training centres after 2021,
    # childcare keeps opening.
    inst_from = np.full(n, FIRST_YEAR - 10)
    inst_to = np.full(n, 9999)
    r = rng.random(n)
    opening = rng.integers(FIRST_YEAR + 1, FIRST_YEAR + 5, n)
    training = inst_sector == SECTOR_LIST.index("off_campus_training")
    childcare = inst_sector == SECTOR_LIST.index("childcare")
    inst_to[training & (r < 0.30)] = FIRST_YEAR
    inst_from[training & (r > 0.85)] = opening[training & (r > 0.85)]
    inst_from[childcare & (r < 0.35)] = opening[childcare & (r < 0.35)]

    # orphan support standards (monthly yuan in 2021, growth per year)
    region = _province_cal(c.province)
    base = rng.uniform(*region["orphan_monthly_2021"]) + (
        calibration().get("cities", {}).get(c.city, {}).get("orphan_monthly_bonus", 0)
    )
    growth = rng.uniform(*region["orphan_growth"], 10)
    return _Structure(
        county_eff=county_eff,
        town_eff=town_eff,
        lag_pen=lag_pen,
        village_z=village_z,
        village_two=village_two,
        town_z=town_z,
        town_two=town_two,
        inst_code=inst_code,
        inst_agency=inst_agency,
        inst_sector=inst_sector,
        inst_town=inst_town,
        inst_size=inst_size,
        inst_eff=inst_eff,
        inst_from=inst_from,
        inst_to=inst_to,
        orphan_monthly_2021=float(base),
        orphan_growth=growth,
        scattered_ratio=float(rng.uniform(0.65, 0.75)),
        foster_base=float(rng.uniform(3, 25)),
    )


# --------------------------------------------------------------------------- yearly tables


def _lag(st: _Structure, t: int) -> np.ndarray:
    """Laggards catch up only slowly."""
    return st.lag_pen * max(0.5, 1.0 - 0.06 * t)


def _present(rng: np.random.Generator, latent: np.ndarray, p: np.ndarray) -> tuple:
    """Persistent-but-jittered draw: unit is staffed when its uniform score is below p."""
    z = 0.85 * latent + math.sqrt(1 - 0.85**2) * rng.standard_normal(len(latent))
    u = _phi(z)
    return u < p, u


def _child_directors(county: str, year: int, seed: int) -> pd.DataFrame:
    c, st = _counties()[county], _structure(county, seed)
    rng = _rng(seed, county, year, _S_DIRECTORS)
    t = year - FIRST_YEAR
    p = np.clip(
        0.86
        + 0.03 * t
        + 0.8 * st.county_eff
        + st.town_eff[c.village_town]
        - _lag(st, t)[c.village_town]
        + rng.normal(0, 0.01, len(c.villages)),
        0.2,
        0.998,
    )
    has, u = _present(rng, st.village_z, p)
    without = _cal(county).get("villages_without_director", {})
    if year in without:
        # calibrated: exactly this many villages without a director, a quarter of the
        # lagging township's villages among them, the rest where they are least likely
        lagging = st.lag_pen[c.village_town] > 0
        n_lag = min(without[year], math.ceil(0.25 * int(lagging.sum())))
        score = u - p
        has = np.ones(len(u), dtype=bool)
        lag_idx, other_idx = np.flatnonzero(lagging), np.flatnonzero(~lagging)
        has[lag_idx[np.argsort(-score[lag_idx], kind="stable")[:n_lag]]] = False
        rest = without[year] - n_lag
        has[other_idx[np.argsort(-score[other_idx], kind="stable")[:rest]]] = False
    count = np.where(has, 1 + st.village_two.astype(int), 0)
    return pd.DataFrame({"org_unit_code": c.villages, "year": year, "child_director_count": count})


def _child_supervisors(county: str, year: int, seed: int) -> pd.DataFrame:
    c, st = _counties()[county], _structure(county, seed)
    rng = _rng(seed, county, year, _S_SUPERVISORS)
    t = year - FIRST_YEAR
    p = np.clip(0.84 + 0.04 * t + st.county_eff + st.town_eff - 1.5 * _lag(st, t), 0.1, 0.995)
    has, _ = _present(rng, st.town_z, p)
    count = np.where(has, 1 + st.town_two.astype(int), 0)
    return pd.DataFrame(
        {"org_unit_code": c.townships, "year": year, "child_supervisor_count": count}
    )


def _staff_checks(county: str, year: int, seed: int) -> dict[str, pd.DataFrame]:
    """One frame per agency (education, health, civil_affairs)."""
    c, st = _counties()[county], _structure(county, seed)
    rng = _rng(seed, county, year, _S_STAFF)
    t = year - FIRST_YEAR
    n = len(st.inst_code)
    active = (st.inst_from <= year) & (year <= st.inst_to)
    sec_off = np.array([_SECTOR_PROFILE[s][4] for s in SECTOR_LIST])[st.inst_sector]
    turnover = np.array([_SECTOR_PROFILE[s][3] for s in SECTOR_LIST])[st.inst_sector]
    minimum = np.array([_SECTOR_PROFILE[s][2] for s in SECTOR_LIST])[st.inst_sector]
    lag = _lag(st, t)[st.inst_town]
    base = st.county_eff + st.town_eff[st.inst_town] + st.inst_eff + sec_off
    staff = np.maximum(minimum, np.rint(st.inst_size * np.exp(0.02 * t + rng.normal(0, 0.05, n))))
    staff = staff.astype(np.int64)
    new_hires = rng.binomial(staff, turnover * rng.uniform(0.6, 1.4, n))
    p_hire = np.clip(0.875 + 0.025 * t + base + rng.normal(0, 0.02, n) - lag, 0.3, 1.0)
    p_annual = np.clip(0.78 + 0.045 * t + base + rng.normal(0, 0.02, n) - 1.2 * lag, 0.2, 1.0)
    hires_checked = rng.binomial(new_hires, p_hire)
    staff_checked = rng.binomial(staff, p_annual)
    frame = pd.DataFrame(
        {
            "institution_code": st.inst_code,
            "org_unit_code": c.townships[st.inst_town],
            "sector": np.array(SECTOR_LIST)[st.inst_sector],
            "year": year,
            "new_hires": new_hires,
            "new_hires_checked": hires_checked,
            "staff_in_post": staff,
            "staff_checked": staff_checked,
        }
    )
    out = {}
    for agency in AGENCY_SECTORS:
        keep = active & (st.inst_agency == agency)
        out[agency] = frame[keep].reset_index(drop=True)
    return out


def orphan_centralized_standard(county: str, year: int, seed: int = DEFAULT_SEED) -> int:
    """The county's centralised orphan standard (元/人/年) in the demo data."""
    monthly = _cal(county).get("orphan_monthly", {})
    if year in monthly:
        return int(monthly[year]) * 12
    st = _structure(county, seed)
    t = max(0, year - FIRST_YEAR)
    monthly = st.orphan_monthly_2021 * float(np.prod(1 + st.orphan_growth[:t]))
    return int(round(monthly, -1)) * 12


def _orphan_foster(county: str, year: int, seed: int) -> pd.DataFrame:
    st = _structure(county, seed)
    rng = _rng(seed, county, year, _S_ORPHAN)
    t = year - FIRST_YEAR
    centralized = orphan_centralized_standard(county, year, seed)
    ratio = min(0.75, st.scattered_ratio + 0.004 * max(t, 0))
    scattered = int(round(centralized / 12 * ratio, -1)) * 12
    families = int(np.clip(rng.poisson(st.foster_base * (1 + 0.04 * t)), 0, 40))
    p = float(np.clip(0.80 + 0.04 * t + st.county_eff + rng.normal(0, 0.03), 0.4, 1.0))
    compliant = int(rng.binomial(families, p))
    return pd.DataFrame(
        {
            "org_unit_code": [county],
            "year": [year],
            "orphan_centralized_standard": [centralized],
            "orphan_scattered_standard": [scattered],
            "foster_families": [families],
            "foster_families_compliant": [compliant],
        }
    )


# --------------------------------------------------------------------------- writing


def _original_bytes(stype_code: str, frame: pd.DataFrame) -> bytes:
    """The file as an agency would upload it: UTF-8 CSV with the template's Chinese headers."""
    return _render(stype_code, frame)[0]


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _render(stype_code: str, frame: pd.DataFrame) -> tuple[bytes, bytes]:
    """The original file (as an agency would upload it: UTF-8 CSV, the template's Chinese
    headers, CRLF) and the normalised file (exactly as accept() stores it: pandas' to_csv of
    the frame), from one pass over the frame's values. The demo's frames hold int64 and
    string columns, which csv.writer renders as to_csv does (it uses csv.writer too, with a
    missing value written as ""); any other column type goes through to_csv itself."""
    cols = SUBMISSION_TYPES[stype_code].columns
    names = [c.name for c in cols]
    if list(frame.columns) != names:
        raise ValueError(f"normalised columns {list(frame.columns)} != {names}")
    values = [frame[n].tolist() for n in names]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header_zh for c in cols])
    w.writerows(zip(*values, strict=True))
    original = buf.getvalue().encode("utf-8")
    if not all(pd.api.types.is_string_dtype(t) or str(t) == "int64" for t in frame.dtypes.tolist()):
        return original, store.normalised_csv(frame)
    values = [[None if _missing(v) else v for v in col] for col in values]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    w.writerows(zip(*values, strict=True))
    return original, buf.getvalue().encode("utf-8")


@dataclass(frozen=True)
class _Pending:
    received_at: datetime
    submission_type: str
    agency: str
    county: str
    period: str
    frame: pd.DataFrame
    filename: str


def _received_at(rng: np.random.Generator, year: int) -> datetime:
    """3-25 days after the period ends (deadline: 15 days); most are on time."""
    days = int(rng.integers(3, 16)) if rng.random() < 0.8 else int(rng.integers(16, 26))
    seconds = int(rng.integers(3_600, 10 * 3_600))  # 09:00-18:00 Beijing time
    return datetime(year, 12, 31, tzinfo=UTC) + timedelta(days=days, seconds=seconds)


def _county_year(county: str, year: int, seed: int) -> list[_Pending]:
    c = _counties()[county]
    rng = _rng(seed, county, year, _S_RECEIPT)
    period = str(year)
    staff = _staff_checks(county, year, seed)
    items = [
        ("child_directors", "civil_affairs", _child_directors(county, year, seed)),
        ("child_supervisors", "civil_affairs", _child_supervisors(county, year, seed)),
        *(("staff_checks", agency, staff[agency]) for agency in AGENCY_SECTORS),
        ("orphan_foster", "civil_affairs", _orphan_foster(county, year, seed)),
    ]
    missing = set(calibration()["missing_submissions"])
    out = []
    for stype, agency, frame in items:
        received = _received_at(rng, year)  # drawn even when skipped: keeps others stable
        key = (stype, agency, county, period)
        if key in missing:
            continue
        name = f"{c.name}_{AGENCY_ZH[agency]}_{TYPE_SHORT_ZH[stype]}_{period}"
        if key in calibration()["resubmissions"]:
            # first version: the scattered standard copied from last year's form by mistake
            wrong = frame.copy()
            wrong["orphan_scattered_standard"] = _orphan_foster(
                county, year - 1, seed
            ).orphan_scattered_standard.iloc[0]
            out.append(_Pending(received, stype, agency, county, period, wrong, name + ".csv"))
            out.append(
                _Pending(
                    received + RESUBMISSION_DELAY,
                    stype,
                    agency,
                    county,
                    period,
                    frame,
                    name + "_更正.csv",
                )
            )
            continue
        out.append(_Pending(received, stype, agency, county, period, frame, name + ".csv"))
    return out


# --------------------------------------------------------------------------- generic types
#
# Demo data for the generic submission types (registry entries with `measures`) and for
# task progress. Declarative where it can be: a 0/1 flag column is present with a probability
# that rises from its 2021 value to its 2025 value (shifted by the county's and township's
# effects, lowered in lagging townships), and `stock` flags (a station built, a teacher
# appointed) stay once they are there. 桐乡市 2022 is calibrated next to its real targets.
# Every draw comes from its own stream (100 + the type's position below), so the original
# six types' files and receipt times are exactly what they were before these types existed.

GENERIC_TYPES = (
    "protection_stations",
    "child_homes",
    "childcare_places",
    "rehab_institutions",
    "service_stations",
    "smart_campuses",
    "family_education",
    "school_family_education",
    "after_school_services",
    "left_behind_carers",
    "orphan_guardianship",
    "school_psychology",
    "social_organisations",
    "school_surroundings",
    "venue_licensing",
    "committee_meetings",
    "medical_rehab_items",
)
_S_GENERIC = {code: 100 + i for i, code in enumerate(GENERIC_TYPES)}
_S_GENERIC_RECEIPT, _S_TASKS, _S_JURISDICTION = 200, 201, 202

TYPE_SHORT_ZH |= {
    "protection_stations": "未保站",
    "child_homes": "示范型儿童之家",
    "childcare_places": "托位",
    "rehab_institutions": "定点康复机构",
    "service_stations": "妇女儿童驿站",
    "smart_campuses": "智安校园",
    "family_education": "家庭教育指导",
    "school_family_education": "学校家庭教育",
    "after_school_services": "课后服务",
    "left_behind_carers": "留守儿童照护",
    "orphan_guardianship": "散居孤儿监护",
    "school_psychology": "心理老师",
    "social_organisations": "社会组织",
    "school_surroundings": "校园周边",
    "venue_licensing": "新设场所选址",
    "committee_meetings": "会议",
    "medical_rehab_items": "医疗康复项目",
    "task_progress": "任务进展",
}


@dataclass(frozen=True)
class FlagTrend:
    """A 0/1 column: share of units with the flag in 2021 and 2025 (linear in between)."""

    p2021: float
    p2025: float
    stock: bool = True  # once present, stays (else drawn afresh each year, persistently)
    spread: float = 1.0  # weight of county/township effects and lag


FLAG_TRENDS: dict[tuple[str, str], FlagTrend] = {
    ("protection_stations", "has_station"): FlagTrend(0.30, 0.95),
    ("child_homes", "has_model_home"): FlagTrend(0.08, 0.28),
    ("rehab_institutions", "under_agreement"): FlagTrend(0.70, 1.00),
    ("service_stations", "has_township_station"): FlagTrend(0.05, 0.75),
    ("smart_campuses", "is_smart_campus"): FlagTrend(0.35, 0.95),
    ("family_education", "guidance_held"): FlagTrend(0.72, 0.985, stock=False),
    ("school_family_education", "guidance_each_term"): FlagTrend(0.80, 0.99, stock=False),
    ("school_family_education", "practice_each_term"): FlagTrend(0.62, 0.95, stock=False),
    ("after_school_services", "provides_after_school"): FlagTrend(0.86, 1.00),
    ("left_behind_carers", "survey_done"): FlagTrend(0.82, 0.995, stock=False),
    ("school_psychology", "has_psychology_teacher"): FlagTrend(0.60, 0.97),
    ("school_surroundings", "surroundings_clear"): FlagTrend(0.86, 0.99, stock=False, spread=0.5),
}
# Shares of people/places, as FlagTrend but applied binomially to counts.
COUNT_TRENDS: dict[tuple[str, str], FlagTrend] = {
    ("left_behind_carers", "entrusted_agreements"): FlagTrend(0.78, 0.985, stock=False),
    ("left_behind_carers", "left_behind_with_carer"): FlagTrend(0.93, 0.995, stock=False),
    ("orphan_guardianship", "letters_signed"): FlagTrend(0.86, 1.00, stock=False),
    ("venue_licensing", "new_venues_compliant"): FlagTrend(0.85, 1.00, stock=False, spread=0.5),
}

# Late task-progress reports and units that fall behind: share of (task, unit) pairs.
TASK_LAGGING_SHARE = 0.08

TASKS_CSV = REFERENCE_DIR / "tasks.csv"
AGENCIES_CSV = REFERENCE_DIR / "agencies.csv"
_TASK_NOTES = {
    "not_started": ("已列入工作计划,待下季度启动", "正在制定实施方案,尚未启动"),
    "in_progress": (
        "按计划推进,已完成阶段性工作",
        "已召开专题会议部署,正在组织实施",
        "正在推进,进度符合计划要求",
        "已印发工作方案,各项措施逐步落实",
    ),
    "done": ("已按要求完成,相关资料已归档", "任务已完成,形成工作总结报未保办"),
    "lagging": (
        "受经费未到位影响,进度滞后,下季度加快推进",
        "部门协调不够顺畅,进度滞后,已列入督办",
        "工作力量不足,尚未达到序时进度",
    ),
}


def _unit_p(
    trend: FlagTrend, t: int, eff: np.ndarray | float, lag: np.ndarray | float
) -> np.ndarray:
    """Probability per unit in year index t (0 = 2021): the trend line, shifted by effects."""
    base = trend.p2021 + (trend.p2025 - trend.p2021) * min(max(t, 0), 4) / 4
    return np.clip(
        base + trend.spread * (np.asarray(eff) - 1.5 * np.asarray(lag)),
        0.0,
        0.999 if trend.p2025 < 1 else 1.0,
    )


def _flag_column(
    code: str,
    column: str,
    county: str,
    year: int,
    seed: int,
    eff: np.ndarray,
    lag_of: Callable[[int], np.ndarray],
    n: int,
) -> np.ndarray:
    """0/1 per unit. Stock flags compare a persistent uniform with the rising probability, so a
    unit keeps its flag once it has it; activity flags jitter the uniform from year to year."""
    trend = FLAG_TRENDS[(code, column)]
    t = year - FIRST_YEAR
    stream, which = _S_GENERIC[code], 5_000 + list(FLAG_TRENDS).index((code, column))
    z = _rng(seed, county, stream, which).standard_normal(n)
    if not trend.stock:
        z = 0.8 * z + 0.6 * _rng(seed, county, year, stream, which).standard_normal(n)
    return (_phi(z) < _unit_p(trend, t, eff, lag_of(t))).astype(np.int64)


def _exactly(score: np.ndarray, k: int, last: np.ndarray | None = None) -> np.ndarray:
    """0/1 with exactly k ones, at the lowest scores (units in `last` come last)."""
    key = score + (0 if last is None else 10.0 * last)
    out = np.zeros(len(score), dtype=np.int64)
    out[np.argsort(key, kind="stable")[: max(0, min(k, len(score)))]] = 1
    return out


def _persistent_u(county: str, seed: int, code: str, n: int, salt: int = 0) -> np.ndarray:
    return _rng(seed, county, _S_GENERIC[code], 9_000 + salt).random(n)


def _village_inputs(county: str, seed: int):
    c, st = _counties()[county], _structure(county, seed)
    eff = st.county_eff + st.town_eff[c.village_town]
    return c, st, eff, (lambda t: _lag(st, t)[c.village_town])


def _township_inputs(county: str, seed: int):
    c, st = _counties()[county], _structure(county, seed)
    return c, st, st.county_eff + st.town_eff, (lambda t: _lag(st, t))


def _institution_frame(
    county: str, year: int, seed: int, code: str, sectors: Sequence[str], with_sector: bool
) -> pd.DataFrame:
    """One row per institution of the sectors active in the year: the same institutions and
    codes as the staff checks (education's JY-..., health's WJ-...)."""
    c, st = _counties()[county], _structure(county, seed)
    wanted = np.isin(st.inst_sector, [SECTOR_LIST.index(s) for s in sectors])
    idx = np.flatnonzero(wanted & (st.inst_from <= year) & (year <= st.inst_to))
    frame = {"institution_code": st.inst_code[idx], "org_unit_code": c.townships[st.inst_town[idx]]}
    if with_sector:
        frame["sector"] = np.array(SECTOR_LIST)[st.inst_sector[idx]]
    frame["year"] = year
    # flags are drawn over all the county's institutions so a school keeps its own draw
    n_all = len(st.inst_code)
    eff_all = st.county_eff + st.town_eff[st.inst_town] + st.inst_eff
    for tcode, column in FLAG_TRENDS:
        if tcode == code:
            flags = _flag_column(
                code,
                column,
                county,
                year,
                seed,
                eff_all,
                lambda t: _lag(st, t)[st.inst_town],
                n_all,
            )
            frame[column] = flags[idx]
    return pd.DataFrame(frame)


def _protection_stations(county: str, year: int, seed: int) -> pd.DataFrame:
    c, st, eff, lag_of = _township_inputs(county, seed)
    stations = _cal(county).get("protection_stations", {})
    if year in stations:
        u = _persistent_u(county, seed, "protection_stations", len(c.townships))
        has = _exactly(u, stations[year], last=st.lag_pen > 0)
    else:
        has = _flag_column(
            "protection_stations", "has_station", county, year, seed, eff, lag_of, len(c.townships)
        )
    return pd.DataFrame({"org_unit_code": c.townships, "year": year, "has_station": has})


def _model_homes_stock(county: str, year: int, seed: int) -> np.ndarray:
    """Villages whose child home holds a model title by the year's end (never lost)."""
    c, st, eff, lag_of = _village_inputs(county, seed)
    if year < FIRST_YEAR:
        return np.zeros(len(c.villages), dtype=np.int64)
    u = _persistent_u(county, seed, "child_homes", len(c.villages))
    cal = _cal(county)
    shares, named_next = cal.get("model_home_share", {}), cal.get("model_homes_named", {})
    if year + 1 in named_next and year not in shares:
        # next year's homes less those named next year (those ranked last)
        has = _model_homes_stock(county, year + 1, seed)
        named = _exactly(np.where(has == 1, -u, 2.0), named_next[year + 1])
        return has * (1 - named)
    if year in shares:
        # every township at its share (rounded up), the lagging one well below
        n_town = np.bincount(c.village_town, minlength=len(c.townships))
        share = np.where(st.lag_pen > 0, 0.6, 1.0) * shares[year]
        k = np.ceil(share * n_town - 1e-9).astype(int)
        rank = np.empty(len(u), dtype=int)
        order = np.lexsort((u, c.village_town))
        starts = np.searchsorted(c.village_town[order], c.village_town[order], side="left")
        rank[order] = np.arange(len(u)) - starts
        return (rank < k[c.village_town]).astype(np.int64)
    return _flag_column(
        "child_homes", "has_model_home", county, year, seed, eff, lag_of, len(c.villages)
    )


def _child_homes(county: str, year: int, seed: int) -> pd.DataFrame:
    c = _counties()[county]
    has = _model_homes_stock(county, year, seed)
    before = _model_homes_stock(county, year - 1, seed)
    if year == FIRST_YEAR:  # no 2020 data: a share of the stock is named in 2021
        before = has * (_persistent_u(county, seed, "child_homes", len(has), 1) < 0.6)
    named = has * (1 - before)
    u_city = _persistent_u(county, seed, "child_homes", len(has), 2)
    city_named = _cal(county).get("model_homes_city_named", {})
    if year in city_named:
        by_city = named * _exactly(np.where(named == 1, u_city, 2.0), city_named[year])
    else:
        by_city = named * (u_city < 0.25)
    return pd.DataFrame(
        {
            "org_unit_code": c.villages,
            "year": year,
            "has_model_home": has,
            "titled_this_year": named,
            "titled_by_city": by_city,
        }
    )


def _population(county: str, year: int, seed: int) -> int:
    c = _counties()[county]
    population = _cal(county).get("population", {})
    if population:
        known = min(population)
        base = float(population[known])
        growth = 1.004 ** (year - known)
    else:
        rng = _rng(seed, county, _S_GENERIC["childcare_places"], 1)
        per_unit = np.where(c.village_is_community, 7_000, 2_600)
        base = float(per_unit.sum()) * rng.uniform(0.85, 1.2)
        growth = (1 + rng.uniform(-0.004, 0.008)) ** (year - 2022)
    return int(round(base * growth, -2))


def _childcare_places(county: str, year: int, seed: int) -> pd.DataFrame:
    population = _population(county, year, seed)
    calibrated = _cal(county).get("childcare_per_thousand", {})
    if year in calibrated:
        per_thousand = calibrated[year]
    else:
        rng = _rng(seed, county, _S_GENERIC["childcare_places"], 2)
        start, gain = rng.uniform(1.7, 2.6), rng.uniform(0.3, 0.55)
        jitter = _rng(seed, county, year, _S_GENERIC["childcare_places"]).normal(0, 0.04)
        per_thousand = start + gain * (year - FIRST_YEAR) + jitter
    places = int(round(per_thousand * population / 1000))
    return pd.DataFrame(
        {
            "org_unit_code": [county],
            "year": [year],
            "childcare_places": [places],
            "resident_population": [population],
        }
    )


def _rehab_institutions(county: str, year: int, seed: int) -> pd.DataFrame:
    """The county's designated rehabilitation institutions for disabled children (2-7, most in
    the county seat), coded by the disabled persons' federation."""
    c, st = _counties()[county], _structure(county, seed)
    rng = _rng(seed, county, _S_GENERIC["rehab_institutions"], 1)
    n = int(2 + min(5, rng.poisson(len(c.villages) / 80)))
    town = np.where(rng.random(n) < 0.7, 0, rng.integers(0, len(c.townships), n))
    codes = np.array([f"CL-{county}-{k:04d}" for k in range(1, n + 1)])
    since = np.where(np.arange(n) < 2, FIRST_YEAR - 5, rng.integers(FIRST_YEAR, FIRST_YEAR + 4, n))
    active = since <= year
    if year in _cal(county).get("rehab_all_under_agreement", []):
        under = np.ones(n, dtype=np.int64)
    else:
        trend = FLAG_TRENDS[("rehab_institutions", "under_agreement")]
        u = _persistent_u(county, seed, "rehab_institutions", n)
        under = (u < _unit_p(trend, year - FIRST_YEAR, st.county_eff, 0.0)).astype(np.int64)
    return pd.DataFrame(
        {
            "institution_code": codes[active],
            "org_unit_code": c.townships[town][active],
            "year": year,
            "under_agreement": under[active],
        }
    )


def _service_stations(county: str, year: int, seed: int) -> pd.DataFrame:
    c, st, eff, lag_of = _township_inputs(county, seed)
    n_town = np.bincount(c.village_town, minlength=len(c.townships))
    u_town = _persistent_u(county, seed, "service_stations", len(c.townships))
    u_vill = _persistent_u(county, seed, "service_stations", len(c.villages), 1)
    towns_cal = _cal(county).get("service_townships", {})
    if year in towns_cal:
        has_town = _exactly(u_town, towns_cal[year], last=st.lag_pen > 0)
        has_vill = _exactly(u_vill, _cal(county)["service_villages"][year])
    else:
        has_town = _flag_column(
            "service_stations",
            "has_township_station",
            county,
            year,
            seed,
            eff,
            lag_of,
            len(c.townships),
        )
        t = max(0, year - FIRST_YEAR)
        share = np.clip(0.01 + 0.035 * t + st.county_eff - _lag(st, t) * 0.2, 0, 0.5)
        has_vill = (u_vill < share[c.village_town]).astype(np.int64)
    with_station = np.bincount(c.village_town, weights=has_vill, minlength=len(c.townships)).astype(
        np.int64
    )
    return pd.DataFrame(
        {
            "org_unit_code": c.townships,
            "year": year,
            "has_township_station": has_town,
            "villages": n_town,
            "villages_with_station": with_station,
        }
    )


def _smart_campuses(county: str, year: int, seed: int) -> pd.DataFrame:
    frame = _institution_frame(
        county, year, seed, "smart_campuses", ("school", "kindergarten"), with_sector=True
    )
    smart = _cal(county).get("smart_campus_share", {})
    if year in smart:
        st = _structure(county, seed)
        u = _persistent_u(county, seed, "smart_campuses", len(st.inst_code))
        pos = pd.Index(st.inst_code).get_indexer(frame.institution_code)
        k = math.ceil(smart[year] * len(frame))
        frame["is_smart_campus"] = _exactly(u[pos], k, last=st.lag_pen[st.inst_town[pos]] > 0)
    return frame


def _family_education(county: str, year: int, seed: int) -> pd.DataFrame:
    c, st, eff, lag_of = _village_inputs(county, seed)
    held = _flag_column(
        "family_education", "guidance_held", county, year, seed, eff, lag_of, len(c.villages)
    )
    return pd.DataFrame({"org_unit_code": c.villages, "year": year, "guidance_held": held})


def _binomial_share(
    code: str, column: str, county: str, year: int, seed: int, totals: np.ndarray, eff, lag
) -> np.ndarray:
    trend = COUNT_TRENDS[(code, column)]
    rng = _rng(seed, county, year, _S_GENERIC[code], list(COUNT_TRENDS).index((code, column)))
    p = _unit_p(trend, year - FIRST_YEAR, eff, lag)
    return rng.binomial(totals, np.broadcast_to(p, totals.shape)).astype(np.int64)


def _left_behind_carers(county: str, year: int, seed: int) -> pd.DataFrame:
    """Counts per village: left-behind children (fewer in 浙江's migrant-receiving towns, and
    falling over the years), children entrusted to someone other than their guardian."""
    c, st, eff, lag_of = _village_inputs(county, seed)
    t = year - FIRST_YEAR
    survey = _flag_column(
        "left_behind_carers", "survey_done", county, year, seed, eff, lag_of, len(c.villages)
    )
    rng = _rng(seed, county, year, _S_GENERIC["left_behind_carers"])
    size = _province_cal(c.province)["left_behind_size"]
    lam = np.where(c.village_is_community, 0.6, size) * (1 - 0.04 * t)
    left_behind = rng.poisson(lam).astype(np.int64)
    entrusted = rng.binomial(left_behind, 0.35).astype(np.int64)
    lag = lag_of(t)
    agreements = _binomial_share(
        "left_behind_carers", "entrusted_agreements", county, year, seed, entrusted, eff, lag
    )
    with_carer = _binomial_share(
        "left_behind_carers", "left_behind_with_carer", county, year, seed, left_behind, eff, lag
    )
    return pd.DataFrame(
        {
            "org_unit_code": c.villages,
            "year": year,
            "survey_done": survey,
            "entrusted_children": entrusted,
            "entrusted_agreements": agreements,
            "left_behind_children": left_behind,
            "left_behind_with_carer": with_carer,
        }
    )


def _orphan_guardianship(county: str, year: int, seed: int) -> pd.DataFrame:
    c, st, eff, lag_of = _township_inputs(county, seed)
    n_town = np.bincount(c.village_town, minlength=len(c.townships))
    base = _rng(seed, county, _S_GENERIC["orphan_guardianship"], 1).poisson(0.25 * n_town + 0.5)
    drift = _rng(seed, county, year, _S_GENERIC["orphan_guardianship"], 1).integers(
        -1, 2, len(base)
    )
    orphans = np.maximum(0, base + drift).astype(np.int64)
    signed = _binomial_share(
        "orphan_guardianship",
        "letters_signed",
        county,
        year,
        seed,
        orphans,
        eff,
        lag_of(year - FIRST_YEAR),
    )
    return pd.DataFrame(
        {
            "org_unit_code": c.townships,
            "year": year,
            "scattered_orphans": orphans,
            "letters_signed": signed,
        }
    )


def _social_organisations(county: str, year: int, seed: int) -> pd.DataFrame:
    organisations = _cal(county).get("social_organisations", {})
    if year in organisations:
        n = organisations[year]
    else:
        rng = _rng(seed, county, _S_GENERIC["social_organisations"], 1)
        start, founded = int(rng.integers(0, 3)), rng.random(4) < 0.35
        n = start + int(founded[: max(0, year - FIRST_YEAR)].sum())
    return pd.DataFrame({"org_unit_code": [county], "year": [year], "organisations": [n]})


def _school_surroundings(county: str, year: int, seed: int) -> dict[str, pd.DataFrame]:
    frame = _institution_frame(
        county,
        year,
        seed,
        "school_surroundings",
        ("school", "kindergarten", "childcare"),
        with_sector=True,
    )
    health = frame.sector.eq("childcare")
    return {
        "education": frame[~health].reset_index(drop=True),
        "health": frame[health].reset_index(drop=True),
    }


def _venue_licensing(county: str, year: int, seed: int) -> pd.DataFrame:
    st = _structure(county, seed)
    rng = _rng(seed, county, year, _S_GENERIC["venue_licensing"])
    venues = np.array([1 + rng.poisson(3.0 * (1 - 0.08 * (year - FIRST_YEAR)))], dtype=np.int64)
    compliant = _binomial_share(
        "venue_licensing", "new_venues_compliant", county, year, seed, venues, st.county_eff, 0.0
    )
    return pd.DataFrame(
        {
            "org_unit_code": [county],
            "year": [year],
            "new_venues": venues,
            "new_venues_compliant": compliant,
        }
    )


def _medical_rehab_items(county: str, year: int, seed: int) -> pd.DataFrame:
    rehab_items = _cal(county).get("rehab_items", {})
    if year in rehab_items:
        items = rehab_items[year]
    else:
        start = int(_rng(seed, county, _S_GENERIC["medical_rehab_items"], 1).integers(20, 28))
        items = min(29, start + 2 * max(0, year - FIRST_YEAR))
    return pd.DataFrame({"org_unit_code": [county], "year": [year], "rehab_items": [items]})


def _meetings_by_quarter(rng: np.random.Generator, total: int) -> np.ndarray:
    """Cumulative meetings at the end of each quarter, `total` by Q4."""
    quarters = np.sort(rng.integers(1, 5, total)) if total else np.array([], dtype=int)
    return np.array([int((quarters <= q).sum()) for q in range(1, 5)], dtype=np.int64)


def _committee_meetings(county: str, year: int, seed: int) -> list[pd.DataFrame]:
    """Four cumulative quarterly frames for a county's office (plenary 0: that is the
    provincial joint conference's). About one county in ten holds no office meeting in 2021."""
    st = _structure(county, seed)
    rng = _rng(seed, county, year, _S_GENERIC["committee_meetings"])
    t = year - FIRST_YEAR
    lagging = bool((st.lag_pen > 0).any()) and t <= 1
    total = int(rng.poisson(1.0 + 0.3 * t)) + (0 if lagging or rng.random() < 0.1 else 1)
    office = _meetings_by_quarter(rng, total)
    return [
        pd.DataFrame(
            {
                "org_unit_code": [county],
                "year": [year],
                "quarter": [q],
                "office_meetings": [int(office[q - 1])],
                "plenary_meetings": [0],
            }
        )
        for q in range(1, 5)
    ]


def _committee_office_meetings(jurisdiction: str, year: int, seed: int) -> list[pd.DataFrame]:
    """A province or city committee's office: its office meetings and the plenary, by quarter
    (the plenary's quarter from the calibration, else drawn)."""
    rng = _rng(seed, jurisdiction, year, _S_JURISDICTION)
    office = _meetings_by_quarter(rng, 2 + int(rng.integers(0, 2)))
    quarters = _cal(jurisdiction).get("plenary_quarter")
    if quarters is not None:
        plenary_q = quarters.get(year, 2)
    else:
        draw = _rng(seed, jurisdiction, year, _S_JURISDICTION, 1)
        plenary_q = None if draw.random() < 0.15 else int(draw.integers(1, 5))
    return [
        pd.DataFrame(
            {
                "org_unit_code": [jurisdiction],
                "year": [year],
                "quarter": [q],
                "office_meetings": [int(office[q - 1])],
                "plenary_meetings": [int(plenary_q is not None and q >= plenary_q)],
            }
        )
        for q in range(1, 5)
    ]


def _received_after(rng: np.random.Generator, end: datetime) -> datetime:
    """3-25 days after the period ends (deadline: 15 days); most are on time."""
    days = int(rng.integers(3, 16)) if rng.random() < 0.8 else int(rng.integers(16, 26))
    seconds = int(rng.integers(3_600, 10 * 3_600))
    return end + timedelta(days=days, seconds=seconds)


def _quarter_end(year: int, quarter: int) -> datetime:
    end = SUBMISSION_TYPES["committee_meetings"].period_bounds(f"{year}Q{quarter}")[1]
    return datetime(end.year, end.month, end.day, tzinfo=UTC)


@lru_cache(maxsize=1)
def _agency_zh() -> dict[str, str]:
    names = pd.read_csv(AGENCIES_CSV, dtype=str, keep_default_na=False)
    return dict(zip(names.agency_code, names.name_zh, strict=True)) | AGENCY_ZH


@lru_cache(maxsize=1)
def _unit_names() -> dict[str, str]:
    return dict(_query("select code, name from DIVISIONS where level_rank <= 3"))


def _pending(rng, end, stype, agency, jurisdiction, period, frame) -> _Pending:
    received = _received_after(rng, end)
    name = (
        f"{_unit_names()[jurisdiction]}_{_agency_zh()[agency]}_{TYPE_SHORT_ZH[stype]}_{period}.csv"
    )
    return _Pending(received, stype, agency, jurisdiction, period, frame, name)


def _generic_county_year(county: str, year: int, seed: int) -> list[_Pending]:
    rng = _rng(seed, county, year, _S_GENERIC_RECEIPT)
    end = datetime(year, 12, 31, tzinfo=UTC)
    surroundings = _school_surroundings(county, year, seed)
    annual = [
        ("protection_stations", "civil_affairs", _protection_stations),
        ("child_homes", "womens_federation", _child_homes),
        ("childcare_places", "health", _childcare_places),
        ("rehab_institutions", "disabled_persons_federation", _rehab_institutions),
        ("service_stations", "womens_federation", _service_stations),
        ("smart_campuses", "education", _smart_campuses),
        ("family_education", "womens_federation", _family_education),
        (
            "school_family_education",
            "education",
            lambda c, y, s: _institution_frame(
                c, y, s, "school_family_education", ("school", "kindergarten"), with_sector=True
            ),
        ),
        (
            "after_school_services",
            "education",
            lambda c, y, s: _institution_frame(
                c, y, s, "after_school_services", ("school",), with_sector=False
            ),
        ),
        ("left_behind_carers", "civil_affairs", _left_behind_carers),
        ("orphan_guardianship", "civil_affairs", _orphan_guardianship),
        (
            "school_psychology",
            "education",
            lambda c, y, s: _institution_frame(
                c, y, s, "school_psychology", ("school",), with_sector=False
            ),
        ),
        ("social_organisations", "civil_affairs", _social_organisations),
        ("school_surroundings", "education", lambda c, y, s: surroundings["education"]),
        ("school_surroundings", "health", lambda c, y, s: surroundings["health"]),
        ("venue_licensing", "culture_tourism", _venue_licensing),
        ("medical_rehab_items", "healthcare_security", _medical_rehab_items),
    ]
    out = [
        _pending(rng, end, stype, agency, county, str(year), make(county, year, seed))
        for stype, agency, make in annual
    ]
    for q, frame in enumerate(_committee_meetings(county, year, seed), start=1):
        out.append(
            _pending(
                rng,
                _quarter_end(year, q),
                "committee_meetings",
                "civil_affairs",
                county,
                f"{year}Q{q}",
                frame,
            )
        )
    # An agency with no institutions of a type still reports: a header-only file, which intake
    # accepts as "nothing to report" (W_NO_ROWS), so it counts as received.
    return [
        p for p in out if len(p.frame) or SUBMISSION_TYPES[p.submission_type].level == "institution"
    ]


# --------------------------------------------------------------------------- issue 8 types
# Content the catalog first missed (docs/catalog.md): the 2025 case outcome (001), children out
# of school because of poverty (004), zero-tolerance inspections (001/002), holiday patrols
# (001) and activity rooms in new housing (002). County-level, one row a year. Their draws and
# receipt times come from their own streams (300 + position), so every file the demo wrote
# before these types existed is unchanged.

ISSUE8_TYPES = (
    "minor_victim_cases",
    "poverty_dropouts",
    "child_labour_inspections",
    "minor_sales_inspections",
    "holiday_patrols",
    "housing_activity_rooms",
)
_S_ISSUE8 = {code: 300 + i for i, code in enumerate(ISSUE8_TYPES)}
_S_ISSUE8_RECEIPT = 310
TYPE_SHORT_ZH |= {
    "minor_victim_cases": "侵害未成年人案件",
    "poverty_dropouts": "因贫失学",
    "child_labour_inspections": "童工检查",
    "minor_sales_inspections": "烟酒彩票检查",
    "holiday_patrols": "寒暑期巡查",
    "housing_activity_rooms": "住宅活动场所",
}


def _issue8_frame(county: str, year: int, seed: int, code: str) -> pd.DataFrame:
    """One county-year row of an issue-8 type; smooth in time (a county draws its level once)."""
    t = year - FIRST_YEAR
    size = len(_counties()[county].villages)
    level = _rng(seed, county, _S_ISSUE8[code])
    rng = _rng(seed, county, year, _S_ISSUE8[code])
    row: dict[str, object] = {"org_unit_code": county, "year": year}
    if code == "minor_victim_cases":
        base = 4 + size * float(level.uniform(0.08, 0.2))
        fixed = _cal(county).get("minor_victim_cases", {})
        row["cases_filed"] = (
            fixed[year] if year in fixed else int(rng.poisson(base * (1 - 0.04 * t)))
        )
    elif code == "poverty_dropouts":
        row["poverty_dropouts"] = int(rng.poisson(float(level.uniform(0.0, 0.6)) * 0.75**t))
    elif code == "child_labour_inspections":
        inspected = int(20 + size * float(level.uniform(0.2, 0.6)) + rng.integers(0, 10))
        row["employers_inspected"] = inspected
        row["employers_violating"] = int(rng.binomial(inspected, 0.012 * 0.7**t))
    elif code == "minor_sales_inspections":
        outlets = int(40 + size * float(level.uniform(0.5, 1.5)) + rng.integers(0, 20))
        row["outlets_inspected"] = outlets
        row["outlets_violating"] = int(rng.binomial(outlets, 0.015 * 0.75**t))
    elif code == "holiday_patrols":
        usual = 2 if rng.random() < 0.55 + 0.1 * t else int(rng.integers(0, 2))
        row["patrol_rounds"] = _cal(county).get("holiday_patrol_rounds", {}).get(year, usual)
    else:  # housing_activity_rooms
        delivered = int(1 + rng.poisson(2 + size * 0.01))
        row["projects_delivered"] = delivered
        row["projects_compliant"] = int(rng.binomial(delivered, min(1.0, 0.65 + 0.08 * t)))
    return pd.DataFrame([row])


def _issue8_county_year(county: str, year: int, seed: int) -> list[_Pending]:
    # Each of these types has one submitter, read from its definition (expectations/<type>.yml).
    rng = _rng(seed, county, year, _S_ISSUE8_RECEIPT)
    end = datetime(year, 12, 31, tzinfo=UTC)
    return [
        _pending(rng, end, code, SUBMISSION_TYPES[code].submitters[0], county, str(year),
                 _issue8_frame(county, year, seed, code))
        for code in ISSUE8_TYPES
    ]  # fmt: skip


# --------------------------------------------------------------------------- task progress


@lru_cache(maxsize=1)
def _tasks() -> pd.DataFrame:
    if not TASKS_CSV.exists():
        return pd.DataFrame(columns=["task_id", "jurisdiction_code", "year", "responsible_units"])
    return pd.read_csv(TASKS_CSV, dtype=str, keep_default_na=False)


def _task_reported(plan_year: int, year: int) -> bool:
    """Reported in its plan year; standing rules adopted before the demo's first year (福建省's
    joint-conference rules, 2019) are reported in every demo year."""
    return year == plan_year or (plan_year < FIRST_YEAR <= year)


def _task_statuses(rng: np.random.Generator, n: int) -> np.ndarray:
    """Status per quarter (n × 4): most start in Q1 or Q2 and finish by Q4; a few fall behind."""
    start = np.where(rng.random(n) < 0.7, 1, 2)
    finish = rng.choice([2, 3, 4, 4, 4, 5], n)  # 5: still in progress at year end
    lag_from = np.where(rng.random(n) < TASK_LAGGING_SHARE, rng.integers(2, 5, n), 9)
    q = np.arange(1, 5)[None, :]
    status = np.where(q < start[:, None], "not_started", "in_progress").astype(object)
    status[q >= np.maximum(finish, start)[:, None]] = "done"
    status[(q >= lag_from[:, None]) & (status != "done")] = "lagging"
    return status


def _task_progress(jurisdiction: str, year: int, seed: int) -> list[_Pending]:
    """Per responsible unit (agency) of the jurisdiction's tasks: one file per quarter with a
    row per task it is named for, submitted by the unit's agency for the task's jurisdiction."""
    tasks = _tasks()
    tasks = tasks[(tasks.jurisdiction_code == jurisdiction) & (tasks.responsible_units != "")]
    rows = [
        (unit.split(".", 1)[1], task.task_id)
        for task in tasks.itertuples()
        if _task_reported(int(task.year), year)
        for unit in task.responsible_units.split(";")
    ]
    if not rows:
        return []
    frame = pd.DataFrame(rows, columns=["agency", "task_id"]).drop_duplicates()
    frame = frame.sort_values(["agency", "task_id"], kind="stable").reset_index(drop=True)
    rng = _rng(seed, jurisdiction, year, _S_TASKS)
    status = _task_statuses(rng, len(frame))
    pick = rng.integers(0, 12, status.shape)
    notes = np.array(
        [
            [_TASK_NOTES[s][k % len(_TASK_NOTES[s])] for s, k in zip(srow, krow, strict=True)]
            for srow, krow in zip(status, pick, strict=True)
        ],
        dtype=object,
    )
    receipt = _rng(seed, jurisdiction, year, _S_TASKS, 1)
    out = []
    for agency, part in frame.groupby("agency", sort=True):
        for q in range(1, 5):
            data = pd.DataFrame(
                {
                    "task_id": part.task_id.to_numpy(),
                    "year": year,
                    "quarter": q,
                    "status": status[part.index, q - 1],
                    "note": notes[part.index, q - 1],
                }
            )
            out.append(
                _pending(
                    receipt,
                    _quarter_end(year, q),
                    "task_progress",
                    agency,
                    jurisdiction,
                    f"{year}Q{q}",
                    data,
                )
            )
    return out


def _jurisdictions_above_county(counties: Iterable[str], committees: Iterable[str]) -> list[str]:
    """Committees and task owners above the county (province/city codes) that contain one of
    the counties."""
    codes = set(_tasks().jurisdiction_code) | set(committees)
    above = sorted(j for j in codes if len(j) < 6)
    prefixes = {c[:2] for c in counties} | {c[:4] for c in counties}
    return [j for j in above if j in prefixes]


def _jurisdiction_year(
    jurisdiction: str, year: int, seed: int, committees: frozenset[str]
) -> list[_Pending]:
    """A province or city committee's own meetings (a task owner that is no committee has
    none)."""
    if jurisdiction not in committees:
        return []
    rng = _rng(seed, jurisdiction, year, _S_GENERIC_RECEIPT)
    return [
        _pending(
            rng,
            _quarter_end(year, q),
            "committee_meetings",
            "civil_affairs",
            jurisdiction,
            f"{year}Q{q}",
            frame,
        )
        for q, frame in enumerate(_committee_office_meetings(jurisdiction, year, seed), start=1)
    ]


class _OsWithoutFsync:
    """`os` as the store sees it while demo data are written: fsync is a no-op."""

    def __getattr__(self, name: str):
        return getattr(os, name)

    @staticmethod
    def fsync(fd: int) -> None:
        return None


@contextmanager
def _without_fsync(root: Path):
    """The store fsyncs every file and manifest line, so that an agency's accepted submission
    survives a crash. Demo data can simply be generated again, so while they are written the
    per-file fsyncs (half of the generation time) are skipped; the manifest is fsynced once at
    the end. Only the store module's view of `os` changes, and only meanwhile."""
    saved = store.os
    store.os = _OsWithoutFsync()
    try:
        yield
    finally:
        store.os = saved
        manifest = root / store.MANIFEST
        if manifest.exists():
            with open(manifest, "rb") as fh:
                os.fsync(fh.fileno())


def generate(
    root: Path | None = None,
    years: Sequence[int] = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
    counties: Iterable[str] | None = None,
    jurisdictions: Iterable[str] | None = None,
    bulk: bool = True,
    workers: int | None = None,
) -> int:
    """Write demo submissions for every county under the committees (or under
    `jurisdictions`, or exactly `counties`) and year into the store; province and city
    committees among them also report their own meetings.

    Returns the number of submissions written. Submissions already in the store (same id)
    are skipped, so running twice with the same arguments writes nothing the second time.

    `bulk` (the default) renders and writes the files in worker processes (`workers`, by
    default one per core for a large run, none for a small one) and appends each year's
    manifest lines in one write (store.accept_staged); `bulk=False` stores each submission
    with store.accept(), the path of a real submission. Both write the same bytes.
    """
    root = Path(root) if root is not None else submissions_dir()
    all_counties = _counties()
    committees = frozenset(committee_codes() if jurisdictions is None else jurisdictions)
    if counties is None:
        counties = counties_under(committees)
    wanted = sorted(set(counties))
    unknown = [c for c in wanted if c not in all_counties]
    if unknown:
        raise ValueError(f"unknown county codes: {unknown}")
    existing = set(read_manifest(root).submission_id)
    with _without_fsync(root):
        if bulk:
            return _write_bulk(root, wanted, committees, years, seed, progress, existing, workers)
        return _write(root, wanted, committees, years, seed, progress, existing)


# --------------------------------------------------------------------------- bulk writing
#
# A national run is about 490,000 submissions (980,000 files). Stored one accept() at a time
# it took hours: a pandas to_csv per file, a lock, a manifest append and two atomic writes
# each. In bulk, worker processes compute chunks of counties, render both files with
# csv.writer and write them under staged names (`.tmp-<this pid>-staged-...`, which
# clean-up leaves alone while this process lives); then this process sorts each year into
# arrival order, exactly as _year_pending does, and store.accept_staged() renames the files
# into place and appends the year's manifest lines under the store's lock.

BULK_CHUNK = 48  # counties per worker task
_EXISTING: frozenset[str] = frozenset()  # in a worker: ids already in the manifest


def _init_worker(existing: frozenset[str]) -> None:
    global _EXISTING
    _EXISTING = existing


def _stage(
    root: Path, p: _Pending, owner: int, tag: str, existing, folders: set[Path]
) -> tuple[str, store.Staged | None]:
    """Render one pending submission and write its two files under staged names, unless its
    id is already in the store. Returns its id and what was staged."""
    original, normalised = _render(p.submission_type, p.frame)
    ident = identify(p.submission_type, p.county, p.agency, p.period, p.received_at, original)
    if ident.submission_id in existing:
        return ident.submission_id, None
    ext = Path(p.filename).suffix.lower() or ".csv"
    paths = []
    for folder, suffix, data in (
        (root / "originals" / p.submission_type / p.period, ext, original),
        (root / p.submission_type / p.period, ".csv", normalised),
    ):
        if folder not in folders:
            folder.mkdir(parents=True, exist_ok=True)
            folders.add(folder)
        path = folder / store.staged_name(owner, tag, suffix)
        with open(path, "wb") as fh:
            fh.write(data)
        paths.append(path)
    return ident.submission_id, store.Staged(
        submission_type=p.submission_type,
        agency_code=p.agency,
        jurisdiction_code=p.county,
        period=p.period,
        ident=ident,
        original_filename=p.filename,
        rows=len(p.frame),
        staged_original=paths[0],
        staged_normalised=paths[1],
        is_demo=True,
    )


def _order(p: _Pending, group: int, position: int, n: int) -> tuple:
    """_year_pending's sort key, then its list order (group, county, place in the county)."""
    return (p.received_at, p.submission_type, p.county, p.agency, group, position, n)


_COUNTY_GROUPS = ("_county_year", "_generic_county_year", "_issue8_county_year")


def _stage_counties(
    root: Path, year: int, counties: list[str], first: int, seed: int, owner: int
) -> list[tuple[tuple, str, store.Staged | None]]:
    """A worker task: every county-level submission of `counties` for one year, staged."""
    _load_counties(counties)
    out, folders = [], set()
    for group, name in enumerate(_COUNTY_GROUPS):
        make = globals()[name]
        for position, county in enumerate(counties, start=first):
            for n, p in enumerate(make(county, year, seed)):
                tag = f"{year}-{group}-{position}-{n}"
                sid, staged = _stage(root, p, owner, tag, _EXISTING, folders)
                out.append((_order(p, group, position, n), sid, staged))
    return out


def _write_bulk(
    root: Path,
    wanted: list[str],
    committees: frozenset[str],
    years: Sequence[int],
    seed: int,
    progress: Callable[[str], None] | None,
    existing: set[str],
    workers: int | None,
) -> int:
    global _EXISTING
    years = sorted(set(int(y) for y in years))
    owner = os.getpid()
    chunks = [(i, wanted[i : i + BULK_CHUNK]) for i in range(0, len(wanted), BULK_CHUNK)]
    tasks = [(year, first, part) for year in years for first, part in chunks]
    if workers is None:
        big = len(wanted) * len(years) >= 40 and (os.cpu_count() or 1) >= 2
        workers = (os.cpu_count() or 1) if big else 0
    written = 0
    saved, _EXISTING = _EXISTING, frozenset(existing)
    pool = None
    try:
        if workers:
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(_EXISTING,),
            )
            n = len(tasks)
            results = pool.map(
                _stage_counties,
                [root] * n,
                [t[0] for t in tasks],
                [t[2] for t in tasks],
                [t[1] for t in tasks],
                [seed] * n,
                [owner] * n,
            )
        else:
            results = (
                _stage_counties(root, y, part, first, seed, owner) for y, first, part in tasks
            )
        results = iter(results)
        for year in years:
            staged = [row for _chunk in chunks for row in next(results)]
            written += _place_year(root, year, wanted, committees, seed, owner, staged, existing)
            if progress:
                progress(f"{year}: {len(staged)} demo submissions for {len(wanted)} counties")
    finally:
        _EXISTING = saved
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return written


def _place_year(
    root: Path,
    year: int,
    wanted: list[str],
    committees: frozenset[str],
    seed: int,
    owner: int,
    staged: list[tuple[tuple, str, store.Staged | None]],
    existing: set[str],
) -> int:
    """Add the year's submissions above the county, sort all into arrival order and store
    them. Returns how many were new."""
    above = _jurisdictions_above_county(wanted, committees)
    task_jurisdictions = sorted(set(above) | (set(_tasks().jurisdiction_code) & set(wanted)))
    folders: set[Path] = set()
    for group, make, codes in (
        (3, lambda j: _jurisdiction_year(j, year, seed, committees), above),
        (4, lambda j: _task_progress(j, year, seed), task_jurisdictions),
    ):
        for position, j in enumerate(codes):
            for n, p in enumerate(make(j)):
                tag = f"{year}-{group}-{position}-{n}"
                sid, item = _stage(root, p, owner, tag, existing, folders)
                staged.append((_order(p, group, position, n), sid, item))
    staged.sort(key=lambda row: row[0])
    keep = []
    try:
        for _order_key, sid, item in staged:
            if item is None:
                continue
            if sid in existing:  # the same id twice in one run: the first one stays
                item.staged_original.unlink(missing_ok=True)
                item.staged_normalised.unlink(missing_ok=True)
                continue
            existing.add(sid)
            keep.append(item)
        store.accept_staged(root, keep)
    except BaseException:
        for _order_key, _sid, item in staged:
            if item is not None:
                item.staged_original.unlink(missing_ok=True)
                item.staged_normalised.unlink(missing_ok=True)
        raise
    return len(keep)


def _year_pending(
    year: int, wanted: Sequence[str], seed: int, committees: frozenset[str]
) -> list[tuple[_Pending, bytes]]:
    """Everything received for one year, in time order, each with its original file's bytes."""
    above = _jurisdictions_above_county(wanted, committees)
    task_jurisdictions = sorted(set(above) | (set(_tasks().jurisdiction_code) & set(wanted)))
    pending = [p for county in wanted for p in _county_year(county, year, seed)]
    pending += [p for county in wanted for p in _generic_county_year(county, year, seed)]
    pending += [p for county in wanted for p in _issue8_county_year(county, year, seed)]
    pending += [p for j in above for p in _jurisdiction_year(j, year, seed, committees)]
    pending += [p for j in task_jurisdictions for p in _task_progress(j, year, seed)]
    # the store receives them in time order, so the manifest reads chronologically
    pending.sort(key=lambda p: (p.received_at, p.submission_type, p.county, p.agency))
    return [(p, _original_bytes(p.submission_type, p.frame)) for p in pending]


def _years_pending(years: list[int], wanted: list[str], seed: int, committees: frozenset[str]):
    """Each year's pending submissions, in year order. For a large run they are computed in
    worker processes while this one writes the previous year's (about half the time each)."""
    if len(years) < 2 or len(wanted) * len(years) < 40 or (os.cpu_count() or 1) < 2:
        yield from (_year_pending(y, wanted, seed, committees) for y in years)
        return
    workers = max(1, min(len(years), (os.cpu_count() or 2) - 1))
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        n = len(years)
        yield from pool.map(_year_pending, years, [wanted] * n, [seed] * n, [committees] * n)


def _write(
    root: Path,
    wanted: list[str],
    committees: frozenset[str],
    years: Sequence[int],
    seed: int,
    progress: Callable[[str], None] | None,
    existing: set[str],
) -> int:
    written = 0
    years = sorted(set(int(y) for y in years))
    for year, pending in zip(years, _years_pending(years, wanted, seed, committees), strict=True):
        for p, original in pending:
            sid = identify(
                p.submission_type, p.county, p.agency, p.period, p.received_at, original
            ).submission_id
            if sid in existing:
                continue
            accept(
                submission_type=p.submission_type,
                agency_code=p.agency,
                jurisdiction_code=p.county,
                period=p.period,
                original=original,
                original_filename=p.filename,
                normalized=p.frame,
                received_at=p.received_at,
                is_demo=True,
                root=root,
            )
            existing.add(sid)
            written += 1
        if progress:
            progress(f"{year}: {len(pending)} demo submissions for {len(wanted)} counties")
    return written


def counties_under(jurisdictions: Iterable[str]) -> list[str]:
    """Counties (with townships) of the division table under any of `jurisdictions`."""
    codes = tuple(jurisdictions)
    return sorted(c for c in _counties() if c.startswith(codes)) if codes else []


def scale_jurisdictions(
    scale: str | None, jurisdiction: str | None, progress: Callable[[str], None] | None = None
) -> list[str]:
    """The committees `weibao demo` generates for.

    --jurisdiction CODE: that committee alone (it must be in the committees file).
    --scale county: the given county, else the first county of the committees file.
    --scale province (the default): every committee of the file (as shipped: 福建省 and the
    three counties of the documents). --scale national: all 31 provinces, added to the
    committees file when missing."""
    say = progress or (lambda _m: None)
    committees = read_committees()
    codes = committees["code"].tolist()
    if jurisdiction:
        if jurisdiction not in codes:
            check_code(jurisdiction)  # names the nearest matches for a wrong code
            raise WeibaoError(
                f"{jurisdiction} 不在委员会文件中",
                f"{jurisdiction} is not in the committees file",
                f"先运行 / first run: weibao committee add {jurisdiction}",
            )
        level = committees.loc[committees.code == jurisdiction, "level"].iloc[0]
        if scale == "county" and len(jurisdiction) != 6:
            raise WeibaoError(
                f"--scale county 需要县级代码,{jurisdiction} 是{level}",
                f"--scale county needs a county code; {jurisdiction} is a {level}",
                "去掉 --scale county,或给出县级代码 / drop --scale county or give a county",
            )
        return [jurisdiction]
    if scale == "county":
        counties = [c for c in codes if len(c) == 6]
        if not counties:
            raise WeibaoError(
                "委员会文件中没有县级委员会",
                "the committees file has no county committee",
                "用 --jurisdiction CODE 指定一个县 / name one with --jurisdiction CODE",
            )
        return counties[:1]
    if scale == "national":
        provinces = [p for p in _province_codes() if p not in codes]
        for p in provinces:
            add_committee(p, note="weibao demo --scale national")
        if provinces:
            say(f"    {len(provinces)} 个省级委员会已加入委员会文件 / province committees added")
        return _province_codes()
    return codes


def _province_codes() -> list[str]:
    return [c for (c,) in _query("select code from DIVISIONS where level = 'province' order by 1")]


def has_demo_data(root: Path | None = None) -> bool:
    """True when the store's manifest exists and has at least one row."""
    root = Path(root) if root is not None else submissions_dir()
    return len(read_manifest(root)) > 0
