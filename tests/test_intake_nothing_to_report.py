"""An agency with no institutions of a type hands in the bare template and counts as received;
a coverage type (one row per village) cannot be handed in empty."""

from __future__ import annotations

from datetime import UTC, datetime

from weibao.intake import submit, validate
from weibao.intake.templates import template_csv
from weibao.store import read_manifest

NOW = datetime(2025, 1, 10, tzinfo=UTC)


def test_header_only_institution_file_is_nothing_to_report(tmp_path):
    receipt = submit(
        template_csv("school_surroundings"),
        "卫健局_校园周边_2024.csv",
        submission_type="school_surroundings",
        agency_code="health",
        jurisdiction_code="350105",
        period="2024",
        root=tmp_path,
        now=NOW,
    )
    assert receipt.status == "accepted_with_warnings"
    assert [i.code for i in receipt.issues] == ["W_NO_ROWS"]
    assert (receipt.rows_read, receipt.rows_accepted) == (0, 0)
    entry = read_manifest(tmp_path).iloc[-1]
    assert (entry.status, entry.rows) == ("accepted", "0")
    assert (tmp_path / entry.stored_path).read_text().strip().startswith("institution_code")


def test_header_only_coverage_file_is_still_refused(tmp_path):
    receipt, frame = validate(
        template_csv("child_directors"),
        "x.csv",
        submission_type="child_directors",
        agency_code="civil_affairs",
        jurisdiction_code="330483",
        period="2024",
        root=tmp_path,
        today=NOW.date(),
    )
    assert receipt.status == "rejected" and frame is None
    assert [i.code for i in receipt.issues] == ["E_EMPTY_FILE"]


def test_header_only_file_with_a_wrong_header_is_refused(tmp_path):
    data = "机构编码,错误的列\n".encode()
    receipt, _ = validate(
        data,
        "x.csv",
        submission_type="school_surroundings",
        agency_code="health",
        jurisdiction_code="350105",
        period="2024",
        root=tmp_path,
        today=NOW.date(),
    )
    assert receipt.status == "rejected"
    assert "E_MISSING_COLUMN" in {i.code for i in receipt.issues}
