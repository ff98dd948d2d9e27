"""Deterministic demo submissions for every county of the org-unit seed.

`generate()` writes, into the submission store, the files the agencies of each county would
hand in for each year: child directors per village, child supervisors per township,
staff record checks per institution (one file each from education, health and civil
affairs) and the county's orphan-support standards and foster families. Everything is
marked `is_demo=True`.

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

import csv
import hashlib
import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from weibao.paths import REFERENCE_DIR, submissions_dir
from weibao.store import accept, make_submission_id, read_manifest
from weibao.submission_types import SECTORS, SUBMISSION_TYPES

DEFAULT_SEED = 20220524
DEFAULT_YEARS = range(2021, 2026)
FIRST_YEAR = 2021  # trend origin: rates rise from here

ORG_UNITS_CSV = REFERENCE_DIR / "org_units.csv"

TONGXIANG = "330483"
# 桐乡市 2022: 集中供养孤儿养育标准 (2,100 元/月 × 12). Its later years rise from here.
TONGXIANG_ORPHAN_CENTRALIZED_2022 = 25_200
_TONGXIANG_ORPHAN_MONTHLY = {2021: 1_960, 2022: 2_100, 2023: 2_200, 2024: 2_310, 2025: 2_420}
# 桐乡市 2022: villages/communities without a child director (221 villages -> 96.83 % coverage).
TONGXIANG_2022_VILLAGES_WITHOUT_DIRECTOR = 7

# (submission_type, agency_code, jurisdiction_code, period) never generated.
MISSING_SUBMISSIONS = [("staff_checks", "education", "640121", "2023")]
# Keys written twice: a first submission, then a corrected one received later that
# supersedes it in the manifest.
RESUBMISSIONS = [("orphan_foster", "civil_affairs", TONGXIANG, "2023")]
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


@lru_cache(maxsize=4)
def _counties(path: Path = ORG_UNITS_CSV) -> dict[str, _County]:
    ou = pd.read_csv(path, dtype=str, keep_default_na=False)
    towns = ou[ou.level == "township"].sort_values("code")
    vills = ou[ou.level == "village"].sort_values("code")
    out: dict[str, _County] = {}
    for row in ou[ou.level == "county"].sort_values("code").itertuples(index=False):
        t = towns[towns.county_code == row.code].code.to_numpy(dtype=str)
        v = vills[vills.county_code == row.code]
        out[row.code] = _County(
            code=row.code,
            name=row.name,
            province=row.province_code,
            city=row.city_code,
            townships=t,
            villages=v.code.to_numpy(dtype=str),
            village_town=np.searchsorted(t, v.township_code.to_numpy(dtype=str)),
            village_is_community=v.name.str.contains("社区").to_numpy(dtype=bool),
        )
    return out


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

    county_eff = 0.11 if county == TONGXIANG else float(rng.normal(0.0, 0.025))
    town_eff = rng.normal(0.0, 0.025, nt)
    n_vill = np.bincount(c.village_town, minlength=nt)
    is_street = np.array([t[6] == "0" for t in c.townships], dtype=bool)  # 街道: 001-099
    lagging = rng.random(nt) < LAGGING_SHARE
    if county == TONGXIANG:
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
        inst_town[order], inst_sector[order], inst_agency[order], big[order])
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
    if c.province in ("35", "33"):
        base = rng.uniform(1_500, 1_800) + (150 if c.city == "3502" else 0)
        growth = rng.uniform(0.04, 0.08, 10)
    else:  # Ningxia, Inner Mongolia
        base = rng.uniform(1_050, 1_300)
        growth = rng.uniform(0.04, 0.07, 10)
    return _Structure(
        county_eff=county_eff, town_eff=town_eff, lag_pen=lag_pen,
        village_z=village_z, village_two=village_two, town_z=town_z, town_two=town_two,
        inst_code=inst_code, inst_agency=inst_agency, inst_sector=inst_sector,
        inst_town=inst_town, inst_size=inst_size, inst_eff=inst_eff,
        inst_from=inst_from, inst_to=inst_to,
        orphan_monthly_2021=float(base), orphan_growth=growth,
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
    p = np.clip(0.86 + 0.03 * t + 0.8 * st.county_eff + st.town_eff[c.village_town]
                - _lag(st, t)[c.village_town] + rng.normal(0, 0.01, len(c.villages)),
                0.2, 0.998)
    has, u = _present(rng, st.village_z, p)
    if county == TONGXIANG and year == 2022:
        # calibrated: exactly this many villages without a director, a quarter of the
        # lagging township's villages among them, the rest where they are least likely
        lagging = st.lag_pen[c.village_town] > 0
        n_lag = min(TONGXIANG_2022_VILLAGES_WITHOUT_DIRECTOR,
                    math.ceil(0.25 * int(lagging.sum())))
        score = u - p
        has = np.ones(len(u), dtype=bool)
        lag_idx, other_idx = np.flatnonzero(lagging), np.flatnonzero(~lagging)
        has[lag_idx[np.argsort(-score[lag_idx], kind="stable")[:n_lag]]] = False
        rest = TONGXIANG_2022_VILLAGES_WITHOUT_DIRECTOR - n_lag
        has[other_idx[np.argsort(-score[other_idx], kind="stable")[:rest]]] = False
    count = np.where(has, 1 + st.village_two.astype(int), 0)
    return pd.DataFrame({"org_unit_code": c.villages, "year": year,
                         "child_director_count": count})


def _child_supervisors(county: str, year: int, seed: int) -> pd.DataFrame:
    c, st = _counties()[county], _structure(county, seed)
    rng = _rng(seed, county, year, _S_SUPERVISORS)
    t = year - FIRST_YEAR
    p = np.clip(0.84 + 0.04 * t + st.county_eff + st.town_eff - 1.5 * _lag(st, t), 0.1, 0.995)
    has, _ = _present(rng, st.town_z, p)
    count = np.where(has, 1 + st.town_two.astype(int), 0)
    return pd.DataFrame({"org_unit_code": c.townships, "year": year,
                         "child_supervisor_count": count})


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
    frame = pd.DataFrame({
        "institution_code": st.inst_code,
        "org_unit_code": c.townships[st.inst_town],
        "sector": np.array(SECTOR_LIST)[st.inst_sector],
        "year": year,
        "new_hires": new_hires,
        "new_hires_checked": hires_checked,
        "staff_in_post": staff,
        "staff_checked": staff_checked,
    })
    out = {}
    for agency in AGENCY_SECTORS:
        keep = active & (st.inst_agency == agency)
        out[agency] = frame[keep].reset_index(drop=True)
    return out


def orphan_centralized_standard(county: str, year: int, seed: int = DEFAULT_SEED) -> int:
    """The county's centralised orphan standard (元/人/年) in the demo data."""
    if county == TONGXIANG and year in _TONGXIANG_ORPHAN_MONTHLY:
        return _TONGXIANG_ORPHAN_MONTHLY[year] * 12
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
    return pd.DataFrame({
        "org_unit_code": [county], "year": [year],
        "orphan_centralized_standard": [centralized],
        "orphan_scattered_standard": [scattered],
        "foster_families": [families], "foster_families_compliant": [compliant],
    })


# --------------------------------------------------------------------------- writing


def _original_bytes(stype_code: str, frame: pd.DataFrame) -> bytes:
    """The file as an agency would upload it: UTF-8 CSV with the template's Chinese headers."""
    cols = SUBMISSION_TYPES[stype_code].columns
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header_zh for c in cols])
    w.writerows(zip(*(frame[c.name].tolist() for c in cols), strict=True))
    return buf.getvalue().encode("utf-8")


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
    missing = set(MISSING_SUBMISSIONS)
    out = []
    for stype, agency, frame in items:
        received = _received_at(rng, year)  # drawn even when skipped: keeps others stable
        key = (stype, agency, county, period)
        if key in missing:
            continue
        name = f"{c.name}_{AGENCY_ZH[agency]}_{TYPE_SHORT_ZH[stype]}_{period}"
        if key in RESUBMISSIONS:
            # first version: the scattered standard copied from last year's form by mistake
            wrong = frame.copy()
            wrong["orphan_scattered_standard"] = _orphan_foster(
                county, year - 1, seed).orphan_scattered_standard.iloc[0]
            out.append(_Pending(received, stype, agency, county, period, wrong, name + ".csv"))
            out.append(_Pending(received + RESUBMISSION_DELAY, stype, agency, county, period,
                                frame, name + "_更正.csv"))
            continue
        out.append(_Pending(received, stype, agency, county, period, frame, name + ".csv"))
    return out


def generate(
    root: Path | None = None,
    years: Sequence[int] = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
    counties: Iterable[str] | None = None,
) -> int:
    """Write demo submissions for every county (or `counties`) and year into the store.

    Returns the number of submissions written. Submissions already in the store (same id)
    are skipped, so running twice with the same arguments writes nothing the second time.
    """
    root = Path(root) if root is not None else submissions_dir()
    all_counties = _counties()
    wanted = sorted(all_counties) if counties is None else sorted(set(counties))
    unknown = [c for c in wanted if c not in all_counties]
    if unknown:
        raise ValueError(f"unknown county codes: {unknown}")
    existing = set(read_manifest(root).submission_id)
    written = 0
    for year in sorted(set(int(y) for y in years)):
        pending = [p for county in wanted for p in _county_year(county, year, seed)]
        # the store receives them in time order, so the manifest reads chronologically
        pending.sort(key=lambda p: (p.received_at, p.submission_type, p.county, p.agency))
        for p in pending:
            original = _original_bytes(p.submission_type, p.frame)
            received_iso = p.received_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            sid = make_submission_id(p.submission_type, p.county, p.agency, p.period,
                                     received_iso, hashlib.sha256(original).hexdigest())
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


def has_demo_data(root: Path | None = None) -> bool:
    """True when the store's manifest exists and has at least one row."""
    root = Path(root) if root is not None else submissions_dir()
    return len(read_manifest(root)) > 0
