"""dbt-project-evaluator's rules that we keep, counted from dbt's own manifest (the evaluator
package cannot be installed offline): every model documented, every mart public in the
`published_marts` group, and every model with a primary-key test unless models/README.md lists
it with a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEY_TESTS = {"unique", "unique_combination"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from weibao.build import run_dbt

    res = run_dbt(["parse"], tmp_path_factory.mktemp("parse") / "parse.duckdb")
    assert res.success, res.exception
    return json.loads((ROOT / "target" / "manifest.json").read_text("utf-8"))


def _models(manifest: dict) -> dict[str, dict]:
    return {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}


def _listed_without_key() -> set[str]:
    text = (ROOT / "models" / "README.md").read_text("utf-8")
    section = text.split("**Primary-key tests are counted by us**", 1)[1].split("\n- **", 1)[0]
    return set(re.findall(r"^  - `([a-z_0-9]+)`", section, flags=re.M))


def test_every_model_is_documented(manifest: dict) -> None:
    missing = [v["name"] for v in _models(manifest).values() if not v.get("description")]
    assert not missing


def test_marts_are_public_in_one_group(manifest: dict) -> None:
    marts = [v for v in _models(manifest).values() if "/marts/" in "/" + v["path"]]
    assert len(marts) >= 10
    wrong = [
        v["name"]
        for v in marts
        if v.get("access") != "public" or v.get("group") != "published_marts"
    ]
    assert not wrong
    for exposure in manifest["exposures"].values():
        for node in exposure["depends_on"]["nodes"]:
            if node.startswith("model."):
                assert manifest["nodes"][node]["access"] == "public", (exposure["name"], node)


def test_every_model_has_a_key_test_or_a_recorded_reason(manifest: dict) -> None:
    keyed = set()
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and meta.get("name") in KEY_TESTS:
            keyed.update(d for d in node["depends_on"]["nodes"] if d.startswith("model."))
    models = _models(manifest)
    without = {v["name"] for k, v in models.items() if k not in keyed}
    listed = _listed_without_key()
    assert without <= listed, f"no key test and no reason in models/README.md: {without - listed}"
    # a model that gained a key test leaves the list
    assert not (listed - without), f"listed in models/README.md but tested now: {listed - without}"
