"""Load and faults, as recorded runs (issue 11). Figures go into benchmarks/README.md.

    python benchmarks/bench_faults.py kills    [--n 20]      kill `weibao build` at random moments
    python benchmarks/bench_faults.py submits  [--n 20]      concurrent `weibao submit`, identical pairs
    python benchmarks/bench_faults.py sessions [--n 30 --rebuilds 5]   dashboard sessions over
                                                               websockets while the file is rebuilt
    python benchmarks/bench_faults.py diskfull               RLIMIT_FSIZE during submit and build

Everything runs in a temporary folder (--dir) against one county's demo data for one year, in
real processes through the real CLI; nothing in the project's own store or warehouse changes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
COUNTY = "330483"
START = "overview"  # the default page (sign-in off): its url path is ""
PAGES = ["todo", "overview", "domains", "regions", "indicator", "supervision", "units",
         "work_plan", "brief", "reporting", "submit", "cases", "approval", "audit_log", "users",
         "methodology"]  # fmt: skip


def weibao(*args: str, env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "-m", "weibao", *args],
        cwd=ROOT,
        env=os.environ | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kw,
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def small_store(base: Path) -> Path:
    from weibao import demo

    root = base / "store"
    if not (root / "manifest.csv").exists():
        demo.generate(root, years=[2022], counties=[COUNTY])
    return root


def openable(path: Path) -> int:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from fct_indicator_values").fetchone()[0]
    finally:
        con.close()


def leftovers(wh: Path, store: Path) -> tuple[int, int]:
    files = [p for p in wh.iterdir() if p.name.startswith(".build-")]
    files += [p for p in store.rglob(".tmp-*")]
    return len(files), sum(p.stat().st_size for p in files)


# ---- kills ------------------------------------------------------------------------------


def kills(args) -> dict:
    base = Path(args.dir)
    store = small_store(base)
    wh = base / "wh"
    wh.mkdir(exist_ok=True)
    published = wh / "weibao.duckdb"
    env = {"WEIBAO_SUBMISSIONS": str(store), "WEIBAO_WAREHOUSE": str(published)}
    t0 = time.perf_counter()
    first = weibao("build", env=env)
    out, err = first.communicate()
    assert first.returncode == 0, err
    build_s = time.perf_counter() - t0
    good = sha(published)
    rng = random.Random(args.seed)
    intact = 0
    worst_left = (0, 0)
    moments = []
    for i in range(args.n):
        moment = rng.uniform(0.2, build_s)
        proc = weibao("build", env=env)
        time.sleep(moment)
        finished = proc.poll() is not None
        if not finished:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if finished:  # the build won the race: it published a new good file
            good = sha(published)
        ok = sha(published) == good and openable(published) > 0
        intact += ok
        left = leftovers(wh, store)
        worst_left = max(worst_left, left)
        moments.append(round(moment, 1))
        print(f"kill {i + 1}: at {moment:.1f} s, finished={finished}, published intact={ok}, "
              f"leftovers {left[0]} files {left[1] / 1e6:.1f} MB", file=sys.stderr)  # fmt: skip
    before_next = leftovers(wh, store)
    t1 = time.perf_counter()
    last = weibao("build", env=env)
    out, err = last.communicate()
    after = leftovers(wh, store)
    return {
        "kills": args.n,
        "build_seconds": round(build_s, 1),
        "published_intact": intact,
        "leftovers_before_next_build": {
            "files": before_next[0],
            "MB": round(before_next[1] / 1e6, 1),
        },
        "next_build_ok": last.returncode == 0,
        "next_build_seconds": round(time.perf_counter() - t1, 1),
        "leftovers_after_next_build": after[0],
        "kill_moments_s": moments,
    }


# ---- concurrent submissions -------------------------------------------------------------


def _directors(k: int) -> bytes:
    from weibao.divisions import served

    units = served("code, level", [COUNTY])
    villages = sorted(units.loc[units.level == "village", "code"])
    lines = ["村(社区)代码,年度,儿童主任人数"]
    lines += [f"{v},2024,{k if i == 0 else 1}" for i, v in enumerate(villages)]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def submits(args) -> dict:
    from weibao import store as st

    base = Path(args.dir)
    root = base / "submit_store"
    shutil.rmtree(root, ignore_errors=True)
    ks = [k for pair in range(1, 1 + args.n // 4) for k in (pair, pair)]  # pairs of identical files
    ks += [k % 20 for k in range(len(ks) + 1, args.n + 1)]  # 0-19 children: valid counts
    files = []
    for i, k in enumerate(ks):
        f = base / f"file_{i:02d}.csv"
        f.write_bytes(_directors(k))
        files.append(f)
    env = {"WEIBAO_SUBMISSIONS": str(root)}
    t0 = time.perf_counter()
    procs = [
        weibao("submit", str(f), "--type", "child_directors", "--unit", "civil_affairs",
               "--jurisdiction", COUNTY, "--period", "2024", "--format", "json", env=env)
        for f in files
    ]  # fmt: skip
    results = [(p.communicate(), p.returncode) for p in procs]
    wall = time.perf_counter() - t0
    receipts = [json.loads(out) for (out, _err), code in results if code == 0]
    m = st.read_manifest(root)
    acc = m[m.status == "accepted"]
    chain_ok = acc.supersedes.tolist() == ["", *acc.submission_id.tolist()[:-1]]
    return {
        "submissions": len(ks),
        "identical_pairs": args.n // 4,
        "exit_codes": sorted({code for _o, code in results}),
        "accepted": int((m.status == "accepted").sum()),
        "receipts": len(receipts),
        "manifest_lines": len(m),
        "unique_ids": int(m.submission_id.nunique()),
        "supersedes_one_chain": chain_ok,
        "manifest_problems": len(m.attrs["problems"]),
        "wall_seconds": round(wall, 1),
    }


# ---- dashboard sessions during rebuilds -------------------------------------------------


async def _session(url: str, pages: list[str], stop: asyncio.Event, out: dict) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        # No client keepalive pings: on a loaded 2-core machine a pong can take over 20 s, and
        # the library then drops a session that the server is still serving.
        async with websockets.connect(
            url, max_size=None, open_timeout=300, ping_interval=None
        ) as ws:
            i = 0
            while not stop.is_set() or i < len(pages):
                page = pages[i % len(pages)]
                i += 1
                msg = BackMsg()
                msg.rerun_script.query_string = ""
                msg.rerun_script.page_name = "" if page == START else page  # served at /
                started = time.perf_counter()
                await ws.send(msg.SerializeToString())
                while True:
                    raw = await asyncio.wait_for(ws.recv(), timeout=300)
                    fwd = ForwardMsg()
                    fwd.ParseFromString(raw)
                    kind = fwd.WhichOneof("type")
                    if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                        el = fwd.delta.new_element
                        what = el.WhichOneof("type")
                        if what == "exception":
                            out["errors"].append(f"{page}: exception {el.exception.type}")
                        elif what == "alert" and el.alert.format == el.alert.ERROR:
                            out["errors"].append(f"{page}: {el.alert.body[:80]}")
                    elif kind == "page_not_found":
                        out["errors"].append(f"{page}: page not found")
                    elif kind == "script_finished":
                        break
                out["times"].append(time.perf_counter() - started)
                out["by_page"].setdefault(page, []).append(time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - a failed session is a recorded error
        out["errors"].append(f"session: {type(exc).__name__}: {exc}")


async def _sessions(n: int, port: int, rebuild) -> dict:
    out: dict = {"times": [], "errors": [], "by_page": {}}
    stop = asyncio.Event()
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    tasks = [
        asyncio.create_task(_session(url, PAGES[i % len(PAGES):] + PAGES[: i % len(PAGES)], stop, out))
        for i in range(n)
    ]  # fmt: skip
    out["rebuilds"] = await asyncio.to_thread(rebuild)
    stop.set()
    await asyncio.gather(*tasks)
    return out


def sessions(args) -> dict:
    import requests

    base = Path(args.dir)
    store = small_store(base)
    wh = base / "serve_wh"
    wh.mkdir(exist_ok=True)
    published = wh / "weibao.duckdb"
    # Sessions act as the local statistician (every page); signing in 30 sessions through the
    # form over websockets is not what is measured here.
    env = {"WEIBAO_SUBMISSIONS": str(store), "WEIBAO_WAREHOUSE": str(published),
           "WEIBAO_SIGN_IN_REQUIRED": "false"}  # fmt: skip
    if not published.exists():
        b = weibao("build", env=env)
        assert b.wait() == 0, b.stderr.read()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = weibao("serve", "--port", str(port), env=env)
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(1)
        http = []
        for path in ["/", *(f"/{p}" for p in PAGES)]:
            t = time.perf_counter()
            r = requests.get(f"http://127.0.0.1:{port}{path}", timeout=30)
            http.append((path, r.status_code, time.perf_counter() - t))

        def rebuild() -> list[dict]:
            done = []
            for _ in range(args.rebuilds):
                t = time.perf_counter()
                b = weibao("build", env=env)
                _out, err = b.communicate()
                done.append({"ok": b.returncode == 0, "seconds": round(time.perf_counter() - t, 1)})
            return done

        out = asyncio.run(_sessions(args.n, port, rebuild))
    finally:
        # SIGTERM to the group, then SIGKILL: a loaded Streamlit may not stop on SIGTERM, and
        # once `weibao serve` has gone its streamlit child is left to init (seen here).
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        finally:
            time.sleep(5)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
    times = sorted(out["times"])
    if len(times) < 2:
        raise SystemExit(f"no page runs completed: {out['errors'][:5]}")
    q = statistics.quantiles(times, n=100)
    return {
        "sessions": args.n,
        "rebuilds": out["rebuilds"],
        "page_runs": len(times),
        "errors": len(out["errors"]),
        "error_samples": out["errors"][:10],
        "page_p50_s": round(q[49], 2),
        "page_p95_s": round(q[94], 2),
        "page_max_s": round(times[-1], 2) if times else None,
        "http_status": sorted({c for _p, c, _t in http}),
        "http_max_s": round(max(t for _p, _c, t in http), 2),
        "p95_by_page_s": {
            p: round(sorted(v)[int(0.95 * (len(v) - 1))], 2)
            for p, v in sorted(out["by_page"].items())
        },
    }


# ---- disk full ----------------------------------------------------------------------------


def _limited(limit: int):
    def pre() -> None:
        os.setsid()
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    return pre


def diskfull(args) -> dict:
    from weibao import store as st

    base = Path(args.dir)
    store = small_store(base)
    wh = base / "full_wh"
    wh.mkdir(exist_ok=True)
    published = wh / "weibao.duckdb"
    env = os.environ | {"WEIBAO_SUBMISSIONS": str(store), "WEIBAO_WAREHOUSE": str(published)}
    if not published.exists():
        assert subprocess.run([PY, "-m", "weibao", "build"], env=env, cwd=ROOT).returncode == 0
    good = sha(published)
    manifest = store / "manifest.csv"
    results = {}
    f = base / "full.csv"
    f.write_bytes(_directors(7))
    for name, limit in [
        ("submit: original", 1000),
        ("submit: manifest line", manifest.stat().st_size + 40),
    ]:
        before = manifest.read_bytes()
        p = subprocess.run(
            [PY, "-m", "weibao", "submit", str(f), "--type", "child_directors", "--unit",
             "civil_affairs", "--jurisdiction", COUNTY, "--period", "2024"],
            env=env, cwd=ROOT, capture_output=True, text=True, preexec_fn=_limited(limit),
        )  # fmt: skip
        results[name] = {
            "exit": p.returncode,
            "clear_message": "磁盘空间不足" in p.stderr and "Traceback" not in p.stderr,
            "manifest_unchanged": manifest.read_bytes() == before,
            "tmp_files": len(list(store.rglob(".tmp-*"))),
        }
    # The audit log: every submit appends to it after the manifest line. Grown past the
    # manifest, a limit just above its size stops the audit line and nothing before it.
    from weibao import audit

    people = store / "people"
    while (people / audit.LOG).stat().st_size <= manifest.stat().st_size + 2000:
        audit.record("sign_in", who="bench", role="statistician", object="bench", folder=people)
    log_before = (people / audit.LOG).read_bytes()
    manifest_before = manifest.read_bytes()
    p = subprocess.run(
        [PY, "-m", "weibao", "submit", str(f), "--type", "child_directors", "--unit",
         "civil_affairs", "--jurisdiction", COUNTY, "--period", "2024"],
        env=env, cwd=ROOT, capture_output=True, text=True,
        preexec_fn=_limited(len(log_before) + 40),
    )  # fmt: skip
    results["submit: audit line"] = {
        "exit": p.returncode,
        "clear_message": "磁盘空间不足" in p.stderr and "Traceback" not in p.stderr,
        "message": p.stderr.strip().splitlines()[:2],
        "manifest_lines_added": manifest.read_bytes().count(b"\n") - manifest_before.count(b"\n"),
        "audit_log_unchanged": (people / audit.LOG).read_bytes() == log_before,
        "audit_verify_ok": audit.verify(people).ok,
    }
    col = store / "columnar"
    for name, limit in [
        ("build: load step", (col / "submission_manifest.parquet").stat().st_size // 2),
        ("build: dbt", published.stat().st_size // 2),
    ]:
        p = subprocess.run([PY, "-m", "weibao", "build"], env=env, cwd=ROOT, capture_output=True,
                           text=True, preexec_fn=_limited(limit))  # fmt: skip
        results[name] = {
            "limit_bytes": limit,
            "exit": p.returncode,
            "clear_message": "磁盘空间不足" in p.stderr and "Traceback" not in p.stderr,
            "message": [x for x in p.stderr.strip().splitlines() if "磁盘" in x][:1],
            "stderr_lines": len(p.stderr.splitlines()),
            "published_unchanged": sha(published) == good,
            "leftovers": [x.name for x in wh.iterdir() if x.name.startswith(".build-")],
            "columnar_tmp": [x.name for x in col.rglob("*.tmp")],
        }
    after = subprocess.run(
        [PY, "-m", "weibao", "build"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    results["next build"] = {
        "exit": after.returncode,
        "leftovers": [x.name for x in wh.iterdir() if x.name.startswith(".build-")],
    }
    results["store verify ok"] = st.read_manifest(store).attrs["problems"] == []
    results["audit verify ok"] = audit.verify(people).ok
    return results


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("what", choices=["kills", "submits", "sessions", "diskfull"])
    p.add_argument("--n", type=int)
    p.add_argument("--rebuilds", type=int, default=5)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "weibao-bench-faults"))
    args = p.parse_args()
    args.n = args.n or {"kills": 20, "submits": 20, "sessions": 30, "diskfull": 0}[args.what]
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    result = {"kills": kills, "submits": submits, "sessions": sessions, "diskfull": diskfull}[
        args.what
    ](args)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
