"""Benchmark: validate and receipt (and, separately, submit into a store) a large submission.

    python benchmarks/bench_intake.py                 # 100,000 rows, 3 runs of each case
    python benchmarks/bench_intake.py --rows 20000 --runs 1
    python benchmarks/bench_intake.py --rows 1000000 --runs 1 --modes submit --warmth cold

The file is a staff_checks submission from a provincial education department (jurisdiction
35, 福建省): one row per institution, spread over every 福建 township of the org-unit seed,
GBK-encoded as Excel on Chinese Windows writes it. Its figures are plausible and valid, so the
whole pipeline runs (no early stop on an error).

Each measurement runs in a fresh Python process, so peak RSS (resource.getrusage ru_maxrss)
belongs to that case alone:

Wall time is what an agency waits; CPU time (user + system of the process) is printed too,
because it does not grow when other work shares the machine.

- validate, warm: GX imported and its suite built before the clock starts;
- validate, cold: the clock includes importing weibao.intake and Great Expectations;
- submit, warm / cold: the same plus storing (original, normalised CSV, manifest line) into an
  empty temporary store.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "机构编码",
    "所在乡镇(街道)代码",
    "行业",
    "年度",
    "新入职人数",
    "入职查询人数",
    "在岗人数",
    "年度查询人数",
]
SECTORS = ["中小学校", "幼儿园", "校外培训机构"]
ARGS = dict(
    submission_type="staff_checks", agency_code="education", jurisdiction_code="35", period="2024"
)


def make_file(rows: int, seed: int = 35) -> bytes:
    import duckdb
    import numpy as np
    import pandas as pd

    divisions = ROOT / "reference" / "divisions" / "divisions_2023.parquet"
    units = duckdb.connect().execute(f"select * from read_parquet('{divisions}')").df()
    townships = units.loc[(units.province_code == "35") & (units.level == "township"), "code"]
    rng = np.random.default_rng(seed)
    sector = rng.choice(len(SECTORS), rows, p=[0.45, 0.4, 0.15])
    in_post = np.maximum(3, rng.lognormal(np.log([60, 20, 10])[sector], 0.6)).astype(int)
    hires = rng.binomial(in_post, 0.08)
    hires_checked = hires - rng.binomial(hires, 0.02)
    checked = in_post - rng.binomial(in_post, 0.015)
    frame = pd.DataFrame(
        {
            HEADER[0]: [f"JY-35-{i:06d}" for i in range(1, rows + 1)],
            HEADER[1]: townships.to_numpy()[np.arange(rows) % len(townships)],
            HEADER[2]: np.asarray(SECTORS)[sector],
            HEADER[3]: 2024,
            HEADER[4]: hires,
            HEADER[5]: hires_checked,
            HEADER[6]: in_post,
            HEADER[7]: checked,
        }
    )
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("gbk")


def child(mode: str, warm: bool, path: str) -> dict:
    """One measurement, in this (fresh) process."""
    data = Path(path).read_bytes()
    t_import = time.perf_counter()
    if warm:
        from weibao.intake import gx, submit, validate

        gx._suite("staff_checks")  # GX import and context, outside the clock
    start, cpu = time.perf_counter(), time.process_time()
    if not warm:
        from weibao.intake import submit, validate
    with tempfile.TemporaryDirectory() as store:
        if mode == "validate":
            receipt, _ = validate(data, "福建省_教育厅_2024.csv", **ARGS, root=Path(store))
            receipt.to_json()
        else:
            receipt = submit(data, "福建省_教育厅_2024.csv", **ARGS, root=Path(store))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "mode": mode,
        "warm": warm,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "setup_seconds": start - t_import,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "status": receipt.status,
        "rows_accepted": receipt.rows_accepted,
        "issues": len(receipt.issues),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--modes", default="validate,submit", help="validate,submit or one of them")
    p.add_argument("--warmth", default="warm,cold", help="warm,cold or one of them")
    p.add_argument("--child", nargs=3, metavar=("MODE", "WARM", "FILE"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        mode, warm, path = args.child
        print(json.dumps(child(mode, warm == "warm", path)))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "staff_checks_35_2024.csv"
        path.write_bytes(make_file(args.rows))
        size_mb = path.stat().st_size / 1e6
        print(
            f"{args.rows:,} rows, {size_mb:.1f} MB GBK CSV; {args.runs} run(s) per case; "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}"
        )
        for mode in args.modes.split(","):
            for warm in args.warmth.split(","):
                runs = []
                for _ in range(args.runs):
                    out = subprocess.run(
                        [sys.executable, __file__, "--child", mode, warm, str(path)],
                        capture_output=True,
                        text=True,
                        cwd=ROOT,
                        check=True,
                    )
                    runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
                secs = [r["seconds"] for r in runs]
                cpu = [r["cpu_seconds"] for r in runs]
                rss = [r["peak_rss_mb"] for r in runs]
                label = f"{mode:<8} {'excl.' if warm == 'warm' else 'incl.'} GX import"
                print(
                    f"{label}: wall {statistics.median(secs):6.2f} s median "
                    f"(min {min(secs):.2f}, max {max(secs):.2f}); CPU "
                    f"{statistics.median(cpu):5.2f} s; peak RSS "
                    f"{max(rss):6.0f} MB; {runs[0]['status']}, "
                    f"{runs[0]['rows_accepted']:,} rows accepted, {runs[0]['issues']} issues"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
