"""`weibao submit`, `weibao submissions` and `weibao template` as an agency's script runs them:
a subprocess, exit codes, the JSON receipt, and templates that round-trip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from weibao.paths import ROOT

CORPUS = Path(__file__).parent / "corpus" / "files"
DIRECTORS = [
    "--type",
    "child_directors",
    "--unit",
    "civil_affairs",
    "--jurisdiction",
    "330483",
    "--period",
    "2024",
]
RECEIPT_FIELDS = {
    "status",
    "submission_id",
    "detected_encoding",
    "rows_read",
    "rows_accepted",
    "issues",
}
ISSUE_FIELDS = {"severity", "code", "row", "column", "value", "message_zh", "message_en", "hint_zh"}


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "submissions"


def weibao(*args: str, store: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = os.environ | {"WEIBAO_SUBMISSIONS": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "weibao", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or ROOT,
        timeout=300,
    )


def test_accepted_file_exits_0_with_a_json_receipt(store_dir):
    proc = weibao("submit", CORPUS / "cd_gbk.csv", *DIRECTORS, "--format", "json", store=store_dir)
    assert proc.returncode == 0, proc.stderr
    receipt = json.loads(proc.stdout)
    assert RECEIPT_FIELDS <= set(receipt)
    assert receipt["status"] == "accepted"
    assert receipt["detected_encoding"] == "GBK/GB18030"
    assert receipt["rows_read"] == receipt["rows_accepted"] == 221
    assert receipt["issues"] == []
    assert (store_dir / "child_directors" / "2024" / f"{receipt['submission_id']}.csv").is_file()


def test_warnings_still_exit_0(store_dir):
    proc = weibao(
        "submit",
        CORPUS / "sc_percent.csv",
        "--type",
        "staff_checks",
        "--unit",
        "education",
        "--jurisdiction",
        "330483",
        "--period",
        "2024",
        "--format",
        "json",
        store=store_dir,
    )
    assert proc.returncode == 0, proc.stderr
    receipt = json.loads(proc.stdout)
    assert receipt["status"] == "accepted_with_warnings"
    (issue,) = receipt["issues"]
    assert set(issue) >= ISSUE_FIELDS
    assert (issue["severity"], issue["code"], issue["row"], issue["column"], issue["value"]) == (
        "warning",
        "W_PERCENT_SIGN",
        4,
        "年度查询人数",
        "85%",
    )


def test_rejected_file_exits_2_and_says_where(store_dir):
    proc = weibao(
        "submit", CORPUS / "cd_out_of_range.csv", *DIRECTORS, "--format", "json", store=store_dir
    )
    assert proc.returncode == 2, proc.stderr
    receipt = json.loads(proc.stdout)
    assert RECEIPT_FIELDS <= set(receipt)
    assert receipt["status"] == "rejected" and receipt["rows_accepted"] == 0
    assert receipt["submission_id"]
    (issue,) = receipt["issues"]
    assert set(issue) >= ISSUE_FIELDS
    assert issue == issue | {
        "severity": "error",
        "code": "E_OUT_OF_RANGE",
        "row": 9,
        "column": "儿童主任人数",
        "value": "120",
    }
    assert "0–20" in issue["message_zh"] and issue["message_en"] and issue["hint_zh"]

    text = weibao("submit", CORPUS / "cd_out_of_range.csv", *DIRECTORS, store=store_dir)
    assert text.returncode == 2
    assert "已退回" in text.stdout and "第9行 [儿童主任人数]" in text.stdout
    assert "E_OUT_OF_RANGE" in text.stdout and "→" in text.stdout  # the hint


@pytest.mark.parametrize(
    "args",
    [
        [
            "submit",
            "CORPUS/cd_gbk.csv",
            "--type",
            "no_such_type",
            "--unit",
            "civil_affairs",
            "--jurisdiction",
            "330483",
            "--period",
            "2024",
        ],
        ["submit", "CORPUS/does_not_exist.csv", *DIRECTORS],
    ],
    ids=["unknown-type", "missing-file"],
)
def test_usage_errors_exit_1(store_dir, args):
    proc = weibao(*[a.replace("CORPUS", str(CORPUS)) for a in args], store=store_dir)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stderr.strip()
    assert not (store_dir / "manifest.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["submit", "CORPUS/cd_gbk.csv", "--unit", "civil_affairs"],
        ["submit", "CORPUS/cd_gbk.csv", *DIRECTORS, "--format", "xml"],
    ],
    ids=["missing-option", "bad-format"],
)
def test_argument_errors_exit_1(store_dir, args):
    # exit code 2 is reserved for "rejected"; a usage error is 1
    proc = weibao(*[a.replace("CORPUS", str(CORPUS)) for a in args], store=store_dir)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "--help" in proc.stderr


def test_submissions_lists_accepted_and_rejected_with_their_files(store_dir):
    ok = weibao(
        "submit", CORPUS / "cd_utf8_bom.csv", *DIRECTORS, "--format", "json", store=store_dir
    )
    # A file rejected for a reason other than personal data stays in quarantine for the
    # retention period (one refused for personal data is not kept at all: issue 11).
    bad = weibao(
        "submit", CORPUS / "cd_not_a_number.csv", *DIRECTORS, "--format", "json", store=store_dir
    )
    assert (ok.returncode, bad.returncode) == (0, 2)
    ok_id, bad_id = json.loads(ok.stdout)["submission_id"], json.loads(bad.stdout)["submission_id"]

    proc = weibao("submissions", "--format", "json", store=store_dir)
    assert proc.returncode == 0, proc.stderr
    listed = {r["submission_id"]: r for r in json.loads(proc.stdout)}
    assert set(listed) == {ok_id, bad_id}
    for row in listed.values():
        assert {
            "submission_type",
            "agency_code",
            "jurisdiction_code",
            "period",
            "status",
            "received_at",
            "path",
        } <= set(row)
        assert Path(row["path"]).is_absolute() and Path(row["path"]).is_file()
    assert listed[ok_id]["status"] == "accepted"
    assert Path(listed[ok_id]["path"]) == store_dir / "child_directors" / "2024" / f"{ok_id}.csv"
    assert listed[bad_id]["status"] == "rejected"
    assert Path(listed[bad_id]["path"]).parent == store_dir / "quarantine" / bad_id
    assert (
        Path(listed[bad_id]["path"]).read_bytes() == (CORPUS / "cd_not_a_number.csv").read_bytes()
    )

    only = weibao("submissions", "--type", "staff_checks", "--format", "json", store=store_dir)
    assert json.loads(only.stdout) == []
    text = weibao("submissions", store=store_dir)
    assert ok_id in text.stdout and bad_id in text.stdout


def test_csv_template_filled_in_is_accepted(store_dir, tmp_path):
    out = tmp_path / "模板.csv"
    proc = weibao("template", "child_supervisors", "-o", out, store=store_dir)
    assert proc.returncode == 0 and proc.stdout.strip() == str(out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Windows opens the Chinese header
    header = data.decode("utf-8-sig").strip()
    assert header == "乡镇(街道)代码,年度,儿童督导员人数"
    townships = [
        "330483001",
        "330483003",
        "330483004",
        "330483100",
        "330483101",
        "330483102",
        "330483103",
        "330483104",
        "330483105",
        "330483106",
        "330483107",
    ]
    filled = data + "".join(f"{t},2024,{1 + i % 2}\r\n" for i, t in enumerate(townships)).encode()
    out.write_bytes(filled)
    proc = weibao(
        "submit",
        out,
        "--type",
        "child_supervisors",
        "--unit",
        "civil_affairs",
        "--jurisdiction",
        "330483",
        "--period",
        "2024",
        "--format",
        "json",
        store=store_dir,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    receipt = json.loads(proc.stdout)
    assert (receipt["status"], receipt["rows_accepted"]) == ("accepted", 11)


def test_xlsx_template_has_data_sheet_list_validation_and_notes(store_dir, tmp_path):
    out = tmp_path / "staff_checks.xlsx"
    proc = weibao("template", "staff_checks", "--xlsx", "-o", out, store=store_dir)
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["数据", "说明"]
    ws = wb["数据"]
    header = [c.value for c in ws[1]]
    assert header == [
        "机构编码",
        "所在乡镇(街道)代码",
        "行业",
        "年度",
        "新入职人数",
        "入职查询人数",
        "在岗人数",
        "年度查询人数",
    ]
    sector_col = "C"
    (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert str(dv.sqref).startswith(f"{sector_col}2:")
    choices = dv.formula1.strip('"').split(",")
    assert {"中小学校", "幼儿园", "医院"} <= set(choices)
    notes = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    for needed in ("截止时间", "行业", "姓名", "在岗人数"):
        assert needed in notes

    rows = [
        ("JY-330483-0101", "330483001", choices[0], 2024, 5, 5, 60, 58),
        ("JY-330483-0102", "330483003", "幼儿园", 2024, 2, 2, 25, 25),
        ("JY-330483-0103", "330483100", "中小学校", 2024, 8, 8, 90, 90),
    ]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    filled = tmp_path / "桐乡市_教育局_2024.xlsx"
    wb.save(filled)
    proc = weibao(
        "submit",
        filled,
        "--type",
        "staff_checks",
        "--unit",
        "education",
        "--jurisdiction",
        "330483",
        "--period",
        "2024",
        "--format",
        "json",
        store=store_dir,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    receipt = json.loads(proc.stdout)
    assert (receipt["status"], receipt["detected_encoding"], receipt["rows_accepted"]) == (
        "accepted",
        "xlsx",
        3,
    )
