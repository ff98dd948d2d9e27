"""Sign-in for the dashboard: streamlit-authenticator's form, weibao's rules around it.

streamlit-authenticator 0.4 draws the form and checks the password against the bcrypt hashes
of users.yml. It has no timed lockout, no disabled accounts, no first-sign-in change and no
idle expiry, so around it: disabled and locked users are handed to it with a hash nothing
matches (their failed attempt is still seen, so the page can say "locked until"); each attempt
is recorded by weibao.users.record_attempt (lockout, audit); a user who must change the
password sees only the change form; a session idle past session_idle_minutes signs in again.
Its re-authentication cookie is not used (expiry 0): every new browser session signs in, so
lockout, disabling and idle expiry cannot be bypassed by a cookie.

With sign_in_required = false (weibao.toml / WEIBAO_SIGN_IN_REQUIRED, for development and the
page tests only; `weibao serve` refuses it on any address but loopback) the dashboard acts as
the local statistician, as the CLI does.
"""

from __future__ import annotations

import copy
import secrets
from datetime import UTC, datetime

import bcrypt
import streamlit as st

from weibao import audit, users
from weibao.access import Actor, local_cli
from weibao.errors import WeibaoError
from weibao.i18n import t, word
from weibao.settings import settings

SESSION = "weibao_user"  # {"name", "last_seen"} of the signed-in user
_STAUTH_KEYS = ("authentication_status", "username", "name", "email", "roles", "logout")
# A bcrypt hash of a random secret: no password typed by anyone matches it.
_NOTHING_MATCHES = bcrypt.hashpw(secrets.token_bytes(32), bcrypt.gensalt(4)).decode()


def required() -> bool:
    return settings().sign_in_required


def _now() -> datetime:
    return datetime.now(UTC)


def form_credentials(now: datetime | None = None) -> dict:
    """users.yml as streamlit-authenticator's credentials, with disabled and locked users'
    hashes replaced so that the form cannot let them in."""
    creds = copy.deepcopy(users.load_credentials()["credentials"])
    for name, rec in creds["usernames"].items():
        user = users.get_record(name, rec)
        if user.disabled or user.locked(now):
            rec["password"] = _NOTHING_MATCHES
        rec["failed_login_attempts"] = 0  # counted by weibao.users, not by the library
    return creds


def _sign_in_form(lang: str) -> None:
    import streamlit_authenticator as stauth

    for key in _STAUTH_KEYS:  # no stale "signed in" from the library without our session
        st.session_state.pop(key, None)
    creds = form_credentials()
    auth = stauth.Authenticate(
        creds, "weibao_session", secrets.token_hex(16), 0, auto_hash=False, login_sleep_time=0
    )
    st.title(t("sign_in_title", lang))
    st.caption(t("sign_in_caption", lang))
    auth.login(
        location="main",
        key="weibao_sign_in",
        fields={
            "Form name": t("sign_in", lang),
            "Username": t("user_name", lang),
            "Password": t("password", lang),
            "Login": t("sign_in", lang),
        },
    )
    status = st.session_state.get("authentication_status")
    name = st.session_state.get("username") if status else None
    if not status:
        # the library counts a wrong password for a known name: that is who tried
        tried = [n for n, r in creds["usernames"].items() if r.get("failed_login_attempts")]
        if status is False:
            try:
                if tried:
                    users.record_attempt(tried[0], ok=False)
                else:
                    audit.record(
                        "sign_in_failed", who="(unknown)", role="", detail={"reason": "unknown"}
                    )
                    raise WeibaoError("用户名或密码不正确", "wrong user name or password", "")
            except WeibaoError as exc:
                st.error(exc.message_zh if lang == "zh" else exc.message_en, icon=":material/lock:")
        st.stop()
    for key in _STAUTH_KEYS:
        st.session_state.pop(key, None)
    try:
        users.record_attempt(name, ok=True)
    except WeibaoError as exc:
        st.error(exc.message_zh if lang == "zh" else exc.message_en, icon=":material/lock:")
        st.stop()
    st.session_state[SESSION] = {"name": name, "last_seen": _now()}
    st.rerun()


def _change_password_form(user: users.User, lang: str) -> None:
    st.title(t("change_password", lang))
    st.info(t("must_change_password", lang), icon=":material/key:")
    with st.form("weibao_change_password"):
        old = st.text_input(t("password_current", lang), type="password", key="pw_old")
        new = st.text_input(t("password_new", lang), type="password", key="pw_new")
        again = st.text_input(t("password_again", lang), type="password", key="pw_again")
        done = st.form_submit_button(t("change_password", lang))
    st.caption(t("password_rules", lang))
    if done:
        if new != again:
            st.error(t("passwords_differ", lang))
        else:
            try:
                users.change_password(user.name, old, new)
            except WeibaoError as exc:
                st.error(exc.message_zh if lang == "zh" else exc.message_en)
                for d in exc.details:
                    st.caption(d)
            else:
                st.rerun()
    st.stop()


def sign_out(reason: str = "sign_out") -> None:
    session = st.session_state.pop(SESSION, None)
    if session:
        try:
            role = users.get(session["name"]).role
        except WeibaoError:
            role = ""
        audit.record(reason, who=session["name"], role=role, object=session["name"])


def gate(lang: str) -> Actor:
    """The signed-in user as an Actor; otherwise draws the sign-in (or password change) form
    and stops the script. Without sign-in (development), the local statistician."""
    if not required():
        return local_cli()
    session = st.session_state.get(SESSION)
    if session and users.session_expired(session["last_seen"]):
        sign_out("session_expired")
        st.warning(t("session_expired", lang), icon=":material/timer_off:")
        session = None
    if not session:
        _sign_in_form(lang)
    try:
        user = users.get(session["name"])
    except WeibaoError:
        user = None
    if user is None or user.disabled:
        sign_out()
        st.rerun()
    session["last_seen"] = _now()
    if user.must_change_password:
        _change_password_form(user, lang)
    return Actor.of(user)


def audit_view(actor: Actor, obj: str) -> None:
    """Record that a statistician is shown small counts of children unsuppressed."""
    audit.record("view_unsuppressed", who=actor.name, role=actor.role, object=obj)


def sidebar(actor: Actor, lang: str) -> None:
    if not required():
        return
    role = word("roles", actor.role, lang) or actor.role
    st.caption(f":material/person: {actor.name} · {role} · {actor.jurisdiction}")
    if st.button(t("sign_out", lang), icon=":material/logout:", key="weibao_sign_out"):
        sign_out()
        st.rerun()
