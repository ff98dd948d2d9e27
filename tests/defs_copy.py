"""Copies of the project for tests that change definition files (issue 8).

`project_copy` copies what defines the project (not .venv, target/, warehouse/ or the submission
store) into a temporary directory; `overlay` applies a fixture directory to it: a file replaces
the file at the same path; `<name>.csv.append` adds its rows to `<name>.csv` (columns matched by
name; a column the fixture does not give takes the value of the table's first row, so a fixture
keeps working when a column is added to the table); `<name>.yml.merge` adds its keys to the
sections of `<name>.yml` (so a fixture does not depend on which section comes last); any other
`<file>.append` is appended as text; files under `submissions/` are left for the test to hand in.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
COPIED = ("weibao", "dashboards", "models", "macros", "expectations", "locales", "reference")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


def project_copy(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=IGNORE)
    for path in ROOT.iterdir():  # dbt_project.yml, profiles.yml, weibao.toml, ...
        if path.is_file():
            shutil.copy2(path, dest / path.name)
    shutil.copytree(ROOT / "seeds" / "reference", dest / "seeds" / "reference", ignore=IGNORE)
    if (ROOT / "tests" / "dbt").exists():
        shutil.copytree(ROOT / "tests" / "dbt", dest / "tests" / "dbt", ignore=IGNORE)
    return dest


def overlay(fixture: Path, dest: Path) -> None:
    for src in sorted(p for p in fixture.rglob("*") if p.is_file()):
        rel = src.relative_to(fixture)
        if rel.parts[0] == "submissions":  # files to hand in, not definitions
            continue
        if src.name.endswith(".csv.append"):
            _append_rows(src, dest / rel.parent / src.name.removesuffix(".append"))
        elif src.name.endswith(".yml.merge"):
            _merge_sections(src, dest / rel.parent / src.name.removesuffix(".merge"))
        elif src.name.endswith(".append"):
            target = dest / rel.parent / src.name.removesuffix(".append")
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(src.read_text(encoding="utf-8"))
        else:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def _append_rows(src: Path, table: Path) -> None:
    with open(table, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        first = next(reader, {})
    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    text = table.read_text(encoding="utf-8")
    with open(table, "a", encoding="utf-8", newline="") as fh:
        if text and not text.endswith("\n"):
            fh.write("\n")
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow({c: row.get(c, first.get(c, "")) for c in header})


def _merge_sections(src: Path, target: Path) -> None:
    doc = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
    for section, keys in (yaml.safe_load(src.read_text(encoding="utf-8")) or {}).items():
        doc.setdefault(section, {}).update(keys)
    target.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
