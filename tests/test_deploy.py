"""deploy/: the nginx site renders to a configuration nginx accepts, and the systemd unit and
the environment example agree with it (issue 10, intranet deployment).

`nginx -t` runs where nginx is installed (Debian `nginx-light`); the rest runs everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from weibao.paths import ROOT
from weibao.settings import settings

DEPLOY = ROOT / "deploy"
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def render(text: str, values: dict[str, str]) -> str:
    """What `envsubst '${SERVER_NAME} ${UPSTREAM} …'` does: only ${NAME} placeholders, and every
    one must have a value (nginx's own $variables are left alone)."""
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "weibao.env.example").read_text(encoding="utf-8").splitlines()
    return dict(ln.split("=", 1) for ln in lines if ln and not ln.startswith("#"))


def site(tmp: Path) -> str:
    cert, key = tmp / "site.crt", tmp / "site.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=weibao.test", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return render(
        (DEPLOY / "nginx-weibao.conf").read_text(encoding="utf-8"),
        {
            "SERVER_NAME": "weibao.test",
            "UPSTREAM": "127.0.0.1:8501",
            "SSL_CERTIFICATE": str(cert),
            "SSL_CERTIFICATE_KEY": str(key),
            "BASE_PATH": env_example()["STREAMLIT_SERVER_BASE_URL_PATH"],
            "MAX_UPLOAD_MB": str(settings().max_upload_mb),
        },
    )


def test_site_renders_completely_with_websocket_upgrade_and_sub_path() -> None:
    text = (DEPLOY / "nginx-weibao.conf").read_text(encoding="utf-8")
    names = set(PLACEHOLDER.findall(text))
    assert names == {
        "SERVER_NAME", "UPSTREAM", "SSL_CERTIFICATE", "SSL_CERTIFICATE_KEY", "BASE_PATH",
        "MAX_UPLOAD_MB",
    }  # fmt: skip
    base = env_example()["STREAMLIT_SERVER_BASE_URL_PATH"]
    rendered = render(text, {n: f"<{n}>" for n in names} | {"BASE_PATH": base})
    assert "${" not in rendered
    assert "proxy_set_header Upgrade $http_upgrade;" in rendered
    assert f"location /{base}/ {{" in rendered
    assert "listen 443 ssl;" in rendered


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")), reason="nginx not installed"
)
def test_nginx_accepts_the_rendered_site(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "site.conf").write_text(site(tmp_path), encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "test is successful" in proc.stderr


def test_units_serve_and_build_with_the_environment_file() -> None:
    serve = (DEPLOY / "weibao.service").read_text(encoding="utf-8")
    build = (DEPLOY / "weibao-build.service").read_text(encoding="utf-8")
    for unit in (serve, build):
        assert "EnvironmentFile=/etc/weibao/weibao.env" in unit
        assert "User=weibao" in unit
    assert re.search(r"^ExecStart=\S+/weibao serve --host 127\.0\.0\.1 ", serve, re.M)
    assert re.search(r"^ExecStart=\S+/weibao build$", build, re.M)
    env = env_example()
    assert env["WEIBAO_ENGINE"] == "postgres"
    assert {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSSLMODE"} <= set(env)
    assert "PGPASSWORD" not in env  # the password belongs in a pgpass file
    # Every WEIBAO_ setting named in the example is one weibao.toml knows.
    known = {"WEIBAO_" + f.upper() for f in settings().__dataclass_fields__}
    assert {k for k in env if k.startswith("WEIBAO_") and k != "WEIBAO_ENGINE"} <= known
