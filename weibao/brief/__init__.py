"""The meeting brief (会议简报) for a committee's plenary meeting, as xlsx or PDF.

    brief_xlsx(warehouse, "330483", 2022) -> bytes
    brief_pdf(warehouse, "330483", 2022) -> bytes

Both read the published DuckDB file through short-lived read-only connections
(weibao.brief.queries) and raise WeibaoError, in Chinese and English, for an unknown
jurisdiction, a year without data, a missing warehouse or (PDF) a missing Chromium.
"""

from __future__ import annotations

from pathlib import Path

from weibao.brief.content import Brief, check, load

FORMATS = ("xlsx", "pdf")


def brief_xlsx(warehouse: Path, jurisdiction: str, year: int, lang: str = "zh") -> bytes:
    from weibao.brief.xlsx import brief_workbook

    return brief_workbook(load(Path(warehouse), jurisdiction, year, lang))


def brief_pdf(warehouse: Path, jurisdiction: str, year: int, lang: str = "zh") -> bytes:
    from weibao.brief.pdf import chromium_path, render

    chromium_path()  # fail before reading anything if the PDF cannot be made
    return render(load(Path(warehouse), jurisdiction, year, lang))


__all__ = ["FORMATS", "Brief", "brief_pdf", "brief_xlsx", "check", "load"]
