"""sqlfluff's jinja templater loads this folder (`.sqlfluff`: library_path): top-level names
here are globals in the models' templates, modules (dbt.py) are namespaces."""

import os
from pathlib import Path

import yaml

_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"
_VARS = yaml.safe_load(_PROJECT.read_text("utf-8"))["vars"]


def var(name: str, default: object = None) -> object:
    """dbt's var(): the project's value, else the default (as `dbt build` without --vars)."""
    return _VARS.get(name, default)


def env_var(name: str, default: str | None = None) -> str | None:
    """dbt's env_var(): the environment, else the default."""
    return os.environ.get(name, default)
