"""gunicorn.conf.py: loads through gunicorn's own Config with sane values, follows the
environment, empties each worker's inherited pools, and serves the app for real."""

from __future__ import annotations

import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from consult import ROOT, create_app
from consult.core.database import REPLICA
from consult.extensions import db

CONF = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def load(monkeypatch, **env: str) -> Config:
    """The file as gunicorn applies it: every known name through the setting's validator."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def test_defaults_are_sane(monkeypatch):
    cfg = load(monkeypatch)
    assert cfg.worker_class_str == "gthread" and cfg.threads == 4
    assert cfg.workers >= 2
    assert cfg.preload_app is True
    assert cfg.post_fork.__name__ == "post_fork" and cfg.post_fork.__module__ != "gunicorn.config"
    assert cfg.timeout == 30 and cfg.graceful_timeout == 30
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.max_requests > 0 and 0 < cfg.max_requests_jitter < cfg.max_requests
    assert cfg.accesslog == "-" and "{x-forwarded-for}i" in cfg.access_log_format
    # Each thread may hold a pooled connection: the pool must have room for them all.
    from config import Config as AppConfig

    assert cfg.threads <= AppConfig.DB_POOL_SIZE + AppConfig.DB_MAX_OVERFLOW


def test_gunicorn_outlives_nginx_on_idle_connections(monkeypatch):
    """nginx must close an idle upstream connection first, or it may send on a dead one."""
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    upstream = int(re.search(r"keepalive_timeout (\d+)s;", nginx).group(1))
    assert load(monkeypatch).keepalive > upstream


def test_the_environment_decides(monkeypatch):
    cfg = load(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_WORKER_CLASS="sync")
    assert cfg.workers == 3
    assert cfg.worker_class_str == "sync" and cfg.threads == 1  # threads > 1 would be gthread
    cfg = load(monkeypatch, GUNICORN_THREADS="8", GUNICORN_PRELOAD="0")
    assert cfg.threads == 8 and cfg.preload_app is False


def test_post_fork_gives_the_worker_empty_pools(monkeypatch, tmp_path):
    cfg = load(monkeypatch)
    url = f"sqlite:///{tmp_path / 'fork.db'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "DATABASE_REPLICA_URL": url})
    with app.app_context():
        with db.engine.connect() as conn:  # the master "opened" a connection before forking
            conn.exec_driver_sql("SELECT 1")
        with app.extensions[REPLICA].connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        inherited, replica = db.engine.pool, app.extensions[REPLICA].pool
        assert inherited.checkedin() == 1 and replica.checkedin() == 1
        cfg.post_fork(SimpleNamespace(app=SimpleNamespace(callable=app)), None)
        assert db.engine.pool is not inherited and db.engine.pool.checkedin() == 0
        assert app.extensions[REPLICA].pool is not replica
        assert app.extensions[REPLICA].pool.checkedin() == 0
        # Not preloaded: nothing to do, and no error.
        cfg.post_fork(SimpleNamespace(app=SimpleNamespace(callable=None)), None)
        inherited.dispose()
        replica.dispose()
        db.engine.dispose()
        app.extensions[REPLICA].dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this venv")
def test_gunicorn_serves_the_app_with_this_file(database_url, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "CONSULT_ENV": "development",
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_LOGLEVEL": "warning",
    }
    log = (tmp_path / "gunicorn.log").open("w+")
    proc = subprocess.Popen(
        [str(GUNICORN), "wsgi:app"],  # the file is found by its default name, in ROOT
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        statuses = []
        deadline = time.time() + 30
        while len(statuses) < 6 and time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                    statuses.append(resp.status)
                    cache = resp.headers["Cache-Control"]
            except OSError:
                time.sleep(0.2)
        assert statuses == [200] * 6, statuses
        assert cache == "private, no-cache"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.seek(0)
        output = log.read()
        log.close()
    # The access log line of the config: request, status, bytes, time taken.
    assert re.search(r'"GET / HTTP/1.1" 200 \d+ \d+ms', output), output[-2000:]
    assert "Traceback" not in output, output[-2000:]
