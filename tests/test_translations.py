"""The UI catalogs: complete, not fuzzy, placeholders intact, compiled files current."""

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ["kk", "ru"]


def catalog(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def template_ids():
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_ui_string_is_translated_and_none_is_fuzzy(lang):
    cat = catalog(lang)
    problems = []
    for m in cat:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings):
            problems.append(f"untranslated: {m.id!r}")
        if m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
    assert problems == []
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}
    assert template_ids() <= ids, "run `flask i18n update`: the catalog lacks strings"


@pytest.mark.parametrize("lang, forms", [("kk", 2), ("ru", 3)])
def test_plural_forms(lang, forms):
    cat = catalog(lang)
    assert cat.num_plurals == forms
    for m in cat:
        if isinstance(m.id, tuple):
            assert len(m.string) == forms and all(m.string)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang):
    import re

    pattern = re.compile(r"%\([a-z_]+\)[sd]")
    for m in catalog(lang):
        if not m.id:
            continue
        source = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(pattern.findall(" ".join(source)))
        for s in strings:
            assert set(pattern.findall(s)) <= wanted | {"%(num)d"}, (m.id, s)
            assert set(pattern.findall(s)) >= wanted - {"%(num)d"}, (m.id, s)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_is_up_to_date(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    source = {_key(m.id): _key(m.string) for m in catalog(lang) if m.id}
    assert compiled == source, "run `flask i18n compile`"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value
