"""The web app's UI strings: every key has English and Korean text, and every key the app uses exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "rxatlas" / "web" / "static"
# t("key") in the scripts; data-i18n="key" and data-i18n-placeholder="key" in the page.
SCRIPT_KEY = re.compile(r"\bt\(\s*[\"']([\w.]+)[\"']")
PAGE_KEY = re.compile(r"data-i18n(?:-placeholder)?=\"([\w.]+)\"")
# Keys built at run time from API values (t(`status.${status}`), the HHI band map) are listed here in full.
DYNAMIC_KEYS = {"status.listed", "status.affiliate", "status.possible", "status.clear",
                "band.high", "band.moderate", "band.low"}


def _strings(lang: str) -> dict[str, str]:
    return json.loads((STATIC / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def _used_keys() -> set[str]:
    keys = set(PAGE_KEY.findall((STATIC / "index.html").read_text(encoding="utf-8")))
    for script in STATIC.glob("*.js"):
        keys |= set(SCRIPT_KEY.findall(script.read_text(encoding="utf-8")))
    return keys


def test_korean_is_complete() -> None:
    en, ko = _strings("en"), _strings("ko")
    assert sorted(set(en) - set(ko)) == [], "keys without Korean text in i18n/ko.json"
    assert sorted(set(ko) - set(en)) == [], "keys in i18n/ko.json that en.json lacks"
    assert [k for k, v in ko.items() if not v.strip()] == [], "empty Korean strings"
    assert [k for k, v in en.items() if not v.strip()] == [], "empty English strings"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_placeholders_agree(lang: str) -> None:
    en, other = _strings("en"), _strings(lang)
    names = re.compile(r"\{(\w+)\}")
    assert {k for k in en if set(names.findall(en[k])) != set(names.findall(other[k]))} == set()


def test_every_used_key_is_defined() -> None:
    used = _used_keys()
    assert len(used) > 100  # the scan finds the app's calls (a changed call pattern would find none)
    assert sorted(used - set(_strings("en"))) == [], "keys used by index.html or the scripts but not in en.json"
    assert sorted(DYNAMIC_KEYS - set(_strings("en"))) == []


def test_korean_strings_are_korean() -> None:
    ko = _strings("ko")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    # Only names and symbols may stay unchanged; every sentence-like label is written in Hangul.
    untranslated = [k for k, v in ko.items() if not hangul.search(v) and k not in {"app.title", "lang.switch"}
                    and not v.isupper() and "HHI" not in v and "DMF" not in v]
    assert untranslated == []
