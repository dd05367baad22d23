"""Static files under content-hashed names: linked from every page, served with a year's
immutable cache, a new name for new content, 404 for a hash that is not current; plain
names still work with a short cache; the strict CSP is untouched."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from consult import ROOT, create_app
from consult.core.static_files import Manifest, file_hash, hashed_name

CSS = (ROOT / "static" / "css" / "app.css").read_bytes()


def _fetch(client, url: str, **kwargs):
    """GET a file and close it (a sent file stays open until the response is closed)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _stylesheet(html: str) -> str:
    match = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def test_pages_link_the_hashed_name_and_it_serves_the_same_bytes(client, nsp):
    html = client.get("/policies/nsp-2022-2026/sections/defence").get_data(as_text=True)
    href = _stylesheet(html)
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", href), href
    assert href == f"/static/css/app.{file_hash(ROOT / 'static/css/app.css')}.css"
    response = _fetch(client, href)
    assert response.status_code == 200
    assert response.get_data() == CSS
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.mimetype == "text/css"
    # Every script and icon of the page is hashed too.
    for ref in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert re.search(r"\.[0-9a-f]{12}\.[a-z]+$", ref), ref
        assert _fetch(client, ref).status_code == 200


def test_the_plain_name_keeps_a_short_cache(client):
    response = _fetch(client, "/static/css/app.css")
    assert response.status_code == 200 and response.get_data() == CSS
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_a_hash_that_is_not_current_is_not_found(client):
    assert client.get("/static/css/app.000000000000.css").status_code == 404
    assert client.get("/static/css/missing.0123456789ab.css").status_code == 404
    assert client.get("/static/css/missing.css").status_code == 404


def test_static_responses_keep_the_strict_csp(client, app):
    response = _fetch(client, _stylesheet(client.get("/").get_data(as_text=True)))
    assert response.headers["Content-Security-Policy"] == app.config["CONTENT_SECURITY_POLICY"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_revalidation_gets_304(client):
    href = _stylesheet(client.get("/").get_data(as_text=True))
    etag = _fetch(client, href).headers["ETag"]
    again = _fetch(client, href, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_new_content_is_a_new_name(tmp_path: Path):
    (tmp_path / "css").mkdir()
    style = tmp_path / "css" / "app.css"
    style.write_text("body { color: black; }")
    before = Manifest(tmp_path).url_name("css/app.css")
    style.write_text("body { color: navy; }")
    after = Manifest(tmp_path).url_name("css/app.css")
    assert before != after
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", after)
    assert Manifest(tmp_path).resolve(after) == ("css/app.css", True)
    assert Manifest(tmp_path).resolve(before) is None  # the old name is gone


def test_the_manifest_is_built_once_unless_debugging(tmp_path: Path):
    style = tmp_path / "app.css"
    style.write_text("a { color: red; }")
    fixed, live = Manifest(tmp_path), Manifest(tmp_path, refresh=True)
    first = fixed.url_name("app.css")
    style.write_text("a { color: darkred; }")  # a different size: the stamp changes
    assert fixed.url_name("app.css") == first  # production: hashed at start-up only
    assert live.url_name("app.css") != first  # make run: the edited file's new name
    assert live.url_name("app.css") == hashed_name("app.css", file_hash(style))


def test_the_static_version_is_part_of_the_page_cache_key(tmp_path: Path):
    (tmp_path / "a.css").write_text("a {}")
    one = Manifest(tmp_path).version()
    (tmp_path / "a.css").write_text("b {}")
    assert Manifest(tmp_path).version() != one


def test_hashing_can_be_switched_off():
    app: Flask = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "STATIC_HASHED_URLS": False}
    )
    with app.test_request_context("/"):
        from flask import url_for

        assert url_for("static", filename="css/app.css") == "/static/css/app.css"


def test_a_deploy_that_changes_a_stylesheet_is_not_hidden_by_the_page_cache(
    make_app, tmp_path: Path
):
    """A cached anonymous page links the stylesheet by its old name: after the file changes
    the page is rendered afresh with the new name (the old one is gone: 404)."""
    import shutil

    from consult.core.static_files import MANIFEST
    from consult.extensions import db
    from tests.conftest import NSP_FILE, FreshContextClient

    folder = tmp_path / "static"
    shutil.copytree(ROOT / "static", folder)
    app = make_app(CACHE_TYPE="SimpleCache")
    app.static_folder = str(folder)
    # What a restart after the deploy does, without the restart: debug-mode refresh.
    app.extensions[MANIFEST] = Manifest(folder, refresh=True)
    with app.app_context():
        from consult.policy.loader import read_policy_file
        from consult.policy.services import load_policy

        load_policy(read_policy_file(NSP_FILE))
        db.session.commit()
    app.test_client_class = FreshContextClient
    client = app.test_client()
    page = "/policies/nsp-2022-2026/sections/defence"
    first = client.get(page)
    old_href = _stylesheet(first.get_data(as_text=True))
    assert client.get(page).headers["ETag"] == first.headers["ETag"]  # from the cache

    (folder / "css" / "app.css").write_bytes(CSS + b"\n/* release 2 */\n")
    second = client.get(page)
    new_href = _stylesheet(second.get_data(as_text=True))
    assert new_href != old_href and second.headers["ETag"] != first.headers["ETag"]
    assert _fetch(client, new_href).get_data().endswith(b"/* release 2 */\n")
    assert _fetch(client, old_href).status_code == 404
