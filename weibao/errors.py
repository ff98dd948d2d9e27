"""User-facing errors: one clear message in Chinese and English, never a traceback."""

from __future__ import annotations


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
