"""Issue 9 through the pages with real sign-in (AppTest): a 督办单 opened by an inspector on the
挂牌督办 page, answered by the responsible agency on its page, closed by the inspector; each
user's 待办 shows what is theirs (the agency its deadlines and the case to answer, the
inspector the reply to verify); a reply naming a person is refused on the page too."""

from __future__ import annotations

from datetime import date, timedelta

import yaml
from test_people_pages import PW, app, people, said, sign_in

from weibao import audit, cases, users
from weibao.i18n import t
from weibao.paths import ROOT
from weibao.settings import settings

__all__ = ["people"]  # the fixture, shared with test_people_pages.py


def _as(name: str):
    at = sign_in(app(), name, PW)
    at.switch_page("views/cases.py").run()
    assert not at.exception, at.exception
    return at


def _agency_for(case) -> str:
    """A user of the case's first responsible unit (the item decides which unit that is)."""
    juris, unit = case.units()[0]
    name = f"u_{unit}"
    if name not in {u.name for u in users.list_users()}:
        users.add(name, PW, role="agency", jurisdiction=juris, unit=unit, by="cli:test",
                  by_role="statistician", must_change=False)  # fmt: skip
    return name


def test_inspector_opens_agency_replies_inspector_closes_on_the_pages(people):
    at = _as("tx_insp")
    at.text_area[0].input("请于月底前整改到位")
    [go] = [b for b in at.button if b.label == "交办督办单"]
    go.click().run()
    assert not at.exception, at.exception
    [case] = cases.load(people).values()
    assert (case.opened_by, case.status()) == ("tx_insp", "open")
    assert case.due == (date.today() + timedelta(days=30)).isoformat()

    agency = _agency_for(case)
    at = _as(agency)
    assert case.case_id in "".join(str(v) for df in at.dataframe for v in df.value.values.ravel())
    at.text_area[0].input("联系人张伟负责")  # a personal name: refused, nothing saved
    [go] = [b for b in at.button if b.label == "反馈整改情况"]
    go.click().run()
    assert "个人信息" in said(at)
    assert cases.get(case.case_id, people).state == "open"
    at.text_area[0].input("已逐村选聘儿童主任")
    [go] = [b for b in at.button if b.label == "反馈整改情况"]
    go.click().run()
    assert not at.exception, at.exception
    assert cases.get(case.case_id, people).state == "replied"

    at = sign_in(app(), "tx_insp", PW)  # 待办: the reply waits for the inspector's verification
    assert case.case_id in "\n".join(m.value for m in at.markdown)
    at.switch_page("views/cases.py").run()
    [close] = [b for b in at.button if b.label == "销号"]
    close.click().run()
    assert not at.exception, at.exception
    assert cases.get(case.case_id, people).status() == "closed"
    steps = [(e["action"], e["who"]) for e in audit.read(people) if e["action"].startswith("case_")]
    assert steps == [
        ("case_opened", "tx_insp"),
        ("case_replied", agency),
        ("case_closed", "tx_insp"),
    ]


def test_an_inspector_of_another_jurisdiction_sees_and_verifies_nothing(people):
    at = _as("tx_insp")
    at.text_area[0].input("限期整改")
    [go] = [b for b in at.button if b.label == "交办督办单"]
    go.click().run()
    [case] = cases.load(people).values()
    users.add("fj_insp", PW, role="inspector", jurisdiction="35", by="cli:test",
              by_role="statistician", must_change=False)  # fmt: skip
    at = _as("fj_insp")
    assert "暂无督办单" in "\n".join(c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "销号"]
    assert case.case_id not in "\n".join(m.value for m in at.markdown)


def _civil_affairs_deadlines(on: date, days: int) -> set[tuple[str, str, date]]:
    """From expectations/*.yml directly: the county-level types 民政局 submits and the periods
    whose deadline (period end + deadline_days) falls within `days` of `on`."""
    out = set()
    for path in sorted((ROOT / "expectations").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "civil_affairs" not in doc.get("submitters", []):
            continue
        if (doc.get("expected_from") or {}).get("per") != "county":
            continue
        ends = {f"{y}": date(y, 12, 31) for y in (on.year - 1, on.year)}
        if doc["period"] == "quarter":
            qe = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
            ends = {f"{y}Q{q}": date(y, *qe[q]) for y in (on.year - 1, on.year) for q in qe}
        for period, end in ends.items():
            due = end + timedelta(days=doc["deadline_days"])
            if on <= due <= on + timedelta(days=days):
                out.add((path.stem, period, due))
    return out


def test_agency_to_do_lists_its_deadlines_until_it_hands_in(people, monkeypatch):
    from weibao import todo
    from weibao.access import Actor
    from weibao.intake import submit
    from weibao.paths import submissions_dir

    monkeypatch.setenv("WEIBAO_AS_OF_DATE", "2025-01-05")
    mz = Actor.of(users.get("tx_mz"))
    expected = _civil_affairs_deadlines(date(2025, 1, 5), settings().todo_horizon_days)
    assert ("child_directors", "2024", date(2025, 1, 15)) in expected
    root = people.parent / "store"  # an empty store: nothing handed in yet
    got = todo.upcoming(mz, root=root)
    assert set(zip(got.submission_type, got.period, got.deadline, strict=True)) == expected

    good = (ROOT / "tests" / "corpus" / "files" / "cd_gbk.csv").read_bytes()  # 2024 villages
    receipt = submit(good, "cd.csv", submission_type="child_directors", agency_code="civil_affairs",
                     jurisdiction_code="330483", period="2024", actor=mz, root=root)  # fmt: skip
    assert receipt.status != "rejected"
    after = todo.upcoming(mz, root=root)
    assert ("child_directors", "2024") not in set(
        zip(after.submission_type, after.period, strict=True)
    )
    assert len(after) == len(expected) - 1
    assert submissions_dir() != root  # the page below reads the session's store

    at = sign_in(app(), "tx_mz", PW)  # the session's demo store: what is still due there
    due = todo.upcoming(mz)
    heads = [s.value for s in at.subheader]
    assert ("即将到期的报送" in heads) == (not due.empty)
    if not due.empty:
        [table] = [df.value for df in at.dataframe if t("deadline") in df.value.columns]
        assert list(table[t("submit_period")]) == list(due.period)


def test_agency_withdraws_on_its_page_until_the_period_is_locked(people, tmp_path, monkeypatch):
    from weibao import approval, store
    from weibao.access import Actor
    from weibao.intake import submit

    root = tmp_path / "store"
    monkeypatch.setenv("WEIBAO_SUBMISSIONS", str(root))  # the page reads this store's manifest
    mz = Actor.of(users.get("tx_mz"))
    good = (ROOT / "tests" / "corpus" / "files" / "cd_gbk.csv").read_bytes()
    key = dict(submission_type="child_directors", agency_code="civil_affairs",
               jurisdiction_code="330483", period="2024", actor=mz)  # fmt: skip
    first = submit(good, "a.csv", **key).submission_id
    second = submit(good, "b.csv", **key).submission_id

    at = sign_in(app(), "tx_mz", PW)
    at.switch_page("views/submit.py").run()
    at.selectbox(key="submit_type").set_value("child_directors").run()
    shown = [o.split(" · ")[0] for o in at.selectbox(key="withdraw_pick").options]
    assert shown == [second, first]  # newest first
    at.button(key="withdraw_go").click().run()
    assert not at.exception, at.exception
    assert f"已撤回 {second}" in said(at)
    last = store.read_manifest(root).iloc[-1]
    assert (last.status, last.withdraws, last.submitted_by) == ("withdrawn", second, "tx_mz")
    assert (
        store._latest_accepted(root, "child_directors", "civil_affairs", "330483", "2024") == first
    )

    approval.approve(Actor.of(users.get("tx_stat")), "330483", "2024")
    at.run()
    at.button(key="withdraw_go").click().run()  # the remaining one: now locked
    assert "E_PERIOD_LOCKED" in said(at) and "tx_stat" in said(at)
    assert (
        store._latest_accepted(root, "child_directors", "civil_affairs", "330483", "2024") == first
    )


def test_supervision_list_and_units_show_the_cases(people, mart):
    """The list shows each item's 督办 state; a case whose item left the list stays open and
    the list says its target is now met; 责任单位 counts a unit's cases."""
    from weibao.access import Actor

    at = sign_in(app(), "tx_lead", PW)
    year = int(at.session_state["year"])
    items = mart(
        "select * from fct_supervision_items where jurisdiction_code = '330483' "
        "and org_unit_code = '330483' and year = ? order by item_id",
        [year],
    )
    assert not items.empty, "the demo county lags somewhere in the default year"
    item = items.iloc[0].to_dict()
    office = Actor.of(users.get("tx_stat"))
    listed = cases.open_case(office, item, "2099-12-31", "限期整改")
    gone_item = {**item, "item_id": f"met_since|330483|{year}",
                 "responsible_member_units": "330483.civil_affairs"}  # fmt: skip
    gone = cases.open_case(office, gone_item, "2099-12-31", "限期整改")

    at.switch_page("views/supervision.py").run()
    assert not at.exception, at.exception
    [table] = [df.value for df in at.dataframe if t("cases") in df.value.columns]
    assert "已交办" in list(table[t("cases")])
    assert list(table[t("cases")]).count("已交办") == 1  # only the item with a case
    assert f"督办单 {gone.case_id} 的事项已不在督办清单上" in said(at)
    assert listed.case_id not in said(at)  # still on the list: nothing to say

    at.switch_page("views/units.py").run()
    assert not at.exception, at.exception
    lines = [m.value for m in at.markdown if m.value.startswith(f"**{t('cases')}**")]
    counted = sum(int(x) for line in lines for x in line.split("已交办 ")[1:2])
    owners = [u for u in str(item["responsible_member_units"]).split(";") if u]
    assert counted == len(owners) + 1  # each owner counts the listed case; 民政局 the other


def test_case_open_from_the_cli_reads_the_item_from_the_publication(people, mart):
    import os
    import subprocess
    import sys

    [item_id] = mart(
        "select min(item_id) as i from fct_supervision_items where org_unit_code = '330483'"
    )["i"]

    def case(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "weibao", "case", *args], cwd=ROOT,
                              env=dict(os.environ), capture_output=True, text=True, timeout=300)  # fmt: skip

    opened = case("open", item_id, "--due", "2099-01-31", "--instruction", "限期整改",
                  "--as", "tx_insp")  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    [made] = cases.load(people).values()
    assert (made.item["item_id"], made.opened_by, made.due) == (item_id, "tx_insp", "2099-01-31")
    leader = case("open", item_id, "--due", "2099-01-31", "--instruction", "x", "--as", "tx_lead")
    assert leader.returncode == 1 and "无权" in leader.stderr and "Traceback" not in leader.stderr
    unknown = case("open", "nothing|330483|2022", "--due", "2099-01-31", "--instruction", "x")
    assert unknown.returncode == 1 and "督办清单中没有事项" in unknown.stderr
    assert len(cases.load(people)) == 1
