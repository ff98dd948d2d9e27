"""Issue 11, backup and restore: `weibao backup DIR` copies everything that cannot be rebuilt
(the submission store, its people/ folder with the credentials, the hash-chained audit log,
approvals and 督办单, the definitions, the reference files) with its hashes, in private modes;
`weibao restore DIR` into an empty store, then `weibao build`, gives a warehouse equal to the
one built from the original store, users sign in with their passwords, the audit chain
verifies and the 督办单 are there."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from weibao import approval, audit, cases, store, storekeeping, users
from weibao.access import Actor
from weibao.build import build
from weibao.errors import WeibaoError
from weibao.paths import ROOT


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env=os.environ | env,
    )


def _differences(a: Path, b: Path) -> dict[str, tuple[int, int, int]]:
    """Per table of either warehouse: (rows in a, rows only in a, rows only in b), compared
    as multisets with EXCEPT ALL (row order is not part of equality)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        names = {
            db: {
                f"{s}.{t}"
                for s, t in con.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_catalog = ?",
                    [db],
                ).fetchall()
            }
            for db in ("a", "b")
        }
        out = {}
        for name in sorted(names["a"] | names["b"]):
            if name not in names["a"] or name not in names["b"]:
                out[name] = (-1, -1, -1)
                continue
            rows = con.execute(f"select count(*) from a.{name}").fetchone()[0]
            only_a = con.execute(
                f"select count(*) from (select * from a.{name} except all select * from b.{name})"
            ).fetchone()[0]
            only_b = con.execute(
                f"select count(*) from (select * from b.{name} except all select * from a.{name})"
            ).fetchone()[0]
            out[name] = (rows, only_a, only_b)
        return out
    finally:
        con.close()


PASSWORD = "Backup-pass-7"
# One row of fct_supervision_items (桐乡市, child directors), as the supervision list gives it.
ITEM = {
    "item_id": "child_director_coverage|330483|2024",
    "item_kind": "indicator",
    "jurisdiction_code": "330483",
    "org_unit_code": "330483",
    "year": 2024,
    "indicator_code": "child_director_coverage",
    "task_id": None,
    "responsible_units_zh": "市民政局",
    "responsible_member_units": "330483.civil_affairs",
    "gap": 8.0,
    "source_doc": "001",
    "source_clause": "每个村(社区)配备儿童主任",
}


def _add_people(folder: Path) -> str:
    """A statistician who signed in once, an approval and a 督办单 in `folder`; the case id."""
    user = users.add(
        "backup_zhang",
        PASSWORD,
        role="statistician",
        jurisdiction="330483",
        by="cli:test",
        by_role="statistician",
        folder=folder,
        must_change=False,
    )
    users.sign_in("backup_zhang", PASSWORD, folder=folder)
    office = Actor.of(user)
    approval.approve(office, "330483", "2024", "child_directors", folder=folder)
    return cases.open_case(office, ITEM, "2026-12-31", "限期补齐儿童主任", folder=folder).case_id


@pytest.fixture(scope="module")
def people_store(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo store, copied, with users, approvals and a 督办单 in its people/ folder (the
    shared demo store itself is left as the other tests expect it)."""
    root = tmp_path_factory.mktemp("people_store") / "store"
    shutil.copytree(demo_store, root, ignore=shutil.ignore_patterns("people"))
    if (demo_store / "people").is_dir():
        shutil.copytree(demo_store / "people", root / "people")
    return root, _add_people(root / "people")


@pytest.fixture(scope="module")
def backup_dir(people_store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("backup") / "b"
    proc = _cli("backup", str(dest), env={"WEIBAO_SUBMISSIONS": str(people_store[0])})
    assert proc.returncode == 0, proc.stderr
    return dest


def test_backup_holds_the_store_people_definitions_and_reference_files(backup_dir, people_store):
    root = people_store[0]
    index = json.loads((backup_dir / "backup.json").read_text(encoding="utf-8"))
    files = set(index["files"])
    assert "store/manifest.csv" in files
    for row in store.read_manifest(root).itertuples():
        assert f"store/{row.original_path}" in files
        assert not row.stored_path or f"store/{row.stored_path}" in files
    for rel in ("seeds/reference/targets.csv", "seeds/reference/committees.csv",
                "expectations/child_directors.json", "expectations/child_directors.yml",
                "weibao.toml", "reference/divisions/divisions_2023.parquet"):  # fmt: skip
        assert f"project/{rel}" in files
    assert any(f.startswith("project/reference/policy/") for f in files)
    for rel in ("users.yml", "audit.jsonl", "audit.head", "approvals.jsonl", "cases.jsonl"):
        assert f"people/{rel}" in files
        assert (backup_dir / "people" / rel).read_bytes() == (root / "people" / rel).read_bytes()
    assert not [f for f in files if f.endswith(".lock") or "/.tmp-" in f]


def test_the_backup_is_private(backup_dir):
    """It holds password hashes: nobody but its owner may read or list it."""
    modes = {
        p.relative_to(backup_dir).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in [backup_dir, *backup_dir.rglob("*")]
    }
    dirs = {rel for rel in modes if (backup_dir / rel).is_dir()}
    assert {modes[d] for d in dirs} == {0o700}
    assert {m for rel, m in modes.items() if rel not in dirs} == {0o600}
    assert "people/users.yml" in modes and "backup.json" in modes


def test_restore_into_an_empty_store_rebuilds_an_equal_warehouse(
    backup_dir, people_store, published_warehouse, tmp_path
):
    empty = tmp_path / "restored"
    proc = _cli("restore", str(backup_dir), env={"WEIBAO_SUBMISSIONS": str(empty)})
    assert proc.returncode == 0, proc.stderr
    assert storekeeping.verify(empty).ok
    # The people: the audit chain verifies through the CLI, users sign in with their
    # passwords (and not with a wrong one), the approval and the 督办单 are there.
    proc = _cli("audit", "--verify", env={"WEIBAO_SUBMISSIONS": str(empty)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    original = audit.read(people_store[0] / "people")
    assert audit.read(empty / "people") == original
    assert len(original) >= 4  # sign-in, user added, approve, case opened (and intake's)
    people = empty / "people"
    assert stat.S_IMODE((people / "users.yml").stat().st_mode) == 0o600
    assert users.sign_in("backup_zhang", PASSWORD, folder=people).role == "statistician"
    with pytest.raises(WeibaoError):
        users.sign_in("backup_zhang", "Wrong-pass-7", folder=people)
    assert audit.verify(people).ok  # the chain goes on from the restored head
    assert approval.in_force("child_directors", "330483", "2024", folder=people) is not None
    case = cases.load(people)[people_store[1]]
    assert (case.instruction, case.item["item_id"]) == ("限期补齐儿童主任", ITEM["item_id"])
    rebuilt = build(tmp_path / "wh" / "weibao.duckdb", submissions=empty).published
    # the original side is the backed-up store with its people: its approval reaches the marts
    # (approval_status), so the demo warehouse built without it is not the one to equal
    original_wh = build(tmp_path / "orig" / "weibao.duckdb", submissions=people_store[0]).published
    assert _differences(published_warehouse, original_wh)["main.fct_indicator_values"][1] > 0
    diff = _differences(original_wh, rebuilt)
    assert diff["main.fct_indicator_values"][0] > 1000
    assert {name: d for name, d in diff.items() if d[1:] != (0, 0)} == {}


def test_people_kept_outside_the_store_are_backed_up_and_restored(tmp_path):
    """WEIBAO_PEOPLE may put the people folder elsewhere; it is backed up all the same, and
    restored into the people folder of the restoring side."""
    _add_people(tmp_path / "people_a")
    storekeeping.backup(tmp_path / "b", tmp_path / "store_a", people=tmp_path / "people_a")
    storekeeping.restore(
        tmp_path / "b", tmp_path / "store_b", people=tmp_path / "people_b", force=True
    )
    assert users.sign_in("backup_zhang", PASSWORD, folder=tmp_path / "people_b")
    assert audit.verify(tmp_path / "people_b").ok
    assert not (tmp_path / "store_b" / "people").exists()


def test_a_damaged_backup_restores_nothing(backup_dir, tmp_path):
    damaged = tmp_path / "damaged"
    import shutil

    shutil.copytree(backup_dir, damaged)
    target = damaged / "project" / "seeds" / "reference" / "targets.csv"
    target.write_bytes(target.read_bytes().replace(b"100", b"10", 1))
    with pytest.raises(WeibaoError) as exc:
        storekeeping.restore(damaged, tmp_path / "store")
    assert "备份已损坏" in exc.value.message_zh
    assert "project/seeds/reference/targets.csv" in exc.value.details
    assert not (tmp_path / "store").exists()


def test_restore_refuses_a_store_that_is_not_empty(backup_dir, demo_store):
    with pytest.raises(WeibaoError) as exc:
        storekeeping.restore(backup_dir, demo_store)
    assert "不是空的" in exc.value.message_zh


@pytest.mark.parametrize("force", [False, True])
def test_restore_refuses_a_target_holding_only_people(backup_dir, tmp_path, force):
    """A store folder with users but no manifest yet is not empty: restoring would replace its
    credentials and audit log. Refused in words, with --force too (it replaces definitions,
    never a store's or people's history)."""
    users_file = tmp_path / "store" / "people" / "users.yml"
    users_file.parent.mkdir(parents=True)
    users_file.write_text("credentials: {usernames: {}}\n", encoding="utf-8")
    with pytest.raises(WeibaoError) as exc:
        storekeeping.restore(backup_dir, tmp_path / "store", force=force)
    assert "不是空的" in exc.value.message_zh and "not empty" in exc.value.message_en
    assert users_file.read_text(encoding="utf-8") == "credentials: {usernames: {}}\n"
    assert sorted(p.name for p in (tmp_path / "store").rglob("*")) == ["people", "users.yml"]


def test_the_cli_refuses_a_non_empty_target_without_a_traceback(backup_dir, demo_store):
    before = (demo_store / "manifest.csv").read_bytes()
    proc = _cli("restore", str(backup_dir), "--force", env={"WEIBAO_SUBMISSIONS": str(demo_store)})
    assert proc.returncode != 0
    assert "不是空的" in proc.stderr and "not empty" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (demo_store / "manifest.csv").read_bytes() == before


def test_restore_does_not_overwrite_changed_definitions_without_force(backup_dir, tmp_path):
    project = tmp_path / "project"
    (project / "seeds" / "reference").mkdir(parents=True)
    changed = project / "seeds" / "reference" / "targets.csv"
    changed.write_text("edited since the backup\n", encoding="utf-8")
    with pytest.raises(WeibaoError) as exc:
        storekeeping.restore(backup_dir, tmp_path / "store", project=project)
    assert "seeds/reference/targets.csv" in exc.value.details
    assert changed.read_text(encoding="utf-8") == "edited since the backup\n"
    storekeeping.restore(backup_dir, tmp_path / "store2", project=project, force=True)
    assert changed.read_bytes() == (ROOT / "seeds" / "reference" / "targets.csv").read_bytes()
