"""Reading definition files (YAML) strictly: a key written twice in one mapping is an error.

PyYAML keeps the last of two equal keys without a word; in a definition file that silently
drops a column or a word, so it is refused here with the line of the second one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: str, line: int):
        super().__init__(f"key {key!r} appears twice (line {line})")
        self.key = key
        self.line = line


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(str(key), key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> Any:
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a safe loader


def load_file(path: Path) -> Any:
    return load(path.read_text(encoding="utf-8"))
