"""Issue 9: who handed each file in (the manifest's submitted_by) and an agency's withdrawal.

A withdrawal is an appended manifest line; the original stays; "latest" for the key falls back
to the previous accepted submission (or none); it is refused after the period is locked and for
another unit's submission; it is audited; and a rebuilt warehouse no longer carries the
withdrawn figures. Manifests written before the new columns still read and take appends.
Real files in a temporary store, the real CLI in a subprocess, one real dbt build."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from test_intake_store import COUNTY, _coverage, _villages
from test_people import CORPUS, GOOD, KEY, add, people, refused, weibao

from weibao import approval, audit, store, storekeeping
from weibao.access import Actor, os_user
from weibao.build import build
from weibao.errors import WeibaoError
from weibao.intake import submit, withdraw

__all__ = ["people"]  # the fixture, shared with test_people.py

CD = ("child_directors", "civil_affairs", COUNTY, "2024")


def _directors(counts: dict[str, int]) -> bytes:
    """A child_directors file for 330483 2024: every village 1 director unless given."""
    lines = ["村(社区)代码,年度,儿童主任人数"]
    lines += [f"{v},2024,{counts.get(v, 1)}" for v in _villages()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_the_manifest_records_who_handed_each_file_in(people):
    mz = Actor.of(add("tx_mz", "agency", unit="civil_affairs"))
    by_agency = submit(GOOD, "cd.csv", agency_code="civil_affairs", actor=mz, **KEY)
    by_cli = submit(GOOD, "cd.csv", agency_code="civil_affairs", **KEY)
    rejected = submit(b"x,y\n1,2\n", "bad.csv", agency_code="civil_affairs", actor=mz, **KEY)
    assert rejected.status == "rejected"
    who = store.read_manifest(people.parent).set_index("submission_id")["submitted_by"]
    assert who[by_agency.submission_id] == "tx_mz"
    assert who[by_cli.submission_id] == f"cli:{os_user()}"
    assert who[rejected.submission_id] == "tx_mz"


def test_cli_records_the_os_user_or_the_as_user(people):
    add("tx_mz", "agency", unit="civil_affairs")
    env = {"WEIBAO_SUBMISSIONS": str(people.parent)}
    args = ["submit", CORPUS / "cd_gbk.csv", "--type", "child_directors", "--unit"]
    args += ["civil_affairs", "--jurisdiction", "330483", "--period", "2024"]
    assert weibao(*args, env=env).returncode == 0
    assert weibao(*args, "--as", "tx_mz", env=env).returncode == 0
    listed = weibao("submissions", "--format", "json", env=env)
    import json

    assert [r["submitted_by"] for r in json.loads(listed.stdout)] == [
        f"cli:{os_user()}",
        "tx_mz",
    ]


def test_an_old_manifest_without_the_new_columns_reads_and_takes_an_append(people):
    """A store written before issue 9: the same lines without submitted_by and withdraws."""
    root = people.parent
    first = submit(GOOD, "cd.csv", agency_code="civil_affairs", **KEY)
    path = root / store.MANIFEST
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    old = [c for c in store.MANIFEST_COLUMNS if c not in ("submitted_by", "withdraws")]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=old, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")

    m = store.read_manifest(root)
    assert list(m.submission_id) == [first.submission_id]
    assert m.loc[0, "submitted_by"] == "" and m.loc[0, "withdraws"] == ""
    assert m.attrs["problems"] == []

    second = submit(GOOD, "cd.csv", agency_code="civil_affairs", **KEY)
    assert second.supersedes == first.submission_id
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == store.MANIFEST_COLUMNS
    m = store.read_manifest(root)
    assert list(m.submission_id) == [first.submission_id, second.submission_id]
    assert list(m.submitted_by) == ["", f"cli:{os_user()}"]
    assert (m.rows.astype(int) > 0).all() and m.attrs["problems"] == []
    assert storekeeping.verify(root).ok


def test_withdraw_falls_back_to_the_previous_submission_then_to_none(people):
    root = people.parent
    mz = Actor.of(add("tx_mz", "agency", unit="civil_affairs"), os_user="clerk")
    t = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    a = submit(_directors({}), "a.csv", agency_code="civil_affairs", actor=mz, now=t, **KEY)
    b = submit(_directors({_villages()[0]: 2}), "b.csv", agency_code="civil_affairs", actor=mz,
               now=t + timedelta(minutes=1), **KEY)  # fmt: skip
    assert store._latest_accepted(root, *CD) == b.submission_id

    entry = withdraw(b.submission_id, actor=mz)
    assert (entry.status, entry.withdraws, entry.submitted_by) == (
        "withdrawn",
        b.submission_id,
        "tx_mz",
    )
    assert store._latest_accepted(root, *CD) == a.submission_id
    m = store.read_manifest(root).set_index("submission_id")
    assert (root / m.loc[b.submission_id, "stored_path"]).is_file()  # the original stays
    assert (root / m.loc[b.submission_id, "original_path"]).is_file()
    assert list(store.in_force(store.read_manifest(root)).submission_id) == [a.submission_id]

    c = submit(_directors({}), "c.csv", agency_code="civil_affairs", actor=mz,
               now=t + timedelta(minutes=2), **KEY)  # fmt: skip
    assert c.supersedes == a.submission_id  # one chain: the withdrawn one is off it
    withdraw(c.submission_id, actor=mz)
    withdraw(a.submission_id, actor=mz)
    assert store._latest_accepted(root, *CD) is None
    with refused("没有可撤回的报送"):
        withdraw(a.submission_id, actor=mz)  # already withdrawn
    last = audit.read(people)[-1]
    assert (last["action"], last["who"], last["object"]) == (
        "submission_withdrawn",
        "tx_mz",
        a.submission_id,
    )
    assert last["detail"]["os_user"] == "clerk"
    assert storekeeping.verify(root).ok  # withdrawal lines name no files
    assert audit.verify(people).ok


def test_withdraw_is_refused_for_another_unit_and_after_the_lock(people):
    mz = Actor.of(add("tx_mz", "agency", unit="civil_affairs"))
    edu = Actor.of(add("tx_edu", "agency", unit="education"))
    stat = Actor.of(add("zhang", "statistician"))
    leader = Actor.of(add("li", "leader"))
    done = submit(GOOD, "cd.csv", agency_code="civil_affairs", actor=mz, **KEY)
    for other in (edu, leader):
        with refused("无权撤回"):
            withdraw(done.submission_id, actor=other)
    assert audit.read(people)[-1]["action"] == "withdrawal_refused"

    approval.approve(stat, "330483", "2024")
    with pytest.raises(WeibaoError) as exc:
        withdraw(done.submission_id, actor=mz)
    assert exc.value.message_zh.startswith("E_PERIOD_LOCKED") and "zhang" in exc.value.message_zh
    assert store._latest_accepted(people.parent, *CD) == done.submission_id  # nothing appended

    approval.unlock(stat, "330483", "2024", "更正儿童主任人数")
    withdraw(done.submission_id, actor=mz)
    assert store._latest_accepted(people.parent, *CD) is None


def test_withdraw_cli_with_as_and_errors_in_words(people):
    add("tx_mz", "agency", unit="civil_affairs")
    add("tx_edu", "agency", unit="education")
    env = {"WEIBAO_SUBMISSIONS": str(people.parent)}
    done = submit(GOOD, "cd.csv", agency_code="civil_affairs", **KEY)
    other = weibao("withdraw", done.submission_id, "--as", "tx_edu", env=env)
    assert other.returncode == 1 and "无权撤回" in other.stderr
    assert "Traceback" not in other.stderr and "may not withdraw" in other.stderr
    unknown = weibao("withdraw", "no-such-id", env=env)
    assert unknown.returncode == 1 and "没有可撤回的报送" in unknown.stderr
    ok = weibao("withdraw", done.submission_id, "--as", "tx_mz", env=env)
    assert ok.returncode == 0, ok.stderr
    m = store.read_manifest(people.parent)
    assert m.iloc[-1]["status"] == "withdrawn" and m.iloc[-1]["submitted_by"] == "tx_mz"


def test_the_rebuilt_warehouse_no_longer_carries_the_withdrawn_figures(
    demo_store, published_warehouse, tmp_path
):
    """A correction that covers every village, then withdrawn: the build uses the demo's
    file again, so the coverage is the published one (counted here from that file)."""
    root = tmp_path / "store"
    shutil.copytree(demo_store, root)
    m = store.in_force(store.read_manifest(root))
    demo = m[
        (m.submission_type == "child_directors")
        & (m.agency_code == "civil_affairs")
        & (m.jurisdiction_code == COUNTY)
        & (m.period == "2024")
    ].iloc[-1]
    rows = pd.read_csv(root / demo.stored_path, dtype={"org_unit_code": str})
    covered = int((rows.child_director_count >= 1).sum())
    assert covered < len(_villages())  # the demo county has villages without a director
    fix = submit(
        _directors({}), "更正.csv", agency_code="civil_affairs", root=root, **KEY
    )  # every village covered
    assert fix.status != "rejected", fix.issues
    withdraw(fix.submission_id, root=root)
    wh = tmp_path / "wh" / "weibao.duckdb"
    build(wh, submissions=root)
    n, d, _v = _coverage(wh)
    assert (n, d) == (covered, len(_villages()))
    assert _coverage(wh) == _coverage(published_warehouse)
