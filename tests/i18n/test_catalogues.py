"""Every catalogue of ours is complete in every language the portal offers: msgfmt counts no
untranslated and no fuzzy message, its placeholders match (``--check``), and the compiled
catalogue the portal loads holds the same messages as its source."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
ROOTS = [BASE_DIR / "locale", *sorted(p for p in BASE_DIR.glob("*/locale") if p.is_dir())]
CATALOGUES = [
    pytest.param(
        root / code / "LC_MESSAGES" / "django.po", id=f"{root.relative_to(BASE_DIR)}-{code}"
    )
    for root in ROOTS
    for code in TRANSLATED
]
msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is absent")


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("root", ROOTS, ids=lambda root: str(root.relative_to(BASE_DIR)))
def test_every_language_has_its_catalogue(root, code):
    assert (root / code / "LC_MESSAGES" / "django.po").exists()


@msgfmt
@pytest.mark.parametrize("po", CATALOGUES)
def test_msgfmt_counts_no_untranslated_or_fuzzy_message(po, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert "translated message" in statistics
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


@msgfmt
@pytest.mark.parametrize("po", CATALOGUES)
def test_the_compiled_catalogue_matches_its_source(po, tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as new, po.with_suffix(".mo").open("rb") as committed:
        expected = gettext.GNUTranslations(new)._catalog  # type: ignore[attr-defined]
        loaded = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in set(expected) ^ set(loaded))
    changed = sorted(str(k) for k in set(expected) & set(loaded) if expected[k] != loaded[k])
    assert not stale and not changed, (
        f"{po}: run `manage.py compilemessages` ({len(stale)} missing or extra, "
        f"{len(changed)} changed): {(stale + changed)[:5]}"
    )
