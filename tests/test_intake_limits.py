"""Issue 11, "Uploads are bounded": each file below was measured to hurt the shared dashboard
process (or was silently half-read) before the limits existed. Every one is now refused with a
receipt naming the limit, quickly and within bounded memory."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from datetime import UTC, date, datetime

import pytest

from weibao.intake import submit, validate
from weibao.intake.checks import org_units
from weibao.intake.read import Limits, read_table
from weibao.settings import settings

COUNTY = "330483"
CD_HEADER = "村(社区)代码,年度,儿童主任人数"
SC_HEADER = "机构编码,所在乡镇(街道)代码,行业,年度,新入职人数,入职查询人数,在岗人数,年度查询人数"
TODAY = date(2025, 1, 20)


def _villages() -> list[str]:
    units = org_units()
    return sorted(units.index[(units.county_code == COUNTY) & (units.level == "village")])


def _cd(lines: list[str]) -> bytes:
    return ("\r\n".join([CD_HEADER, *lines]) + "\r\n").encode("utf-8")


def _good_lines() -> list[str]:
    return [f"{v},2024,1" for v in _villages()]


def _check(
    data: bytes,
    name: str = "f.csv",
    type_: str = "child_directors",
    unit="civil_affairs",
    root=None,
):
    return validate(
        data,
        name,
        submission_type=type_,
        agency_code=unit,
        jurisdiction_code=COUNTY,
        period="2024",
        today=TODAY,
        root=root,
    )[0]


def _codes(receipt) -> set[str]:
    return {i.code for i in receipt.issues}


@pytest.fixture
def env(monkeypatch):
    """Set WEIBAO_<KEY> for one test; settings are re-read."""

    def set_(**values):
        for k, v in values.items():
            monkeypatch.setenv(f"WEIBAO_{k.upper()}", str(v))
        settings.cache_clear()

    yield set_
    monkeypatch.undo()
    settings.cache_clear()


def test_one_row_of_100k_cells_is_refused_at_once():
    # measured before: 60 s of CPU, then accepted with the extra cells silently dropped
    row = f"{_villages()[0]},2024,1," + ",".join(["1"] * 100_000)
    start = time.process_time()
    r = _check(_cd([row]))
    assert time.process_time() - start < 10
    assert r.status == "rejected"
    hit = [i for i in r.issues if i.code == "E_TOO_MANY_COLUMNS"]
    assert hit and hit[0].row == 2 and hit[0].value == "100,003"
    assert "列" in hit[0].message_zh and hit[0].hint_zh


def test_a_cell_beyond_the_header_is_an_error_not_dropped():
    lines = _good_lines()
    lines[4] += ",多填的一格"
    r = _check(_cd(lines))
    assert r.status == "rejected"
    hit = [i for i in r.issues if i.code == "E_CELL_BEYOND_HEADER"]
    assert [(i.row, i.column, i.value) for i in hit] == [(6, "D 列", "多填的一格")]
    # trailing empty cells, as Excel leaves them, are not an error
    assert _check(_cd([x + ",," for x in _good_lines()])).status == "accepted"


def test_one_long_line_is_refused_without_growing_memory():
    # measured before: a 50 MB file of one long row grew past 10 GB of RSS
    data = CD_HEADER.encode() + b"\r\n" + b"3" * 50_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    r = _check(data)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert r.status == "rejected" and _codes(r) == {"E_CELL_TOO_LONG"}
    assert time.process_time() - start < 20
    assert grown_mb < 600, grown_mb


def test_village_file_cannot_exceed_the_jurisdictions_villages():
    villages = _villages()
    lines = _good_lines() + [f"{villages[i]},2024,1" for i in range(5)]  # pasted twice
    r = _check(_cd(lines))
    assert r.status == "rejected"
    hit = [i for i in r.issues if i.code == "E_TOO_MANY_ROWS"]
    assert hit and hit[0].value == f"{len(villages):,}"
    assert f"共有 {len(villages):,} 个村(社区)" in hit[0].message_zh
    assert _check(_cd(_good_lines())).status == "accepted"  # exactly the villages: fine


def test_row_limit_stops_reading_early(env):
    env(max_rows_institution=50)
    rows = [f"JY-{i:05d},330483001,中小学校,2024,1,1,10,10" for i in range(5000)]
    data = ("\r\n".join([SC_HEADER, *rows]) + "\r\n").encode("utf-8")
    r = _check(data, type_="staff_checks", unit="education")
    assert r.status == "rejected" and "E_TOO_MANY_ROWS" in _codes(r)
    assert r.rows_read == 0  # nothing of the file is kept once the limit is hit
    hit = next(i for i in r.issues if i.code == "E_TOO_MANY_ROWS")
    assert hit.row == 53  # header + 50 rows + one allowed 合计 row, then the 52nd data row


def test_byte_limit_is_checked_before_decoding(env):
    env(max_upload_mb=1)
    data = _cd(_good_lines()) + b"\r\n" * (1024 * 1024)
    r = _check(data)
    assert [i.code for i in r.issues] == ["E_FILE_TOO_LARGE"]
    assert "超过上限 1 MB" in r.issues[0].message_zh


def _same_rows_xml(rows: int) -> bytes:
    """Identical rows without row numbers: compresses about a thousandfold, as a bomb does."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    row = b"<row><c><v>330483001001</v></c><c><v>2024</v></c><c><v>1</v></c></row>"
    return head + row * rows + b"</sheetData></worksheet>"


def _sheet_xml(rows: int) -> bytes:
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>2024</v></c><c r="C%d"><v>1</v></c></row>'
        % (i, i, 330483001000 + i, i, i)
        for i in range(1, rows + 1)
    )
    return head + body + b"</sheetData></worksheet>"


def _xlsx_with_sheet(sheet: bytes) -> bytes:
    """A minimal workbook whose one sheet is `sheet` (as a hand-made zip bomb would be)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "数据"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = sheet if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_small_xlsx_expanding_to_many_rows_is_refused_quickly():
    # measured before: a 516 KB xlsx expanding to 2M rows took 2.9 GB, then an uncaught error
    data = _xlsx_with_sheet(_same_rows_xml(2_000_000))
    assert len(data) < 600_000
    start = time.process_time()
    r = _check(data, "bomb.xlsx")
    assert time.process_time() - start < 20
    assert r.status == "rejected" and "E_TOO_MANY_ROWS" in _codes(r)


def test_xlsx_uncompressed_size_is_checked_before_opening(env):
    env(max_xlsx_uncompressed_mb=1)
    r = _check(_xlsx_with_sheet(_sheet_xml(20_000)), "big.xlsx")
    assert [i.code for i in r.issues] == ["E_XLSX_TOO_LARGE"]


@pytest.mark.parametrize(
    "sheet",
    [
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>',
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="x"><c r="A1"><v>1</v></c></row></sheetData></worksheet>',
    ],
    ids=["malformed", "entity-expansion", "bad-row-number"],
)
def test_every_xlsx_parse_failure_is_unreadable_file_with_a_receipt(sheet, tmp_path):
    data = _xlsx_with_sheet(sheet)
    r = submit(
        data,
        "bad.xlsx",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code=COUNTY,
        period="2024",
        root=tmp_path,
        now=datetime(2025, 1, 20, tzinfo=UTC),
    )
    assert r.status == "rejected" and "E_UNREADABLE_FILE" in _codes(r), r.issues
    assert r.submission_id  # a receipt, recorded in the manifest


def test_reader_streams_and_stops_at_the_row_limit():
    rows = "\r\n".join(f"JY-{i},330483001,中小学校,2024,1,1,10,10" for i in range(20_000))
    data = (SC_HEADER + "\r\n" + rows).encode()
    t = read_table(data, "x.csv", limits=Limits(max_rows=100), headers=SC_HEADER.split(","))
    assert [i.code for i in t.issues] == ["E_TOO_MANY_ROWS"] and t.issues[0].row == 103


def test_superseding_file_that_lost_rows_is_warned(tmp_path):
    # a 1-row file replaced a 221-village file with no word
    def send(data: bytes, minute: int):
        return submit(
            data,
            "cd.csv",
            submission_type="child_directors",
            agency_code="civil_affairs",
            jurisdiction_code=COUNTY,
            period="2024",
            root=tmp_path,
            now=datetime(2025, 1, 20, 9, minute, tzinfo=UTC),
        )

    full = _good_lines()
    assert send(_cd(full), 0).status == "accepted"
    r = send(_cd(full[:1]), 1)
    assert r.supersedes
    hit = [i for i in r.issues if i.code == "W_ROWS_LOST"]
    assert hit, r.issues
    villages = _villages()
    assert hit[0].value == f"{len(villages) - 1:,}"
    assert villages[1] in hit[0].message_zh and f"等 {len(villages) - 1} 个" in hit[0].message_zh
    # losing fewer than 10 % is not worth a word
    assert send(_cd(full), 2).status == "accepted"
    r = send(_cd(full[: len(full) - 5]), 3)
    assert "W_ROWS_LOST" not in _codes(r)


def test_cli_refuses_a_file_over_the_byte_limit_before_reading_it(tmp_path):
    import os
    import subprocess
    import sys

    from weibao.paths import ROOT

    big = tmp_path / "big.csv"
    big.write_bytes(_cd(_good_lines()) + b"\r\n" * (2 * 1024 * 1024))
    store = tmp_path / "submissions"
    env = os.environ | {"WEIBAO_SUBMISSIONS": str(store), "WEIBAO_MAX_UPLOAD_MB": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "weibao",
            "submit",
            str(big),
            "--type",
            "child_directors",
            "--unit",
            "civil_affairs",
            "--jurisdiction",
            COUNTY,
            "--period",
            "2024",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "超过上限 1 MB" in proc.stderr and "max_upload_mb" in proc.stderr
    assert not (store / "manifest.csv").exists()
