"""The Urdu catalogue is complete, compiled and sound, and the site switches language.

When a catalogue test fails after strings were added or changed: run `make translations`,
translate the listed entries in translations/ur/LC_MESSAGES/messages.po (no "fuzzy" flags),
and run `make translations` again to compile messages.mo.
"""

from __future__ import annotations

import configparser
import fnmatch
import os
import re
from collections import Counter
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask.testing import FlaskClient

from consult import ROOT
from tests.helpers import assert_redirect

TRANSLATIONS = ROOT / "translations"
UR_PO = TRANSLATIONS / "ur" / "LC_MESSAGES" / "messages.po"
UR_MO = TRANSLATIONS / "ur" / "LC_MESSAGES" / "messages.mo"
FIX = "Run `make translations`, translate these in {po}, then run `make translations` again."

# The same keywords and skipped directories as the Makefile's `translations` target.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
IGNORED_DIRS = (".*", "__pycache__", "node_modules")

# A %-format conversion, or a stray % that would break formatting.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[hlL]?[diouxXeEfFgGcrsa%]|%")

MsgKey = tuple[str, str | None]  # (msgid, context)

SECTIONS_SUMMARY = "Sections: %(sections)d. Objectives: %(objectives)d."


def method_map() -> list[tuple[str, str]]:
    """The (pattern, method) pairs of babel.cfg, in order."""
    parser = configparser.RawConfigParser()
    parser.read(ROOT / "babel.cfg", encoding="utf-8")
    pairs = []
    for section in parser.sections():
        if section == "extractors":
            continue
        method, pattern = (part.strip() for part in section.split(":", 1))
        pairs.append((pattern, method))
    return pairs


def keep_directory(path: str) -> bool:
    name = os.path.basename(path)
    return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_DIRS)


@cache
def extracted() -> dict[MsgKey, tuple[tuple[str, ...], list[str]]]:
    """Every translatable message in the source: key -> (msgid[, msgid_plural], places)."""
    found: dict[MsgKey, tuple[tuple[str, ...], list[str]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map=method_map(),
        keywords=KEYWORDS,
        directory_filter=keep_directory,
    ):
        ids = tuple(m for m in message if m) if isinstance(message, tuple) else (message,)
        if not ids or not ids[0]:
            continue
        key = (ids[0], context)
        previous_ids, places = found.get(key, (ids, []))
        found[key] = (max(previous_ids, ids, key=len), [*places, f"{filename}:{lineno}"])
    return found


@cache
def urdu() -> Catalog:
    with UR_PO.open("rb") as f:
        return read_po(f, locale="ur")


def ur(msgid: str) -> str:
    """The Urdu text the catalogue holds for `msgid`."""
    message = urdu().get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not in the Urdu catalogue"
    return message.string


@cache
def compiled_urdu() -> Translations:
    """The compiled catalogue, as the app reads it (plural choice included)."""
    return Translations.load(str(TRANSLATIONS), ["ur"])


def describe(key: MsgKey) -> str:
    msgid, context = key
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


# --- The catalogue ------------------------------------------------------------------------


def test_extraction_finds_python_and_template_strings():
    """Guard the test itself: a broken method map would make the completeness check vacuous."""
    places = [place for _ids, found_at in extracted().values() for place in found_at]
    assert any(p.startswith("consult/") and ".py:" in p for p in places)
    assert any(p.startswith("templates/") for p in places)
    assert any(p.startswith("templates/_macros/") for p in places), (
        "templates/_macros is skipped: Babel ignores directories starting with '_' "
        "unless the directory filter is replaced"
    )
    assert ("Policies open for your views", None) in extracted()
    assert ("Province or region", None) in extracted()  # lazy_gettext via _l


def test_every_source_message_has_an_urdu_translation():
    catalog = urdu()
    problems = []
    for key, (ids, places) in sorted(
        extracted().items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        where = ", ".join(places)
        message = catalog.get(*key)
        if message is None:
            problems.append(f"{describe(key)}: not in the catalogue ({where})")
        elif message.fuzzy:
            problems.append(f"{describe(key)}: marked fuzzy ({where})")
        elif len(ids) > 1 and not message.pluralizable:
            problems.append(f"{describe(key)}: needs plural forms ({where})")
        elif isinstance(message.string, tuple) and not all(s.strip() for s in message.string):
            problems.append(f"{describe(key)}: a plural form is empty ({where})")
        elif not message.string or not str(message.string).strip():
            problems.append(f"{describe(key)}: no translation ({where})")
    assert not problems, (
        f"{len(problems)} message(s) lack an Urdu translation. "
        + FIX.format(po=UR_PO.relative_to(ROOT))
        + "\n  "
        + "\n  ".join(problems)
    )


def test_catalogue_header_and_no_fuzzy_entries():
    catalog = urdu()
    assert catalog.locale_identifier == "ur"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries are not used at run time, translate them: {fuzzy}"
    obsolete = list(catalog.obsolete)
    assert not obsolete, f"obsolete entries left in the catalogue: {obsolete}"


def test_compiled_catalogue_matches_the_po_file():
    def compiled(catalog: Catalog) -> dict:
        # What pybabel compile keeps: translated, non-fuzzy messages. (read_mo gives lists.)
        def frozen(value):
            return tuple(value) if isinstance(value, list) else value

        return {
            (frozen(m.id), m.context): frozen(m.string)
            for m in catalog
            if m.id and m.string and not m.fuzzy
        }

    assert UR_MO.exists(), f"{UR_MO.relative_to(ROOT)} is missing: run `make translations`"
    with UR_MO.open("rb") as f:
        mo = compiled(read_mo(f))
    po = compiled(urdu())
    stale = sorted(str(k[0]) for k in po.keys() ^ mo.keys()) + sorted(
        str(k[0]) for k in po.keys() & mo.keys() if po[k] != mo[k]
    )
    assert not stale, (
        f"{UR_MO.relative_to(ROOT)} is out of date with the .po file; run `make translations`."
        f" Differing msgids: {stale}"
    )


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_translations_keep_the_placeholders():
    problems = []
    for message in urdu():
        if not message.id or not message.string:
            continue
        if message.pluralizable:
            singular, plural = message.id[0], message.id[1]
            for form, text in enumerate(message.string):
                source = singular if form == 0 else plural
                if text and placeholders(text) != placeholders(source):
                    problems.append(f"{source!r} -> plural form {form} {text!r}")
        elif placeholders(message.string) != placeholders(message.id):
            problems.append(f"{message.id!r} -> {message.string!r}")
    assert not problems, "placeholders differ from the msgid:\n  " + "\n  ".join(problems)


# --- The site in Urdu ---------------------------------------------------------------------


def html_of(client: FlaskClient, path: str, **kwargs: object) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def test_home_in_urdu_from_the_cookie(client, nsp):
    client.set_cookie("lang", "ur")
    html = html_of(client, "/", headers={"Accept-Language": "en"})
    assert '<html lang="ur" dir="rtl">' in html
    assert f"<h1>{ur('Policies open for your views')}</h1>" in html
    assert "Policies open for your views" not in html
    assert ur("Open for feedback") in html
    # Policy text comes from the data file, which has no Urdu yet.
    assert "National Security Policy of Pakistan 2022-2026" in html


@pytest.mark.parametrize("accept", ["ur", "ur-PK,ur;q=0.9,en;q=0.8"])
def test_accept_language_urdu_defaults_to_urdu(client, accept):
    html = html_of(client, "/", headers={"Accept-Language": accept})
    assert '<html lang="ur" dir="rtl">' in html
    assert ur("Policies open for your views") in html


@pytest.mark.parametrize("accept", ["en", "en-GB,en;q=0.9", "fr", None])
def test_english_left_to_right_without_a_cookie(client, accept):
    headers = {"Accept-Language": accept} if accept else {}
    html = html_of(client, "/", headers=headers)
    assert '<html lang="en" dir="ltr">' in html
    assert "<h1>Policies open for your views</h1>" in html


def test_cookie_wins_over_accept_language(client):
    client.set_cookie("lang", "en")
    html = html_of(client, "/", headers={"Accept-Language": "ur"})
    assert '<html lang="en" dir="ltr">' in html


def test_choosing_urdu_sets_the_cookie_and_returns_to_the_page(client, nsp):
    response = client.get("/language/ur?next=/policies/nsp-2022-2026")
    assert_redirect(response, "/policies/nsp-2022-2026")
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "ur"
    assert cookie.http_only

    html = html_of(client, response.headers["Location"])
    assert '<html lang="ur" dir="rtl">' in html
    assert ur("Vision") in html
    sections, objectives = len(nsp.sections), sum(len(s.objectives) for s in nsp.sections)
    summary = compiled_urdu().gettext(SECTIONS_SUMMARY)
    assert summary != SECTIONS_SUMMARY
    assert summary % {"sections": sections, "objectives": objectives} in html
    each = compiled_urdu().ngettext("%(num)d objective", "%(num)d objectives", 7)
    assert each % {"num": 7} in html  # Human Security has seven objectives

    response = client.get("/language/en?next=/policies/nsp-2022-2026")
    assert client.get_cookie("lang").value == "en"
    assert '<html lang="en" dir="ltr">' in html_of(client, response.headers["Location"])


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_choosing_a_language_never_redirects_off_site(client, target):
    response = client.get("/language/ur", query_string={"next": target})
    assert_redirect(response, "/")
    assert client.get_cookie("lang").value == "ur"


def test_unknown_language_is_not_found_and_sets_no_cookie(client):
    response = client.get("/language/xx?next=/")
    assert response.status_code == 404  # F10: refused, not silently ignored
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    assert client.get_cookie("lang") is None
    assert '<html lang="en" dir="ltr">' in html_of(client, "/", headers={"Accept-Language": "en"})


def test_policy_text_stays_english_while_the_interface_is_urdu(client, nsp):
    client.set_cookie("lang", "ur")
    html = html_of(client, "/policies/nsp-2022-2026/sections/human-security")
    assert '<html lang="ur" dir="rtl">' in html
    assert "Human Security" in html  # the section title, from the data file
    assert f'<h2 id="objectives-title">{ur("Objectives")}</h2>' in html
    assert ">Objectives<" not in html
    assert ur("Goal") in html
    total = len(nsp.sections)
    assert ur("Section %(num)d of %(total)d") % {"num": total, "total": total} in html
