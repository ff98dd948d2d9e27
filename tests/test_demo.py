"""The demo-submission generator: deterministic, complete, and shaped for the dashboard."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from weibao import demo
from weibao.paths import DIVISIONS_FILE, REFERENCE_DIR
from weibao.store import accept, read_manifest
from weibao.submission_types import SUBMISSION_TYPES

# Task progress status codes (the task_progress template, DESIGN.md work-plan words).
TASK_STATUSES = ("not_started", "in_progress", "done", "lagging")

COUNTIES = ["330483", "640121", "350102"]  # 桐乡市, 永宁县, 福州市鼓楼区
YEARS = [2021, 2022, 2023, 2025]
ORIGINAL_TYPES = ["child_directors", "child_supervisors", "staff_checks", "orphan_foster"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo_store")
    messages: list[str] = []
    n = demo.generate(root, years=YEARS, counties=COUNTIES, progress=messages.append)
    m = read_manifest(root)
    assert n == len(m)
    # the original types: 6 submissions per county-year, minus the missing one, plus the
    # resubmission
    assert m.submission_type.isin(ORIGINAL_TYPES).sum() == 6 * len(COUNTIES) * len(YEARS) - 1 + 1
    assert len(messages) == len(YEARS)
    return root


@pytest.fixture(scope="module")
def manifest(store) -> pd.DataFrame:
    return read_manifest(store)


def _frames(store: Path, manifest: pd.DataFrame, stype: str) -> pd.DataFrame:
    types = {
        c.name: ("str" if c.sql_type == "varchar" else "int64")
        for c in SUBMISSION_TYPES[stype].columns
    }
    rows = manifest[manifest.submission_type == stype]
    parts = [
        pd.read_csv(store / p, dtype=types).assign(submission_id=sid)
        for p, sid in zip(rows.stored_path, rows.submission_id, strict=True)
    ]
    return pd.concat(parts, ignore_index=True)


def _latest(store: Path, manifest: pd.DataFrame, stype: str) -> pd.DataFrame:
    """Rows of the submissions nobody superseded (what the warehouse will use)."""
    live = manifest[~manifest.submission_id.isin(set(manifest.supersedes) - {""})]
    return _frames(store, live, stype)


def _org_units() -> pd.DataFrame:
    return duckdb.connect().execute(f"select * from read_parquet('{DIVISIONS_FILE}')").df()


def test_deterministic_and_independent_of_other_counties(store, manifest, tmp_path):
    other = tmp_path / "again"
    demo.generate(other, years=YEARS, counties=COUNTIES)
    assert (other / "manifest.csv").read_bytes() == (store / "manifest.csv").read_bytes()
    again = read_manifest(other)
    assert list(again.sha256) == list(manifest.sha256)
    for rel in list(manifest.stored_path) + list(manifest.original_path):
        assert (other / rel).read_bytes() == (store / rel).read_bytes(), rel

    # 桐乡's data do not depend on which other counties are generated alongside
    alone = tmp_path / "alone"
    demo.generate(alone, years=[2022], counties=["330483"])
    m_alone = read_manifest(alone)
    m_all = manifest[(manifest.jurisdiction_code == "330483") & (manifest.period.str[:4] == "2022")]
    assert sorted(m_alone.sha256) == sorted(m_all.sha256)
    assert sorted(m_alone.submission_id) == sorted(m_all.submission_id)


def test_different_seed_differs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    demo.generate(a, years=[2022], counties=["640121"], seed=1)
    demo.generate(b, years=[2022], counties=["640121"], seed=2)
    assert set(read_manifest(a).sha256) != set(read_manifest(b).sha256)


def test_rerun_writes_nothing(store, manifest):
    before = (store / "manifest.csv").read_bytes()
    assert demo.generate(store, years=YEARS, counties=COUNTIES) == 0
    assert (store / "manifest.csv").read_bytes() == before


def test_manifest_entries(store, manifest):
    assert set(manifest.is_demo) == {"true"}
    assert set(manifest.status) == {"accepted"}
    for row in manifest.itertuples():
        assert (store / row.stored_path).is_file()
        original = (store / row.original_path).read_bytes()
        assert hashlib.sha256(original).hexdigest() == row.sha256
    expected_agencies = {
        "child_directors": {"civil_affairs"},
        "child_supervisors": {"civil_affairs"},
        "staff_checks": {"education", "health", "civil_affairs"},
        "orphan_foster": {"civil_affairs"},
    }
    for stype, agencies in expected_agencies.items():
        assert set(manifest[manifest.submission_type == stype].agency_code) == agencies
    # 福建省 (35): its joint-conference office's meetings and its member units' task progress
    assert set(manifest.jurisdiction_code) == set(COUNTIES) | {"35"}
    assert set(manifest[manifest.jurisdiction_code == "35"].submission_type) == {
        "committee_meetings",
        "task_progress",
    }
    assert set(manifest.period) == {str(y) for y in YEARS} | {
        f"{y}Q{q}" for y in YEARS for q in range(1, 5)
    }
    name = manifest[
        (manifest.submission_type == "child_directors")
        & (manifest.jurisdiction_code == "330483")
        & (manifest.period == "2022")
    ]
    assert list(name.original_filename) == ["桐乡市_民政局_儿童主任_2022.csv"]


def test_received_at_between_3_and_25_days_after_period_end(manifest):
    first = manifest[manifest.supersedes == ""]  # the correction comes later on purpose
    delays = []
    for row in first.itertuples():
        assert row.received_at.endswith("Z")
        received = datetime.strptime(row.received_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        end = datetime.combine(
            SUBMISSION_TYPES[row.submission_type].period_bounds(row.period)[1],
            datetime.min.time(),
            tzinfo=UTC,
        )
        delays.append((received - end) / timedelta(days=1))
    assert min(delays) >= 3
    assert max(delays) < 26
    deadline = SUBMISSION_TYPES["staff_checks"].deadline_days
    late = sum(d >= deadline + 1 for d in delays)
    assert 0 < late < len(delays) / 2
    assert list(manifest.received_at) == sorted(manifest.received_at)  # chronological


def test_child_directors_one_row_per_village(store, manifest):
    ou = _org_units()
    villages = ou[(ou.level == "village") & (ou.county_code == "330483")]
    assert len(villages) == 221
    cd = _frames(store, manifest, "child_directors")
    tx = cd[(cd.year == 2022) & cd.org_unit_code.str.startswith("330483")]
    assert len(tx) == len(villages)
    assert sorted(tx.org_unit_code) == sorted(villages.code)
    assert set(tx.child_director_count) <= {0, 1, 2}
    assert (cd.org_unit_code.str.len() == 12).all()

    sup = _frames(store, manifest, "child_supervisors")
    towns = ou[(ou.level == "township") & (ou.county_code == "640121")]
    yn = sup[(sup.year == 2023) & sup.org_unit_code.str.startswith("640121")]
    assert sorted(yn.org_unit_code) == sorted(towns.code)
    assert set(sup.child_supervisor_count) <= {0, 1, 2}


def test_tongxiang_2022_near_targets(store, manifest):
    cd = _latest(store, manifest, "child_directors")
    tx = cd[(cd.year == 2022) & cd.org_unit_code.str.startswith("330483")]
    coverage = 100 * (tx.child_director_count > 0).mean()
    assert 95 <= coverage <= 99.9
    assert (
        tx.child_director_count == 0
    ).sum() == 7  # calibration.yml: 330483 villages_without_director 2022
    # one township lags clearly behind the rest
    by_town = (tx.child_director_count > 0).groupby(tx.org_unit_code.str[:9]).mean()
    assert by_town.min() < 0.85
    assert (by_town < 0.85).sum() == 1

    sup = _latest(store, manifest, "child_supervisors")
    txs = sup[(sup.year == 2022) & sup.org_unit_code.str.startswith("330483")]
    assert (txs.child_supervisor_count > 0).mean() >= 0.9

    sc = _latest(store, manifest, "staff_checks")
    t = sc[(sc.year == 2022) & sc.org_unit_code.str.startswith("330483")]
    hire = 100 * t.new_hires_checked.sum() / t.new_hires.sum()
    annual = 100 * t.staff_checked.sum() / t.staff_in_post.sum()
    assert 97 <= hire <= 100
    assert 90 <= annual <= 98

    of = _latest(store, manifest, "orphan_foster")
    row = of[(of.org_unit_code == "330483") & (of.year == 2022)]
    assert len(row) == 1
    assert row.orphan_centralized_standard.iloc[0] == 25_200  # 2,100 元/月 × 12 (calibration.yml)
    assert demo.orphan_centralized_standard("330483", 2022) == 25_200


def test_missing_submission_is_missing(manifest):
    assert demo.calibration()["missing_submissions"] == [
        ("staff_checks", "education", "640121", "2023")
    ]
    keys = set(
        zip(
            manifest.submission_type,
            manifest.agency_code,
            manifest.jurisdiction_code,
            manifest.period,
            strict=True,
        )
    )
    for key in demo.calibration()["missing_submissions"]:
        assert key not in keys
    # ...but its neighbours are there
    assert ("staff_checks", "health", "640121", "2023") in keys
    assert ("staff_checks", "civil_affairs", "640121", "2023") in keys
    assert ("staff_checks", "education", "640121", "2022") in keys
    assert ("staff_checks", "education", "330483", "2023") in keys


def test_resubmission_supersedes_first(store, manifest):
    ((stype, agency, county, period),) = demo.calibration()["resubmissions"]
    rows = manifest[
        (manifest.submission_type == stype)
        & (manifest.agency_code == agency)
        & (manifest.jurisdiction_code == county)
        & (manifest.period == period)
    ]
    assert len(rows) == 2
    first, second = rows.iloc[0], rows.iloc[1]
    assert first.supersedes == ""
    assert second.supersedes == first.submission_id
    assert second.received_at > first.received_at
    assert second.original_filename.endswith("_更正.csv")
    a = pd.read_csv(store / first.stored_path)
    b = pd.read_csv(store / second.stored_path)
    assert not a.equals(b)  # the correction changes something
    assert (manifest.supersedes != "").sum() == 1  # nothing else supersedes anything


def test_checked_never_exceeds_counts(store, manifest):
    sc = _frames(store, manifest, "staff_checks")
    assert len(sc) > 1000
    assert (sc.new_hires_checked <= sc.new_hires).all()
    assert (sc.staff_checked <= sc.staff_in_post).all()
    counts = sc[["new_hires", "new_hires_checked", "staff_in_post", "staff_checked"]]
    assert (counts >= 0).all().all()
    assert (sc.staff_in_post > 0).all()
    of = _frames(store, manifest, "orphan_foster")
    assert (of.foster_families_compliant <= of.foster_families).all()
    assert of.foster_families.between(0, 40).all()


def test_staff_checks_by_agency_and_sector(store, manifest):
    sc = _frames(store, manifest, "staff_checks")
    sc = sc.merge(manifest[["submission_id", "agency_code"]], on="submission_id")
    sectors = sc.groupby("agency_code").sector.agg(set).to_dict()
    assert sectors == {
        "education": {"school", "kindergarten", "off_campus_training"},
        "health": {"childcare", "hospital"},
        "civil_affairs": {"child_welfare", "minors_protection"},
    }
    prefix = {"education": "JY", "health": "WJ", "civil_affairs": "MZ"}
    for row in (
        sc[["institution_code", "agency_code", "org_unit_code"]].drop_duplicates().itertuples()
    ):
        assert re.fullmatch(
            rf"{prefix[row.agency_code]}-{row.org_unit_code[:6]}-\d{{4}}", row.institution_code
        )
    assert (sc.org_unit_code.str.len() == 9).all()
    # one institution code = one institution: same township and sector every year
    stable = sc.groupby("institution_code")[["org_unit_code", "sector"]].nunique()
    assert (stable == 1).all().all()
    # schools exist in every year with the same codes
    schools = sc[(sc.sector == "school") & sc.org_unit_code.str.startswith("330483")]
    codes = schools.groupby("year").institution_code.agg(frozenset)
    assert len(set(codes)) == 1
    # each county has exactly one child-welfare and one minors-protection institution
    cw = sc[(sc.sector == "child_welfare") & (sc.year == 2022)]
    assert sorted(cw.org_unit_code.str[:6]) == sorted(COUNTIES)


def test_rates_rise_over_the_years(store, manifest):
    cd = _latest(store, manifest, "child_directors")
    cov = (cd.child_director_count > 0).groupby(cd.year).mean()
    sc = _latest(store, manifest, "staff_checks")
    g = sc.groupby("year")[
        ["new_hires", "new_hires_checked", "staff_in_post", "staff_checked"]
    ].sum()
    annual = g.staff_checked / g.staff_in_post
    hire = g.new_hires_checked / g.new_hires
    assert cov[2025] > cov[2021]
    assert annual[2021] < annual[2023] < annual[2025]
    assert hire[2021] < hire[2025]
    of = _latest(store, manifest, "orphan_foster").set_index(["org_unit_code", "year"])
    for county in COUNTIES:
        c = of.loc[county].sort_index()
        assert c.orphan_centralized_standard.is_monotonic_increasing
        ratio = c.orphan_scattered_standard / c.orphan_centralized_standard
        assert ratio.between(0.6, 0.8).all()
    # Zhejiang/Fujian above Ningxia
    assert (
        of.loc["330483"].orphan_centralized_standard > of.loc["640121"].orphan_centralized_standard
    ).all()
    assert of.loc["350102"].orphan_centralized_standard.between(18_000, 32_000).all()


def test_no_personal_data(store, manifest):
    forbidden = re.compile(
        r"name|姓名|名称|身份证|id_?card|phone|电话|手机|地址|address|birth|出生", re.IGNORECASE
    )
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for stype, stype_def in SUBMISSION_TYPES.items():
        for col in stype_def.columns:
            assert not forbidden.search(col.name), col.name
        rows = manifest[manifest.submission_type == stype]
        for row in rows.itertuples():
            norm = pd.read_csv(store / row.stored_path, dtype=str)
            assert list(norm.columns) == [c.name for c in stype_def.columns]
            # no free text anywhere but task progress's short note: codes and numbers only
            codes = norm.drop(columns=["note"], errors="ignore")
            assert not codes.apply(lambda s: s.str.contains(cjk)).any().any()
            text = (store / row.original_path).read_bytes().decode("utf-8")
            header = next(csv.reader(io.StringIO(text)))
            assert header == [c.header_zh for c in stype_def.columns]
            original = pd.read_csv(io.StringIO(text), dtype=str)
            assert original.to_numpy().tolist() == norm.to_numpy().tolist()


def test_has_demo_data(store, tmp_path):
    assert demo.has_demo_data(store)
    assert not demo.has_demo_data(tmp_path / "empty")


def test_unknown_county_rejected(tmp_path):
    with pytest.raises(ValueError):
        demo.generate(tmp_path, years=[2022], counties=["999999"])


def test_store_index_notices_a_replaced_manifest(tmp_path):
    """The store's cached manifest index must not outlive a rewritten manifest."""
    frame = pd.DataFrame(
        {
            "org_unit_code": ["640121"],
            "year": [2022],
            "orphan_centralized_standard": [15000],
            "orphan_scattered_standard": [10800],
            "foster_families": [3],
            "foster_families_compliant": [3],
        }
    )
    kw = dict(
        submission_type="orphan_foster",
        agency_code="civil_affairs",
        jurisdiction_code="640121",
        period="2022",
        original=b"x",
        original_filename="a.csv",
        normalized=frame,
        root=tmp_path,
    )
    a = accept(received_at=datetime(2023, 1, 5, tzinfo=UTC), **kw)
    b = accept(received_at=datetime(2023, 1, 6, tzinfo=UTC), **kw)
    assert a.supersedes == "" and b.supersedes == a.submission_id
    # another process appends a later one: picked up from the file, not the cache
    header = (tmp_path / "manifest.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    record = {
        "submission_id": "ext-1",
        "submission_type": "orphan_foster",
        "agency_code": "civil_affairs",
        "jurisdiction_code": "640121",
        "period": "2022",
        "received_at": "2023-01-07T00:00:00Z",
        "original_filename": "e.csv",
        "sha256": "0" * 64,
        "rows": "1",
        "status": "accepted",
        "stored_path": "x.csv",
        "original_path": "y.csv",
        "is_demo": "false",
    }
    with open(tmp_path / "manifest.csv", "a", encoding="utf-8") as fh:
        # a whole record in the header's own columns (the store skips a line of the wrong
        # width, or whose sha256 is not 64 hex digits, as torn)
        fh.write(",".join(record.get(column, "") for column in header) + "\n")
    c = accept(received_at=datetime(2023, 1, 8, tzinfo=UTC), **kw)
    assert c.supersedes == "ext-1"
    # the manifest is replaced (new file): the old index must be dropped
    header = (tmp_path / "manifest.csv").read_text(encoding="utf-8").splitlines()[0]
    tmp = tmp_path / "m.tmp"
    tmp.write_text(header + "\n", encoding="utf-8")
    tmp.replace(tmp_path / "manifest.csv")
    d = accept(received_at=datetime(2023, 1, 9, tzinfo=UTC), **kw)
    assert d.supersedes == ""


# --------------------------------------------------------------------------- generic types


def test_every_generic_type_once_per_county_year(manifest):
    generic = [c for c, t in SUBMISSION_TYPES.items() if t.measures]
    assert sorted(generic) == sorted(demo.GENERIC_TYPES + demo.ISSUE8_TYPES)
    for stype in generic:
        rows = manifest[manifest.submission_type == stype]
        agencies = set(SUBMISSION_TYPES[stype].submitters)
        assert set(rows.agency_code) == agencies, stype
        for county in COUNTIES:
            mine = rows[rows.jurisdiction_code == county]
            per = 4 if SUBMISSION_TYPES[stype].period == "quarter" else 1
            assert len(mine) == per * len(YEARS) * len(agencies), (stype, county)
    # 福建省's joint conference: one file per quarter
    fj = manifest[
        (manifest.jurisdiction_code == "35") & (manifest.submission_type == "committee_meetings")
    ]
    assert sorted(fj.period) == sorted(f"{y}Q{q}" for y in YEARS for q in range(1, 5))


def test_tongxiang_2022_generic_near_targets(store, manifest):
    def rows(stype):
        f = _latest(store, manifest, stype)
        return f[(f.year == 2022) & f.org_unit_code.str.startswith("330483")]

    assert rows("protection_stations").has_station.sum() == 10
    assert len(rows("protection_stations")) == 11
    homes = rows("child_homes")
    assert homes.titled_this_year.sum() == 12
    assert homes.titled_by_city.sum() == 3
    share = homes.has_model_home.groupby(homes.org_unit_code.str[:9]).mean()
    assert (share < 0.15).sum() == 1  # the lagging township; the others reach 15 %
    cc = rows("childcare_places").iloc[0]
    assert 2.9 <= 1000 * cc.childcare_places / cc.resident_population < 3.1
    smart = rows("smart_campuses")
    assert 0.80 <= smart.is_smart_campus.mean() <= 0.83
    assert set(smart.sector) == {"school", "kindergarten"}
    st = rows("service_stations")
    assert st.has_township_station.sum() == 4
    assert 0.05 <= st.villages_with_station.sum() / st.villages.sum() <= 0.10
    assert rows("rehab_institutions").under_agreement.all()


def test_generic_values_rise_and_stay_consistent(store, manifest):
    ps = _latest(store, manifest, "protection_stations")
    assert ps.groupby("year").has_station.mean().is_monotonic_increasing
    # stock flags never go away: a station once set up is there the next year
    wide = ps.pivot(index="org_unit_code", columns="year", values="has_station")
    assert (wide.diff(axis=1).fillna(0) >= 0).all().all()
    sp = _latest(store, manifest, "school_psychology")
    assert sp.groupby("year").has_psychology_teacher.mean().is_monotonic_increasing
    lb = _latest(store, manifest, "left_behind_carers")
    assert (lb.entrusted_agreements <= lb.entrusted_children).all()
    assert (lb.left_behind_with_carer <= lb.left_behind_children).all()
    hm = _latest(store, manifest, "child_homes")
    assert (hm.titled_by_city <= hm.titled_this_year).all()
    assert (hm.titled_this_year <= hm.has_model_home).all()
    # institutions are the staff checks' own, under the same codes
    sc = _frames(store, manifest, "staff_checks")
    smart = _frames(store, manifest, "smart_campuses")
    assert set(smart.institution_code) <= set(sc.institution_code)


def test_committee_meetings_are_cumulative_by_quarter(store, manifest):
    cm = _latest(store, manifest, "committee_meetings")
    for (_unit, _year), g in cm.groupby(["org_unit_code", "year"]):
        g = g.sort_values("quarter")
        assert list(g.quarter) == [1, 2, 3, 4]
        assert g.office_meetings.is_monotonic_increasing
        assert g.plenary_meetings.is_monotonic_increasing
    # counties enter 0 plenary meetings: that is the provincial joint conference's figure
    assert (cm[cm.org_unit_code.str.len() == 6].plenary_meetings == 0).all()
    fj = cm[cm.org_unit_code == "35"].set_index(["year", "quarter"])
    for year, quarter in demo.calibration()["jurisdictions"]["35"]["plenary_quarter"].items():
        if year in YEARS:
            assert fj.loc[(year, 4), "plenary_meetings"] == (quarter is not None)


def test_task_progress_per_responsible_unit(store, manifest):
    tasks = pd.read_csv(REFERENCE_DIR / "tasks.csv", dtype=str, keep_default_na=False)
    tp = _frames(store, manifest, "task_progress").merge(
        manifest[["submission_id", "agency_code", "jurisdiction_code", "period"]],
        on="submission_id",
    )
    assert set(tp.status) <= set(TASK_STATUSES)
    assert {"in_progress", "done", "lagging"} <= set(tp.status)
    assert tp.note.str.len().between(1, 200).all()
    assert not tp.note.str.contains(r"\d").any()  # no numbers at all, let alone IDs or phones
    assert (tp.period == tp.year.astype(str) + "Q" + tp.quarter.astype(str)).all()
    # 桐乡 2022: every responsible unit of every task reports it in each quarter
    tx = tasks[(tasks.jurisdiction_code == "330483") & (tasks.responsible_units != "")]
    want = {
        (u.split(".", 1)[1], t, q)
        for t, units in zip(tx.task_id, tx.responsible_units, strict=True)
        for u in units.split(";")
        for q in range(1, 5)
    }
    got = tp[tp.jurisdiction_code == "330483"]
    assert set(zip(got.agency_code, got.task_id, got.quarter, strict=True)) == want
    assert set(got.year) == {2022}
    # 福建省's standing rules (2019) are reported every demo year
    assert set(tp[tp.jurisdiction_code == "35"].year) == set(YEARS)
    # a task done stays done
    for _key, g in tp.groupby(["jurisdiction_code", "agency_code", "task_id", "year"]):
        s = list(g.sort_values("quarter").status)
        if "done" in s:
            assert set(s[s.index("done") :]) == {"done"}


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".manifest.lock"
    }


def test_bulk_writer_writes_what_accept_writes(tmp_path):
    """The bulk writer (worker processes, staged files, one manifest append per year) stores
    exactly the bytes that store.accept() stores one submission at a time: every original,
    every normalised file and the manifest; and the store verifies clean."""
    from weibao.storekeeping import verify

    kwargs = dict(years=[2021, 2022], counties=["330483", "640121"], jurisdictions=["33", "64"])
    each, bulk, pooled = tmp_path / "each", tmp_path / "bulk", tmp_path / "pooled"
    n = demo.generate(each, bulk=False, **kwargs)
    assert demo.generate(bulk, workers=0, **kwargs) == n
    assert demo.generate(pooled, workers=2, **kwargs) == n
    expected = _files(each)
    # two files per submission plus the manifest (originals, normalised): nothing else
    assert len(expected) == 2 * n + 1
    assert _files(bulk) == expected
    assert _files(pooled) == expected
    assert verify(pooled).ok
    assert demo.generate(pooled, workers=2, **kwargs) == 0
    assert _files(pooled) == expected


def test_render_matches_pandas_to_csv():
    """The demo's CSV renderer gives pandas' to_csv bytes, including a missing string value
    and a field that needs quoting."""
    frame = pd.DataFrame(
        {
            "task_id": ["T-1", "T,2", None],
            "year": [2024, 2024, 2024],
            "quarter": [1, 2, 3],
            "status": ["done", 'say "hi"', "lagging"],
            "note": ["a\nb", "", None],
        }
    )
    original, normalised = demo._render("task_progress", frame)
    assert normalised == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert original.decode("utf-8").startswith("任务编号,")
