"""Issue 9, the server side: users and password rules, lockout, the hash-chained audit log,
approval and lock in the intake, and who may submit for whom (the intake function and the
CLI's --as). Real files in a temporary store, the real bcrypt, the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from weibao import approval, audit, users
from weibao.access import Actor, local_cli
from weibao.errors import WeibaoError
from weibao.intake import submit
from weibao.paths import ROOT
from weibao.settings import settings

CORPUS = Path(__file__).parent / "corpus" / "files"
GOOD = (CORPUS / "cd_gbk.csv").read_bytes()  # child_directors, civil_affairs, 330483: accepted
KEY = dict(submission_type="child_directors", jurisdiction_code="330483", period="2024")
CLI = local_cli()


@pytest.fixture
def people(tmp_path, monkeypatch) -> Path:
    """An empty store with its people folder; cheap bcrypt (4 rounds) so that tests are fast."""
    store = tmp_path / "submissions"
    monkeypatch.setenv("WEIBAO_SUBMISSIONS", str(store))
    monkeypatch.delenv("WEIBAO_PEOPLE", raising=False)
    monkeypatch.setenv("WEIBAO_PASSWORD_HASH_ROUNDS", "4")
    settings.cache_clear()
    yield store / "people"
    settings.cache_clear()


@contextmanager
def refused(zh: str):
    """A WeibaoError whose Chinese message (or hint, or details) says `zh`."""
    with pytest.raises(WeibaoError) as exc:
        yield
    said = exc.value.message_zh + exc.value.hint_zh + "".join(exc.value.details)
    assert zh in said, exc.value.render()


def weibao(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weibao", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=os.environ | (env or {}),
        cwd=ROOT,
        timeout=300,
    )


def add(name: str, role: str, jurisdiction: str = "330483", unit: str = "", pw="Start-pass1"):
    return users.add(
        name, pw, role=role, jurisdiction=jurisdiction, unit=unit, by=CLI.name, by_role=CLI.role
    )


# --- passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdefg1", True),  # 8 characters, 3 classes
        ("abcdef1!", True),  # lower, digit, symbol
        ("Abcdef1", False),  # 7 characters
        ("abcdefgh1", False),  # 2 classes
        ("ABCDEFGH!", False),  # 2 classes
        ("密码密码Ab1!", True),  # CJK counts as "other"; 4 classes
        ("A1!" + "a" * 70, False),  # 73 bytes: bcrypt would cut it
    ],
)
def test_password_rules(password, ok):
    assert (users.password_problems(password) == []) is ok


def test_password_may_not_contain_the_name():
    assert users.password_problems("Zhang-2024", "zhang")
    assert not users.password_problems("Zhang-2024", "li")


def test_random_passwords_meet_the_rules_and_differ():
    seen = {users.random_password() for _ in range(50)}
    assert len(seen) == 50
    assert all(users.password_problems(p) == [] for p in seen)


def test_stored_hash_is_what_streamlit_authenticator_reads(people):
    from streamlit_authenticator import Authenticate, Hasher

    add("zhang", "statistician", pw="Tongxiang#24")
    text = users.users_file().read_text(encoding="utf-8")
    assert "Tongxiang#24" not in text  # never the password itself
    creds = users.load_credentials()
    stored = creds["credentials"]["usernames"]["zhang"]["password"]
    assert Hasher.is_hash(stored)
    assert Hasher.check_pw("Tongxiang#24", stored)
    assert not Hasher.check_pw("Tongxiang#25", stored)
    # the library accepts the file's layout as its credentials
    auth = Authenticate(creds["credentials"], "weibao", "k" * 32, 0)
    assert auth.authentication_controller.authentication_model.check_credentials(
        "zhang", "Tongxiang#24"
    )
    assert oct(users.users_file().stat().st_mode & 0o777) == "0o600"


# --- signing in and lockout ----------------------------------------------------------------


def test_five_failures_lock_for_fifteen_minutes_even_with_the_right_password(people):
    add("li", "leader", pw="Leader-pass1")
    t0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    for i in range(4):
        with refused("用户名或密码不正确"):
            users.sign_in("li", "wrong", now=t0 + timedelta(seconds=i))
    assert not users.get("li").locked(t0)
    with refused("已锁定 15 分钟"):
        users.sign_in("li", "wrong", now=t0 + timedelta(seconds=5))
    # locked: the right password is refused for 15 minutes
    with refused("已锁定"):
        users.sign_in("li", "Leader-pass1", now=t0 + timedelta(minutes=14))
    user = users.sign_in("li", "Leader-pass1", now=t0 + timedelta(minutes=15, seconds=6))
    assert user.role == "leader" and user.must_change_password
    actions = [e["action"] for e in audit.read()]
    assert actions == ["user_added"] + ["sign_in_failed"] * 4 + [
        "account_locked",
        "sign_in_failed",
        "sign_in",
    ]


def test_success_resets_the_failure_count(people):
    add("li", "leader", pw="Leader-pass1")
    for _ in range(4):
        with pytest.raises(WeibaoError):
            users.sign_in("li", "wrong")
    users.sign_in("li", "Leader-pass1")
    for _ in range(4):  # four more do not lock: the count restarted
        with refused("用户名或密码不正确"):
            users.sign_in("li", "wrong")
    assert not users.get("li").locked()


def test_unknown_name_and_wrong_password_read_the_same(people):
    add("li", "leader", pw="Leader-pass1")
    with pytest.raises(WeibaoError) as unknown:
        users.sign_in("nobody", "Leader-pass1")
    with pytest.raises(WeibaoError) as wrong:
        users.sign_in("li", "Leader-pass2")
    assert unknown.value.message_zh == wrong.value.message_zh


def test_disabled_account_cannot_sign_in_and_reset_clears_a_lock(people):
    add("li", "leader", pw="Leader-pass1")
    users.set_disabled("li", True, by="cli:test", by_role="statistician")
    with refused("已停用"):
        users.sign_in("li", "Leader-pass1")
    users.set_disabled("li", False, by="cli:test", by_role="statistician")
    for _ in range(5):
        with pytest.raises(WeibaoError):
            users.sign_in("li", "nope")
    assert users.get("li").locked()
    users.reset("li", "Brand-new-pw2", by="cli:test", by_role="statistician")
    assert users.sign_in("li", "Brand-new-pw2").must_change_password


def test_first_sign_in_change(people):
    add("li", "leader", pw="Leader-pass1")
    with refused("原密码不正确"):
        users.change_password("li", "Leader-pass2", "Other-pass9")
    with refused("不符合要求"):
        users.change_password("li", "Leader-pass1", "short")
    assert not users.change_password("li", "Leader-pass1", "Other-pass9").must_change_password
    assert users.sign_in("li", "Other-pass9").name == "li"


def test_session_idle_expiry(people, monkeypatch):
    monkeypatch.setenv("WEIBAO_SESSION_IDLE_MINUTES", "30")
    settings.cache_clear()
    t = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert not users.session_expired(t, now=t + timedelta(minutes=29))
    assert users.session_expired(t, now=t + timedelta(minutes=31))


# --- the audit chain -----------------------------------------------------------------------


def _three_entries(folder: Path) -> Path:
    for i in range(3):
        audit.record("build", who="cli:test", role="statistician", object=f"b{i}", folder=folder)
    return folder / audit.LOG


def test_audit_chain_verifies_and_detects_an_edited_line(people):
    log = _three_entries(people)
    assert audit.verify(people).ok
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    entry = json.loads(lines[1])
    entry["who"] = "someone_else"  # an edit that keeps valid JSON and its old hash
    lines[1] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
    log.write_text("".join(lines), encoding="utf-8")
    result = audit.verify(people)
    assert not result.ok and result.line == 2


def test_audit_chain_detects_a_removed_line_and_a_cut_tail(people):
    log = _three_entries(people)
    original = log.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    log.write_text(lines[0] + lines[2], encoding="utf-8")
    assert audit.verify(people).line == 2
    log.write_text("".join(lines[:2]), encoding="utf-8")  # the last entry removed
    cut = audit.verify(people)
    assert not cut.ok and "3" in cut.problem_en and "2" in cut.problem_en


def test_audit_cli_verify_exit_codes_and_json(people):
    log = _three_entries(people)
    env = {"WEIBAO_PEOPLE": str(people)}
    ok = weibao("audit", "--verify", env=env)
    assert ok.returncode == 0 and "3" in ok.stdout
    listed = json.loads(weibao("audit", "--format", "json", env=env).stdout)
    assert [e["object"] for e in listed] == ["b0", "b1", "b2"]
    assert (
        weibao("audit", "--since", "2999-01-01", "--format", "json", env=env).stdout.strip() == "[]"
    )
    log.write_text(log.read_text(encoding="utf-8").replace('"b1"', '"bX"'), encoding="utf-8")
    broken = weibao("audit", "--verify", env=env)
    assert broken.returncode == 2 and "2" in broken.stderr


# --- who may submit ------------------------------------------------------------------------


def test_agency_cannot_submit_for_another_unit_through_the_intake_function(people):
    agency = Actor.of(add("tx_edu", "agency", unit="education"))
    with refused("无权"):
        submit(GOOD, "cd.csv", agency_code="civil_affairs", actor=agency, **KEY)
    store = people.parent
    assert not (store / "manifest.csv").exists()  # refused before anything was stored
    assert audit.read(people)[-1]["action"] == "submission_refused"
    assert audit.read(people)[-1]["who"] == "tx_edu"


def test_agency_submits_for_its_own_unit_and_is_recorded(people):
    agency = Actor.of(add("tx_mz", "agency", unit="civil_affairs"), os_user="clerk")
    receipt = submit(GOOD, "cd.csv", agency_code="civil_affairs", actor=agency, **KEY)
    assert receipt.status == "accepted"
    last = audit.read(people)[-1]
    assert (last["action"], last["who"], last["role"], last["object"]) == (
        "submission_accepted",
        "tx_mz",
        "agency",
        receipt.submission_id,
    )
    assert last["detail"]["os_user"] == "clerk"


def test_agency_of_another_jurisdiction_and_a_leader_are_refused(people):
    other = Actor.of(add("fj_mz", "agency", jurisdiction="35", unit="civil_affairs"))
    leader = Actor.of(add("tx_lead", "leader"))
    for actor in (other, leader):
        with refused("无权"):
            submit(GOOD, "cd.csv", agency_code="civil_affairs", actor=actor, **KEY)


def test_cli_as_an_agency_user_for_another_unit_is_refused(people):
    add("tx_edu", "agency", unit="education")
    env = {"WEIBAO_SUBMISSIONS": str(people.parent)}
    args = ["submit", CORPUS / "cd_gbk.csv", "--type", "child_directors", "--jurisdiction"]
    args += ["330483", "--period", "2024", "--format", "json"]
    refused = weibao(*args, "--unit", "civil_affairs", "--as", "tx_edu", env=env)
    assert refused.returncode == 1
    assert "无权" in refused.stderr and "Traceback" not in refused.stderr
    done = weibao(*args, "--unit", "civil_affairs", env=env)  # the local statistician may
    assert done.returncode == 0, done.stderr
    last = audit.read(people)[-1]
    assert last["who"].startswith("cli:") and last["role"] == "statistician"
    assert last["detail"]["os_user"]


# --- approval and lock ---------------------------------------------------------------------


def test_locked_period_refuses_a_submission_naming_who_and_unlock_reopens(people):
    stat = Actor.of(add("zhang", "statistician"))
    assert submit(GOOD, "cd.csv", agency_code="civil_affairs", **KEY).status == "accepted"
    event = approval.approve(stat, "330483", "2024")
    receipt = submit(GOOD, "cd.csv", agency_code="civil_affairs", **KEY)
    assert receipt.status == "rejected"
    (issue,) = receipt.errors
    assert issue.code == "E_PERIOD_LOCKED"
    assert "zhang" in issue.message_zh and event.when_zh() in issue.message_zh
    with refused("原因"):
        approval.unlock(stat, "330483", "2024", reason="  ")
    approval.unlock(stat, "330483", "2024", reason="民政局更正村级数据")
    assert submit(GOOD, "cd.csv", agency_code="civil_affairs", **KEY).status == "accepted"
    unlocks = [e for e in audit.read(people) if e["action"] == "unlock"]
    assert unlocks[-1]["detail"]["reason"] == "民政局更正村级数据"


def test_what_a_lock_covers(people):
    stat = Actor.of(add("zhang", "statistician", jurisdiction="3304"))
    approval.approve(stat, "3304", "2024", "child_directors")  # a city, one type, a year
    assert approval.in_force("child_directors", "330483", "2024")  # county below the city
    assert approval.in_force("child_directors", "330483", "2024Q3")  # quarter of the year
    assert approval.in_force("staff_checks", "330483", "2024") is None  # another type
    assert approval.in_force("child_directors", "330483", "2023") is None  # another year
    assert approval.in_force("child_directors", "350402", "2024") is None  # outside the city
    # a county statistician cannot undo the city's lock; the city can
    county = Actor.of(add("tx_stat", "statistician"))
    with refused("上级"):
        approval.unlock(county, "330483", "2024", reason="更正")
    approval.unlock(stat, "3304", "2024", reason="更正", submission_type="child_directors")
    assert approval.in_force("child_directors", "330483", "2024") is None


def test_only_statisticians_of_the_jurisdiction_approve(people):
    leader = Actor.of(add("li", "leader"))
    with refused("无权"):
        approval.approve(leader, "330483", "2024")
    fujian = Actor.of(add("fj", "statistician", jurisdiction="35"))
    with refused("不在本账号辖区"):
        approval.approve(fujian, "330483", "2024")


# --- the users CLI -------------------------------------------------------------------------


def test_users_cli_reads_the_password_from_stdin_never_argv(people):
    env = {"WEIBAO_PEOPLE": str(people), "WEIBAO_PASSWORD_HASH_ROUNDS": "4"}
    base = ["users", "add", "wang", "--role", "agency", "--jurisdiction", "330483"]
    assert (
        weibao(*base, "--unit", "civil_affairs", "--password", "X-pass-123", env=env).returncode
        == 1
    )
    weak = weibao(*base, "--unit", "civil_affairs", stdin="password\n", env=env)
    assert weak.returncode == 1 and "至少 3 类" in weak.stderr
    no_unit = weibao(*base, stdin="Tx-clerk-01\n", env=env)
    assert no_unit.returncode == 1 and "--unit" in no_unit.stderr
    made = weibao(*base, "--unit", "civil_affairs", stdin="Tx-clerk-01\n", env=env)
    assert made.returncode == 0, made.stderr
    listed = json.loads(weibao("users", "list", "--format", "json", env=env).stdout)
    assert listed == [
        {
            "name": "wang",
            "role": "agency",
            "jurisdiction": "330483",
            "unit": "civil_affairs",
            "disabled": False,
            "locked": False,
            "must_change_password": True,
        }
    ]
    assert weibao("users", "disable", "wang", env=env).returncode == 0
    assert users.get("wang", people).disabled
    assert weibao("users", "reset", "wang", stdin="Tx-clerk-02\n", env=env).returncode == 0
    assert users.password_matches(
        "Tx-clerk-02",
        users.load_credentials(people)["credentials"]["usernames"]["wang"]["password"],
    )
    assert audit.verify(people).ok


def test_demo_creates_one_user_per_role_with_passwords_printed_once(people, capsys):
    from weibao.cli import _demo_users

    _demo_users("330483")
    printed = capsys.readouterr().out
    lines = [ln.split() for ln in printed.splitlines() if ln.startswith("  demo_")]
    assert sorted(r for _, r, _, _ in lines) == sorted(users.ROLES)
    for name, role, juris, password in lines:
        user = users.sign_in(name, password)  # the printed password works
        assert (user.role, user.jurisdiction, user.must_change_password) == (role, juris, True)
    assert users.get("demo_agency").unit == "civil_affairs"
    _demo_users("330483")  # again: nothing new, nothing printed, passwords unchanged
    assert capsys.readouterr().out == ""
    assert users.sign_in(lines[0][0], lines[0][3]).name == lines[0][0]
