"""Great Expectations at the edge: one suite per submission type, from expectations/<type>.json.

GX is imported lazily (it takes ~3 s) and its context is built once per process.
"""

from __future__ import annotations

import json
import threading
from functools import cache, lru_cache
from typing import Any

import pandas as pd

from weibao.paths import ROOT

EXPECTATIONS_DIR = ROOT / "expectations"
_LOCK = threading.Lock()


def load_suite_spec(type_code: str) -> dict[str, Any]:
    return json.loads((EXPECTATIONS_DIR / f"{type_code}.json").read_text(encoding="utf-8"))


def allowed_values(type_code: str, column: str) -> list[str]:
    """The value set an `expect_column_values_to_be_in_set` gives a column (for templates)."""
    for exp in load_suite_spec(type_code)["expectations"]:
        if exp["type"] == "expect_column_values_to_be_in_set" and exp["kwargs"]["column"] == column:
            return list(exp["kwargs"]["value_set"])
    return []


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context, context.data_sources.add_pandas("intake")


@cache
def _suite(type_code: str):
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    context, source = _context()
    spec = load_suite_spec(type_code)
    suite = context.suites.add(
        ExpectationSuite(
            name=spec["name"],
            expectations=[
                ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta", {}))
                for e in spec["expectations"]
            ],
        )
    )
    batch_definition = source.add_dataframe_asset(type_code).add_batch_definition_whole_dataframe(
        type_code
    )
    return suite, batch_definition


def validate(type_code: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Failed expectations as plain dicts: type, kwargs, meta, row positions and values."""
    with _LOCK:  # GX contexts are not thread-safe; Streamlit runs sessions in threads
        suite, batch_definition = _suite(type_code)
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    failed = []
    for r in result.results:
        if r.success:
            continue
        config = r.expectation_config
        failed.append(
            {
                "type": config.type,
                "kwargs": dict(config.kwargs),
                "meta": dict(config.meta or {}),
                "rows": list(r.result.get("unexpected_index_list") or []),
                "raised": _raised(r.exception_info),
            }
        )
    return failed


def _raised(info: dict | None) -> bool:
    """Whether the expectation could not be evaluated (e.g. its column is missing).

    GX 1.x reports `{"raised_exception": ...}` for some expectations and, for column-map
    expectations, one such dict per metric id."""
    if not info:
        return False
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())
