"""Browser-test fixtures: Debian's Chromium for pytest-playwright and the app on a live server.

Every test gets its own server (werkzeug on 127.0.0.1, port 0) on the migrated test database,
with CSRF switched on and the NSP loaded; the tables are emptied afterwards by `make_app`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from consult.extensions import db
from tests.conftest import NSP_FILE
from tests.factories import DEFAULT_PASSWORD, make_user

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Headless as root without outside network (see /work/shared/tools/pw_chromium.py).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Point pytest-playwright at Debian's Chromium; never `playwright install`."""
    if not Path(CHROMIUM_PATH).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}: run `make browser`.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def live_app(make_app: Callable[..., Flask]) -> Flask:
    """The app as a browser meets it: CSRF on, the NSP loaded from its real data file."""
    from consult.policy.loader import read_policy_file
    from consult.policy.services import load_policy

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_policy(read_policy_file(NSP_FILE))
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve `live_app` on 127.0.0.1 (random port) in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    # A short poll interval keeps shutdown() (once per test) from waiting 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with live_app.app_context():
            db.session.remove()


@pytest.fixture(autouse=True)
def _page_timeouts(request: pytest.FixtureRequest) -> None:
    """Fail fast on a local server: a missing element should not hang for 30 s."""
    if "page" in request.fixturenames:
        page: Page = request.getfixturevalue("page")
        page.set_default_timeout(5_000)
        page.set_default_navigation_timeout(10_000)


@pytest.fixture
def make_account(live_app: Flask) -> Callable[[str], str]:
    """Create a citizen in the live app's database; returns the email to log in with."""

    def create(name: str) -> str:
        with live_app.app_context():
            user = make_user(name=name)
            db.session.commit()
            email = user.email
            db.session.remove()
        return email

    return create


def log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(live_server + "/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("link", name="Your account")).to_be_visible()
