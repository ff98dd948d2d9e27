"""督办单 (issue 9): open → replied → closed, open → overdue, returned and replied again; who may
do each step; replies with personal data are refused; every step is audited and the chain
holds. Real files in a temporary people folder."""

from __future__ import annotations

from datetime import date

import pytest

from weibao import audit, cases, users
from weibao.access import Actor
from weibao.errors import WeibaoError
from weibao.settings import settings

# One row of fct_supervision_items as the supervision list shows it (桐乡市, child directors).
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


@pytest.fixture
def people(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIBAO_PEOPLE", str(tmp_path / "people"))
    monkeypatch.setenv("WEIBAO_PASSWORD_HASH_ROUNDS", "4")
    settings.cache_clear()
    yield tmp_path / "people"
    settings.cache_clear()


def actor(name: str, role: str, jurisdiction: str = "330483", unit: str = "") -> Actor:
    user = users.add(
        name,
        "Start-pass1",
        role=role,
        jurisdiction=jurisdiction,
        unit=unit,
        by="cli:test",
        by_role="statistician",
    )
    return Actor.of(user)


def test_open_replied_closed(people):
    office = actor("zhang", "statistician")
    mz = actor("tx_mz", "agency", unit="civil_affairs")
    case = cases.open_case(office, ITEM, "2026-12-31", "请于年底前补齐儿童主任")
    assert case.status(date(2026, 12, 2)) == "open"
    assert case.units() == [("330483", "civil_affairs")]
    case = cases.reply(mz, case.case_id, "已为 8 个村(社区)选聘儿童主任", "2026-12-20", "")
    assert case.status(date(2027, 1, 5)) == "replied"  # replied: past the due date is not overdue
    case = cases.verify(office, case.case_id, close=True)
    assert case.status(date(2027, 1, 5)) == "closed"
    actions = [e["action"] for e in audit.read(people) if e["action"].startswith("case_")]
    assert actions == ["case_opened", "case_replied", "case_closed"]
    assert audit.verify(people).ok


def test_open_becomes_overdue_after_the_due_date_without_a_reply(people):
    office = actor("zhang", "statistician")
    case = cases.open_case(office, ITEM, "2026-12-31", "限期整改")
    assert case.status(date(2026, 12, 31)) == "open"  # the due date itself is still in time
    assert case.status(date(2027, 1, 1)) == "overdue"
    shown = cases.frame(office, today=date(2027, 1, 1), folder=people)
    assert shown.loc[0, "status"] == "overdue"


def test_returned_then_replied_again_and_overdue_when_returned(people):
    office = actor("insp", "inspector")
    mz = actor("tx_mz", "agency", unit="civil_affairs")
    case = cases.open_case(office, ITEM, "2026-12-31", "限期整改")
    cases.reply(mz, case.case_id, "正在选聘", "2027-03-01")
    with pytest.raises(WeibaoError):
        cases.verify(office, case.case_id, close=False, reason="")  # a return needs a reason
    case = cases.verify(office, case.case_id, close=False, reason="措施不具体,未明确到村")
    assert case.status(date(2026, 12, 10)) == "returned"
    assert case.status(date(2027, 1, 2)) == "overdue"
    case = cases.reply(mz, case.case_id, "已明确到 8 个村,逐村选聘", "2027-02-01")
    assert case.status(date(2027, 1, 2)) == "replied"
    assert len(case.replies) == 2 and case.verdicts[0]["reason"] == "措施不具体,未明确到村"


def test_who_may_do_what(people):
    office = actor("zhang", "statistician")
    leader = actor("li", "leader")
    edu = actor("tx_edu", "agency", unit="education")
    fujian = actor("fj", "statistician", jurisdiction="35")
    with pytest.raises(WeibaoError):
        cases.open_case(leader, ITEM, "2026-12-31", "限期整改")  # leaders do not open cases
    with pytest.raises(WeibaoError):
        cases.open_case(fujian, ITEM, "2026-12-31", "限期整改")  # outside its jurisdiction
    case = cases.open_case(office, ITEM, "2026-12-31", "限期整改")
    with pytest.raises(WeibaoError) as exc:
        cases.reply(edu, case.case_id, "措施", "2027-01-01")  # not a responsible unit
    assert "责任单位" in exc.value.message_zh
    with pytest.raises(WeibaoError):
        cases.verify(office, case.case_id, close=True)  # nothing to verify before a reply
    assert cases.frame(edu, folder=people).empty  # agencies see only their own cases
    assert cases.frame(fujian, folder=people).empty
    assert len(cases.frame(leader, folder=people)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "联系人电话 138 1234 5678",
        "身份证 11010519491231002X",
    ],
)
def test_replies_with_personal_data_are_refused(people, text):
    office = actor("zhang", "statistician")
    mz = actor("tx_mz", "agency", unit="civil_affairs")
    case = cases.open_case(office, ITEM, "2026-12-31", "限期整改")
    with pytest.raises(WeibaoError) as exc:
        cases.reply(mz, case.case_id, "已选聘", "2027-01-01", note=text)
    assert "个人信息" in exc.value.message_zh
    assert cases.get(case.case_id, people).state == "open"  # nothing was saved


def test_the_brief_lists_open_and_overdue_cases(people, published_warehouse):
    import io

    import openpyxl

    from weibao.brief import brief_xlsx
    from weibao.brief.content import case_rows, load

    office = actor("zhang", "statistician")
    mz = actor("tx_mz", "agency", unit="civil_affairs")
    late = cases.open_case(office, ITEM, "2020-01-31", "限期整改")  # already past due
    done = cases.open_case(office, {**ITEM, "item_id": "x|330483|2022"}, "2030-01-01", "整改")
    cases.reply(mz, done.case_id, "已整改", "2029-01-01")
    cases.verify(office, done.case_id, close=True)
    rows = case_rows(load(published_warehouse, "330483", 2022))
    assert [(r["case_id"], r["status"]) for r in rows] == [(late.case_id, "overdue")]
    wb = openpyxl.load_workbook(io.BytesIO(brief_xlsx(published_warehouse, "330483", 2022)))
    cells = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert "挂牌督办" in cells and late.case_id in cells and "逾期未反馈" in cells
    assert done.case_id not in cells  # closed: not listed


def test_an_inspector_acts_in_its_jurisdiction_only(people):
    insp = actor("tx_insp", "inspector")
    fj_insp = actor("fj_insp", "inspector", jurisdiction="35")
    mz = actor("tx_mz", "agency", unit="civil_affairs")
    with pytest.raises(WeibaoError) as exc:
        cases.open_case(fj_insp, ITEM, "2026-12-31", "限期整改")
    assert "330483" in exc.value.message_zh and "35" in exc.value.message_zh
    case = cases.open_case(insp, ITEM, "2026-12-31", "限期整改")  # 桐乡市's own inspector
    assert cases.frame(fj_insp, folder=people).empty  # cannot follow it either
    cases.reply(mz, case.case_id, "已选聘", "2026-12-20")
    with pytest.raises(WeibaoError):
        cases.verify(fj_insp, case.case_id, close=True)
    with pytest.raises(WeibaoError):
        cases.reply(insp, case.case_id, "代为反馈", "2026-12-20")  # inspectors do not reply
    assert cases.verify(insp, case.case_id, close=True).state == "closed"


def test_case_cli_list_reply_close_and_refusals_in_words(people, monkeypatch, tmp_path):
    """weibao case: the same rules as the page (they are weibao.cases's), bilingual errors."""
    import os
    import subprocess
    import sys

    from weibao.paths import ROOT

    office = actor("zhang", "statistician")
    actor("tx_mz", "agency", unit="civil_affairs")
    actor("tx_edu", "agency", unit="education")
    case = cases.open_case(office, ITEM, "2020-01-31", "限期整改")  # long overdue
    env = os.environ | {"WEIBAO_PEOPLE": str(people)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "weibao", "case", *args], env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip

    listed = run("list", "--as", "tx_mz")
    assert (
        listed.returncode == 0 and case.case_id in listed.stdout and "逾期未反馈" in listed.stdout
    )
    assert case.case_id not in run("list", "--as", "tx_edu").stdout
    other = run("reply", case.case_id, "--measures", "整改", "--expected", "2027-01-01",
                "--as", "tx_edu")  # fmt: skip
    assert other.returncode == 1 and "责任单位" in other.stderr and "Traceback" not in other.stderr
    named = run("reply", case.case_id, "--measures", "整改联系人:王芳", "--expected", "2027-01-01",
                "--as", "tx_mz")  # fmt: skip
    assert named.returncode == 1 and "个人信息" in named.stderr
    missing = run("reply", case.case_id, "--as", "tx_mz")
    assert missing.returncode == 1 and "--measures" in missing.stderr
    done = run("reply", case.case_id, "--measures", "已整改", "--expected", "2027-01-01",
               "--as", "tx_mz")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已反馈" in done.stdout
    closed = run("close", case.case_id)  # the local statistician
    assert closed.returncode == 0 and "已销号" in closed.stdout
    assert cases.get(case.case_id, people).state == "closed"
    assert [e["who"] for e in audit.read(people)][-2:] == ["tx_mz", f"cli:{_os()}"]


def _os() -> str:
    from weibao.access import os_user

    return os_user()
