"""Vietnamese is the default language and locale/vi/LC_MESSAGES/django.po is the one source of
its translations: every msgid must be translated, none fuzzy, the .po must hold exactly the
msgids `make messages` extracts from the code, and the committed .mo must be the compiled .po
(so `make run` and `make test` need no gettext tools)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"

Key = tuple[str | None, str, str]


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert len(po.translated_entries()) > 1500
    plural_without_form = [e.msgid for e in po if e.msgid_plural and not e.msgstr_plural.get(0)]
    assert plural_without_form == []
    assert po.metadata["Language"] == "vi"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"


def test_each_message_appears_once():
    po = polib.pofile(str(PO))
    keys = [_key(e) for e in po]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def test_compiled_catalog_is_up_to_date():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo
    }
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po.translated_entries()
    }
    assert compiled == expected


def _makefile_ignores() -> list[str]:
    """The --ignore options of `make messages` (MESSAGES_IGNORE in the Makefile)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(row for row in text.splitlines() if row.startswith("MESSAGES_IGNORE :="))
    return shlex.split(line.split(":=", 1)[1])


# Not copied for the extraction: version control, the virtualenv, caches and run-time files.
_NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "var",
    "media",
    "staticfiles",
    "test-artifacts",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
    "*.pyc",
)


def test_catalog_holds_exactly_the_messages_of_the_code(tmp_path):
    """`makemessages` run on a copy of the project (about 5 s) finds no msgid the .po lacks and
    none the .po has but the code no longer uses: the .po is what `make messages` makes."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        from conftest import _require

        _require("GNU gettext", "xgettext/msgmerge not installed (apt-get install gettext)")
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=_NOT_COPIED)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete"]
        + _makefile_ignores(),
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = {_key(e) for e in polib.pofile(str(PO))}
    extracted = {_key(e) for e in polib.pofile(str(copy / PO.relative_to(ROOT)))}
    assert sorted(extracted - committed, key=str) == [], "run `make messages` and translate"
    assert sorted(committed - extracted, key=str) == [], "run `make messages`"
