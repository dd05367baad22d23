"""What every benchmark shares: where the app lives, its environment under gunicorn, the
database to measure (given, or generated afresh), the common options, and the app for
measurements made in this process.

One place, so B1-B5 measure the same thing the same way: the same secret (a session
cookie made by one is valid for another), the same generated data for the same seed, and
the same switches (rate limits off in-process; gunicorn's app in production mode).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SECRET = "bench-not-secret"


def env(database_url: str) -> dict[str, str]:
    """The environment of the app under gunicorn: production mode on `database_url`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONSULT_ENV": "production",
        "SECRET_KEY": SECRET,
        "PUBLIC_BASE_URL": f"https://{HOST}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": "0",
        "PYTHONPATH": str(ROOT),
    }


def flask(environment: dict[str, str], *args: str) -> str:
    """Run `flask --app wsgi ARGS` (in development mode) and return what it printed."""
    out = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env={**environment, "CONSULT_ENV": "development"},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def generate(url: str, scale: str, seed: int) -> float:
    """Migrate `url`, load the NSP and generate data at `scale`; the seconds it took."""
    environment = env(url)
    began = time.perf_counter()
    flask(environment, "db", "upgrade")
    flask(environment, "consult", "load-policy")
    flask(environment, "consult", "generate", "--scale", scale, "--seed", str(seed))
    return time.perf_counter() - began


def arguments(doc: str | None, scale: str = "small") -> argparse.ArgumentParser:
    """The options every benchmark takes: the database, or the scale and seed of a fresh
    one, and where to write the results as JSON (`make bench` reads them)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", help="a generated database (else a fresh SQLite)")
    parser.add_argument("--scale", default=scale, help="for a fresh database: tiny|small|full")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser


def prepare_database(args: argparse.Namespace) -> str:
    """The database to measure: the one given, or a fresh SQLite generated at `--scale`."""
    if args.database_url:
        return args.database_url
    url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.db"
    seconds = generate(url, args.scale, args.seed)
    print(f"Generated scale {args.scale} on {url} in {seconds:.1f} s")
    return url


def app(url: str, **config: object):
    """The app on `url` for measuring in this process: development mode, rate limits off."""
    os.environ.setdefault("SECRET_KEY", SECRET)
    from consult import create_app

    return create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_ECHO": False,
            **config,
        },
    )
