"""deploy/nginx.conf is a configuration nginx accepts (`nginx -t`), when nginx is here."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from consult import ROOT

NGINX = shutil.which("nginx")


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")
def test_nginx_accepts_the_example(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=consult.example.org", "-keyout", str(tmp_path / "key.pem")]
        + ["-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = (
        site.replace(
            "/etc/letsencrypt/live/consult.example.org/fullchain.pem", f"{tmp_path}/cert.pem"
        )
        .replace("/etc/letsencrypt/live/consult.example.org/privkey.pem", f"{tmp_path}/key.pem")
        .replace("/var/cache/nginx/", f"{tmp_path}/cache/")
    )
    (tmp_path / "cache").mkdir()
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
