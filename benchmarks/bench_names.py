"""Benchmark: false-positive rate of the personal-name guard (weibao/intake/names.py) on
three sources that contain no personal names.

    python benchmarks/bench_names.py [--villages PATH]    # default ../shared/reference/divisions

- the demo task-progress notes (every note the demo generator writes, weibao/demo.py);
- the policy texts reference/policy/*.txt, one sentence at a time (split at 。;!?and line
  breaks), as a note quoting policy would be;
- every village/community name of the NBS 2023 division list (villages.csv.gz, 620,573 names),
  as an agency would type it into a free-text cell; the same names with the 委员会 ending
  removed (王家村民委员会 -> 王家村), and with 村/社区 removed too (王家), the short forms an
  office writes.

A "false positive" is a text for which `find_names` returns anything; the flagged examples are
printed so a reader can judge them. Issue 11 asks for under 1 % on each source.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weibao.demo import _TASK_NOTES  # noqa: E402
from weibao.intake.names import find_names  # noqa: E402


def rate(label: str, texts: list[str], show: int = 12) -> float:
    start = time.perf_counter()
    flagged = [(t, find_names(t)) for t in texts]
    flagged = [(t, n) for t, n in flagged if n]
    seconds = time.perf_counter() - start
    share = len(flagged) / max(len(texts), 1)
    print(f"{label}: {len(flagged):,} of {len(texts):,} flagged = {share:.3%} ({seconds:.1f} s)")
    for text, names in flagged[:show]:
        print(f"    {text[:60]!r} -> {names}")
    return share


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = next(
        (d for d in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if d.exists()),
        ROOT.parent / "shared",
    )
    p.add_argument("--villages", default=str(default / "reference" / "divisions"))
    p.add_argument("--show", type=int, default=12)
    args = p.parse_args()
    notes = sorted({n for group in _TASK_NOTES.values() for n in group})
    sentences = []
    for path in sorted((ROOT / "reference" / "policy").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [s.strip() for s in re.split(r"[。;;!!??\n]+", text) if s.strip()]
    villages_file = Path(args.villages)
    if villages_file.is_dir():
        villages_file = villages_file / "villages.csv.gz"
    with gzip.open(villages_file, "rt", encoding="utf-8", newline="") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    short = [re.sub(r"(村民委员会|居民委员会|居委会|村委会|委员会)$", "", n) for n in names]
    shorter = [re.sub(r"(社区|村)$", "", n) for n in short]
    results = {
        "demo notes": rate("demo notes", notes, args.show),
        "policy sentences": rate("policy sentences", sentences, args.show),
        "village names": rate("village names (as listed)", names, args.show),
        "village names, 委员会 dropped": rate("village names, 委员会 dropped", short, args.show),
        "village names, 村/社区 dropped": rate(
            "village names, 村/社区 dropped", shorter, args.show
        ),
    }
    required = ("demo notes", "policy sentences", "village names")  # the three issue 11 names
    worst = max(results[k] for k in required)
    print(
        f"worst of the three required sources: {worst:.3%} "
        f"({'under' if worst < 0.01 else 'NOT under'} 1 %); short forms are reported, not judged"
    )
    return 0 if worst < 0.01 else 1


if __name__ == "__main__":
    sys.exit(main())
