"""The catalogues are complete, current and compiled.

A fresh machine may lack gettext, so the compiled .mo files are committed;
these tests fail when a string is untranslated, fuzzy, obsolete, missing
from the catalogue, or when a .mo no longer matches its .po.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


def test_both_languages_have_a_catalogue():
    assert {p.parent.parent.name for p in CATALOGUES} == {"zh_Hans", "en"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_catalogue_is_fully_translated(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    obsolete = [e.msgid for e in catalogue.obsolete_entries()]
    assert (untranslated, fuzzy, obsolete) == ([], [], [])


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_compiled_catalogue_matches_source(po_path):
    source = polib.pofile(str(po_path))
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))

    def entries(catalogue):
        return {
            (e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalogue
            if not e.obsolete and "fuzzy" not in e.flags and e.msgid
        }

    assert entries(compiled) == entries(source)


def test_catalogue_holds_every_string_of_the_code(tmp_path):
    """makemessages over a copy of the tree must find nothing new."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("gettext is not installed, and CI=true requires it")
        pytest.skip("gettext is not installed")
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT, tree,
        ignore=shutil.ignore_patterns(".venv", ".git", "media", ".test-media", "staticfiles", "*.sqlite3", "node_modules", "__pycache__"),
    )
    env = {**os.environ, "FENGQIAO_TESTING": "1", "DJANGO_SETTINGS_MODULE": "policing.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete",
         "--ignore", ".venv/*", "--ignore", "tests/*"],
        cwd=tree, env=env, check=True, capture_output=True, timeout=300,
    )
    for po_path in CATALOGUES:
        fresh = polib.pofile(str(tree / po_path.relative_to(ROOT)))
        known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)) if not e.obsolete}
        missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
        stale = sorted(m for c, m in known if (c, m) not in {(e.msgctxt, e.msgid) for e in fresh})
        assert (missing, stale) == ([], []), po_path
