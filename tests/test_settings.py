"""weibao.toml: typed, overridable by WEIBAO_<KEY>, and consistent with Streamlit's upload limit."""

from __future__ import annotations

import tomllib

import pytest

from weibao.errors import WeibaoError
from weibao.paths import ROOT
from weibao.settings import Settings, load


def test_project_file_sets_the_documented_defaults():
    s = load(ROOT / "weibao.toml", environ={})
    assert s.max_rows_institution == 1_000_000  # issue 11: the "any committee in China" goal
    assert s.max_rows_other == 0  # village-level: the jurisdiction's village count
    assert s.max_upload_bytes == s.max_upload_mb * 1024 * 1024


def test_environment_overrides_each_key(tmp_path):
    s = load(
        ROOT / "weibao.toml",
        environ={"WEIBAO_MAX_ROWS_INSTITUTION": "25", "WEIBAO_MAX_COLUMNS": "7"},
    )
    assert (s.max_rows_institution, s.max_columns) == (25, 7)
    other = tmp_path / "other.toml"
    other.write_text("[intake]\nmax_upload_mb = 3\n", encoding="utf-8")
    assert load(environ={"WEIBAO_SETTINGS": str(other)}).max_upload_mb == 3
    assert load(environ={"WEIBAO_SETTINGS": str(other)}).max_columns == Settings().max_columns


@pytest.mark.parametrize(
    "text, env",
    [
        ("[intake]\nmax_uplod_mb = 3\n", {}),  # a typo must not leave the default silently
        ("[intake]\nmax_upload_mb = 'many'\n", {}),
        ("[intake]\nmax_upload_mb = 3\n", {"WEIBAO_MAX_UPLOAD_MB": "3.5"}),
        ("[intake\n", {}),
    ],
)
def test_bad_settings_are_a_clear_error(tmp_path, text, env):
    f = tmp_path / "weibao.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(WeibaoError) as err:
        load(f, environ=env)
    assert "设置" in err.value.message_zh


def test_streamlit_upload_limit_matches_weibao_toml():
    streamlit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert (
        streamlit["server"]["maxUploadSize"] == load(ROOT / "weibao.toml", environ={}).max_upload_mb
    )
