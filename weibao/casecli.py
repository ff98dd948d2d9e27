"""`weibao case list|open|reply|close|return`: the 挂牌督办 page's actions from the command line.

Every rule (who may open, reply, verify; dates; the personal-data guard; audit) is in
weibao.cases; this module only reads the arguments, finds a supervision item in the published
marts for `open`, and prints the result.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from weibao import cases
from weibao.access import Actor
from weibao.errors import WeibaoError
from weibao.i18n import word

COLUMNS = ["case_id", "status", "due", "org_unit_code", "item_id", "responsible_units_zh"]


def supervision_item(warehouse: Path, item_id: str) -> dict:
    """The item of fct_supervision_items, as the supervision list shows it."""
    from weibao.brief.queries import _query

    found = _query(warehouse, "select * from fct_supervision_items where item_id = ?", [item_id])
    if found.empty:
        raise WeibaoError(
            f"督办清单中没有事项 {item_id}",
            f"no item {item_id} in the supervision list",
            "事项编号见看板的督办清单(形如 child_director_coverage|330483|2024)",
        )
    return found.iloc[0].to_dict()


def _need(args: argparse.Namespace, *names: str) -> None:
    missing = [n for n in names if not getattr(args, n)]
    if missing:
        flags = " ".join(f"--{n}" if n != "id" else "ID" for n in missing)
        raise WeibaoError(
            f"weibao case {args.action} 缺少 {flags}",
            f"weibao case {args.action} needs {flags}",
            "weibao case --help",
        )


def run(args: argparse.Namespace, actor: Actor) -> int:
    if args.action == "list":
        frame = cases.frame(actor)
        if args.format == "json":
            print(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, default=str))
        elif frame.empty:
            print("(无督办单 / no cases)")
        else:
            shown = frame[COLUMNS].assign(
                status=[f"{word('case_statuses', s)} {s}" for s in frame["status"]]
            )
            print(shown.to_string(index=False))
        return 0
    _need(args, "id")
    if args.action == "open":
        from weibao.paths import warehouse_path

        _need(args, "due", "instruction")
        item = supervision_item(warehouse_path(args.warehouse), args.id)
        case = cases.open_case(actor, item, args.due, args.instruction)
    elif args.action == "reply":
        _need(args, "measures", "expected")
        case = cases.reply(actor, args.id, args.measures, args.expected, args.note)
    else:
        close = args.action == "close"
        case = cases.verify(actor, args.id, close=close, reason=args.reason)
    state = case.status()
    print(f"{case.case_id} {word('case_statuses', state)} / {state}")
    return 0
