"""Sounds that let a Japanese general name (katakana) meet its English JAN name.

A JAN name in katakana transliterates the English one (アトルバスタチン / ATORVASTATIN). Both sides are written
in one small sound alphabet: the consonant classes Japanese keeps apart (l = r, v = b, m = n, d = z = j) and
five vowels. The consonant key (vowels dropped) finds candidates; the whole sound ranks them.
"""

from __future__ import annotations

import re
import unicodedata

# Katakana by consonant class, each row in vowel order a i u e o ("_" where the row has no such kana).
_KANA_ROWS = (
    ("", "アイウエオ"), ("k", "カキクケコ"), ("g", "ガギグゲゴ"), ("s", "サシスセソ"), ("d", "ザジズゼゾ"),
    ("t", "タチツテト"), ("d", "ダヂヅデド"), ("n", "ナニヌネノ"), ("h", "ハヒ_ヘホ"), ("f", "__フ__"),
    ("b", "バビブベボ"), ("p", "パピプペポ"), ("n", "マミムメモ"), ("", "ヤ_ユ_ヨ"), ("r", "ラリルレロ"),
    ("", "ワ___ヲ"), ("b", "__ヴ__"),
)
_KANA = {kana: cls + vowel for cls, row in _KANA_ROWS for kana, vowel in zip(row, "aiueo", strict=True)
         if kana != "_"}
_KANA["ン"] = "n"
# Small kana change the vowel of the kana before them (ティ = ti, キョ = kyo).
_SMALL = dict(zip("ァィゥェォャュョ", "aiueoauo", strict=True))
_VOWELS = re.compile("[aiueo]")
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc]+(?: [\u30a1-\u30fa\u30fc]+)*")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]|（[^）]*）|［[^］]*］")

# English spelling -> sound, longest first; w and unknown letters carry none, y sounds as i.
_LATIN_RULES = (
    ("ph", "f"), ("th", "t"), ("ch", "k"), ("sh", "s"), ("ck", "k"), ("qu", "k"), ("x", "ks"),
    ("ce", "se"), ("ci", "si"), ("cy", "si"), ("c", "k"), ("k", "k"), ("g", "g"), ("s", "s"), ("z", "d"),
    ("j", "d"), ("d", "d"), ("t", "t"), ("n", "n"), ("m", "n"), ("h", "h"), ("f", "f"), ("b", "b"),
    ("v", "b"), ("p", "p"), ("r", "r"), ("l", "r"), ("a", "a"), ("e", "e"), ("i", "i"), ("o", "o"),
    ("u", "u"), ("y", "i"),
)
_LATIN = re.compile("|".join(re.escape(pattern) for pattern, _ in _LATIN_RULES))
_LATIN_SOUND = dict(_LATIN_RULES)


# Cations and ester groups Japanese writes after the moiety (ナトリウム = sodium), and the stems of acids that
# name a salt when they follow the moiety and precede 酸 (エリブリンメシル酸塩 = eribulin mesilate).
JAPANESE_CATIONS = (
    "ナトリウム", "カリウム", "カルシウム", "マグネシウム", "アルミニウム", "メグルミン", "アンモニウム", "リジン",
    "アルギニン", "ジエチルアミン", "エステル", "エチル", "メチル",
)
JAPANESE_ACID_STEMS = (
    "メシル", "ベシル", "トシル", "リン", "クエン", "マレイン", "フマル", "コハク", "リンゴ", "グルコン", "エデト",
    "ステアリン", "パルミチン", "エナント", "プロピオン", "フランカルボン", "キシナホ", "酪", "吉草", "安息香",
    "パモ", "ナパジシル", "トリフェニル", "ヒドロキシナフトエ",
)
_CATION_TAIL = re.compile("(?<=.)(?:" + "|".join(JAPANESE_CATIONS) + ")+$")
_ACID_TAIL = re.compile("(?<=.)(?:" + "|".join(JAPANESE_ACID_STEMS) + ")$")


def _collapse(text: str) -> str:
    return "".join(c for i, c in enumerate(text) if i == 0 or c != text[i - 1])


def katakana_sound(text: str) -> str:
    """A katakana word written in the shared sound alphabet (consonant classes and the vowels a i u e o)."""
    sound = ""
    for ch in text:
        if ch in _SMALL and sound and sound[-1] in "aiueo":
            sound = sound[:-1] + _SMALL[ch]
        else:
            sound += _KANA.get(ch, "")
    return sound


def latin_sound(text: str) -> str:
    """An English name written in the shared sound alphabet, comparable with katakana_sound."""
    letters = re.sub(r"e\b", "", re.sub(r"[^a-z ]", "", text.lower()))
    return _collapse("".join(_LATIN_SOUND[m.group(0)] for m in _LATIN.finditer(letters)))


def sound_key(sound: str) -> str:
    """The consonant key of a sound: vowels and repeats dropped (l = r, v = b, m = n, d = z = j)."""
    return _collapse(_VOWELS.sub("", sound))


def _moiety(run: str, before_acid: bool) -> str:
    """A katakana run without the salt words after its moiety; empty when the run is only a salt word."""
    if run in JAPANESE_CATIONS:
        return ""
    run = _CATION_TAIL.sub("", run)
    return _ACID_TAIL.sub("", run) if before_acid else run


def japanese_moieties(general_name: str) -> list[str]:
    """The katakana moiety words of a Japanese general name, salts and bracketed notes removed.

    A name with a middle dot (・) names a combination and gives one word per component; a name without any
    katakana moiety (a vaccine or blood product written in kanji) gives none.
    """
    text = _PARENTHESES.sub(" ", unicodedata.normalize("NFKC", general_name))
    components = []
    for part in text.split("・"):
        words = [_moiety(m.group(0).strip(), part[m.end():m.end() + 1] == "酸")
                 for m in _KATAKANA_RUN.finditer(part)]
        if moiety := " ".join(w for w in words if w):
            components.append(moiety)
    return components


# English anion and hydrate words a JAN name carries beside the moiety (cations come from the resolver's
# vocabulary); Japanese writes them in kanji (塩酸塩, 硫酸塩) or as salt katakana above.
ENGLISH_SALT_WORDS = frozenset({
    "HYDROCHLORIDE", "DIHYDROCHLORIDE", "HYDROBROMIDE", "SULFATE", "BISULFATE", "MESILATE", "MESYLATE",
    "BESILATE", "TOSILATE", "MALEATE", "FUMARATE", "CITRATE", "TARTRATE", "BITARTRATE", "LACTATE",
    "GLUCONATE", "NITRATE", "BROMIDE", "CHLORIDE", "IODIDE", "ACETATE", "OXALATE", "EDETATE", "HYDROXIDE",
    "ESTER", "DIMESILATE", "ISETIONATE", "TEPROSILATE",
})


def english_sounds(name: str, salt_words: frozenset[str]) -> set[str]:
    """The sounds of an English JAN name's moiety: as written, and with its acid or -ate ending cut
    (Japanese writes バルプロ酸 for VALPROIC ACID and ガドキセト酸ナトリウム for GADOXETATE SODIUM)."""
    words = [w for w in re.sub(r"[^A-Z ]", " ", _PARENTHESES.sub(" ", name.upper())).split()
             if w not in salt_words and w not in ENGLISH_SALT_WORDS]
    if not words:
        return set()
    variants = {" ".join(words)}
    if words[-1] == "ACID" and len(words) > 1:
        variants.add(" ".join([*words[:-2], re.sub(r"IC$", "", words[-2])]))
    if words[-1].endswith("ATE"):
        variants.add(" ".join([*words[:-1], words[-1][:-3]]))
    return {sound for v in variants if (sound := latin_sound(v))}
