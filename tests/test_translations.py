"""Vietnamese is the default language: every msgid must be translated, none fuzzy, and the
committed .mo must be the compiled .po (so `make run` needs no gettext tools)."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(po.translated_entries()) > 100


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
