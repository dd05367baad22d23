"""Static files under names that carry a hash of their content, cached for a year.

`url_for('static', filename='css/app.css')` gives `/static/css/app.3f2a9c1e04b7.css`: the
12 hex digits are the start of the file's SHA-256, from a manifest built once when the app
is built. A new version of a file is a new name, so a browser or proxy may keep a hashed
name forever (`Cache-Control: public, max-age=31536000, immutable`) and a phone on a slow
line fetches the stylesheet once per release instead of revalidating it on every page.
The plain name keeps working with a short lifetime, for links from outside; a name whose
hash is not the current one is a 404, never the current file under an old name (a proxy
would keep that pairing for a year). Templates do not change: a `url_defaults` callback
rewrites the static endpoint's filename, and the static view maps it back.

In debug mode (`make run`) a file edited while the server runs is hashed again when its
size or modification time changes, so the page links the edited version.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, send_from_directory

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
# name.<hash>.ext, the hash lowercase hex of HASH_LENGTH digits.
_HASHED = re.compile(
    r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{" + str(HASH_LENGTH) + r"})(?P<suffix>\.[^./]+)$"
)
MANIFEST = "consult.static_manifest"


@dataclass
class _Entry:
    digest: str
    stamp: tuple[int, int]  # (size, mtime_ns) when hashed


def file_hash(path: Path) -> str:
    """The first HASH_LENGTH hex digits of the SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()[:HASH_LENGTH]


def hashed_name(filename: str, digest: str) -> str:
    """`css/app.css` -> `css/app.<digest>.css` (a name without a suffix is left alone)."""
    path = Path(filename)
    if not path.suffix or path.name.startswith("."):
        return filename
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


class Manifest:
    """Relative name -> content hash of every file under the static folder."""

    def __init__(self, folder: Path, *, refresh: bool = False) -> None:
        self.folder = folder
        self.refresh = refresh
        self.entries: dict[str, _Entry] = {}
        self._version: str | None = None
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    name = path.relative_to(folder).as_posix()
                    self.entries[name] = _Entry(file_hash(path), _stamp(path))

    def digest(self, filename: str) -> str | None:
        entry = self.entries.get(filename)
        if entry is None:
            return None
        if self.refresh:
            path = self.folder / filename
            try:
                stamp = _stamp(path)
            except OSError:
                return None
            if stamp != entry.stamp:
                entry.digest, entry.stamp = file_hash(path), stamp
                self._version = None
        return entry.digest

    def url_name(self, filename: str) -> str:
        digest = self.digest(filename)
        return hashed_name(filename, digest) if digest else filename

    def resolve(self, requested: str) -> tuple[str, bool] | None:
        """(real name, hashed?) for a requested name; None when the hash is not current."""
        if requested in self.entries:
            return requested, False
        match = _HASHED.match(requested)
        if match is None:
            return requested, False  # not ours: send_from_directory answers (a 404)
        real = match["stem"] + match["suffix"]
        if self.digest(real) != match["hash"]:
            return None
        return real, True

    def version(self) -> str:
        """One digest of every name and hash: changes when any static file does."""
        if self.refresh:
            for name in self.entries:
                self.digest(name)  # notice an edited file (debug mode only)
        if self._version is None:
            joined = "\n".join(f"{name} {e.digest}" for name, e in sorted(self.entries.items()))
            self._version = hashlib.sha256(joined.encode("utf-8")).hexdigest()[:HASH_LENGTH]
        return self._version


def manifest() -> Manifest:
    return current_app.extensions[MANIFEST]


def assets_version() -> str:
    """The static files' version, for caches of HTML that links them (`page_cache`)."""
    return manifest().version()


def init_app(app: Flask) -> None:
    """Build the manifest and serve the static endpoint through it (call after the app has
    its static route, i.e. any time after Flask() is created)."""
    if not app.static_folder or "static" not in app.view_functions:
        return
    app.extensions[MANIFEST] = Manifest(Path(app.static_folder), refresh=app.debug)
    if not app.config.get("STATIC_HASHED_URLS", True):
        return

    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest().url_name(values["filename"])

    app.view_functions["static"] = _serve


def _serve(filename: str) -> Response:
    """The static view: a current hashed name for a year, a plain name for a short while."""
    app = current_app
    found = manifest().resolve(filename)
    if found is None:
        abort(404)
    real, hashed = found
    max_age = None if hashed else int(app.config.get("STATIC_MAX_AGE", 300))
    response = send_from_directory(str(app.static_folder), real, max_age=max_age)
    if hashed:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response
