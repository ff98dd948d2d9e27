"""Users: who may sign in, with which role, for which jurisdiction and unit.

The credentials file `<people>/users.yml` (not committed: it lives in the store, see
weibao.paths.people_dir) has streamlit-authenticator 0.4's layout, so the dashboard can hand
it to `stauth.Authenticate` as it is:

    credentials:
      usernames:
        zhang:
          name: zhang
          password: $2b$12$...         # bcrypt, by stauth.Hasher
          roles: [statistician]
          jurisdiction: "330483"
          unit: ""                      # agency users: their member unit (agency_code)
          disabled: false
          must_change_password: true    # set by add and reset: changed at first sign-in
          failed_login_attempts: 0
          locked_until: ""              # ISO time; 5 failures lock for 15 minutes
          password_changed_at: ...

streamlit-authenticator has no timed lockout, no disabled accounts and no first-sign-in
change, so `sign_in()` here does the checking (with its Hasher) and the rules around it; the
dashboard's form calls it. There is no default account: the first statistician is created with
`weibao users add`.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import string
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import bcrypt
import yaml

from weibao import audit
from weibao.errors import WeibaoError
from weibao.paths import people_dir

USERS = "users.yml"
ROLES = ("leader", "statistician", "agency", "inspector")
# Lower case only: streamlit-authenticator lower-cases the names it is given.
NAME_RE = re.compile(r"^[a-z0-9_.\-\u4e00-\u9fff]{2,32}$")
# bcrypt reads at most 72 bytes; a longer password would be silently truncated.
MAX_PASSWORD_BYTES = 72
_CST = timezone(timedelta(hours=8))  # messages give Beijing time


@dataclass(frozen=True)
class User:
    name: str
    role: str
    jurisdiction: str
    unit: str = ""
    disabled: bool = False
    must_change_password: bool = False
    failed_login_attempts: int = 0
    locked_until: str = ""

    def locked(self, now: datetime | None = None) -> bool:
        return bool(self.locked_until) and _parse(self.locked_until) > (now or _utcnow())


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def hash_password(password: str) -> str:
    """bcrypt, exactly as streamlit-authenticator's Hasher.hash does (hashpw with gensalt), so
    its Authenticate reads the file; called directly because importing the library takes ~3 s
    and starts Streamlit, which the CLI does not need. Rounds: password_hash_rounds."""
    from weibao.settings import settings

    salt = bcrypt.gensalt(rounds=settings().password_hash_rounds)
    return bcrypt.hashpw(password.encode("utf-8"), salt).decode()


def password_matches(password: str, hashed: str) -> bool:
    """bcrypt.checkpw, as Hasher.check_pw; False (not an error) for a damaged hash."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode())
    except (ValueError, TypeError):
        return False


# --- password rules ------------------------------------------------------------------------


def password_problems(password: str, name: str = "") -> list[str]:
    """What is wrong with a new password, in Chinese with English; empty when it is good.
    Rules (等级保护): at least 8 characters, from at least 3 of 4 classes (lower case, upper
    case, digits, other), not the user name, and at most 72 bytes (bcrypt's limit)."""
    problems = []
    if len(password) < 8:
        problems.append(f"至少 8 个字符(现有 {len(password)} 个)/ at least 8 characters")
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    if sum(classes) < 3:
        problems.append(
            "须含小写字母、大写字母、数字、符号中的至少 3 类 / "
            "needs 3 of: lower case, upper case, digits, symbols"
        )
    if name and name.lower() in password.lower():
        problems.append("不能包含用户名 / must not contain the user name")
    if password != password.strip():  # the sign-in form strips what is typed
        problems.append("首尾不能有空格 / no spaces at the start or end")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        problems.append(f"不超过 {MAX_PASSWORD_BYTES} 字节 / at most {MAX_PASSWORD_BYTES} bytes")
    return problems


def check_password(password: str, name: str = "") -> None:
    problems = password_problems(password, name)
    if problems:
        raise WeibaoError(
            "密码不符合要求",
            "the password does not meet the rules",
            "换一个至少 8 位、混合大小写字母、数字和符号的密码",
            problems,
        )


def random_password(length: int = 14) -> str:
    """A password that meets the rules (all four classes), from the OS's secure source."""
    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#%+-=?@^_"]
    while True:
        chars = [secrets.choice(p) for p in pools]
        chars += [secrets.choice("".join(pools)) for _ in range(length - len(pools))]
        secrets.SystemRandom().shuffle(chars)
        pw = "".join(chars)
        if not password_problems(pw):
            return pw


# --- the file ------------------------------------------------------------------------------


def users_file(folder: Path | None = None) -> Path:
    return (folder or people_dir()) / USERS


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".users.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load_credentials(folder: Path | None = None) -> dict:
    """The credentials dict in streamlit-authenticator's layout (empty if no file)."""
    path = users_file(folder)
    if not path.exists():
        return {"credentials": {"usernames": {}}}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise WeibaoError(
            f"用户文件 {path} 无法读取", f"cannot read the users file {path}: {exc}"
        ) from None
    doc.setdefault("credentials", {}).setdefault("usernames", {})
    return doc


def _save(doc: dict, folder: Path) -> None:
    path = users_file(folder)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-users-", suffix=".yml")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)  # password hashes: readable by the service account only
    os.replace(tmp, path)


def _user(name: str, rec: dict) -> User:
    return User(
        name=name,
        role=(rec.get("roles") or [""])[0],
        jurisdiction=str(rec.get("jurisdiction", "")),
        unit=str(rec.get("unit") or ""),
        disabled=bool(rec.get("disabled", False)),
        must_change_password=bool(rec.get("must_change_password", False)),
        failed_login_attempts=int(rec.get("failed_login_attempts") or 0),
        locked_until=str(rec.get("locked_until") or ""),
    )


def get_record(name: str, rec: dict) -> User:
    """A User from one record of the credentials dict."""
    return _user(name, rec)


def list_users(folder: Path | None = None) -> list[User]:
    recs = load_credentials(folder)["credentials"]["usernames"]
    return [_user(n, r) for n, r in recs.items()]


def get(name: str, folder: Path | None = None) -> User:
    recs = load_credentials(folder)["credentials"]["usernames"]
    if name not in recs:
        raise WeibaoError(f"没有用户 {name}", f"no user {name}", "weibao users list 查看已有用户")
    return _user(name, recs[name])


def _validate_scope(role: str, jurisdiction: str, unit: str) -> None:
    if role not in ROLES:
        raise WeibaoError(
            f"未知的角色 {role}", f"unknown role {role}", "可选 / one of: " + ", ".join(ROLES)
        )
    from weibao.divisions import lookup

    if not jurisdiction or lookup(str(jurisdiction)) is None:
        raise WeibaoError(
            f"辖区代码 {jurisdiction} 不在2023年统计用区划代码中",
            f"jurisdiction {jurisdiction} is not a 2023 division code",
            "填写省(2位)、市(4位)或县(6位)区划代码,例如 330483",
        )
    if role == "agency":
        from weibao.submission_types import SUBMISSION_TYPES

        units = {u for t in SUBMISSION_TYPES.values() for u in t.submitters}
        if not unit:
            raise WeibaoError(
                "成员单位填报员须指定所属单位(--unit)",
                "an agency user needs its member unit (--unit)",
                "例如 --unit civil_affairs",
            )
        if unit not in units:
            raise WeibaoError(
                f"未知的报送单位 {unit}",
                f"unknown agency {unit}",
                "可选 / one of: " + ", ".join(sorted(units)),
            )
    elif unit:
        raise WeibaoError(
            "只有成员单位填报员(agency)有所属单位",
            "only agency users have a unit",
            "去掉 --unit",
        )


def add(
    name: str,
    password: str,
    *,
    role: str,
    jurisdiction: str,
    unit: str = "",
    by: str,
    by_role: str,
    folder: Path | None = None,
    must_change: bool = True,
) -> User:
    """Create a user. The password must meet the rules and is changed at first sign-in."""
    folder = folder or people_dir()
    if not NAME_RE.match(name):
        raise WeibaoError(
            f"用户名“{name}”不可用",
            f"user name {name!r} is not allowed",
            "2–32 个小写字母、数字、汉字或 _ . -",
        )
    _validate_scope(role, str(jurisdiction), unit)
    check_password(password, name)
    with _locked(folder):
        doc = load_credentials(folder)
        recs = doc["credentials"]["usernames"]
        if name in recs:
            raise WeibaoError(
                f"用户 {name} 已存在", f"user {name} exists", "换一个用户名,或 weibao users reset"
            )
        recs[name] = {
            "name": name,
            "password": hash_password(password),
            "roles": [role],
            "jurisdiction": str(jurisdiction),
            "unit": unit,
            "disabled": False,
            "must_change_password": must_change,
            "failed_login_attempts": 0,
            "locked_until": "",
            "password_changed_at": _iso(_utcnow()),
        }
        _save(doc, folder)
    audit.record(
        "user_added",
        who=by,
        role=by_role,
        object=name,
        detail={"role": role, "jurisdiction": str(jurisdiction), "unit": unit},
        folder=folder,
    )
    return get(name, folder)


def _update(name: str, folder: Path, **changes) -> User:
    with _locked(folder):
        doc = load_credentials(folder)
        recs = doc["credentials"]["usernames"]
        if name not in recs:
            raise WeibaoError(f"没有用户 {name}", f"no user {name}", "weibao users list")
        recs[name].update(changes)
        _save(doc, folder)
        return _user(name, recs[name])


def set_disabled(
    name: str, disabled: bool, *, by: str, by_role: str, folder: Path | None = None
) -> User:
    folder = folder or people_dir()
    user = _update(name, folder, disabled=disabled)
    audit.record(
        "user_disabled" if disabled else "user_enabled",
        who=by,
        role=by_role,
        object=name,
        folder=folder,
    )
    return user


def reset(name: str, password: str, *, by: str, by_role: str, folder: Path | None = None) -> User:
    """A new password set by a statistician: it must be changed at next sign-in; clears a lock."""
    folder = folder or people_dir()
    check_password(password, name)
    user = _update(
        name,
        folder,
        password=hash_password(password),
        must_change_password=True,
        failed_login_attempts=0,
        locked_until="",
        password_changed_at=_iso(_utcnow()),
    )
    audit.record("user_reset", who=by, role=by_role, object=name, folder=folder)
    return user


def change_password(name: str, old: str, new: str, folder: Path | None = None) -> User:
    """The user changes their own password (also the forced change at first sign-in)."""
    folder = folder or people_dir()
    recs = load_credentials(folder)["credentials"]["usernames"]
    if name not in recs or not password_matches(old, recs[name]["password"]):
        raise WeibaoError("原密码不正确", "the current password is wrong", "重新输入原密码")
    if new == old:
        raise WeibaoError("新密码不能与原密码相同", "the new password must differ", "换一个新密码")
    check_password(new, name)
    user = _update(
        name,
        folder,
        password=hash_password(new),
        must_change_password=False,
        password_changed_at=_iso(_utcnow()),
    )
    audit.record("password_changed", who=name, role=user.role, object=name, folder=folder)
    return user


# --- signing in ----------------------------------------------------------------------------


def sign_in(
    name: str, password: str, *, now: datetime | None = None, folder: Path | None = None
) -> User:
    """Check a name and password; return the user or raise a WeibaoError saying why not.
    (The dashboard's form checks the password with streamlit-authenticator and then calls
    record_attempt; the CLI and the tests call this.)"""
    folder = folder or people_dir()
    recs = load_credentials(folder)["credentials"]["usernames"]
    ok = name in recs and password_matches(password, recs[name]["password"])
    return record_attempt(name, ok=ok, now=now, folder=folder)


def record_attempt(
    name: str, *, ok: bool, now: datetime | None = None, folder: Path | None = None
) -> User:
    """Apply the account rules to one sign-in attempt whose password check gave `ok`.

    A locked or disabled account is refused even with the right password. Each wrong password
    counts; at `lockout_failures` in a row the account is locked for `lockout_minutes`. Every
    outcome is audited. The message for an unknown name and a wrong password is the same."""
    from weibao.settings import settings

    s = settings()
    folder = folder or people_dir()
    now = now or _utcnow()
    wrong = WeibaoError(
        "用户名或密码不正确",
        "wrong user name or password",
        f"连续 {s.lockout_failures} 次错误将锁定账号 {s.lockout_minutes} 分钟",
    )
    with _locked(folder):
        doc = load_credentials(folder)
        recs = doc["credentials"]["usernames"]
        rec = recs.get(name)
        if rec is None:
            outcome = ("sign_in_failed", "", {"reason": "unknown_user"})
            error: WeibaoError | None = wrong
        elif rec.get("disabled"):
            outcome = ("sign_in_failed", _user(name, rec).role, {"reason": "disabled"})
            error = WeibaoError(
                f"账号 {name} 已停用", f"account {name} is disabled", "请联系未保办统计员"
            )
        elif rec.get("locked_until") and _parse(rec["locked_until"]) > now:
            until = _parse(rec["locked_until"])
            outcome = ("sign_in_failed", _user(name, rec).role, {"reason": "locked"})
            error = WeibaoError(
                f"账号 {name} 已锁定,{until.astimezone(_CST):%H:%M}(北京时间)后可再试",
                f"account {name} is locked until {_iso(until)}",
                "等锁定时间过后再试,或请统计员 weibao users reset 重置密码",
            )
        elif ok:
            rec["failed_login_attempts"] = 0
            rec["locked_until"] = ""
            outcome = ("sign_in", _user(name, rec).role, "")
            error = None
        else:
            failures = int(rec.get("failed_login_attempts") or 0) + 1
            if failures >= s.lockout_failures:
                rec["locked_until"] = _iso(now + timedelta(minutes=s.lockout_minutes))
                rec["failed_login_attempts"] = 0
                outcome = ("account_locked", _user(name, rec).role, {"failures": failures})
                error = WeibaoError(
                    f"连续 {failures} 次密码错误,账号 {name} 已锁定 {s.lockout_minutes} 分钟",
                    f"{failures} wrong passwords in a row: {name} is locked for "
                    f"{s.lockout_minutes} minutes",
                    "等锁定时间过后再试,或请统计员重置密码",
                )
            else:
                rec["failed_login_attempts"] = failures
                outcome = ("sign_in_failed", _user(name, rec).role, {"failures": failures})
                error = wrong
        if rec is not None:
            _save(doc, folder)
    action, role, detail = outcome
    audit.record(
        action, who=name, role=role, object=name, detail=detail, folder=folder, at=_iso(now)
    )
    if error is not None:
        raise error
    return _user(name, rec)


def session_expired(last_seen: datetime, now: datetime | None = None) -> bool:
    """Whether a session idle since `last_seen` must sign in again (session_idle_minutes)."""
    from weibao.settings import settings

    return (now or _utcnow()) - last_seen > timedelta(minutes=settings().session_idle_minutes)
