"""The meeting brief (会议简报) for a committee's plenary meeting, as xlsx or PDF.

    brief_xlsx(warehouse, "330483", 2022) -> bytes
    brief_pdf(warehouse, "330483", 2022) -> bytes

By default a brief is what a leader sees (small counts suppressed, figures not yet approved
marked or hidden as `unapproved_for_leaders` says); `internal=True` is a statistician's
version, marked 内部 on every page and sheet.

Both read the published DuckDB file through short-lived read-only connections
(weibao.brief.queries) and raise WeibaoError, in Chinese and English, for an unknown
jurisdiction, a year without data, a missing warehouse or (PDF) a missing Chromium.
"""

from __future__ import annotations

from pathlib import Path

from weibao.brief.content import Brief, check, load

FORMATS = ("xlsx", "pdf")


def require_internal(actor) -> None:
    """The internal version (内部: every figure, small counts shown) is a statistician's."""
    from weibao.access import require_role

    require_role(
        actor, "statistician", what_zh="导出内部版简报", what_en="export the internal brief"
    )


def internal_name(path: Path) -> Path:
    """FILE.xlsx → FILE_内部.xlsx: the internal version says so in its file name."""
    return path if "内部" in path.stem else path.with_name(f"{path.stem}_内部{path.suffix}")


def brief_xlsx(
    warehouse: Path, jurisdiction: str, year: int, lang: str = "zh", internal: bool = False
) -> bytes:
    from weibao.brief.xlsx import brief_workbook

    return brief_workbook(load(Path(warehouse), jurisdiction, year, lang, internal))


def brief_pdf(
    warehouse: Path, jurisdiction: str, year: int, lang: str = "zh", internal: bool = False
) -> bytes:
    from weibao.brief.pdf import chromium_path, render

    chromium_path()  # fail before reading anything if the PDF cannot be made
    return render(load(Path(warehouse), jurisdiction, year, lang, internal))


__all__ = [
    "FORMATS",
    "Brief",
    "brief_pdf",
    "brief_xlsx",
    "check",
    "internal_name",
    "load",
    "require_internal",
]
