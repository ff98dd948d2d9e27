"""User-facing errors: one clear message in Chinese and English, never a traceback."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

_NO_SPACE_WORDS = ("no space left", "file too large", "disk quota", "file size limit")


class WeibaoError(Exception):
    """An error a user can act on. `hint_zh` says how to fix it."""

    def __init__(
        self, message_zh: str, message_en: str, hint_zh: str = "", details: list[str] | None = None
    ):
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.hint_zh = hint_zh
        self.details = details or []

    def render(self, lang: str = "zh") -> str:
        head = self.message_zh if lang == "zh" else self.message_en
        other = self.message_en if lang == "zh" else self.message_zh
        lines = [f"错误 / Error: {head}", f"  ({other})"]
        lines += [f"  - {d}" for d in self.details]
        if self.hint_zh:
            lines.append(f"  处理办法 / How to fix: {self.hint_zh}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a definition file or reference table (weibao check): the file, the
    key (row, column or field) and what to do, in Chinese with English."""

    file: Path | str
    key: str
    problem_zh: str
    problem_en: str
    fix_zh: str = ""
    fix_en: str = ""

    @property
    def where(self) -> str:
        path = Path(self.file)
        try:
            return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return path.as_posix() if path.is_absolute() else str(self.file)

    def line(self) -> str:
        fix = f" | 处理 fix: {self.fix_zh}" + (f" / {self.fix_en}" if self.fix_en else "")
        return f"{self.where} | {self.key} | {self.problem_zh} / {self.problem_en}" + (
            fix if self.fix_zh or self.fix_en else ""
        )


def out_of_space(exc: BaseException | str) -> bool:
    """Whether an error (or an error message from DuckDB or dbt) means the disk is full or a
    file-size limit was hit."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    return any(w in str(exc).lower() for w in _NO_SPACE_WORDS)


def no_space_error(what_zh: str, what_en: str, exc: BaseException | str) -> WeibaoError:
    return WeibaoError(
        f"磁盘空间不足(或文件大小受限),{what_zh}",
        f"out of disk space (or a file size limit was hit); {what_en}",
        "腾出磁盘空间后重试;已保存的报送和已发布的数据没有被改动",
        [str(exc)[:300]],
    )
